"""The SPARQL 1.1 Protocol's request shapes, read strictly from a Flask/Werkzeug request.

Query via GET (``?query=``), POST ``application/x-www-form-urlencoded`` or POST
``application/sparql-query``; dataset via ``default-graph-uri`` / ``named-graph-uri``; exactly one
query. Updates are refused: this endpoint is read-only. Parameters are decoded as strict UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox
from flask import Request

from talentkg.errors import (
    BadRequest,
    PayloadTooLarge,
    UnsupportedContentCoding,
    UnsupportedMediaType,
    UpdateRefused,
)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None


MAX_PARAMETERS = 1000  # a query request has a handful; parsing a million costs the web worker seconds


def _decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict",
                         max_num_fields=MAX_PARAMETERS)
    except UnicodeDecodeError:
        raise BadRequest(f"the {where} is not valid UTF-8 once percent-decoded; encode the query as UTF-8") from None
    except ValueError:  # more fields than max_num_fields
        raise BadRequest(f"the {where} has more than {MAX_PARAMETERS} parameters") from None


def _graph_iris(values: list[str], name: str) -> tuple[str, ...]:
    out = []
    for v in values:
        try:
            absolute = bool(urlsplit(v).scheme)
            ox.NamedNode(v)  # the engine's own IRI check, here rather than in a query worker
        except ValueError:
            absolute = False
        if not absolute or any(c in v for c in ' <>"{}|\\^`') or not v.isprintable():
            raise BadRequest(f"{name}={v!r} is not an absolute IRI")
        out.append(v)
    return tuple(out)


def read(request: Request, *, max_bytes: int) -> QueryRequest | None:
    """The query request, or None for a plain GET (which asks for the service description)."""
    if len(request.query_string) > max_bytes:
        raise PayloadTooLarge(f"the request URL carries more than {max_bytes} bytes; send the query with POST")
    url_params = _decode_params(request.query_string, "URL query string")
    if request.method in ("GET", "HEAD"):
        params = url_params
    elif request.method == "POST":
        coding = request.headers.get("Content-Encoding", "").strip().lower()
        if coding and coding != "identity":  # read as it came, a gzip body would be parsed as garbage
            raise UnsupportedContentCoding(f"the request body has Content-Encoding: {coding}, which this endpoint "
                                           "does not decode; send the body uncompressed")
        mimetype = request.mimetype
        length = request.content_length
        if length is not None and length > max_bytes:
            raise PayloadTooLarge(f"the request body is larger than this endpoint's limit of {max_bytes} bytes")
        body = request.get_data(cache=True)
        if len(body) > max_bytes:
            raise PayloadTooLarge(f"the request body is larger than this endpoint's limit of {max_bytes} bytes")
        if mimetype == FORM:
            params = _decode_params(body, "form body")
            if any(k == "query" for k, _ in url_params):
                raise BadRequest("give the query once: in the form body, not also in the URL")
        elif mimetype == SPARQL_QUERY:
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise UnsupportedMediaType(f"charset={charset} is not supported; send UTF-8")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise BadRequest("the request body is not valid UTF-8; encode the query as UTF-8") from None
            if any(k == "query" for k, _ in url_params):
                raise BadRequest("give the query once: in the body, not also in the URL")
            if any(k == "update" for k, _ in url_params):
                raise UpdateRefused("this endpoint is read-only: SPARQL Update is not accepted")
            return _build([("query", text)] + [(k, v) for k, v in url_params if k != "query"])
        elif mimetype == SPARQL_UPDATE:
            raise UpdateRefused("this endpoint is read-only: SPARQL Update (application/sparql-update) is not accepted")
        elif not mimetype:
            raise UnsupportedMediaType(
                f"a POST needs a Content-Type: {FORM} (query=...) or {SPARQL_QUERY} (the query as the body)")
        else:
            raise UnsupportedMediaType(
                f"Content-Type {mimetype} is not supported; use {FORM} (query=...) or {SPARQL_QUERY}")
        # the protocol puts the dataset in the form for form posts; accept URL parameters as well
        params = params + [(k, v) for k, v in url_params if k not in ("query",)]
        built = _build(params)
        if built is None:  # the service description answers a GET; a POST came to ask something
            raise BadRequest("the form has no 'query' parameter; send query=... (URL-encoded), or the query "
                             f"itself as the body with Content-Type: {SPARQL_QUERY}")
        return built
    else:
        return None
    return _build(params)


def _build(params: list[tuple[str, str]]) -> QueryRequest | None:
    names = [k for k, _ in params]
    if "update" in names:
        raise UpdateRefused("this endpoint is read-only: the update operation is not accepted")
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise BadRequest("exactly one query per request: the request has several 'query' parameters")
    fmt_values = [v for k, v in params if k in ("format", "output", "results")]
    if not queries:
        if any(k in ("default-graph-uri", "named-graph-uri") for k in names):
            raise BadRequest("default-graph-uri / named-graph-uri given without a query")
        return None
    if not queries[0].strip():
        raise BadRequest("the query is empty")
    if "\x00" in queries[0]:
        raise BadRequest("the query contains a NUL character")
    return QueryRequest(
        query=queries[0],
        default_graphs=_graph_iris([v for k, v in params if k == "default-graph-uri"], "default-graph-uri"),
        named_graphs=_graph_iris([v for k, v in params if k == "named-graph-uri"], "named-graph-uri"),
        format=fmt_values[0] if fmt_values else None,
    )
