"""Refuse a header field longer than any client needs, before Flask or an extension parses it.

Parsing is linear in a header's length but not cheap: werkzeug spent ~0.8 ms per KB of an ``Accept``
list, and one request is negotiated several times over (the route, the error page, Flask-Compress,
flask-cors), so a 90 KB ``Accept`` cost 1.2 s of a web worker's CPU. Clients send well under 1 KB;
8 KB per field is gunicorn's and nginx's default limit as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from talentkg.web.errors import refuse_outside_flask

MAX_FIELD_BYTES = 8192

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def refuse_long_header_fields(app: WSGIApp, limit: int = MAX_FIELD_BYTES) -> WSGIApp:
    """Wrap ``app``: a request with a header field over ``limit`` bytes gets 431 and a message."""

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        for key, value in environ.items():
            if (key.startswith("HTTP_") or key == "CONTENT_TYPE") and len(value) > limit:
                name = key.removeprefix("HTTP_").replace("_", "-").title()
                return refuse_outside_flask(environ, start_response, 431, "header-too-large",
                                            f"the {name} header is {len(value)} bytes; this endpoint reads "
                                            f"header fields of up to {limit} bytes")
        return app(environ, start_response)

    return guarded
