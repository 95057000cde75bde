"""``RemoteStore``: the part of pyoxigraph's ``Store`` API talentkg uses, answered by a remote engine.

``query`` sends SPARQL text through the SPARQL 1.1 Protocol and returns pyoxigraph's own result
objects (``QuerySolutions``, ``QueryBoolean``, parsed by ``ox.parse_query_results``) or
:class:`RemoteTriples` (N-Triples, iterable and serialisable like ``QueryTriples``), so evaluation,
the row cap, the query workers and the saved queries run unchanged. ``quads_for_pattern``,
``named_graphs`` and ``contains_named_graph`` serve the linked-data site.

What the embedded store does through options, the remote gets in the request:

- *Dataset.* talentkg's default graph is the union of its named graphs; an engine may not do that
  (or may add graphs that are not ours), so the graphs are named explicitly as ``default-graph-uri``
  and ``named-graph-uri`` unless the query has a FROM of its own or the client gave a dataset.
  The record graph (see :mod:`talentkg.remote.record`) is never among them. That costs the engine:
  ``oxigraph serve`` answered heavy queries 1.7–3.6× slower with six graphs named than with its own
  union default graph. With ``union_default`` (setting ``store_union``) no graph is named: for an
  engine whose default graph is the union of its graphs and that holds talentkg's data alone; the
  record graph's few triples are then part of the default graph.
- *Predeclared prefixes* become ``PREFIX`` declarations, *parameters* a ``VALUES`` block opening the
  WHERE clause (the SEP-0007 substitution Oxigraph applies, written as text).
- *Syntax.* The query is parsed by pyoxigraph first (on an empty store, with SERVICE targets pointed
  nowhere), so syntax errors read the same on every backend and the engine only ever gets queries.
- *Row cap.* With ``max_rows`` (an extension of the ``Store`` API) a SELECT is read as TSV and a graph
  as N-Triples, one row per line, and reading stops past the cap: a huge answer is never downloaded.

Only the query endpoint is ever called, and only with ``query=``: nothing here can update the
remote. Every request carries a timeout; a query worker past its time limit is killed anyway.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any, Iterable, Iterator, NamedTuple, Sequence
from urllib.parse import urlencode

import pyoxigraph as ox
from cachetools import LRUCache

from talentkg.errors import StoreUnavailable
from talentkg.remote import http
from talentkg.sparql.evaluation import first_lines
from talentkg.sparql.guard import analyse, bind_values, rewrite_services

#: A graph no engine holds: the default graph of a dataset that must be empty.
EMPTY_GRAPH = "urn:talentkg:empty-graph"
#: Where SERVICE clauses point while pyoxigraph checks a query's syntax: never called over the network.
NOWHERE = "urn:talentkg:service-not-called"
SELECT_ACCEPT = ("text/tab-separated-values, application/sparql-results+json;q=0.9, "
                 "application/sparql-results+xml;q=0.8")
ASK_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
SPARQL_QUERY = {"Content-Type": "application/sparql-query; charset=utf-8"}
#: A subject's quads are fetched all at once (the site asks for them property by property) up to this many.
STAR_LIMIT = 5_000
CHUNK = 1 << 16
TOO_BIG = object()  # cached for a subject with more than STAR_LIMIT quads


class RemoteTriples:
    """The answer to a CONSTRUCT or DESCRIBE, held as N-Triples; iterable and serialisable like QueryTriples."""

    def __init__(self, ntriples: bytes) -> None:
        self.ntriples = ntriples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES))

    def serialize(self, output: Any = None, format: ox.RdfFormat | None = None) -> bytes | None:  # noqa: A002
        fmt = format or ox.RdfFormat.N_TRIPLES
        if fmt == ox.RdfFormat.N_TRIPLES and output is None:
            return self.ntriples
        triples: Iterable[Any] = self
        if fmt.supports_datasets:
            triples = (ox.Quad(t.subject, t.predicate, t.object) for t in self)
        return ox.serialize(triples, output, format=fmt)


class RemoteStore:
    """A remote SPARQL 1.1 query endpoint holding talentkg's named ``graphs`` (read-only)."""

    def __init__(self, endpoint: str, graphs: Sequence[str], *, user_agent: str, timeout: float,
                 cache_quads: int = 200_000, union_default: bool = False) -> None:
        self.endpoint = endpoint
        self.graphs = tuple(graphs)
        self.union_default = union_default
        self.user_agent = user_agent
        self.timeout = timeout
        self.cache_quads = cache_quads
        self._pid = -1
        self._parser: ox.Store | None = None
        self._lock = threading.Lock()
        self._cache: LRUCache = LRUCache(maxsize=1)

    # -- the Store API -------------------------------------------------------------------------------
    def query(self, query: str, *, base_iri: str | None = None, prefixes: dict[str, str] | None = None,
              use_default_graph_as_union: bool = False, default_graph: Any = None, named_graphs: Any = None,
              substitutions: dict[ox.Variable, Any] | None = None,
              max_rows: int | None = None) -> ox.QuerySolutions | ox.QueryBoolean | RemoteTriples:
        """Evaluate ``query`` on the remote engine, with the options of ``pyoxigraph.Store.query``.

        Raises SyntaxError (the query does not parse), RuntimeError (the engine could not evaluate
        it: its own message) or StoreUnavailable (the engine cannot be reached or is unavailable).
        ``max_rows``: read at most this many solutions or triples; the rest is not downloaded.
        """
        shape = analyse(query, max_depth=10**9)
        parsed_form = self._check_syntax(query, shape, base_iri, prefixes, substitutions)
        form = shape.form or parsed_form
        text = _prologue(base_iri, prefixes) + (bind_values(query, _values(substitutions)) if substitutions else query)
        dataset = self._dataset(shape.has_dataset_clause, use_default_graph_as_union, default_graph, named_graphs)
        if form == "ASK":
            return self._results(self._post(text, dataset, ASK_ACCEPT), None)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return self._triples(self._post(text, dataset, GRAPH_ACCEPT), max_rows)
        return self._results(self._post(text, dataset, SELECT_ACCEPT), max_rows)

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any,  # noqa: A002
                          graph_name: Any = None) -> Iterator[ox.Quad]:
        """The quads matching a pattern (None matches anything); all but a whole-graph scan sorted and cached."""
        terms = (subject, predicate, object, graph_name)
        if any(isinstance(t, ox.BlankNode) for t in terms) or isinstance(graph_name, ox.DefaultGraph):
            return iter(())  # blank node labels do not survive requests; talentkg's data is in named graphs
        graphs = self.graphs if graph_name is None else tuple(g for g in self.graphs if g == graph_name.value)
        if not graphs:
            return iter(())
        if isinstance(subject, ox.NamedNode):
            star = self._subject(subject)
            if star is not None:
                return (q for q in star if (predicate is None or q.predicate == predicate)
                        and (object is None or q.object == object)
                        and (graph_name is None or q.graph_name == graph_name))
        if subject is None and predicate is None and object is None:
            return self._scan(graphs)
        return iter(self._pattern(subject, predicate, object, graphs))

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return (ox.NamedNode(g) for g in self.graphs)

    def contains_named_graph(self, graph_name: Any) -> bool:
        return isinstance(graph_name, ox.NamedNode) and graph_name.value in self.graphs

    def ping(self, timeout: float = 5.0) -> None:
        """Raise StoreUnavailable unless the engine answers a trivial query within ``timeout`` seconds."""
        response = http.send("POST", self.endpoint, body=b"ASK {}", headers={"Accept": ASK_ACCEPT, **SPARQL_QUERY},
                             user_agent=self.user_agent, timeout=timeout, what="the remote store")
        if response.status != 200:
            raise StoreUnavailable(f"the remote store at {http.public(self.endpoint)} answered "
                                   f"{response.status} to ASK {{}}")

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(rows))["n"].value)  # type: ignore[index, arg-type]

    # -- requests ------------------------------------------------------------------------------------
    def _post(self, text: str, dataset: tuple[tuple[str, str], ...], accept: str) -> Any:
        """The query sent directly as the POST body (nothing to URL-encode), the dataset in the URL."""
        response = http.send("POST", self._url(dataset), body=text.encode("utf-8"),
                             headers={"Accept": accept, **SPARQL_QUERY}, stream=True,
                             user_agent=self.user_agent, timeout=self.timeout, what="the remote store")
        if response.status != 200:
            raise RuntimeError(f"the remote store answered {response.status}: {http.message(response)}")
        return response

    @lru_cache(maxsize=64)  # noqa: B019 - a handful of datasets per store, for the life of the process
    def _url(self, dataset: tuple[tuple[str, str], ...]) -> str:
        if not dataset:
            return self.endpoint
        return self.endpoint + ("&" if "?" in self.endpoint else "?") + urlencode(dataset)

    def _dataset(self, own_dataset: bool, union: bool, default_graph: Any,
                 named_graphs: Any) -> tuple[tuple[str, str], ...]:
        """Protocol parameters giving the dataset the embedded store would use with these options."""
        explicit = default_graph is not None or named_graphs is not None
        if not explicit and own_dataset:
            return ()  # the query's FROM / FROM NAMED
        if not explicit and union:
            return () if self.union_default else _graphs(self.graphs, self.graphs)
        listed = default_graph if isinstance(default_graph, (list, tuple)) else [default_graph]
        defaults = tuple(g.value for g in listed if isinstance(g, ox.NamedNode))  # the store's default graph is empty
        named = self.graphs if named_graphs is None else tuple(g.value for g in named_graphs)
        return _graphs(defaults, named) or (("default-graph-uri", EMPTY_GRAPH),)

    def _results(self, response: Any, max_rows: int | None) -> Any:
        fmt = ox.QueryResultsFormat.from_media_type(_media(response)) or ox.QueryResultsFormat.JSON
        if fmt == ox.QueryResultsFormat.TSV and max_rows is not None:
            body = _read_lines(response, max_rows + 1)  # the header, then the rows
        else:
            body = _read(response)
        try:  # read it all now: an engine may answer 200, then break off with an error inside the body
            parsed = ox.parse_query_results(body, format=fmt)
            if isinstance(parsed, ox.QueryBoolean):
                return parsed
            tsv = parsed.serialize(format=ox.QueryResultsFormat.TSV) or b""
        except (SyntaxError, ValueError) as exc:
            raise RuntimeError(f"the remote store's answer broke off or cannot be read: {exc}") from None
        return ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)

    def _triples(self, response: Any, max_rows: int | None) -> RemoteTriples:
        fmt = ox.RdfFormat.from_media_type(_media(response)) or ox.RdfFormat.N_TRIPLES
        if fmt == ox.RdfFormat.N_TRIPLES and max_rows is not None:
            body = _read_lines(response, max_rows)
        else:  # another syntax: the cap applies when the answer is converted
            body = _read(response)
        try:  # read it all now (see _results), as canonical N-Triples
            ntriples = ox.serialize(ox.parse(body, format=fmt), format=ox.RdfFormat.N_TRIPLES) or b""
        except (SyntaxError, ValueError) as exc:
            raise RuntimeError(f"the remote store's answer broke off or cannot be read: {exc}") from None
        return RemoteTriples(ntriples)

    # -- the site's reads ----------------------------------------------------------------------------
    def _cached(self) -> tuple[threading.Lock, LRUCache]:
        """This process's lock and cache (a fork gets fresh ones: a lock may be held in the parent)."""
        if self._pid != os.getpid():
            self._lock = threading.Lock()
            self._cache = LRUCache(maxsize=max(1, self.cache_quads), getsizeof=lambda e: e.weight)
            self._pid = os.getpid()
        return self._lock, self._cache

    def _remember(self, key: tuple, compute: Any) -> Any:
        lock, cache = self._cached()
        with lock:
            if key in cache:
                return cache[key].value
        value = compute()
        with lock:
            try:
                cache[key] = _Entry(value, _size(value) + sum(len(str(k)) for k in key) // KEY_CHARS_PER_QUAD)
            except ValueError:  # larger than the whole cache
                pass
        return value

    def _subject(self, subject: ox.NamedNode) -> tuple[ox.Quad, ...] | None:
        """Every quad of ``subject``, or None when it has more than STAR_LIMIT (then patterns are asked)."""
        def fetch() -> tuple[ox.Quad, ...] | object:
            rows = self._select(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {subject} ?p ?o }} }} LIMIT {STAR_LIMIT + 1}",
                                self.graphs)
            quads = [ox.Quad(subject, r["p"], r["o"], r["g"]) for r in rows]  # type: ignore[arg-type]
            return tuple(sorted(quads, key=str)) if len(quads) <= STAR_LIMIT else TOO_BIG

        star = self._remember(("subject", subject.value), fetch)
        return None if star is TOO_BIG else star

    def _pattern(self, s: Any, p: Any, o: Any, graphs: Sequence[str]) -> tuple[ox.Quad, ...]:
        def fetch() -> tuple[ox.Quad, ...]:
            names = [("s", s), ("p", p), ("o", o)]
            head = " ".join(f"?{n}" for n, t in names if t is None)
            body = " ".join(f"?{n}" if t is None else str(t) for n, t in names)
            rows = self._select(f"SELECT {head} ?g WHERE {{ GRAPH ?g {{ {body} }} }}", graphs)
            quads = [ox.Quad(r["s"] if s is None else s, r["p"] if p is None else p,  # type: ignore[arg-type]
                             r["o"] if o is None else o, r["g"]) for r in rows]
            return tuple(sorted(quads, key=str))

        return self._remember(("pattern", str(s), str(p), str(o), graphs), fetch)

    def _scan(self, graphs: Sequence[str]) -> Iterator[ox.Quad]:
        """Every quad of ``graphs`` (a dump of the whole data: not cached)."""
        for r in self._select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", graphs):
            yield ox.Quad(r["s"], r["p"], r["o"], r["g"])  # type: ignore[arg-type]

    def _select(self, text: str, graphs: Sequence[str]) -> Any:
        return self._results(self._post(text, _graphs((), tuple(graphs)), SELECT_ACCEPT), None)

    # -- checks --------------------------------------------------------------------------------------
    def _check_syntax(self, query: str, shape: Any, base_iri: str | None, prefixes: dict[str, str] | None,
                      substitutions: Any) -> str | None:
        """Parse with pyoxigraph (raises SyntaxError); the query form when the lexer could not tell."""
        if any(s.iri is None for s in shape.services):
            return None  # a SERVICE on a variable could not be kept off the network; the guard refuses those
        text = rewrite_services(query, shape, {s.iri.rstrip("/"): NOWHERE for s in shape.services}) \
            if shape.services else query
        if self._parser is None or self._pid != os.getpid():
            self._cached()
            self._parser = ox.Store()
        try:
            result = self._parser.query(text, base_iri=base_iri, prefixes=prefixes, substitutions=substitutions)
        except SyntaxError:
            raise
        except Exception:  # noqa: BLE001 - it parsed; what failed on the empty store is the engine's business
            return None
        if isinstance(result, ox.QueryBoolean):
            return "ASK"
        return "SELECT" if isinstance(result, ox.QuerySolutions) else "CONSTRUCT"


