"""The floor: a minimal Flask + pyoxigraph SPARQL endpoint (GET ?query=, JSON or Turtle, nothing else).

No negotiation, guard, limits, cache, compression, CORS or logging: what any Flask app on
pyoxigraph pays at least. Run under gunicorn: ``FLOOR_STORE=DIR gunicorn -w 2 flask_floor:app``.
"""

from __future__ import annotations

import os

import pyoxigraph as ox
from flask import Flask, Response, request

app = Flask(__name__)
_store: ox.Store | None = None


def store() -> ox.Store:
    global _store
    if _store is None:  # opened in each gunicorn worker, after the fork
        _store = ox.Store.read_only(os.environ["FLOOR_STORE"])
    return _store


@app.get("/sparql")
def sparql() -> Response:
    result = store().query(request.args["query"], use_default_graph_as_union=True)
    if isinstance(result, ox.QueryTriples):
        return Response(result.serialize(format=ox.RdfFormat.TURTLE), content_type="text/turtle")
    return Response(result.serialize(format=ox.QueryResultsFormat.JSON),
                    content_type="application/sparql-results+json")
