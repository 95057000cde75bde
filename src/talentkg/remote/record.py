"""The record graph: which validated data a remote store holds, written by ``talentkg load``.

A small named graph of its own, kept out of the dataset that queries see (the remote store names
only the data graphs): the data version, when it was loaded, and the named graphs that load wrote.
``serve`` reads it to refuse a remote that does not hold the validated data of the files it serves;
``load`` reads it to remove graphs an earlier load wrote and the data no longer has, and never
touches a graph it did not write.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

import pyoxigraph as ox

from talentkg import __version__
from talentkg.remote import http

RECORD_GRAPH = "https://w3id.org/talentkg/graph/store-record"
DCT = "http://purl.org/dc/terms/"
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


@dataclass(frozen=True)
class Record:
    version: str
    loaded_at: float  # seconds since the epoch
    graphs: tuple[str, ...]


def to_ntriples(record: Record) -> bytes:
    me = ox.NamedNode(RECORD_GRAPH)
    stamp = datetime.fromtimestamp(record.loaded_at, tz=timezone.utc).isoformat(timespec="seconds")
    triples = [ox.Triple(me, ox.NamedNode(DCT + "hasVersion"), ox.Literal(record.version)),
               ox.Triple(me, ox.NamedNode(DCT + "modified"), ox.Literal(stamp, datatype=XSD_DATETIME)),
               ox.Triple(me, ox.NamedNode(DCT + "creator"), ox.Literal(f"talentkg {__version__}"))]
    triples += [ox.Triple(me, ox.NamedNode(DCT + "hasPart"), ox.NamedNode(g)) for g in record.graphs]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def read(endpoint: str, *, user_agent: str, timeout: float = 60.0) -> Record | None:
    """The record of the remote behind the query ``endpoint``, or None when it holds none."""
    query = (f"SELECT ?p ?o WHERE {{ GRAPH <{RECORD_GRAPH}> {{ <{RECORD_GRAPH}> ?p ?o }} }}")
    values: dict[str, list[ox.NamedNode | ox.Literal]] = {}
    for row in http.select(endpoint, query, named_graphs=[RECORD_GRAPH], user_agent=user_agent, timeout=timeout):
        values.setdefault(row["p"].value[len(DCT):], []).append(row["o"])  # type: ignore[index]
    versions = values.get("hasVersion") or []
    if not versions:
        return None
    loaded_at = time.time()
    for stamp in values.get("modified") or []:
        try:
            loaded_at = datetime.fromisoformat(stamp.value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    return Record(versions[0].value, loaded_at, tuple(sorted(g.value for g in values.get("hasPart") or [])))
