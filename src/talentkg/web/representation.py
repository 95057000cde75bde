"""HTML or RDF for a page: choosing by ``Accept`` or a file suffix, serialising triples with pyoxigraph.

The choice is werkzeug's (q-values, wildcards, specificity); on a tie HTML wins, so a plain
``Accept: */*`` gets the page and linked-data clients get the syntax they name.
"""

from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox
from flask import Response, request
from werkzeug.http import parse_range_header

from talentkg.errors import NotAcceptable
from talentkg.namespaces import PREFIXES
from talentkg.sparql.negotiation import BY_NAME, MediaType

HTML = "text/html"
#: The RDF syntaxes a page is offered in, with the suffix that asks for each.
SUFFIXES: dict[str, MediaType] = {
    "ttl": BY_NAME["turtle"], "jsonld": BY_NAME["jsonld"], "nt": BY_NAME["ntriples"], "rdf": BY_NAME["rdfxml"],
}
OFFERED: tuple[MediaType, ...] = tuple(SUFFIXES.values())


def split_suffix(path: str) -> tuple[str, MediaType | None]:
    """``pif.ttl`` → (``pif``, Turtle); a path without one of our suffixes is returned as is."""
    stem, dot, ext = path.rpartition(".")
    if dot and stem and ext in SUFFIXES:
        return stem, SUFFIXES[ext]
    return path, None


def choose() -> MediaType | None:
    """The RDF syntax the client prefers, or None for HTML; NotAcceptable when we have neither."""
    accept = request.accept_mimetypes
    if not accept or not list(accept.values()):
        return None
    candidates = [HTML, "application/xhtml+xml"]
    owner: dict[str, MediaType] = {}
    for media in OFFERED:
        for mime in (media.mime, *media.aliases):
            if mime not in owner:
                owner[mime] = media
                candidates.append(mime)
    best = accept.best_match(candidates)
    if best is None:
        raise NotAcceptable("none of the requested media types (Accept: " + accept.to_header() + ") is offered "
                            "here; use one of: " + ", ".join([HTML] + [m.mime for m in OFFERED]))
    return owner.get(best)


def used_prefixes(triples: Iterable[ox.Triple]) -> dict[str, str]:
    """Only the prefixes the triples need, so a small description has a small header."""
    iris: set[str] = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal) and term.datatype is not None:
                iris.add(term.datatype.value)
    return {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) and len(i) > len(ns) for i in iris)}


def serialise(triples: list[ox.Triple], media: MediaType, extra_prefixes: dict[str, str] | None = None) -> bytes:
    prefixes = None
    if media.rdf_format not in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        prefixes = {**used_prefixes(triples), **(extra_prefixes or {})}
    return ox.serialize(triples, format=media.rdf_format, prefixes=prefixes) or b""


def alternates(path: str) -> str:
    """A ``Link`` header naming the page and each RDF variant, for clients that follow links."""
    root = request.script_root + path
    links = [f'<{root}>; rel="alternate"; type="{HTML}"']
    links += [f'<{root}.{ext}>; rel="alternate"; type="{media.mime}"' for ext, media in SUFFIXES.items()]
    return ", ".join(links)


def rdf_response(body: bytes, media: MediaType, etag: str, vary: str = "Accept") -> Response:
    response = Response(body, content_type=media.content_type)
    return finish(response, etag, vary)


def finish(response: Response, etag: str, vary: str, *, ranges_of: int | None = None) -> Response:
    """Validators and caching headers shared by every page: revalidate with the data version.

    ``ranges_of``: the full length of a body that may be sent in one byte range (RFC 9110, 14). A
    ``Range`` of another unit, of several ranges or not well formed is ignored (the whole body, 200),
    as 14.2 asks; werkzeug alone would answer 416 to all three.
    """
    from talentkg.web.state import state

    response.set_etag(etag)
    response.headers["Vary"] = vary
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    response.headers["X-Talentkg-Data-Version"] = state().version
    response.last_modified = int(state().store.info.loaded_at)
    if ranges_of is None:
        return response.make_conditional(request)
    response.accept_ranges = "bytes"
    wanted = parse_range_header(request.headers.get("Range"))
    if wanted is None or wanted.units != "bytes" or len(wanted.ranges) != 1:
        return response.make_conditional(request)
    return response.make_conditional(request, accept_ranges=True, complete_length=ranges_of)
