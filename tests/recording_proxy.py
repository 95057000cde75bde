"""A recording HTTP proxy before a real server, so a test can tell exactly what talentkg sent.

It answers on the target's paths and forwards every request (any method) unchanged to the target's
host, keeping what it saw: method, path, parameters (from the query string and from a form or direct
SPARQL body), headers and the status returned. Statuses in ``script`` are answered first, without
forwarding (a 429 or 503 from "Wikidata"). Used before the remote store and the Wikidata stand-in.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

FORWARDED_HEADERS = ("accept", "content-type", "user-agent")


@dataclass
class Seen:
    method: str
    path: str  # without the query string
    params: list[tuple[str, str]]  # from the query string and the body (form, or a direct query/update)
    headers: dict[str, str]  # names in lower case
    body: bytes
    status: int = 0


@dataclass
class RecordingProxy:
    target: str  # a URL: the proxy's ``url`` has its path
    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # answered before proxying
    seen: list[Seen] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def root(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def url(self) -> str:
        """The target's URL, on the proxy."""
        return self.root + urlsplit(self.target).path

    @property
    def query_url(self) -> str:
        """``/query`` on the proxy (``oxigraph serve``'s query endpoint, when the target is its root)."""
        return self.root + "/query"

    def statuses(self) -> list[int]:
        return [s.status for s in self.seen]


def _params(query: str, body: bytes | None, media: str) -> list[tuple[str, str]]:
    params = parse_qsl(query, keep_blank_values=True)
    if body and media == "application/x-www-form-urlencoded":
        params += parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    elif body and media in ("application/sparql-query", "application/sparql-update"):  # direct POST
        params.append((media.rsplit("-", 1)[1], body.decode("utf-8")))
    return params


def start_proxy(target: str, script: list[tuple[int, dict[str, str]]] | None = None) -> RecordingProxy:
    """A recording proxy to ``target`` on a free port."""
    proxy = RecordingProxy(target, list(script or []))
    parts = urlsplit(target)
    origin = f"{parts.scheme}://{parts.netloc}"
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            path, _, query = self.path.partition("?")
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            seen = Seen(self.command, path, _params(query, body, media),
                        {k.lower(): v for k, v in self.headers.items()}, body or b"")
            with lock:
                proxy.seen.append(seen)
                scripted = proxy.script.pop(0) if proxy.script else None
            headers: dict[str, str] = {}
            if scripted is not None:
                status, headers = scripted
                payload = f"scripted {status}".encode()
            else:
                forward = {k: v for k, v in self.headers.items() if k.lower() in FORWARDED_HEADERS}
                request = urllib.request.Request(origin + self.path, data=body, headers=forward, method=self.command)
                try:
                    with urllib.request.urlopen(request, timeout=120) as response:
                        status, payload = response.status, response.read()
                        content_type = response.headers.get("Content-Type", "")
                except urllib.error.HTTPError as exc:
                    status, payload, content_type = exc.code, exc.read(), exc.headers.get("Content-Type", "")
                except OSError:
                    status, payload, content_type = 502, b"the proxied server did not answer", "text/plain"
                if content_type:
                    headers = {"Content-Type": content_type}
            seen.status = status
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_POST = do_PUT = do_DELETE = do_HEAD = do_GET  # noqa: N815

    proxy.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    proxy.server.daemon_threads = True
    threading.Thread(target=proxy.server.serve_forever, daemon=True).start()
    return proxy


def stop_proxy(proxy: RecordingProxy) -> None:
    assert proxy.server is not None
    proxy.server.shutdown()
    proxy.server.server_close()


@pytest.fixture
def make_proxy() -> Iterator:
    """Start recording proxies (``make_proxy(target, script=None)``); stopped after the test."""
    proxies: list[RecordingProxy] = []

    def make(target: str, script: list[tuple[int, dict[str, str]]] | None = None) -> RecordingProxy:
        proxies.append(start_proxy(target, script))
        return proxies[-1]

    yield make
    for p in proxies:
        stop_proxy(p)
