"""The site around the data: home page, query editor, ontology and shapes documentation, citation."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, request, url_for

from talentkg.errors import NotFound
from talentkg.namespaces import BASE, DCTERMS, GRAPH_ONTOLOGY, GRAPH_SHAPES, PREFIXES, TKG
from talentkg.web import representation as rep
from talentkg.web.citation import Citation, load as load_citation
from talentkg.web.i18n import choose_lang, explicit_lang, text
from talentkg.web.page import render
from talentkg.web.state import state
from talentkg.web.view import TYPE, Describer, Figure, Value

bp = Blueprint("site", __name__)

STATIC = Path(__file__).resolve().parent / "static"
YASGUI_FILES = ("node_modules/@zazuko/yasgui/build/yasgui.min.js", "node_modules/@zazuko/yasgui/build/yasgui.min.css")
#: Indicators a programme card shows first, when the note gives them.
KEY_INDICATORS = ("fellows-total", "fellows-per-year", "current-participants", "cohort-size", "annual-budget",
                  "total-funding", "staff-count", "annual-salary", "cost-per-participant", "volunteers", "brigades",
                  "applicants", "success-rate")
SUB_PROGRAMME_OF = ox.NamedNode(str(TKG.subProgrammeOf))
SPATIAL = ox.NamedNode(str(DCTERMS.spatial))
START = ox.NamedNode("https://schema.org/startDate")
PROGRAMME = ox.NamedNode(str(TKG.Programme))
FIGURE = ox.NamedNode(str(TKG.Observation))
STATEMENT = ox.NamedNode(str(TKG.SourcedStatement))
FINDING = ox.NamedNode(str(TKG.Finding))
NOTE = ox.NamedNode(BASE + "id/note")


@dataclass
class ProgrammeCard:
    programme: Value
    comment: str
    countries: list[Value]
    launched: list[str]
    subprogrammes: list[Value]
    figures: list[Figure]
    figure_count: int


def _cards(d: Describer) -> list[ProgrammeCard]:
    cards = []
    for p in d.subjects(TYPE, PROGRAMME):
        if not isinstance(p, ox.NamedNode) or d.objects(p, SUB_PROGRAMME_OF):
            continue
        subs = [s for s in d.subjects(SUB_PROGRAMME_OF, p) if isinstance(s, ox.NamedNode)]
        figures = d.figures_about(p)
        all_figures = figures + [f for s in subs for f in d.figures_about(s)]

        def rank(f: Figure, own: list[Figure] = figures) -> tuple[int, int]:
            local_name = (f.indicator.iri or "").rsplit("/", 1)[-1] if f.indicator else ""
            order = KEY_INDICATORS.index(local_name) if local_name in KEY_INDICATORS else len(KEY_INDICATORS)
            return order, 0 if f in own else 1

        key, seen = [], set()
        for f in sorted(all_figures, key=rank):
            name = f.indicator.iri if f.indicator else None
            if name in seen:
                continue
            seen.add(name)
            key.append(f)
            if len(key) == 3:
                break
        comments = [c for c in d.objects(p, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"))
                    if isinstance(c, ox.Literal)]
        comment = next((c.value for c in comments if c.language == d.lang), comments[0].value if comments else "")
        cards.append(ProgrammeCard(d.value(p), comment, [d.value(c) for c in d.objects(p, SPATIAL)],
                                   [lit.value for lit in d.objects(p, START) if isinstance(lit, ox.Literal)],
                                   sorted((d.value(s) for s in subs), key=lambda v: v.text.lower()),
                                   key, len(all_figures)))
    return sorted(cards, key=lambda c: c.programme.text.lower())


def _citation() -> Citation | None:
    st = state()
    return load_citation(st.config.project_root / "CITATION.cff", st.version)


def _html(body: str, lang: str, key: str) -> Response:
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Content-Language"] = lang
    etag = hashlib.sha1("\0".join((state().version, key, lang, explicit_lang() or "",
                                   request.query_string.decode("latin-1"))).encode()).hexdigest()[:24]
    return rep.finish(response, etag, "Accept-Language")


@bp.route("/", methods=["GET", "HEAD"])
def home() -> Response:
    st = state()
    lang = choose_lang()
    d = Describer(st.store.ox, st.config.public_base, lang, explicit_lang())
    counts = {
        "programmes": len(d.subjects(TYPE, PROGRAMME)), "figures": len(d.subjects(TYPE, FIGURE)),
        "statements": len(d.subjects(TYPE, STATEMENT)), "findings": len(d.subjects(TYPE, FINDING)),
        "triples": st.triple_count(),
    }
    note = d.value(NOTE) if d.exists(NOTE.value) else None
    creators = [d.value(c) for c in d.objects(NOTE, ox.NamedNode(str(DCTERMS.creator)))]
    publishers = [d.value(c) for c in d.objects(NOTE, ox.NamedNode(str(DCTERMS.publisher)))]
    body = render("home.html", lang, cards=_cards(d), counts=counts, note=note, creators=creators,
                  publishers=publishers, citation=_citation())
    return _html(body, lang, "home")


@bp.route("/about", methods=["GET", "HEAD"])
def about() -> Response:
    lang = choose_lang()
    st = state()
    body = render("about.html", lang, citation=_citation(), graphs=st.store.triples_per_graph())
    return _html(body, lang, "about")


@bp.route("/CITATION.cff", methods=["GET", "HEAD"])
def citation_file() -> Response:
    citation = _citation()
    if citation is None:
        raise NotFound("this installation has no CITATION.cff")
    return Response(citation.cff, content_type="application/x-yaml; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="CITATION.cff"'})


# -- the query editor -----------------------------------------------------------------------------

DEFAULT_QUERY = """SELECT ?programme ?label ?country WHERE {
  ?programme a tkg:Programme ;
             rdfs:label ?label ;
             dct:spatial/rdfs:label ?country .
  FILTER NOT EXISTS { ?programme tkg:subProgrammeOf ?parent }
  FILTER (lang(?label) = "en" && lang(?country) = "en")
}
ORDER BY ?label
"""


@bp.route("/editor", methods=["GET", "HEAD"])
def editor() -> Response:
    from talentkg.web.examples import load_examples, with_prefixes

    st = state()
    lang = choose_lang()
    examples = st.remember("examples", lambda: load_examples(st.config.queries_dir))
    asked = request.args.get("query")
    if asked is not None and len(asked.encode("utf-8")) > st.config.max_query_bytes:
        from talentkg.errors import PayloadTooLarge

        raise PayloadTooLarge(f"the query to pre-fill is longer than {st.config.max_query_bytes} bytes")
    installed = all((STATIC / f).is_file() for f in YASGUI_FILES)
    prefixes = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())
    config = {
        "endpoint": request.url_root + "sparql",
        "prefixes": PREFIXES,
        "initial": with_prefixes(DEFAULT_QUERY),
        "query": asked,
        "examples": [{"name": e.name, "summary": e.summary, "query": e.query} for e in examples],
        "labels": {"run": text("run", lang), "query": text("query", lang), "share": text("share", lang)},
    }
    body = render("editor.html", lang, installed=installed, config=config, examples=examples,
                  prefixes=prefixes, asked=asked)
    return _html(body, lang, "editor")


# -- ontology and shapes documentation ------------------------------------------------------------

def _graph_document(name: str, graph_iri: str, media: rep.MediaType) -> Response:
    st = state()
    key = f"doc:{name}:{media.name}"
    body = st.remember(key, lambda: rep.serialise(
        [q.triple for q in st.store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))], media))
    etag = hashlib.sha1(f"{st.version}\0{name}\0{media.name}".encode()).hexdigest()[:24]
    response = rep.rdf_response(body, media, etag)
    response.headers["Link"] = rep.alternates("/" + name)
    return response


def _suffixed(name: str, ext: str) -> rep.MediaType:
    media = rep.SUFFIXES.get(ext)
    if media is None:
        raise NotFound(f"/{name}.{ext}: the {name} is offered as " + ", ".join(f".{e}" for e in rep.SUFFIXES))
    return media


@bp.route("/ontology", methods=["GET", "HEAD"])
def ontology() -> Response:
    media = rep.choose()
    if media is not None:
        return _graph_document("ontology", str(GRAPH_ONTOLOGY), media)
    from talentkg.web.docs import ontology_html

    st = state()
    lang = choose_lang()
    html = st.remember(f"ontology-html:{lang}", lambda: ontology_html(st.store.ox, st.version, lang))
    header = render("_docs_header.html", lang, css=url_for("static", filename="site.css"))
    html = html.replace("<html>", f'<html lang="{lang}">', 1)
    html = re.sub(r"<body([^>]*)>", lambda m: f"<body{m.group(1)}>" + header, html, count=1)
    response = _html(html, lang, "ontology")
    response.headers["Link"] = rep.alternates("/ontology")
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


@bp.route("/ontology.<ext>", methods=["GET", "HEAD"])
def ontology_as(ext: str) -> Response:
    return _graph_document("ontology", str(GRAPH_ONTOLOGY), _suffixed("ontology", ext))


@bp.route("/shapes", methods=["GET", "HEAD"])
def shapes() -> Response:
    media = rep.choose()
    if media is not None:
        return _graph_document("shapes", str(GRAPH_SHAPES), media)
    from talentkg.web.docs import shapes_doc

    st = state()
    lang = choose_lang()
    doc = st.remember(f"shapes-doc:{lang}", lambda: shapes_doc(st.store.ox, lang))
    title, shapes_list = doc
    response = _html(render("shapes.html", lang, title=title, shapes=shapes_list), lang, "shapes")
    response.headers["Link"] = rep.alternates("/shapes")
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


@bp.route("/shapes.<ext>", methods=["GET", "HEAD"])
def shapes_as(ext: str) -> Response:
    return _graph_document("shapes", str(GRAPH_SHAPES), _suffixed("shapes", ext))