def _size(value: object) -> int:
    """Cache weight: a pattern's quads count one each."""
    return max(1, len(value)) if isinstance(value, tuple) else 1


KEY_CHARS_PER_QUAD = 100  # a key's text weighs like a quad per this many characters


class _Entry(NamedTuple):
    """A cached read and its weight, which counts its key too: the subject of a page comes from its URL,
    and an empty answer under a 60 KB made-up IRI must not weigh as little as one quad."""

    value: Any
    weight: int


def _graphs(defaults: tuple[str, ...], named: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(("default-graph-uri", g) for g in defaults) + tuple(("named-graph-uri", g) for g in named)


def _prologue(base_iri: str | None, prefixes: dict[str, str] | None) -> str:
    parts = [f"BASE <{base_iri}>"] if base_iri else []
    parts += [f"PREFIX {name}: <{iri}>" for name, iri in (prefixes or {}).items()]
    return " ".join(parts) + " " if parts else ""


def _values(substitutions: dict[ox.Variable, Any]) -> list[tuple[str, str]]:
    """(variable, term in SPARQL syntax); pyoxigraph writes the terms, so they are well-formed."""
    out = []
    for variable, term in substitutions.items():
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise TypeError(f"?{variable.value}: only IRIs and literals can be sent to a remote store as values")
        out.append((variable.value, str(term)))
    return out


def _media(response: Any) -> str:
    return (response.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()


def _read(response: Any) -> bytes:
    try:
        return response.read()
    finally:
        response.release_conn()


def _read_lines(response: Any, lines: int) -> bytes:
    """The first ``lines`` lines of the body; the rest is left unread (the connection is dropped)."""
    chunks, seen, whole = [], 0, True
    for chunk in response.stream(CHUNK):
        chunks.append(chunk)
        seen += chunk.count(b"\n")
        if seen >= lines:
            whole = False
            break
    if whole:
        response.release_conn()
    else:
        response.close()  # unread data: this connection cannot serve another request
    return first_lines(b"".join(chunks), lines)
