"""Real stand-ins for Wikidata: ``oxigraph serve`` loaded with a Wikidata-shaped fixture, and a small
HTTP proxy in front of it that records every request and can answer 429 before passing them on.

Test modules import these fixtures by name (a second conftest.py would shadow the top-level one for
tests that import ``conftest`` at run time).
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from oxigraph_serve import Oxigraph, start_oxigraph, stop_oxigraph

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

WIKIDATA = "https://query.wikidata.org/sparql"
STANDIN_FIXTURE = FIXTURES / "wikidata" / "standin.ttl"
EXTRACT = ROOT / "data" / "wikidata" / "entities.ttl"


@pytest.fixture
def make_standin() -> Iterator:
    """Start ``oxigraph serve`` loaded with the given Turtle files; stopped after the test."""
    started: list[Oxigraph] = []

    def make(*files: Path) -> Oxigraph:
        started.append(start_oxigraph(*files))
        return started[-1]

    yield make
    for s in started:
        stop_oxigraph(s)


@pytest.fixture
def standin(make_standin) -> Oxigraph:
    """Wikidata's facts about our linked entities (the extract) plus the fictitious fixture entities."""
    return make_standin(EXTRACT, STANDIN_FIXTURE)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 0


@dataclass
class Proxy:
    """An HTTP proxy to one endpoint that records requests and answers scripted statuses first."""

    target: str
    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # answered before proxying
    seen: list[Seen] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/query"

    def statuses(self) -> list[int]:
        return [s.status for s in self.seen]


def start_proxy(target: str, script: list[tuple[int, dict[str, str]]] | None = None) -> Proxy:
    """A recording proxy to ``target`` on a free port; ``script`` statuses are answered first."""
    proxy = Proxy(target, list(script or []))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            self._handle(None)

        def do_POST(self) -> None:  # noqa: N802
            self._handle(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _handle(self, body: bytes | None) -> None:
            seen = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body or b"")
            with lock:
                proxy.seen.append(seen)
                scripted = proxy.script.pop(0) if proxy.script else None
            if scripted is not None:
                status, headers = scripted
                payload = f"scripted {status}".encode()
                seen.status = status
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            query = self.path.partition("?")[2]
            forward = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")}
            request = urllib.request.Request(proxy.target + (f"?{query}" if query else ""), data=body,
                                             headers=forward, method=self.command)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, payload = response.status, response.read()
                    content_type = response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as exc:
                status, payload, content_type = exc.code, exc.read(), exc.headers.get("Content-Type", "")
            seen.status = status
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    proxy.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    proxy.server.daemon_threads = True
    threading.Thread(target=proxy.server.serve_forever, daemon=True).start()
    return proxy


def stop_proxy(proxy: Proxy) -> None:
    assert proxy.server is not None
    proxy.server.shutdown()
    proxy.server.server_close()


@pytest.fixture
def make_proxy() -> Iterator:
    proxies: list[Proxy] = []

    def make(target: str, script: list[tuple[int, dict[str, str]]] | None = None) -> Proxy:
        proxies.append(start_proxy(target, script))
        return proxies[-1]

    yield make
    for p in proxies:
        stop_proxy(p)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's data, ontology, shapes and queries that a test may change."""
    for part in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def tree_digest(folder: Path) -> str:
    """One digest of every file under ``folder`` (names and bytes), to prove nothing was written."""
    digest = hashlib.sha256()
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(f.relative_to(folder)).encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


FIXTURE_ORGANISATION = """
@prefix tkgr:   <https://w3id.org/talentkg/id/> .
@prefix sector: <https://w3id.org/talentkg/concept/sector/> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:    <http://www.w3.org/2002/07/owl#> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix wd:     <http://www.wikidata.org/entity/> .

# test only: an organisation linked to a fictitious Wikidata item of the stand-in
tkgr:fixture-foundation a schema:Organization , org:FormalOrganization ;
    rdfs:label "Fixture Foundation"@en , "Fondation fixture"@fr ;
    org:classification sector:foundation ;
    owl:sameAs wd:Q9900000010 .
"""
