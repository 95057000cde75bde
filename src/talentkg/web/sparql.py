"""``/sparql``: the SPARQL 1.1 Protocol query operation, and the service description on a plain GET."""

from __future__ import annotations

import hashlib
from email.utils import format_datetime, parsedate_to_datetime
from datetime import datetime, timezone

from flask import Blueprint, Response, g, render_template, request
from rdflib import Dataset, Graph

from talentkg.errors import NotAcceptable
from talentkg.sparql import negotiation, protocol
from talentkg.web.state import state

bp = Blueprint("sparql", __name__)

RDF_SERIALISERS = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld",
                   "nquads": "nquads", "trig": "trig"}


def _last_modified() -> datetime:
    return datetime.fromtimestamp(int(state().store.info.loaded_at), tz=timezone.utc)


def _last_modified_header() -> str:
    return state().remember("last_modified_header", lambda: format_datetime(_last_modified(), usegmt=True))


def _revalidated(etag: str) -> str | None:
    """Whether the request's preconditions say the client holds this response.

    "tag": it names this very entity-tag (given only with an answer). "any": only ``If-None-Match: *``
    or a recent enough ``If-Modified-Since`` holds, which says nothing of whether the query has an
    answer at all. None: it must be answered.
    """
    if request.if_none_match:
        tag = etag.strip('"')
        # Flask-Compress appends ":gzip" to the tags of compressed responses
        if any(t == tag or t.rsplit(":", 1)[0] == tag for t in request.if_none_match.as_set()):
            return "tag"
        return "any" if request.if_none_match.star_tag else None
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            return "any" if parsedate_to_datetime(since) >= _last_modified() else None
        except (TypeError, ValueError):
            return None
    return None


def _not_modified(etag: str) -> bool:
    return _revalidated(etag) is not None


def _document(graph_builder, etag_seed: str, names: str) -> Response:
    """Serve an RDF document (service description, VoID) in the negotiated RDF syntax.

    ``names`` is the URL the document is built from (it differs by Host header and path).
    """
    if request.accept_mimetypes.best_match(["text/html", "text/turtle"]) == "text/html" \
            and request.accept_mimetypes["text/html"] > request.accept_mimetypes["text/turtle"]:
        return Response(render_template("sparql_form.html"), content_type="text/html; charset=utf-8",
                        headers={"Vary": "Accept"}) if etag_seed == "sd" else _rdf_doc(graph_builder, etag_seed, names)
    return _rdf_doc(graph_builder, etag_seed, names)


def _serialise(graph: Graph, media_name: str) -> bytes:
    """The document in one RDF syntax; in N-Quads and TriG, as the default graph of a dataset.

    rdflib refuses to write a plain ``Graph`` as N-Quads, and writes it in TriG as a graph named by a
    fresh blank node: neither is the document a client asked for.
    """
    if media_name in ("nquads", "trig"):
        dataset = Dataset()
        for prefix, namespace in graph.namespaces():
            dataset.bind(prefix, namespace)
        for triple in graph:
            dataset.add(triple)
        graph = dataset
    return graph.serialize(format=RDF_SERIALISERS[media_name], encoding="utf-8")


def _rdf_doc(graph_builder, etag_seed: str, names: str) -> Response:
    st = state()
    media = negotiation.choose_for_header(request.headers.get("Accept"), graph_result=True,
                                          format_param=request.args.get("format"))
    etag = f'"{etag_seed}-{st.version}-{media.name}"'
    if _not_modified(etag):
        return Response(status=304, headers={"ETag": etag, "Vary": "Accept"})
    body = st.remember_for_host(f"{etag_seed}:{media.name}", names,
                                lambda: _serialise(graph_builder(), media.name))
    response = Response(body, content_type=media.content_type)
    response.headers["ETag"] = etag
    response.headers["Vary"] = "Accept"
    response.headers["Last-Modified"] = _last_modified_header()
    return response


@bp.route("/sparql", methods=["GET", "POST", "HEAD"])
@bp.route("/sparql/", methods=["GET", "POST", "HEAD"])  # the W3C protocol tests use this form
def sparql() -> Response:
    st = state()
    query_request = protocol.read(request, max_bytes=st.config.max_request_bytes)
    if query_request is None:
        from talentkg.web.describe import service_description

        return _document(lambda: service_description(st, request.base_url), "sd", request.base_url)
    g.query_text = query_request.query
    shape = st.engine.inspect(query_request.query)
    try:
        media = negotiation.choose_for_header(request.headers.get("Accept"), graph_result=shape.is_graph_result,
                                              format_param=query_request.format)
    except NotAcceptable:
        if shape.form is None:  # let the parser explain what is wrong with the query first
            media = negotiation.RESULT_TYPES[0]
        else:
            raise
    # a query's relative IRIs resolve against the URL it was sent to (RFC 3986, 5.1.3), as in oxigraph serve;
    # only looked up for such a query: building request.base_url costs ~20 µs, a tenth of the budget
    base_iri = request.base_url if shape.has_relative_iri else ""
    fingerprint = hashlib.sha1("\0".join((query_request.query, media.name, *query_request.default_graphs, "|",
                                          *query_request.named_graphs, "|", base_iri)).encode("utf-8")).hexdigest()[:20]
    etag = f'"{st.version}-{fingerprint}"'
    headers = {"Vary": "Accept", "ETag": etag, "Last-Modified": _last_modified_header(),
               "Cache-Control": "public, max-age=0, must-revalidate", "X-Talentkg-Data-Version": st.version}
    held = None if shape.services else _revalidated(etag)
    if held == "tag":
        return Response(status=304, headers=headers)
    answer = st.engine.answer(query_request.query, shape, media, default_graphs=query_request.default_graphs,
                              named_graphs=query_request.named_graphs, base_iri=base_iri or None)
    if held == "any":  # a query that fails gets its error above, not a 304
        return Response(status=304, headers=headers)
    response = Response(answer.body, content_type=answer.media.content_type, headers=headers)
    if answer.media.name != media.name:  # e.g. an ASK whose form the guard could not see
        response.headers["ETag"] = f'"{st.version}-{fingerprint}-{answer.media.name}"'
    if shape.services:
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("ETag", None)
        if answer.trace:
            response.headers["X-Talentkg-Federation"] = "; ".join(
                f"{t['service']} {t['status']} {t['ms']}ms" for t in answer.trace)
    response.headers["X-Talentkg-Cache"] = answer.cache_status
    if answer.rows is not None:
        response.headers["X-Talentkg-Rows"] = str(answer.rows)
    if answer.truncated:
        response.headers["X-Talentkg-Truncated"] = f"true; limit={st.config.max_rows}"
        response.headers["Warning"] = f'199 talentkg "results truncated at {st.config.max_rows} rows"'
    return response


@bp.route("/.well-known/void", methods=["GET", "HEAD"])
def void() -> Response:
    from talentkg.web.describe import void_description

    st = state()
    return _rdf_doc(lambda: void_description(st, request.host_url), "void", request.host_url)
