"""A real remote engine for the tests: ``oxigraph serve`` on loopback, and a recording proxy before it.

The proxy forwards every request unchanged and keeps what it saw (method, path, parameters), so a
test can tell exactly what talentkg asked of the remote: only queries, only to the query endpoint.
Imported by tests/conftest.py (a second conftest.py would shadow the top-level one).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import pyoxigraph as ox
import requests

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
ENGINE_TIMEOUT_S = 10  # the engine's own query time limit: what stops its work once talentkg has given up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Engine:
    """A running ``oxigraph serve`` (in memory)."""

    url: str  # the root, e.g. http://127.0.0.1:PORT
    process: subprocess.Popen

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def store_url(self) -> str:
        return self.url + "/store"

    def dump(self) -> set[ox.Quad]:
        """Every quad the engine holds (Graph Store Protocol GET of the whole dataset)."""
        response = requests.get(self.store_url, headers={"Accept": "application/n-quads"}, timeout=60)
        assert response.status_code == 200, response.text
        return set(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))

    def put(self, graph: str, ntriples: str) -> None:
        response = requests.put(self.store_url, params={"graph": graph}, data=ntriples.encode(),
                                headers={"Content-Type": "application/n-triples"}, timeout=60)
        assert response.status_code in (200, 201, 204), response.text

    def graphs(self) -> set[str]:
        response = requests.get(self.query_url, params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"},
                                headers={"Accept": "application/sparql-results+json"}, timeout=60)
        return {b["g"]["value"] for b in response.json()["results"]["bindings"]}


def start_engine(*, union: bool = False) -> Engine:
    """``union``: the engine's default graph is the union of its named graphs."""
    port = free_port()
    process = subprocess.Popen([str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}",
                                "--timeout-s", str(ENGINE_TIMEOUT_S), *(["--union-default-graph"] if union else [])],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    engine = Engine(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError("oxigraph serve exited: " + (process.stderr.read() or b"").decode())
        try:
            if requests.get(engine.query_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return engine
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            stop_engine(engine)
            raise RuntimeError("oxigraph serve did not start")
        time.sleep(0.05)


def stop_engine(engine: Engine) -> None:
    engine.process.terminate()
    try:
        engine.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        engine.process.kill()
        engine.process.wait(timeout=10)


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
