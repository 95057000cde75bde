"""``/queries``: the catalogue of saved comparison queries, their pages, results, charts and OpenAPI document.

A saved query answers with the same content negotiation as ``/sparql`` (``Accept`` or ``?format=``)
and with an HTML page when a browser asks for HTML. Request parameters other than ``format`` are the
query's own and are bound as RDF terms by :mod:`talentkg.catalogue`.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any
from urllib.parse import urlencode

from cachetools import LRUCache
from flask import Blueprint, Flask, Response, current_app, request, url_for
from flask.blueprints import BlueprintSetupState

from talentkg import charts
from talentkg.catalogue import RESERVED_NAMES, Catalogue, SavedQuery, load_catalogue, resolve, substitutions
from talentkg.errors import BadRequest, NotFound, TalentKGError
from talentkg.sparql import negotiation
from talentkg.web.sparql import _last_modified_header, _not_modified
from talentkg.web.i18n import choose_lang
from talentkg.web.page import render
from talentkg.web.state import state

bp = Blueprint("queries", __name__)

EXTENSIONS = {"json": "json", "csv": "csv", "tsv": "tsv", "xml": "xml", "svg": "svg", "png": "png"}
CHART_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
# bounded in bytes, not entries: a parameterised chart has as many variants as its parameters allow
_charts: LRUCache[tuple, bytes] = LRUCache(maxsize=32 * 1024 * 1024, getsizeof=lambda body: len(body) + 1024)
_charts_lock = threading.Lock()


@bp.record_once
def _load(setup: BlueprintSetupState) -> None:
    """Read ``queries/*.rq`` once, when the app is built; a malformed file stops the start-up."""
    app: Flask = setup.app
    app.extensions["talentkg-queries"] = load_catalogue(state(app).config.queries_dir)


def catalogue() -> Catalogue:
    return current_app.extensions["talentkg-queries"]


# -- helpers ----------------------------------------------------------------------------------

def _request_pairs() -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.args.items(multi=True) if k not in RESERVED_NAMES]


def _wants_html() -> bool:
    """HTML only when the client ranks text/html above every SPARQL result type (browsers do)."""
    accept = request.accept_mimetypes
    others = [accept[m] for t in negotiation.RESULT_TYPES for m in (t.mime, *t.aliases)]
    return accept["text/html"] > max(others, default=0)


def _wants_json_catalogue() -> bool:
    fmt = (request.args.get("format") or "").lower()
    if fmt:
        return fmt == "json"
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def _local_href(iri: str) -> str:
    """Our own IRIs link to this server's pages; others link to themselves."""
    base = state().config.public_base
    if iri.startswith(base):
        return request.script_root + "/" + iri[len(base):]
    return iri


def _compact(iri: str) -> str:
    """``tkgr:pif-salary`` rather than the full IRI, for IRIs shown without a label."""
    from talentkg.namespaces import PREFIXES

    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def _query_string(values: dict[str, str], **extra: str) -> str:
    pairs = {**values, **extra}
    return ("?" + urlencode(pairs)) if pairs else ""


def _etag(query: SavedQuery, subs: tuple[tuple[str, str], ...], kind: str) -> str:
    seed = "\0".join((query.name, query.text, kind, *(f"{k}={v}" for k, v in subs)))
    return f'"{state().version}-q-{hashlib.sha1(seed.encode("utf-8")).hexdigest()[:20]}"'


def _headers(etag: str) -> dict[str, str]:
    return {"Vary": "Accept", "ETag": etag, "Last-Modified": _last_modified_header(),
            "Cache-Control": "public, max-age=0, must-revalidate", "X-Talentkg-Data-Version": state().version}


def _results_json(query: SavedQuery, subs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    engine = state().engine
    answer = engine.answer(query.text, engine.inspect(query.text), negotiation.BY_NAME["json"], substitutions=subs)
    return json.loads(answer.body)


# -- the catalogue ----------------------------------------------------------------------------

def _entry(query: SavedQuery) -> dict[str, Any]:
    entry = query.to_json()
    entry["url"] = url_for("queries.saved_query", name=query.name, _external=True)
    if query.chart:
        entry["charts"] = {ext: url_for("queries.saved_query", name=f"{query.name}.{ext}", _external=True)
                           for ext in CHART_TYPES}
    return entry


@bp.route("/queries", methods=["GET", "HEAD"])
@bp.route("/queries/", methods=["GET", "HEAD"])
def index() -> Response:
    queries = list(catalogue())
    if _wants_json_catalogue():
        body = json.dumps({"queries": [_entry(q) for q in queries],
                           "openapi": url_for("queries.openapi", _external=True)}, ensure_ascii=False, indent=2)
        return Response(body + "\n", content_type="application/json; charset=utf-8", headers={"Vary": "Accept"})
    tags = sorted({t for q in queries for t in q.tags})
    html = render("queries_index.html", choose_lang(), queries=queries, tags=tags)
    return Response(html, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


# -- one saved query --------------------------------------------------------------------------

@bp.route("/queries/<name>", methods=["GET", "HEAD"])
def saved_query(name: str) -> Response:
    base, _, ext = name.partition(".")
    if ext and ext not in EXTENSIONS:
        raise NotFound(f"no saved query named {name!r}; add .json, .csv, .tsv, .xml, .svg or .png to a query name")
    query = catalogue().require(base)
    fmt = EXTENSIONS.get(ext) or request.args.get("format")
    if fmt in CHART_TYPES:
        return _chart(query, fmt)
    if fmt == "html" or (fmt is None and _wants_html()):
        return _page(query)
    return _results(query, fmt)


def _results(query: SavedQuery, fmt: str | None) -> Response:
    st = state()
    subs = substitutions(query, resolve(query, _request_pairs()))
    shape = st.engine.inspect(query.text)
    media = negotiation.choose_for_header(request.headers.get("Accept"), graph_result=shape.is_graph_result,
                                         format_param=fmt)
    headers = _headers(_etag(query, subs, media.name))
    if _not_modified(headers["ETag"]):
        return Response(status=304, headers=headers)
    answer = st.engine.answer(query.text, shape, media, substitutions=subs)
    response = Response(answer.body, content_type=answer.media.content_type, headers=headers)
    response.headers["X-Talentkg-Cache"] = answer.cache_status
    if answer.rows is not None:
        response.headers["X-Talentkg-Rows"] = str(answer.rows)
    if answer.truncated:
        response.headers["X-Talentkg-Truncated"] = f"true; limit={st.config.max_rows}"
    if request.path.rsplit("/", 1)[-1].count("."):
        response.headers["Content-Disposition"] = f'inline; filename="{query.name}.{answer.media.extension}"'
    return response


def _chart(query: SavedQuery, fmt: str) -> Response:
    if query.chart is None:
        raise NotFound(f"saved query {query.name!r} declares no chart; see /queries/{query.name}")
    subs = substitutions(query, resolve(query, _request_pairs()))
    headers = _headers(_etag(query, subs, fmt))
    headers["Vary"] = "Accept-Encoding"
    if _not_modified(headers["ETag"]):
        return Response(status=304, headers=headers)
    key = (state().version, query.name, subs, fmt)
    with _charts_lock:
        body = _charts.get(key)
    if body is None:
        title = query.chart.title or query.summary
        spec = charts.spec(query.chart, _results_json(query, subs), title=title, description=query.summary)
        body = state().engine.draw_chart(spec, fmt)  # in a query worker: vl-convert holds the GIL
        with _charts_lock:
            if len(body) + 1024 <= _charts.maxsize:
                _charts[key] = body
    return Response(body, content_type=CHART_TYPES[fmt] + ("; charset=utf-8" if fmt == "svg" else ""),
                    headers=headers)


def _table(results: dict[str, Any], hidden: set[str]) -> tuple[list[dict[str, str]], list[list[dict[str, Any]]]]:
    """Columns and cells for the HTML table: an IRI column with a ``…Label`` twin shows as one linked label."""
    variables = results.get("head", {}).get("vars", [])
    shown = [v for v in variables if v not in hidden and not (v.endswith("Label") and v[:-5] in variables)]
    columns = [{"name": v, "title": v} for v in shown]
    rows = []
    for binding in results.get("results", {}).get("bindings", []):
        cells = []
        for v in shown:
            term = binding.get(v)
            label = binding.get(v + "Label")
            cell: dict[str, Any] = {"text": "", "href": None, "lang": None, "title": None}
            if term is not None:
                if term.get("type") == "uri":
                    cell.update(href=_local_href(term["value"]), title=term["value"],
                                text=label["value"] if label else _compact(term["value"]),
                                lang=(label or {}).get("xml:lang"))
                else:
                    cell.update(text=term["value"], lang=term.get("xml:lang"))
            cells.append(cell)
        rows.append(cells)
    return columns, rows


def _page(query: SavedQuery) -> Response:
    status, error, results = 200, None, None
    given = {k: v for k, v in _request_pairs()}
    try:
        values = resolve(query, _request_pairs())
        results = _results_json(query, substitutions(query, values))
    except BadRequest as exc:
        status, error, values = 400, exc.message, {}
    except TalentKGError as exc:
        status, error, values = exc.status, exc.message, {}
    columns, rows = _table(results or {}, {p.name for p in query.params})
    form_values = {p.name: given.get(p.name, values.get(p.name, p.default or "")) for p in query.params}
    link_values = {k: v for k, v in form_values.items() if v}
    editor = request.script_root + "/editor?" + urlencode({"query": query.text})
    html = render(
        "queries_page.html", choose_lang(), query=query, columns=columns, rows=rows, error=error, form_values=form_values,
        qs=_query_string(link_values), editor_url=editor, row_count=len(rows),
        chart_alt=f"Chart: {query.chart.title or query.summary}" if query.chart else "")
    return Response(html, status=status, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


# -- OpenAPI ----------------------------------------------------------------------------------

@bp.route("/openapi.json", methods=["GET", "HEAD"])
def openapi() -> Response:
    from talentkg.web.openapi import document

    body = json.dumps(document(catalogue(), request.host_url.rstrip("/") + request.script_root),
                      ensure_ascii=False, indent=2)
    return Response(body + "\n", content_type="application/json; charset=utf-8")
