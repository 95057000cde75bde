"""The Flask application: an app factory and blueprints, in the manner of Flask's tutorial."""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask
from flask_cors import CORS

from talentkg.config import Config, load_config
from talentkg.sparql.execution import QueryEngine
from talentkg.store import GraphStore
from talentkg.web.compression import ViewAwareCompress
from talentkg.web.state import AppState

COMPRESSIBLE = [
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
    "text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json", "application/n-quads",
    "application/trig", "application/json", "text/html", "text/plain", "text/css", "application/javascript",
    "image/svg+xml",
]


def create_app(config: Config | Mapping[str, Any] | None = None, *, store: GraphStore | None = None,
               start_workers: bool = True) -> Flask:
    """Build the app on validated data.

    ``store`` is an already-opened store (the CLI opens it first so it can refuse invalid data
    before any server starts); otherwise the configured store is opened here, which raises
    ValidationFailed on invalid data. Query workers are forked now unless ``start_workers`` is
    False (the production server forks them after its own fork, see talentkg.server).
    """
    if not isinstance(config, Config):
        config = load_config(config)
    if store is None:
        from talentkg.store import open_store

        store = open_store(config)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.config["JSON_SORT_KEYS"] = False
    app.config["COMPRESS_MIMETYPES"] = COMPRESSIBLE
    app.config["COMPRESS_MIN_SIZE"] = 1024
    app.config["COMPRESS_LEVEL"] = 5
    app.config["COMPRESS_ALGORITHM"] = ["gzip"]
    engine = QueryEngine(store, config)
    app.extensions["talentkg"] = AppState(config=config, store=store, engine=engine)

    CORS(app, resources={r"/*": {"origins": "*"}}, send_wildcard=True, methods=["GET", "POST", "HEAD", "OPTIONS"],
         expose_headers=["ETag", "Last-Modified", "X-Talentkg-Truncated", "X-Talentkg-Rows",
                         "X-Talentkg-Data-Version", "X-Talentkg-Error", "X-Talentkg-Cache",
                         "X-Talentkg-Federation", "Retry-After", "Warning"], max_age=86400)
    ViewAwareCompress(app)

    from talentkg.web import access_log, errors, health, sparql

    errors.register(app)
    access_log.register(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(health.bp)
    _register_optional_blueprints(app)
    access_log.configure_logging()
    from talentkg.web.accept import drop_satisfied_accept_parameters
    from talentkg.web.header_limits import refuse_long_header_fields
    from talentkg.web.request_bodies import read_bodies_first

    # outermost first: a header over its limit is refused before any body is read. Bodies in flight may
    # take at most half of a web worker's threads, whatever the settings: the rest stay for everyone else
    readers = min(config.max_body_readers, max(1, config.web_threads // 2))
    app.wsgi_app = refuse_long_header_fields(drop_satisfied_accept_parameters(  # type: ignore[method-assign]
        read_bodies_first(app.wsgi_app, most=readers, max_bytes=config.max_request_bytes)))
    if start_workers:
        engine.start_workers()
    return app


def _register_optional_blueprints(app: Flask) -> None:
    """Blueprints of later features register themselves here when their modules exist."""
    import importlib

    for name in ("queries", "resources", "site", "downloads"):
        try:
            module = importlib.import_module(f"talentkg.web.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"talentkg.web.{name}":
                continue
            raise
        app.register_blueprint(module.bp)
