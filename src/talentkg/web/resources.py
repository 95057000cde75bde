"""Dereferenceable IRIs: every IRI the project mints answers HTML to a browser and RDF to a client.

``<public base>id/…``, ``concept/…`` and ``graph/…`` map onto ``/id/…``, ``/concept/…`` and
``/graph/…`` of whichever host serves the app; ``ontology#Term`` has a page at ``/ontology/Term``
(the ontology document itself, with every term, is ``/ontology``). Turtle, JSON-LD, N-Triples and
RDF/XML are chosen by ``Accept`` or by a ``.ttl``, ``.jsonld``, ``.nt`` or ``.rdf`` suffix. The
store is read with terms only: a request path never becomes query text.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, request

from talentkg.errors import NotFound
from talentkg.namespaces import DATASET, TKG
from talentkg.web import representation as rep
from talentkg.web.i18n import choose_lang, explicit_lang
from talentkg.web.links import curie
from talentkg.web.page import render
from talentkg.web.provenance import note_sentences, section_view
from talentkg.web.state import state
from talentkg.web.view import Describer, triples_about

bp = Blueprint("resources", __name__)

MEDIA_NAMES = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdf": "RDF/XML"}


@bp.route("/id/<path:rest>", methods=["GET", "HEAD"])
def minted_id(rest: str) -> Response:
    return _serve("id/", rest)


@bp.route("/concept/<path:rest>", methods=["GET", "HEAD"])
def concept(rest: str) -> Response:
    return _serve("concept/", rest)


@bp.route("/graph/<path:rest>", methods=["GET", "HEAD"])
def graph(rest: str) -> Response:
    return _serve("graph/", rest)


@bp.route("/ontology/<path:rest>", methods=["GET", "HEAD"])
def ontology_term(rest: str) -> Response:
    return _serve("ontology#", rest, page_prefix="ontology/")


def _valid(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _serve(iri_prefix: str, rest: str, page_prefix: str | None = None) -> Response:
    st = state()
    base = st.config.public_base
    page_prefix = page_prefix or iri_prefix
    describer = Describer(st.store.ox, base, "en")
    iri, forced = base + iri_prefix + rest, None
    stem, suffix_media = rep.split_suffix(rest)
    if suffix_media is not None and not (_valid(iri) and describer.exists(iri)):
        iri, forced, rest = base + iri_prefix + stem, suffix_media, stem
    if not _valid(iri):
        raise NotFound(f"{request.path} is not an IRI this dataset mints")
    if iri_prefix == "graph/" and iri in st.store.graphs():
        return _graph(iri, page_prefix + rest, forced)
    if not describer.exists(iri):
        if iri == str(DATASET):  # described by the catalogue, not by the store
            target = "/downloads" if forced is None else f"/downloads/catalog.{_ext(forced)}"
            return redirect(request.script_root + target, code=303)
        raise NotFound(f"<{iri}> is not in this dataset; see /downloads for everything it holds")
    media = forced or rep.choose()
    page_path = "/" + page_prefix + rest
    if media is not None:
        etag = _etag(page_path, media.name, "")
        triples = triples_about(st.store.ox, iri)
        response = rep.rdf_response(rep.serialise(triples, media), media, etag,
                                    vary="Accept-Encoding" if forced else "Accept")
        response.headers["Link"] = rep.alternates(page_path)
        return response
    lang = choose_lang()
    describer = Describer(st.store.ox, base, lang, explicit_lang())
    description = describer.describe(iri)
    assert description is not None
    section = None
    if str(TKG.SourceSection) in description.type_iris:
        sentences = st.remember("note_sentences", lambda: note_sentences(st.config.note_path))
        section = section_view(describer, iri, sentences)
    term_doc = None
    if iri_prefix == "ontology#":
        from talentkg.web.page import local

        term_doc = local("/ontology#" + rest)
    body = render("resource.html", lang, d=description, section=section, term_doc=term_doc, graph_info=None,
                  formats=list(rep.SUFFIXES.items()), media_names=MEDIA_NAMES,
                  data_path=request.script_root + page_path, curie=curie(iri),
                  describe_query=f"DESCRIBE <{iri}>",
                  uses_query=f"SELECT ?s ?o WHERE {{ ?s <{iri}> ?o }} LIMIT 100")
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Link"] = rep.alternates(page_path)
    response.headers["Content-Language"] = lang
    return rep.finish(response, _etag(page_path, "html", lang + (explicit_lang() or "")), "Accept, Accept-Language")


def _graph(iri: str, page_path: str, forced: rep.MediaType | None) -> Response:
    """A named graph: its content as RDF, or a page saying what it holds and where to get it."""
    st = state()
    media = forced or rep.choose()
    page_path = "/" + page_path
    if media is not None:
        key = f"graph:{iri}:{media.name}"
        body = st.remember(key, lambda: rep.serialise(
            [q.triple for q in st.store.ox.quads_for_pattern(None, None, None, ox.NamedNode(iri))], media))
        response = rep.rdf_response(body, media, _etag(page_path, media.name, ""),
                                    vary="Accept-Encoding" if forced else "Accept")
        response.headers["Link"] = rep.alternates(page_path)
        return response
    lang = choose_lang()
    describer = Describer(st.store.ox, st.config.public_base, lang, explicit_lang())
    description = describer.describe(iri)
    if description is None:
        from talentkg.web.view import Description

        description = Description(iri=iri, label=curie(iri) if not curie(iri).startswith("<") else iri,
                                  labels=[], comments=[], types=[], properties=[], incoming=[], figures=[],
                                  figure=None, wikidata=[], findings=[], conflicts=[], type_iris=set(), triples=[])
    triples = st.store.triples_per_graph().get(iri, 0)
    body = render("resource.html", lang, d=description, section=None, term_doc=None,
                  graph_info={"triples": triples}, formats=list(rep.SUFFIXES.items()), media_names=MEDIA_NAMES,
                  data_path=request.script_root + page_path, curie=curie(iri),
                  describe_query=f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} LIMIT 100",
                  uses_query="")
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Content-Language"] = lang
    return rep.finish(response, _etag(page_path, "html", lang + (explicit_lang() or "")), "Accept, Accept-Language")


def _ext(media: rep.MediaType) -> str:
    return next(ext for ext, m in rep.SUFFIXES.items() if m is media)


def _etag(path: str, variant: str, lang: str) -> str:
    return hashlib.sha1("\0".join((state().version, path, variant, lang)).encode()).hexdigest()[:24]
