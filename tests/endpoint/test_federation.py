"""SERVICE reaches only the allow-list; anything else is refused before a single byte is sent."""

from __future__ import annotations

import socket
import threading
import time

import pytest


@pytest.fixture
def listener():
    """A local TCP listener that records every connection it receives."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                hits.append(conn.recv(4096))
            except OSError:
                hits.append(b"")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], hits
    stop.set()
    thread.join(2)
    sock.close()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <http://localhost:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <http://[::1]:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <http://2130706433:{port}/sparql> {{ ?s ?p ?o }} }}",
    "PREFIX x: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
    "BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <file:///etc/passwd> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1\\u003a{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <http:\\u002f\\u002f127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <http://\\U0000006cocalhost:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE # a comment between the keyword and its target\n <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <http://169.254.169.254/latest/meta-data/> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <http://10.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <https://example.org/sparql> {{ ?s ?p ?o }} }}",
])
def test_service_outside_the_allow_list_is_refused_and_sends_nothing(server, listener, template):
    port, hits = listener
    response = server.query(template.format(port=port))
    assert response.status_code == 400, response.text
    assert response.headers["X-Talentkg-Error"] == "service-not-allowed"
    assert "SERVICE" in response.text
    assert hits == []


@pytest.mark.parametrize("target", ["<sparql>", "<>", "<//127.0.0.1:{port}/sparql>", "<./sparql>"])
def test_a_relative_service_iri_is_refused_whatever_the_host_header(server, listener, target):
    # relative IRIs resolve against the URL the query was sent to, and a client chooses the Host
    # header of that URL: here it names the listener, which must still hear nothing
    port, hits = listener
    query = "SELECT * WHERE { SERVICE " + target.format(port=port) + " { ?s ?p ?o } }"
    response = server.query(query, headers={"Host": f"127.0.0.1:{port}"})
    assert response.status_code == 400, response.text
    assert response.headers["X-Talentkg-Error"] == "service-not-allowed"
    assert "relative IRI" in response.text
    assert hits == []


def test_from_and_graph_names_never_fetch(server, listener):
    port, hits = listener
    query = f"SELECT * FROM <http://127.0.0.1:{port}/data.ttl> FROM NAMED <file:///etc/passwd> WHERE {{ ?s ?p ?o }}"
    response = server.query(query)
    assert response.status_code == 200 and response.json()["results"]["bindings"] == []
    graph = server.get("sparql", params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": f"http://127.0.0.1:{port}/g"})
    assert graph.status_code == 200 and graph.json()["boolean"] is False
    assert hits == []


@pytest.fixture
def redirector(listener):
    """An HTTP server that redirects every request to the listener (another port on loopback)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    port, _hits = listener
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.command)
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{port}/sparql")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_GET  # noqa: N815

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", seen
    server.shutdown()
    server.server_close()


def test_an_allowed_service_that_redirects_is_not_followed(make_server, listener, redirector):
    """An allowed endpoint (here its mirror) answering with a redirect to loopback: the relay stops there."""
    _port, hits = listener
    url, seen = redirector
    server = make_server(service_map=f"https://query.wikidata.org/sparql={url}")
    response = server.query("SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }")
    assert seen, "the mirror was never called"
    time.sleep(0.5)  # the listener records what reaches it within its accept loop
    assert hits == [], "the redirect was followed"
    assert response.status_code == 502
    assert "redirect" in response.text and "127.0.0.1" in response.text  # says what the endpoint did
