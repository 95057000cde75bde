"""The OpenAPI 3.1 document of the saved queries: one GET operation per query, with typed parameters."""

from __future__ import annotations

import re
from typing import Any

from talentkg import __version__
from talentkg.catalogue import Catalogue, Param, SavedQuery
from talentkg.sparql.negotiation import RESULT_TYPES

SCHEMAS: dict[str, dict[str, Any]] = {
    "iri": {"type": "string", "format": "iri"},
    "string": {"type": "string"},
    "lang": {"type": "string", "pattern": "^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "year": {"type": "string", "pattern": "^[0-9]{4}$"},
    "boolean": {"type": "boolean"},
}
ERROR = {"description": "A problem with the request or the query, explained in the body",
         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
                     "text/plain": {"schema": {"type": "string"}}}}


def _schema(param: Param) -> dict[str, Any]:
    schema = dict(SCHEMAS[param.type])
    if param.values:
        schema["enum"] = [_typed(param, v) for v in param.values]
    if param.default is not None:
        schema["default"] = _typed(param, param.default)
    return schema


def _typed(param: Param, value: str) -> Any:
    if param.type == "integer":
        return int(value)
    if param.type == "decimal":
        return float(value)
    if param.type == "boolean":
        return value == "true"
    return value


def _parameters(query: SavedQuery) -> list[dict[str, Any]]:
    params = []
    for p in query.params:
        description = p.description or ""
        description += ("; " if description else "") + f"expects {p.expects}"
        if p.default is None:
            description += "; when absent, every value matches"
        params.append({"name": p.name, "in": "query", "required": False, "description": description,
                       "schema": _schema(p)})
    return params


def _operation_id(name: str, suffix: str = "") -> str:
    parts = re.split(r"[^a-zA-Z0-9]+", name + ("-" + suffix if suffix else ""))
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def _results_operation(query: SavedQuery) -> dict[str, Any]:
    fmt = {"name": "format", "in": "query", "required": False,
           "description": "the result format, instead of an Accept header",
           "schema": {"type": "string", "enum": [t.name for t in RESULT_TYPES] + ["html"]}}
    content = {t.mime: {"schema": {"$ref": "#/components/schemas/SparqlJsonResults"}} if t.name == "json"
               else {"schema": {"type": "string"}} for t in RESULT_TYPES}
    content["text/html"] = {"schema": {"type": "string"}}
    return {
        "operationId": _operation_id(query.name),
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags) or ["saved queries"],
        "parameters": _parameters(query) + [fmt],
        "responses": {
            "200": {"description": "The results (SPARQL 1.1 result formats), or the query's page for browsers",
                    "content": content},
            "304": {"description": "Not modified since the data version in If-None-Match"},
            "400": ERROR, "406": ERROR, "503": ERROR,
        },
    }


def _chart_operation(query: SavedQuery, ext: str, mime: str) -> dict[str, Any]:
    return {
        "operationId": _operation_id(query.name, "chart-" + ext),
        "summary": f"Chart ({ext.upper()}): {query.chart.title if query.chart and query.chart.title else query.summary}",
        "tags": list(query.tags) or ["saved queries"],
        "parameters": _parameters(query),
        "responses": {"200": {"description": "The chart, rendered on the server",
                              "content": {mime: {"schema": {"type": "string", "format": "binary"}}}},
                      "400": ERROR, "404": ERROR},
    }


def document(catalogue: Catalogue, server_url: str) -> dict[str, Any]:
    """The OpenAPI document (3.1.0) for ``catalogue`` served at ``server_url``."""
    paths: dict[str, Any] = {
        "/queries": {"get": {
            "operationId": "listSavedQueries", "summary": "The catalogue of saved queries",
            "tags": ["saved queries"],
            "responses": {"200": {"description": "Every saved query with its parameters",
                                  "content": {"application/json": {"schema": {"type": "object"}},
                                              "text/html": {"schema": {"type": "string"}}}}}}},
    }
    for query in catalogue:
        paths[f"/queries/{query.name}"] = {"get": _results_operation(query)}
        if query.chart is not None:
            paths[f"/queries/{query.name}.svg"] = {"get": _chart_operation(query, "svg", "image/svg+xml")}
            paths[f"/queries/{query.name}.png"] = {"get": _chart_operation(query, "png", "image/png")}
    tags = sorted({t for q in catalogue for t in q.tags})
    return {
        "openapi": "3.1.0",
        "info": {"title": "talentkg saved comparison queries", "version": __version__,
                 "description": "Parameterised SPARQL queries over the talentkg knowledge graph. Parameters are "
                                "bound as RDF terms of their type; unknown parameters and values of the wrong "
                                "type get 400 naming the parameter.",
                 "license": {"name": "Data: CC BY 4.0; code: MIT", "identifier": "CC-BY-4.0"}},
        "servers": [{"url": server_url or "/"}],
        "tags": [{"name": t} for t in tags] + ([{"name": "saved queries"}] if "saved queries" not in tags else []),
        "paths": paths,
        "components": {"schemas": {
            "Error": {"type": "object", "properties": {"status": {"type": "integer"}, "error": {"type": "string"},
                                                       "message": {"type": "string"}}},
            "SparqlJsonResults": {"type": "object", "required": ["head"],
                                  "properties": {"head": {"type": "object"}, "results": {"type": "object"},
                                                 "boolean": {"type": "boolean"}}},
        }},
    }
