"""A real remote engine for the tests: ``oxigraph serve`` on loopback, and a recording proxy before it.

The proxy forwards every request unchanged and keeps what it saw (method, path, parameters), so a
test can tell exactly what talentkg asked of the remote: only queries, only to the query endpoint.
Imported by tests/conftest.py (a second conftest.py would shadow the top-level one).
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from oxigraph_serve import Oxigraph, start_oxigraph

ENGINE_TIMEOUT_S = 10  # the engine's own query time limit: what stops its work once talentkg has given up


def start_engine(*, union: bool = False) -> Oxigraph:
    """The remote store: ``union``: its default graph is the union of its named graphs."""
    return start_oxigraph(options=("--timeout-s", str(ENGINE_TIMEOUT_S), *(["--union-default-graph"] if union else [])))


@dataclass
class Request:
    method: str
    path: str  # without the query string
    params: list[tuple[str, str]]  # from the query string and the body (form, or a direct query/update)
    headers: dict[str, str]


@dataclass
class Recorder:
    """A recording proxy to an engine: talentkg is given ``query_url`` instead of the engine's."""

    target: str
    seen: list[Request] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def query_url(self) -> str:
        return self.url + "/query"


def start_recorder(target: str) -> Recorder:
    recorder = Recorder(target)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            self._forward()

        do_POST = do_PUT = do_DELETE = do_HEAD = do_GET  # noqa: N815

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            path, _, query = self.path.partition("?")
            params = parse_qsl(query, keep_blank_values=True)
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if body and media == "application/x-www-form-urlencoded":
                params += parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            elif body and media in ("application/sparql-query", "application/sparql-update"):  # direct POST
                params.append((media.rsplit("-", 1)[1], body.decode("utf-8")))
            with lock:
                recorder.seen.append(Request(self.command, path, params,
                                             {k.lower(): v for k, v in self.headers.items()}))
            forward = {k: v for k, v in self.headers.items()
                       if k.lower() in ("accept", "content-type", "user-agent")}
            request = urllib.request.Request(recorder.target + self.path, data=body, headers=forward,
                                             method=self.command)
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    status, payload = response.status, response.read()
                    content_type = response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as exc:
                status, payload, content_type = exc.code, exc.read(), exc.headers.get("Content-Type", "")
            except OSError:
                status, payload, content_type = 502, b"the engine did not answer", "text/plain"
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

    recorder.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.server.daemon_threads = True
    threading.Thread(target=recorder.server.serve_forever, daemon=True).start()
    return recorder


def stop_recorder(recorder: Recorder) -> None:
    assert recorder.server is not None
    recorder.server.shutdown()
    recorder.server.server_close()
