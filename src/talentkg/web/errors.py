"""Every error, whatever raised it, becomes one status and a body a person can act on."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from talentkg.errors import EngineBusy, QueryTimeout, TalentKGError, UnsupportedContentCoding

log = logging.getLogger("talentkg.errors")


def _html_page(status: int, message: str) -> str | None:
    """A page in the site's layout for browsers, when the site's templates are there."""
    accept = request.accept_mimetypes
    if accept["text/html"] <= max(accept["text/plain"], accept["application/json"]):
        return None
    try:
        from talentkg.web.i18n import LANGS, explicit_lang
        from talentkg.web.page import render

        lang = explicit_lang() or request.accept_languages.best_match(LANGS) or LANGS[0]
        return render("error.html", lang, status=status, message=message)
    except Exception:  # noqa: BLE001 - an error page must never fail: plain text below
        log.debug("no HTML error page", exc_info=True)
        return None


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """JSON when the client prefers it, a page for browsers, plain text otherwise (what SPARQL clients show)."""
    # a message may quote the request, lone surrogates included (\uD800 in a query): keep it encodable
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    best = request.accept_mimetypes.best_match(["text/plain", "application/json", "text/html"]) if request else None
    page = _html_page(status, message) if request else None
    if page is not None:
        response = Response(page, status=status, content_type="text/html; charset=utf-8")
    elif best == "application/json" and request.accept_mimetypes["application/json"] > request.accept_mimetypes["text/plain"]:
        body = json.dumps({"status": status, "error": code, "message": message}, ensure_ascii=False)
        response = Response(body + "\n", status=status, content_type="application/json; charset=utf-8")
    else:
        response = Response(f"{status} {code}: {message}\n", status=status, content_type="text/plain; charset=utf-8")
    response.headers["X-Talentkg-Error"] = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def refuse_outside_flask(environ: dict[str, Any], start_response: Callable[..., Any], status: int, code: str,
                         message: str, headers: tuple[tuple[str, str], ...] = ()) -> list[bytes]:
    """The plain-text error, with its access line, for WSGI middleware that answers before Flask runs.

    Such a refusal is about the request's shape (a header too long, too many bodies in flight), so it
    stays cheap: no negotiation, no page.
    """
    from talentkg.web.access_log import MESSAGE
    from talentkg.web.access_log import log as access_log

    body = f"{status} {code}: {message}\n".encode("utf-8", "backslashreplace")
    access_log.info(MESSAGE, environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), status, 0.0, "-", "-")
    start_response(f"{status} {HTTPStatus(status).phrase}", [
        ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
        ("X-Talentkg-Error", code), ("Access-Control-Allow-Origin", "*"), *headers])
    return [body]


def register(app: Flask) -> None:
    @app.errorhandler(TalentKGError)
    def _ours(exc: TalentKGError) -> Response:
        headers = {}
        if isinstance(exc, (QueryTimeout, EngineBusy)):
            headers["Retry-After"] = "5"
        if isinstance(exc, UnsupportedContentCoding):  # RFC 9110, 12.5.3: say which codings are accepted
            headers["Accept-Encoding"] = "identity"
        return error_response(exc.status, exc.code, exc.message, headers)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        messages = {
            404: "nothing here; see / for what this server offers",
            405: f"method {request.method} is not allowed here",
            413: "the request is larger than this server accepts",
            414: "the request URL is too long; send long queries with POST",
            416: "the requested byte range is outside the representation; Content-Range gives its length",
        }
        response = error_response(exc.code or 500, (exc.name or "error").lower().replace(" ", "-"),
                                  messages.get(exc.code or 0, exc.description or exc.name or "error"))
        if exc.code == 416:  # RFC 9110, 15.5.17: say how long the representation is
            length = getattr(exc, "length", None)
            if length is not None:
                response.headers["Content-Range"] = f"bytes */{length}"
        if exc.code == 405:
            allowed = getattr(exc, "valid_methods", None)
            if allowed:
                response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "internal-error", "an unexpected error occurred; it has been logged")
