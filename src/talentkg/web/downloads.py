"""``/downloads``: the whole graph as files, built from the store once per data version, and their DCAT.

Only the names listed in :data:`DUMPS` and :data:`CATALOGUE` are served; a request never names a
file on disk. TriG, N-Quads and JSON-LD keep the named graphs; Turtle and N-Triples hold their union
(each triple once).

Each dump is kept in memory in two forms, plain and gzip, made once per data version; a request gets
the form its ``Accept-Encoding`` prefers, whole or in byte ranges of that form (``Range``, with
``If-Range``), so an interrupted download resumes with ``curl -C -`` or ``wget -c``.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, request

from talentkg.errors import NotFound
from talentkg.namespaces import PREFIXES
from talentkg.sparql.negotiation import BY_NAME, MediaType
from talentkg.web import representation as rep
from talentkg.web.compression import coding_chosen_by_view
from talentkg.web.i18n import choose_lang
from talentkg.web.page import render
from talentkg.web.state import state

bp = Blueprint("downloads", __name__)


@dataclass(frozen=True)
class Dump:
    name: str
    media: MediaType
    title: str
    keeps_graphs: bool


DUMPS: dict[str, Dump] = {d.name: d for d in (
    Dump("talentkg.ttl", BY_NAME["turtle"], "Turtle", False),
    Dump("talentkg.nt", BY_NAME["ntriples"], "N-Triples", False),
    Dump("talentkg.jsonld", BY_NAME["jsonld"], "JSON-LD", True),
    Dump("talentkg.trig", BY_NAME["trig"], "TriG", True),
    Dump("talentkg.nq", BY_NAME["nquads"], "N-Quads", True),
)}
CATALOGUE = {f"catalog.{ext}": media for ext, media in rep.SUFFIXES.items()}


@dataclass(frozen=True)
class Built:
    body: bytes
    sha256: str


def build(name: str) -> Built:
    """The dump ``name`` of the data version served, made once and kept in memory."""
    st = state()

    def make() -> Built:
        dump = DUMPS[name]
        if dump.keeps_graphs:  # sorted: the same bytes for the same data (GraphStore.sorted_quads)
            items: list = st.store.sorted_quads()
            prefixes = None if dump.media.name == "nquads" else dict(PREFIXES)
        else:
            items = st.store.sorted_triples()
            prefixes = None if dump.media.name == "ntriples" else rep.used_prefixes(items)
        return _built(ox.serialize(items, format=dump.media.rdf_format, prefixes=prefixes) or b"")

    return st.remember(f"download:{name}", make)


def build_gzip(name: str) -> Built:
    """The gzip form of the dump ``name``, made once (``mtime=0``: every web worker makes the same bytes)."""
    return state().remember(f"download-gzip:{name}",
                            lambda: _built(gzip.compress(build(name).body, compresslevel=6, mtime=0)))


def _built(body: bytes) -> Built:
    return Built(body, hashlib.sha256(body).hexdigest())


def _prefers_gzip() -> bool:
    """gzip when the client accepts it at least as much as the plain bytes (``gzip;q=0`` refuses it)."""
    accepted = request.accept_encodings
    return accepted["gzip"] > 0 and accepted["gzip"] >= accepted["identity"]


def _catalogue_response(media: MediaType) -> Response:
    from talentkg.web.dcat import SPDX, catalogue

    st = state()
    base = request.host_url.rstrip("/") + request.script_root + "/"
    body = st.remember_for_host(f"dcat:{media.name}", request.host_url,
                                lambda: rep.serialise(catalogue(st, base, DUMPS, build), media, {"spdx": SPDX}))
    etag = hashlib.sha1(f"{st.version}\0dcat\0{media.name}\0{request.host_url}".encode()).hexdigest()[:24]
    return rep.rdf_response(body, media, etag)


@bp.route("/downloads", methods=["GET", "HEAD"])
@bp.route("/downloads/", methods=["GET", "HEAD"])
def index() -> Response:
    media = rep.choose()
    if media is not None:
        return _catalogue_response(media)
    lang = choose_lang()
    rows = [(d, len(build(d.name).body), build(d.name).sha256) for d in DUMPS.values()]
    body = render("downloads.html", lang, rows=rows, catalogue=sorted(CATALOGUE.items()))
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Content-Language"] = lang
    etag = hashlib.sha1(f"{state().version}\0downloads\0{lang}\0{request.query_string!r}".encode()).hexdigest()[:24]
    return rep.finish(response, etag, "Accept, Accept-Language")


@bp.route("/downloads/<name>", methods=["GET", "HEAD"])
def download(name: str) -> Response:
    if name in CATALOGUE:
        return _catalogue_response(CATALOGUE[name])
    dump = DUMPS.get(name)
    if dump is None:
        raise NotFound(f"no download named {name!r}; offered: " + ", ".join([*DUMPS, *CATALOGUE]))
    gzipped = _prefers_gzip()
    built = build_gzip(name) if gzipped else build(name)
    response = Response(built.body, content_type=dump.media.content_type)
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    coding_chosen_by_view()
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    digest = _b64(built.sha256)  # of the whole representation sent, in its coding (RFC 9530)
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    response.headers["Digest"] = "sha-256=" + digest  # RFC 3230's name, which older clients know
    return rep.finish(response, built.sha256[:32], "Accept-Encoding", ranges_of=len(built.body))


def _b64(hex_digest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hex_digest)).decode()
