"""The store behind the app, chosen by one setting (``store``): three backends, one seam.

- in memory (the default): an embedded Oxigraph store loaded with the validated data at start;
- on disk (a directory): an embedded Oxigraph store, reopened without reloading while its data
  version matches the files;
- remote (an ``http(s)://`` SPARQL 1.1 query endpoint): any engine loaded by ``talentkg load``;
  :class:`talentkg.remote.store.RemoteStore` answers the part of pyoxigraph's ``Store`` API used here.

``GraphStore.ox`` is the pyoxigraph ``Store`` (or the remote stand-in): pyoxigraph answers requests
(SPARQL text in, serialised bytes out, all in Rust). An embedded store is also visible to rdflib
through oxrdflib for Python code that wants rdflib terms. Queries are always passed to Oxigraph as
text: oxrdflib refuses pre-parsed rdflib queries and rdflib would then silently fall back to its
own, far slower engine.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox
from rdflib import Dataset

from talentkg.errors import StoreNotCurrent
from talentkg.pipeline import PreparedData, quads_of

REMOTE_GRACE = 5.0  # seconds a request to a remote store may outlast the query time limit (the worker is killed first)
STAMP_FILE = "talentkg.json"  # beside RocksDB's own files in the store directory

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE, "ttl": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES, "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS, "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD, "json-ld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML, "xml": ox.RdfFormat.RDF_XML, "rdf": ox.RdfFormat.RDF_XML,
}


@dataclass
class StoreInfo:
    version: str
    loaded_at: float
    reused: bool  # an on-disk store reopened without reloading


class GraphStore:
    """A loaded, read-only-by-convention store and what is known about its content."""

    def __init__(self, store: Any, info: StoreInfo, path: Path | None = None, backend: str = "memory") -> None:
        self.ox = store  # a pyoxigraph Store, or a RemoteStore offering the same methods
        self.info = info
        self.path = path
        self.backend = backend  # "memory", "disk" or "remote"

    @property
    def is_remote(self) -> bool:
        return self.backend == "remote"

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def in_memory(cls, prepared: PreparedData) -> "GraphStore":
        store = ox.Store()
        store.extend(quads_of(prepared.nquads))  # keeps the blank node labels (load renames them)
        return cls(store, StoreInfo(prepared.version, time.time(), reused=False))

    @classmethod
    def on_disk(cls, path: Path, prepared_version: str, prepare: Any) -> "GraphStore":
        """Open ``path``; (re)load only when its data version differs from the files'.

        ``prepare`` is called (and may raise ValidationFailed) only when a reload is needed.
        """
        path = Path(path)
        stamp = _read_stamp(path)
        if stamp.get("version") == prepared_version:
            try:
                store = ox.Store.read_only(str(path))
            except OSError:
                store = None
            if store is not None:
                return cls(store, StoreInfo(prepared_version, stamp.get("loaded_at", time.time()), reused=True), path,
                           "disk")
        prepared: PreparedData = prepare()
        tmp = path.with_name(path.name + ".loading")
        shutil.rmtree(tmp, ignore_errors=True)
        store = ox.Store(str(tmp))
        store.bulk_extend(quads_of(prepared.nquads))  # keeps the blank node labels (bulk_load renames them)
        store.flush()
        store.optimize()  # a freshly bulk-loaded store read-only is several times slower until compacted
        del store
        loaded_at = time.time()
        (tmp / STAMP_FILE).write_text(json.dumps({"version": prepared.version, "loaded_at": loaded_at}))
        shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)
        store = ox.Store.read_only(str(path))
        return cls(store, StoreInfo(prepared.version, loaded_at, reused=False), path, "disk")

    @classmethod
    def remote(cls, endpoint: str, version: str, *, user_agent: str, timeout: float,
               union: bool = False) -> "GraphStore":
        """The remote store behind the query ``endpoint``, if it holds the validated data of ``version``.

        Raises StoreNotCurrent when it holds no talentkg data, or another version: run
        ``talentkg load --store URL`` first. Nothing is loaded from here. ``union``: the engine's default
        graph is already the union of its graphs (see RemoteStore).
        """
        from talentkg.remote import record
        from talentkg.remote.http import public
        from talentkg.remote.store import RemoteStore

        held = record.read(endpoint, user_agent=user_agent)
        if held is None:
            raise StoreNotCurrent(
                f"the remote store at {public(endpoint)} holds no talentkg data (or a load is in progress); "
                f"run `talentkg load --store {public(endpoint)}` first")
        if held.version != version:
            raise StoreNotCurrent(
                f"the remote store at {public(endpoint)} holds data version {held.version}, but the files here "
                f"are version {version}; run `talentkg load --store {public(endpoint)}` to validate and load them")
        store = RemoteStore(endpoint, held.graphs, user_agent=user_agent, timeout=timeout, union_default=union)
        return cls(store, StoreInfo(version, held.loaded_at, reused=True), None, "remote")

    # -- querying --------------------------------------------------------------------------
    def query(self, text: str, **options: Any) -> Any:
        """Evaluate SPARQL text with Oxigraph; the default graph is the union of all graphs."""
        if "default_graph" not in options:
            options.setdefault("use_default_graph_as_union", True)
        return self.ox.query(text, **options)

    def rdflib(self) -> Dataset:
        """The same store seen through rdflib (oxrdflib); pass queries as strings."""
        from oxrdflib import OxigraphStore

        from talentkg.namespaces import PREFIXES

        if self.is_remote:
            raise TypeError("the rdflib view is for embedded stores; query a remote store with SPARQL")

        ds = Dataset(store=OxigraphStore(store=self.ox), default_union=True)
        for prefix, ns in PREFIXES.items():
            ds.bind(prefix, ns)
        return ds

    # -- describing ------------------------------------------------------------------------
    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs())

    def triples_per_graph(self) -> dict[str, int]:
        counts = {}
        for row in self.ox.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
            counts[row["g"].value] = int(row["n"].value)
        return dict(sorted(counts.items()))

    def instances_per_class(self) -> dict[str, int]:
        rows = self.ox.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c",
                             use_default_graph_as_union=True)
        return {row["c"].value: int(row["n"].value) for row in rows}

    def triple_count(self) -> int:
        return sum(self.triples_per_graph().values())

    def sorted_quads(self, graph: str | None = None) -> list[ox.Quad]:
        """Every quad (of ``graph``), sorted by graph, then triple.

        Dumps are written from this: an in-memory store lists its quads in another order in every
        process, and the same data must give the same bytes (a dump's checksum is published and cited).
        """
        quads = self.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph) if graph else None)
        return sorted(quads, key=lambda q: (str(q.graph_name), str(q.triple)))

    def sorted_triples(self, graph: str | None = None) -> list[ox.Triple]:
        """Every triple (of ``graph``) once, sorted: the union of the graphs, for formats without graphs."""
        quads = self.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph) if graph else None)
        return sorted({q.triple for q in quads}, key=str)

    def export(self, fmt: str, graph: str | None = None) -> bytes:
        rdf_format = RDF_FORMATS[fmt]
        items = self.sorted_quads(graph) if rdf_format.supports_datasets else self.sorted_triples(graph)
        return ox.serialize(items, format=rdf_format, prefixes=_prefixes(rdf_format)) or b""


def _prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return None
    from talentkg.namespaces import PREFIXES

    return dict(PREFIXES)


def _read_stamp(path: Path) -> dict:
    try:
        return json.loads((Path(path) / STAMP_FILE).read_text())
    except (OSError, ValueError):
        return {}


def stored_version(path: Path) -> str | None:
    """The data version recorded beside an on-disk store, or None."""
    return _read_stamp(path).get("version")


def is_url(location: str | None) -> bool:
    return bool(location) and location.split(":", 1)[0].lower() in ("http", "https")  # type: ignore[union-attr]


def open_store(config: Any, *, progress: Any = None, use_cache: bool = True) -> GraphStore:
    """Open the configured store with validated data.

    Raises ValidationFailed on invalid data, StoreNotCurrent when a remote store does not hold the
    validated data of these files.
    """
    from talentkg.loading import discover, version_of
    from talentkg.pipeline import prepare

    location = config.store_location
    if is_url(location):
        return GraphStore.remote(location, version_of(discover(config)), user_agent=config.user_agent,
                                 timeout=config.query_timeout + REMOTE_GRACE, union=config.store_union)
    if location:
        version = version_of(discover(config))
        return GraphStore.on_disk(Path(location), version,
                                  lambda: prepare(config, use_cache=use_cache, progress=progress))
    return GraphStore.in_memory(prepare(config, use_cache=use_cache, progress=progress))


def iter_graph_names(store: GraphStore) -> Iterable[str]:
    return store.graphs()
