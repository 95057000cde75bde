"""One log line per request: method, path, status, duration and a hash of the query (never the query)."""

from __future__ import annotations

import hashlib
import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("talentkg.access")


def register(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        if log.isEnabledFor(logging.INFO):
            text = getattr(g, "query_text", None)
            digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12] if text else "-"
            ms = (time.perf_counter() - getattr(g, "started", time.perf_counter())) * 1000
            log.info('%s %s %s %.1fms query=%s cache=%s', request.method, request.path, response.status_code, ms,
                     digest, response.headers.get("X-Talentkg-Cache", "-"))
        return response
