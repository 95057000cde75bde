"""``talentkg load --store URL``: push validated data to a remote store, one named graph at a time.

Each graph is sent with a Graph Store Protocol ``PUT``, which replaces the graph, of its first
CHUNK triples, then ``POST``s (append) of the rest: loading twice leaves the same data. Engines apply a
request as one transaction, and a big one costs them more than proportionally (``oxigraph serve``, 1M
triples: 125 s and 2 GB in one PUT, 40–50 s and 0.9 GB in requests of 5,000 to 100,000 triples). A
graph with blank nodes goes in one PUT: a blank node's label only means something within one document.
The record graph is removed first and written last, after the remote's triple
counts were checked against the data, so a ``serve`` started meanwhile (or after a failed load)
refuses the remote instead of serving half of it. Graphs an earlier load wrote that the data no
longer has are deleted; graphs talentkg did not write are never touched.
"""

from __future__ import annotations

import itertools
import re
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox

from talentkg.remote import http, record
from talentkg.remote.record import RECORD_GRAPH, Record

Progress = Callable[[str], None]
NTRIPLES = "application/n-triples"
CHUNK = 20_000  # triples per request


def graph_store_url(endpoint: str) -> str | None:
    """The Graph Store Protocol URL of well-known engines, guessed from their query endpoint URL.

    ``oxigraph serve``: ``/query`` → ``/store``; Fuseki: ``/DATASET/sparql`` or ``/DATASET/query`` →
    ``/DATASET/data``; RDF4J and GraphDB: ``/repositories/ID`` → ``/repositories/ID/rdf-graphs/service``.
    None for anything else (Virtuoso, QLever...): say it with ``--graph-store``.
    """
    parts = urlsplit(endpoint)
    path = parts.path.rstrip("/")
    if path == "/query":
        target = "/store"
    elif re.fullmatch(r"/[^/]+/(sparql|query)", path):
        target = path.rsplit("/", 1)[0] + "/data"
    elif re.search(r"/repositories/[^/]+$", path):
        target = path + "/rdf-graphs/service"
    else:
        return None
    return urlunsplit(parts._replace(path=target, query="", fragment=""))


def push(nquads: bytes, version: str, endpoint: str, graph_store: str, *, user_agent: str,
         timeout: float = 3600.0, progress: Progress | None = None, chunk: int = CHUNK) -> dict[str, int]:
    """Replace the remote's copy of every named graph in ``nquads`` (validated data); triples per graph."""
    say = progress or (lambda _message: None)
    scratch = ox.Store()  # groups the quads by graph, in Rust
    scratch.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    counts = _counts(scratch.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"))
    if next(iter(scratch.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        raise ValueError("the data has triples outside the named graphs; talentkg loads named graphs only")
    previous = record.read(endpoint, user_agent=user_agent)
    _delete(graph_store, RECORD_GRAPH, user_agent, timeout)  # from now on, serve refuses this remote
    with tempfile.TemporaryDirectory(prefix="talentkg-load-") as tmp:
        body = Path(tmp) / "graph.nt"
        for graph, n in counts.items():
            blank = scratch.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) }} }}")
            parts = 1 if blank else -(-n // chunk)
            say(f"PUT <{graph}>: {n} triples" + (f" in {parts} requests" if parts > 1 else ""))
            scratch.dump(output=str(body), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
            if parts == 1:
                with body.open("rb") as fh:
                    _send("PUT", graph_store, graph, fh, user_agent, timeout, size=body.stat().st_size)
                continue
            for k, part in enumerate(_chunks(body, chunk)):
                _send("PUT" if k == 0 else "POST", graph_store, graph, part, user_agent, timeout)
    for stale in sorted(set(previous.graphs if previous else ()) - set(counts)):
        say(f"DELETE <{stale}>: an earlier load wrote it, the data no longer has it")
        _delete(graph_store, stale, user_agent, timeout)
    _check(endpoint, counts, user_agent, timeout)
    _send("PUT", graph_store, RECORD_GRAPH, record.to_ntriples(Record(version, time.time(), tuple(counts))),
          user_agent, timeout)
    return counts


def _counts(rows: object) -> dict[str, int]:
    return dict(sorted((r["g"].value, int(r["n"].value)) for r in rows))  # type: ignore[attr-defined, index]


def _chunks(path: Path, lines: int) -> Iterator[bytes]:
    """N-Triples ``lines`` at a time (one triple a line)."""
    with path.open("rb") as fh:
        while chunk := b"".join(itertools.islice(fh, lines)):
            yield chunk


def _send(method: str, graph_store: str, graph: str, data: object, user_agent: str, timeout: float,
          size: int | None = None) -> None:
    headers = {"Content-Type": NTRIPLES}
    if size is not None:
        headers["Content-Length"] = str(size)  # a file body is streamed, not chunked
    response = http.send(method, graph_store, params=[("graph", graph)], body=data, headers=headers,
                         user_agent=user_agent, timeout=timeout, what="the remote Graph Store")
    if response.status not in (200, 201, 204):
        raise RuntimeError(f"the remote Graph Store at {http.public(graph_store)} refused <{graph}> "
                           f"({response.status}): {http.message(response)}")


def _delete(graph_store: str, graph: str, user_agent: str, timeout: float) -> None:
    response = http.send("DELETE", graph_store, params=[("graph", graph)], user_agent=user_agent,
                         timeout=timeout, what="the remote Graph Store")
    if response.status not in (200, 202, 204, 404):  # 404: it was not there
        raise RuntimeError(f"the remote Graph Store at {http.public(graph_store)} could not delete <{graph}> "
                           f"({response.status}): {http.message(response)}")


def _check(endpoint: str, expected: dict[str, int], user_agent: str, timeout: float) -> None:
    """The remote holds, graph by graph, as many triples as the validated data."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    found = _counts(http.select(endpoint, query, named_graphs=list(expected), user_agent=user_agent, timeout=timeout))
    wrong = [f"<{g}>: {found.get(g, 0)} triples, the data has {n}" for g, n in expected.items() if found.get(g, 0) != n]
    if wrong:
        raise RuntimeError("the remote store does not hold what was sent: " + "; ".join(wrong))
