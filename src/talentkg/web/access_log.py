"""One log line per request: method, path, status, duration and a hash of the query (never the query)."""

from __future__ import annotations

import hashlib
import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("talentkg.access")


class SecondStampFormatter(logging.Formatter):
    """``%(asctime)s`` formatted once per second, not once per record.

    The standard formatter calls ``time.strftime`` for every line, and there is a line per request:
    cache hits used 8-12 % less CPU without it in two of three interleaved runs (the third within noise).
    """

    _last: tuple[int, str | None, str] = (-1, None, "")  # (second, datefmt, stamp): replaced whole, never torn

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        second = int(record.created)
        last = self._last
        if last[0] != second or last[1] != datefmt:
            last = (second, datefmt, time.strftime(datefmt or self.default_time_format, self.converter(record.created)))
            self._last = last
        return last[2] if datefmt else self.default_msec_format % (last[2], record.msecs)


def configure_logging() -> None:
    """Log talentkg's lines (one per request among them) to stderr, unless the host program configured logging."""
    if logging.getLogger("talentkg").handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(SecondStampFormatter("%(asctime)s %(name)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


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
