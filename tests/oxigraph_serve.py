"""``oxigraph serve`` for the tests: a real SPARQL 1.1 engine on loopback, in memory.

One helper for every test that needs an engine of its own: the remote store's tests (talentkg loads
it and queries it) and the Wikidata stand-in (loaded with the mirror data). Imported by name from
tests/ (a second conftest.py would shadow the top-level one).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
ENGINE_TIMEOUT_S = 10  # the remote store's own query time limit: what stops its work once talentkg has given up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Oxigraph:
    """A running ``oxigraph serve`` (read-write, so tests can change what it holds)."""

    url: str  # the root, e.g. http://127.0.0.1:PORT
    process: subprocess.Popen

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def store_url(self) -> str:
        return self.url + "/store"

    def load(self, path: Path) -> None:
        """Add a Turtle file to the default graph."""
        response = requests.post(self.store_url + "?default", data=path.read_bytes(),
                                 headers={"Content-Type": "text/turtle"}, timeout=30)
        assert response.status_code in (200, 201, 204), response.text

    def put(self, graph: str, ntriples: str) -> None:
        """Replace a named graph (Graph Store Protocol PUT)."""
        response = requests.put(self.store_url, params={"graph": graph}, data=ntriples.encode(),
                                headers={"Content-Type": "application/n-triples"}, timeout=60)
        assert response.status_code in (200, 201, 204), response.text

    def update(self, text: str) -> None:
        response = requests.post(self.url + "/update", data=text.encode("utf-8"),
                                 headers={"Content-Type": "application/sparql-update"}, timeout=30)
        assert response.status_code in (200, 204), response.text

    def ask(self, text: str) -> bool:
        response = requests.get(self.query_url, params={"query": text},
                                headers={"Accept": "application/sparql-results+json"}, timeout=30)
        return bool(response.json()["boolean"])

    def dump(self) -> set[ox.Quad]:
        """Every quad the engine holds (Graph Store Protocol GET of the whole dataset)."""
        response = requests.get(self.store_url, headers={"Accept": "application/n-quads"}, timeout=60)
        assert response.status_code == 200, response.text
        return set(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))

    def graphs(self) -> set[str]:
        response = requests.get(self.query_url, params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"},
                                headers={"Accept": "application/sparql-results+json"}, timeout=60)
        return {b["g"]["value"] for b in response.json()["results"]["bindings"]}


def start_oxigraph(*files: Path, options: tuple[str, ...] = ()) -> Oxigraph:
    """``oxigraph serve`` in memory on a free port (with extra ``options``), loaded with Turtle ``files``."""
    port = free_port()
    process = subprocess.Popen([str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}", *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Oxigraph(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError("oxigraph serve exited: " + (process.stderr.read() or b"").decode())
        try:
            if requests.get(server.query_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            stop_oxigraph(server)
            raise RuntimeError("oxigraph serve did not start")
        time.sleep(0.05)
    for f in files:
        server.load(f)
    return server


def stop_oxigraph(server: Oxigraph) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


def start_engine(*, union: bool = False) -> Oxigraph:
    """An engine to serve as talentkg's remote store; ``union``: its default graph is the union of its graphs."""
    return start_oxigraph(options=("--timeout-s", str(ENGINE_TIMEOUT_S), *(["--union-default-graph"] if union else [])))
