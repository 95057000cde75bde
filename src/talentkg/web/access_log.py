"""One log line per request: method, path, status, duration and a hash of the query (never the query).

The line goes through the ``talentkg.access`` logger, so a host program routes and filters it like any
other log. When the line would only reach talentkg's own stderr handler (nobody configured logging:
``talentkg serve``), it is written there directly, in the same format: building and formatting a log
record cost more CPU than anything else talentkg adds to a lookup (docs/performance.md).
"""

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
        return self.stamp(record.created, record.msecs, datefmt)

    def stamp(self, created: float, msecs: float, datefmt: str | None = None) -> str:
        second = int(created)
        last = self._last
        if last[0] != second or last[1] != datefmt:
            last = (second, datefmt, time.strftime(datefmt or self.default_time_format, self.converter(created)))
            self._last = last
        return last[2] if datefmt else self.default_msec_format % (last[2], msecs)


LINE_FORMAT = "%(asctime)s %(name)s %(message)s"
_own_handler: logging.StreamHandler | None = None  # the stderr handler configure_logging installed, if it did


def configure_logging() -> None:
    """Log talentkg's lines (one per request among them) to stderr, unless the host program configured logging."""
    global _own_handler
    if logging.getLogger("talentkg").handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(SecondStampFormatter(LINE_FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    _own_handler = handler


def _direct_handler() -> logging.StreamHandler | None:
    """talentkg's own handler, when it is the only place the access line would go, unfiltered."""
    handler = _own_handler
    if handler is None or log.handlers or log.filters or not log.propagate or handler.filters \
            or handler.level > logging.INFO or type(handler.formatter) is not SecondStampFormatter \
            or handler.formatter._fmt != LINE_FORMAT:
        return None
    parent = log.parent
    while parent is not None and not parent.handlers and not parent.filters and parent.propagate:
        parent = parent.parent  # the "talentkg" logger, then the root
    if parent is not logging.root or parent.filters or parent.handlers != [handler]:
        return None
    return handler


def write_line(handler: logging.StreamHandler, message: str) -> None:
    """What ``log.info(message)`` would write through ``handler``, without building a record."""
    created = time.time()
    formatter: SecondStampFormatter = handler.formatter  # type: ignore[assignment]  # checked by _direct_handler
    line = f"{formatter.stamp(created, int((created - int(created)) * 1000))} {log.name} {message}"
    with handler.lock:  # type: ignore[union-attr]
        try:
            handler.stream.write(line + handler.terminator)
            handler.flush()
        except Exception:  # noqa: BLE001 - a failing log stream must not fail the request, as with logging
            handler.handleError(logging.makeLogRecord({"msg": message, "name": log.name}))


MESSAGE = "%s %s %s %.1fms query=%s cache=%s"


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
            args = (request.method, request.path, response.status_code, ms, digest,
                    response.headers.get("X-Talentkg-Cache", "-"))
            handler = _direct_handler()
            if handler is None:
                log.info(MESSAGE, *args)
            else:
                write_line(handler, MESSAGE % args)
        return response
