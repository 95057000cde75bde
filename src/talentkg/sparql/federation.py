"""The only way out for SERVICE: a loopback relay inside each query worker.

pyoxigraph sends SERVICE requests itself, with its own client and no allow-list. The guard
checks every SERVICE target against the allow-list before evaluation, then the query is rewritten
so allowed targets point at this relay, which forwards to the real endpoint (or its configured
mirror) with a descriptive User-Agent, a timeout, and one polite retry on 429/503 honouring
Retry-After. Users cannot name the relay: the guard refuses loopback addresses in queries. Redirects
are not followed: the allow-list names endpoints, and a redirect may point anywhere (loopback, a
private address, a cloud metadata service).

pyoxigraph 0.5 calls a SERVICE with ``POST`` and the query as an ``application/sparql-query`` body
(Accept: SPARQL JSON, then XML), and sends the SERVICE pattern alone, without the bindings of the
rest of the query. Not every endpoint takes that form of POST, so the relay re-sends the query the
way every SPARQL 1.1 endpoint must accept it, Wikidata's and ``oxigraph serve`` included: ``GET
?query=`` when the URL stays short (Wikidata caches GET answers), an URL-encoded ``POST`` otherwise.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Mapping

from talentkg.retry_after import retry_after_seconds

FORWARDED_HEADERS = ("Accept",)
MAX_RETRY_AFTER = 5.0  # seconds; longer waits would eat the query's own time limit
MAX_GET_URL = 2000  # characters; longer queries go by URL-encoded POST
FORM = "application/x-www-form-urlencoded"


class RedirectRefused(urllib.error.URLError):
    """An allowed endpoint answered with a redirect, which a SERVICE call never follows."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> None:
        fp.close()
        raise RedirectRefused(f"the endpoint answered {code} with a redirect to <{newurl}>, and talentkg does not "
                              "follow redirects of SERVICE calls; allow-list (or map to) the final address")


_OPENER = urllib.request.build_opener(_NoRedirects)


def protocol_request(endpoint: str, query_string: str, body: bytes | None, content_type: str) -> tuple[str, bytes | None]:
    """The URL and body that ask ``endpoint`` the same query in the most widely accepted form.

    ``query_string`` and ``body`` are what the relay received (a GET, an URL-encoded POST or a
    direct ``application/sparql-query`` POST); the answer is a GET URL, or a POST URL and form body.
    """
    params = urllib.parse.parse_qsl(query_string, keep_blank_values=True)
    media = content_type.split(";", 1)[0].strip().lower()
    if body is not None and media == FORM:
        params += urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    elif body is not None:
        params.append(("query", body.decode("utf-8")))
    encoded = urllib.parse.urlencode(params)
    joiner = "&" if "?" in endpoint else "?"
    if len(endpoint) + 1 + len(encoded) <= MAX_GET_URL:
        return f"{endpoint}{joiner}{encoded}" if encoded else endpoint, None
    return endpoint, encoded.encode("ascii")


class ServiceRelay:
    """A tiny HTTP relay on 127.0.0.1 that forwards SERVICE calls to allowed endpoints."""

    def __init__(self, allowlist: tuple[str, ...], service_map: Mapping[str, str], user_agent: str,
                 timeout: float) -> None:
        self.endpoints = [a.rstrip("/") for a in allowlist]
        self.service_map = {k.rstrip("/"): v for k, v in service_map.items()}
        self.user_agent = user_agent
        self.timeout = timeout
        self.trace: list[dict[str, Any]] = []
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    def targets(self) -> dict[str, str]:
        """Allowed endpoint IRI -> relay URL."""
        server = self._start()
        host, port = server.server_address[:2]
        return {iri: f"http://{host}:{port}/relay/{i}" for i, iri in enumerate(self.endpoints)}

    def _start(self) -> ThreadingHTTPServer:
        with self._lock:
            if self._server is None:
                relay = self

                class Handler(BaseHTTPRequestHandler):
                    protocol_version = "HTTP/1.1"

                    def log_message(self, *args: Any) -> None:  # quiet
                        pass

                    def do_GET(self) -> None:  # noqa: N802
                        relay._forward(self, None)

                    def do_POST(self) -> None:  # noqa: N802
                        length = int(self.headers.get("Content-Length") or 0)
                        relay._forward(self, self.rfile.read(length) if length else b"")

                self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
                self._server.daemon_threads = True
                threading.Thread(target=self._server.serve_forever, daemon=True, name="service-relay").start()
            return self._server

    def _forward(self, handler: BaseHTTPRequestHandler, body: bytes | None) -> None:
        path, _, query = handler.path.partition("?")
        try:
            index = int(path.rsplit("/", 1)[-1])
            iri = self.endpoints[index]
        except (ValueError, IndexError):
            handler.send_error(404)
            return
        try:
            url, form = protocol_request(self.service_map.get(iri, iri), query, body,
                                         handler.headers.get("Content-Type") or "")
        except UnicodeDecodeError:
            handler.send_error(400, "the SERVICE query is not UTF-8")
            return
        headers = {h: handler.headers[h] for h in FORWARDED_HEADERS if handler.headers.get(h)}
        headers["User-Agent"] = self.user_agent
        if form is not None:
            headers["Content-Type"] = FORM
        started = time.monotonic()
        status, payload, content_type = 502, b"", "text/plain"
        for attempt in (1, 2):
            request = urllib.request.Request(url, data=form, headers=headers, method="POST" if form is not None else "GET")
            try:
                with _OPENER.open(request, timeout=self.timeout) as response:  # allow-listed, never redirected
                    status, payload = response.status, response.read()
                    content_type = response.headers.get("Content-Type", "application/sparql-results+json")
                break
            except urllib.error.HTTPError as exc:
                status, payload = exc.code, exc.read()
                content_type = exc.headers.get("Content-Type", "text/plain") if exc.headers else "text/plain"
                wait = retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)
                if attempt == 1 and status in (429, 503) and wait is not None and wait <= MAX_RETRY_AFTER:
                    time.sleep(wait)
                    continue
                break
            except RedirectRefused as exc:
                status, payload = 502, f"SERVICE {iri}: {exc.reason}".encode()
                break
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                status, payload = 504 if isinstance(exc, TimeoutError) or "timed out" in str(exc) else 502, \
                    f"SERVICE {iri} could not be reached: {exc}".encode()
                break
        self.trace.append({"service": iri, "status": status, "attempts": attempt,
                           "method": "POST" if form is not None else "GET",
                           "ms": round((time.monotonic() - started) * 1000, 1)})
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
