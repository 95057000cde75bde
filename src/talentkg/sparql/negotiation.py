"""Media types of SPARQL results and RDF, and choosing one from ``Accept`` or a ``format`` parameter."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from talentkg.errors import NotAcceptable


@dataclass(frozen=True)
class MediaType:
    """A serialisation we can produce."""

    name: str  # short name used by ?format= and the CLI
    mime: str  # the media type we answer with
    kind: str  # "results" (SELECT/ASK) or "rdf" (CONSTRUCT/DESCRIBE)
    results_format: ox.QueryResultsFormat | None = None
    rdf_format: ox.RdfFormat | None = None
    aliases: tuple[str, ...] = ()  # other media types that select it
    extension: str = ""

    @property
    def content_type(self) -> str:
        return f"{self.mime}; charset=utf-8"


RESULT_TYPES: tuple[MediaType, ...] = (
    MediaType("json", "application/sparql-results+json", "results", results_format=ox.QueryResultsFormat.JSON,
              aliases=("application/json",), extension="srj"),
    MediaType("xml", "application/sparql-results+xml", "results", results_format=ox.QueryResultsFormat.XML,
              aliases=("application/xml", "text/xml"), extension="srx"),
    MediaType("csv", "text/csv", "results", results_format=ox.QueryResultsFormat.CSV, extension="csv"),
    MediaType("tsv", "text/tab-separated-values", "results", results_format=ox.QueryResultsFormat.TSV,
              extension="tsv"),
)
RDF_TYPES: tuple[MediaType, ...] = (
    MediaType("turtle", "text/turtle", "rdf", rdf_format=ox.RdfFormat.TURTLE,
              aliases=("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
              extension="ttl"),
    MediaType("ntriples", "application/n-triples", "rdf", rdf_format=ox.RdfFormat.N_TRIPLES,
              aliases=("text/plain",), extension="nt"),
    MediaType("rdfxml", "application/rdf+xml", "rdf", rdf_format=ox.RdfFormat.RDF_XML,
              aliases=("application/xml", "text/xml"), extension="rdf"),
    MediaType("jsonld", "application/ld+json", "rdf", rdf_format=ox.RdfFormat.JSON_LD,
              aliases=("application/json",), extension="jsonld"),
    MediaType("nquads", "application/n-quads", "rdf", rdf_format=ox.RdfFormat.N_QUADS, extension="nq"),
    MediaType("trig", "application/trig", "rdf", rdf_format=ox.RdfFormat.TRIG, extension="trig"),
)

FORMAT_ALIASES = {
    "json": "json", "srj": "json", "sparql-results+json": "json", "application/sparql-results+json": "json",
    "xml": "xml", "srx": "xml", "sparql-results+xml": "xml", "application/sparql-results+xml": "xml",
    "csv": "csv", "text/csv": "csv", "tsv": "tsv", "text/tab-separated-values": "tsv",
    "turtle": "turtle", "ttl": "turtle", "text/turtle": "turtle",
    "ntriples": "ntriples", "n-triples": "ntriples", "nt": "ntriples", "application/n-triples": "ntriples",
    "rdfxml": "rdfxml", "rdf/xml": "rdfxml", "rdf+xml": "rdfxml", "rdf": "rdfxml", "application/rdf+xml": "rdfxml",
    "n3": "turtle", "text/n3": "turtle", "text/rdf+n3": "turtle", "application/turtle": "turtle",
    "jsonld": "jsonld", "json-ld": "jsonld", "application/ld+json": "jsonld",
    "nquads": "nquads", "n-quads": "nquads", "nq": "nquads", "application/n-quads": "nquads",
    "trig": "trig", "application/trig": "trig",
}

BY_NAME = {t.name: t for t in RESULT_TYPES + RDF_TYPES}


def types_for(graph_result: bool) -> tuple[MediaType, ...]:
    return RDF_TYPES if graph_result else RESULT_TYPES


def choose(accept: MIMEAccept, *, graph_result: bool, format_param: str | None = None) -> MediaType:
    """The best serialisation for this query form; raise NotAcceptable listing what we offer."""
    offered = types_for(graph_result)
    name = FORMAT_ALIASES.get(format_param.strip().lower()) if format_param else None
    if name:  # a format we do not know is ignored (clients send many dialects); Accept decides
        chosen = BY_NAME[name]
        if chosen not in offered:
            # "json"/"xml" asked of a CONSTRUCT query mean the RDF flavours of those syntaxes
            if graph_result and name in ("json", "xml"):
                return BY_NAME["jsonld" if name == "json" else "rdfxml"]
            if not graph_result and name in ("jsonld", "rdfxml"):
                return BY_NAME["json" if name == "jsonld" else "xml"]
            raise NotAcceptable(
                f"format={format_param!r} is not available for this query; use one of: "
                + ", ".join(t.name for t in offered))
        return chosen
    if not accept or not list(accept.values()):
        return offered[0]
    candidates: list[str] = []
    owner: dict[str, MediaType] = {}
    for t in offered:
        for mime in (t.mime, *t.aliases):
            if mime not in owner:
                candidates.append(mime)
                owner[mime] = t
    best = accept.best_match(candidates)
    if best is None:
        raise NotAcceptable(
            "none of the requested media types (Accept: " + accept.to_header() + ") can represent this "
            "result; this endpoint offers: " + ", ".join(t.mime for t in offered))
    return owner[best]  # wildcards pick the first offered type: our preferred one


def choose_for_header(accept: str | None, *, graph_result: bool, format_param: str | None = None) -> MediaType:
    """``choose`` for a raw ``Accept`` header, remembered: clients send the same few headers again and again.

    Only headers of ordinary length are remembered: a client varying kilobyte-long headers must not
    fill memory.
    """
    if (accept and len(accept) > 1024) or (format_param and len(format_param) > 256):
        return _choose_for_header.__wrapped__(accept, graph_result, format_param)
    return _choose_for_header(accept, graph_result, format_param)


@lru_cache(maxsize=512)
def _choose_for_header(accept: str | None, graph_result: bool, format_param: str | None) -> MediaType:
    return choose(parse_accept_header(accept, MIMEAccept), graph_result=graph_result, format_param=format_param)
