"""Read request bodies before the app runs, and only a few at a time in each web worker.

The HTTP server hands a request to a web thread once its headers have arrived, and the body is then
read by that thread, with no time limit (granian has none for bodies; gunicorn's threads read it the
same way). A client sending its body a byte at a time holds the thread for as long as it likes: 40
such connections held every thread of both web workers, and the server stopped answering anyone,
``/healthz`` included. So a body is read here, by at most ``most`` threads of a web worker at once.
A request that arrives while that many bodies are still coming in gets 503 after at most 0.1 s,
without a byte of its body read, and its thread is free again. A body that arrives whole, as clients
send it, holds its slot for microseconds; requests without a body (GET, HEAD) never take a slot at
all.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

from talentkg.web.errors import refuse_outside_flask
from talentkg.web.header_limits import WSGIApp

CHUNK = 64 * 1024
RETRY_AFTER_SECONDS = 2
# a body that arrives whole holds its slot for microseconds: a burst of honest POSTs waits this long at
# most for a slot rather than being refused, while a refusal under a flood of slow bodies stays quick
SLOT_WAIT_SECONDS = 0.1


def read_bodies_first(app: WSGIApp, *, most: int, max_bytes: int) -> WSGIApp:
    """Wrap ``app``: bodies up to ``max_bytes`` are read first, by at most ``most`` threads at once.

    A body declared larger than ``max_bytes`` is not read: the app answers 413 from its length alone.
    A chunked body is read up to one byte past ``max_bytes``, so that the app sees it is too large.
    """
    slots = threading.BoundedSemaphore(max(1, most))

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        declared = environ.get("CONTENT_LENGTH")
        encoding = environ.get("HTTP_TRANSFER_ENCODING")
        if not declared and not encoding:  # no body (every GET): the fast path
            return app(environ, start_response)
        chunked = "chunked" in (encoding or "").lower()
        try:
            length = int(declared or 0)
        except ValueError:
            return app(environ, start_response)  # werkzeug treats it as no body; nothing to hold here
        if (length <= 0 and not chunked) or length > max_bytes:
            return app(environ, start_response)
        if not slots.acquire(timeout=SLOT_WAIT_SECONDS):
            return _busy(environ, start_response, most)
        try:
            body = _read(environ["wsgi.input"], (max_bytes + 1) if chunked else length)
        finally:
            slots.release()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)  # the body is whole now: its length says how much to read
        return app(environ, start_response)

    return guarded


def _read(stream: Any, limit: int) -> bytes:
    """Up to ``limit`` bytes; fewer when the client stops sending (it went away mid-body)."""
    parts: list[bytes] = []
    got = 0
    while got < limit:
        try:
            chunk = stream.read(min(CHUNK, limit - got))
        except (OSError, RuntimeError, ValueError):  # the connection failed under the read
            break
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _busy(environ: dict[str, Any], start_response: Callable[..., Any], most: int) -> Iterable[bytes]:
    sock = environ.get("gunicorn.socket")
    if sock is not None:
        # gunicorn drains a body the app left unread before it reuses the connection, in this thread, for
        # up to 5 s, and it ignores the app's "Connection: close": with the reading side shut, the drain
        # ends at once and gunicorn closes the connection after the answer
        try:
            sock.shutdown(socket.SHUT_RD)
        except OSError:
            pass
    return refuse_outside_flask(
        environ, start_response, 503, "busy",
        f"{most} requests are still sending their bodies to this web worker, which reads at most {most} at a "
        f"time; send the whole body at once, or retry in {RETRY_AFTER_SECONDS} s",
        (("Retry-After", str(RETRY_AFTER_SECONDS)), ("Connection", "close")))
