"""``/downloads``: the whole graph as files, built from the store once per data version, and their DCAT.

Only the names listed in :data:`DUMPS` and :data:`CATALOGUE` are served; a request never names a
file on disk. TriG, N-Quads and JSON-LD keep the named graphs; Turtle and N-Triples hold their union
(each triple once).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, request

from talentkg.errors import NotFound
from talentkg.namespaces import PREFIXES
from talentkg.sparql.negotiation import BY_NAME, MediaType
from talentkg.web import representation as rep
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
        quads = list(st.store.ox.quads_for_pattern(None, None, None, None))
        if dump.keeps_graphs:
            items: list = quads
            prefixes = None if dump.media.name == "nquads" else dict(PREFIXES)
        else:
            items = list(dict.fromkeys(q.triple for q in quads))
            prefixes = None if dump.media.name == "ntriples" else rep.used_prefixes(items)
        body = ox.serialize(items, format=dump.media.rdf_format, prefixes=prefixes) or b""
        return Built(body, hashlib.sha256(body).hexdigest())

    return st.remember(f"download:{name}", make)


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
    built = build(name)
    response = Response(built.body, content_type=dump.media.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Digest"] = "sha-256=" + _b64(built.sha256)
    return rep.finish(response, built.sha256[:32], "Accept-Encoding")


def _b64(hex_digest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hex_digest)).decode()
