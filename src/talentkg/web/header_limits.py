"""Refuse a header field longer than any client needs, before Flask or an extension parses it.

Parsing is linear in a header's length but not cheap: werkzeug spent ~0.8 ms per KB of an ``Accept``
list, and one request is negotiated several times over (the route, the error page, Flask-Compress,
flask-cors), so a 90 KB ``Accept`` cost 1.2 s of a web worker's CPU. Clients send well under 1 KB;
8 KB per field is gunicorn's and nginx's default limit as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from talentkg.web.access_log import MESSAGE, log

MAX_FIELD_BYTES = 8192

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def refuse_long_header_fields(app: WSGIApp, limit: int = MAX_FIELD_BYTES) -> WSGIApp:
    """Wrap ``app``: a request with a header field over ``limit`` bytes gets 431 and a message."""

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        for key, value in environ.items():
            if (key.startswith("HTTP_") or key == "CONTENT_TYPE") and len(value) > limit:
                name = key.removeprefix("HTTP_").replace("_", "-").title()
                body = (f"431 header-too-large: the {name} header is {len(value)} bytes; this endpoint reads "
                        f"header fields of up to {limit} bytes\n").encode()
                # the access log's line (access_log.py), for a request that never reaches Flask
                log.info(MESSAGE, environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), 431, 0.0, "-", "-")
                start_response("431 Request Header Fields Too Large", [
                    ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                    ("X-Talentkg-Error", "header-too-large"), ("Access-Control-Allow-Origin", "*")])
                return [body]
        return app(environ, start_response)

    return guarded
