"""Bad input gets the right status and a message a person can act on; nothing changes the data."""

from __future__ import annotations

import gzip
import zlib
from urllib.parse import quote

import requests
from conftest import send_endless_request_line

FORM = "application/x-www-form-urlencoded"


def count_triples(server) -> int:
    return int(server.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").json()["results"]["bindings"][0]["n"]["value"])


def test_syntax_error_gives_the_parser_message_and_position(server):
    response = server.query("SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert "not valid SPARQL" in response.text and "1:" in response.text


def test_garbage_is_a_syntax_error(server):
    response = server.query("hello world")
    assert response.status_code == 400 and "not valid SPARQL" in response.text


def test_updates_are_refused_and_change_nothing(server):
    before = count_triples(server)
    for update in ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DELETE WHERE { ?s ?p ?o }", "CLEAR ALL",
                   "DROP GRAPH <https://w3id.org/talentkg/graph/data>", "LOAD <http://example.org/x.ttl>",
                   "CREATE GRAPH <urn:g>", "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                   "ADD DEFAULT TO <urn:g>", "MOVE DEFAULT TO <urn:g>", "COPY DEFAULT TO <urn:g>"):
        for response in (server.query(update),
                         requests.post(server.sparql, data={"update": update}),
                         requests.post(server.sparql, data=update, headers={"Content-Type": "application/sparql-update"}),
                         requests.post(server.sparql, data={"query": update})):
            assert response.status_code in (400, 403), (update, response.status_code)
            assert "read-only" in response.text
    assert count_triples(server) == before


def test_exactly_one_query(server):
    response = requests.get(server.sparql, params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert response.status_code == 400 and "exactly one query" in response.text


def test_wrong_and_missing_media_types(server):
    plain = requests.post(server.sparql, data="ASK {}", headers={"Content-Type": "text/plain"})
    assert plain.status_code == 415 and "application/sparql-query" in plain.text
    missing = requests.post(server.sparql, data=b"ASK {}", headers={"Content-Type": ""})
    assert missing.status_code == 415


def test_compressed_request_bodies_are_refused_not_misread(server):
    # a gzip body read as it came would be a form without a query, or a query of binary garbage
    for content_type, body in (("application/sparql-query", b"ASK {}"), (FORM, b"query=ASK%20%7B%7D")):
        for coding in ("gzip", "deflate", "br"):
            packed = gzip.compress(body) if coding == "gzip" else zlib.compress(body) if coding == "deflate" else body
            response = requests.post(server.sparql, data=packed,
                                     headers={"Content-Type": content_type, "Content-Encoding": coding})
            assert response.status_code == 415, (content_type, coding, response.status_code)
            assert f"Content-Encoding: {coding}" in response.text and "uncompressed" in response.text
            assert response.headers["Accept-Encoding"] == "identity"
        plain = requests.post(server.sparql, data=body, headers={"Content-Type": content_type,
                                                                 "Content-Encoding": "identity"})
        assert plain.status_code == 200 and plain.json()["boolean"] is True


def test_methods_other_than_get_and_post(server):
    for method in ("PUT", "DELETE", "PATCH"):
        response = requests.request(method, server.sparql, data="ASK {}")
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]


def test_invalid_utf8(server):
    response = requests.get(server.sparql + "?query=SELECT%20%FF%FE%20WHERE%20%7B%7D")
    assert response.status_code == 400 and "UTF-8" in response.text
    body = requests.post(server.sparql, data=b"ASK { ?s ?p \"\xff\" }", headers={"Content-Type": "application/sparql-query"})
    assert body.status_code == 400 and "UTF-8" in body.text


def test_unknown_function_is_a_client_error(server):
    response = server.query("SELECT (<http://example.org/f>(1) AS ?x) WHERE {}")
    assert response.status_code == 400 and "custom function" in response.text


def test_chunked_bodies_are_read_whole_and_bounded(server):
    def chunks(text: str):
        data = text.encode()
        for i in range(0, len(data), 1000):
            yield data[i:i + 1000]

    query = "ASK { tkgr:pif a tkg:Programme } # " + "x" * 5000
    response = requests.post(server.sparql, data=chunks(query), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200 and response.json()["boolean"] is True
    form = requests.post(server.sparql, data=chunks("query=" + quote(query)),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 200 and form.json()["boolean"] is True
    big = "ASK {} # " + "x" * (1024 * 1024 + 10)
    response = requests.post(server.sparql, data=chunks(big), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413 and "1048576 bytes" in response.text


def test_oversized_requests(server):
    big = "ASK {} # " + "x" * (1024 * 1024 + 10)
    for response in (requests.post(server.sparql, data=big, headers={"Content-Type": "application/sparql-query"}),
                     requests.post(server.sparql, data={"query": big})):
        assert response.status_code == 413 and "limit of 1048576 bytes" in response.text
    long_query = "ASK {} # " + "x" * 300_000  # past the query limit, and a URL longer than the server reads
    response = requests.post(server.sparql, data={"query": long_query})
    assert response.status_code == 413 and "limit of 262144 bytes" in response.text
    # granian: 414 for a URL over 64 KB, 431 once the request line and headers pass its 96 KB buffer
    assert requests.get(server.sparql, params={"query": long_query}).status_code in (414, 431)
    assert requests.get(server.sparql, params={"query": "ASK {} # " + "x" * 70_000}).status_code == 414


def test_an_oversized_header_block_is_refused(server):
    accept = ", ".join(f"application/x-{i}" for i in range(10_000)) + ", application/sparql-results+json"
    assert server.query("ASK {}", accept=accept).status_code == 431  # ~190 KB of Accept header


def test_a_long_query_in_the_url_is_still_answered(server):
    response = server.query("ASK {} # " + "x" * 50_000)  # a VALUES block of ~1,000 IRIs is this long
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_an_endless_request_line_is_refused_before_it_ends(server):
    """A 20 MB URL is answered early, not read to its end: a parser that rescans what it has read (gunicorn
    without a request-line limit did) would spend minutes of CPU on it, holding the worker's GIL."""
    reply, sent = send_endless_request_line(server)
    assert reply == b"" or reply.startswith((b"HTTP/1.1 414 ", b"HTTP/1.1 431 ")), reply[:100]
    assert sent < 20_000_000, "the server read the whole 20 MB line before answering"
    assert server.get("healthz").status_code == 200


def test_graph_parameters_must_be_iris(server):
    response = requests.get(server.sparql, params={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert response.status_code == 400 and "IRI" in response.text


def test_json_errors_for_clients_that_want_them(server):
    response = server.query("SELECT * WHERE {", accept="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "query-syntax"


def test_malformed_iris_and_escapes_are_client_errors(server):
    for query in ("PREFIX a: <\\UFFFFFFFF> SELECT * {}", "PREFIX a: <\\U00110000> SELECT * {}",
                  "PREFIX a: <\\uD800> SELECT * {}", "SELECT * { SERVICE <http://[::1> {} }",
                  "BASE <http://[x> PREFIX a: <b> SELECT * {}", "SELECT * { SERVICE <\\uDFFF> {} }"):
        response = requests.get(server.sparql, params={"query": query}, timeout=60)
        assert response.status_code == 400, (query, response.status_code, response.text[:200])
    for graph in ("http://[::1/", "a:%zz"):
        response = requests.get(server.sparql, params={"query": "ASK {}", "default-graph-uri": graph}, timeout=60)
        assert response.status_code == 400 and "not an absolute IRI" in response.text, (graph, response.text[:200])
    assert server.get("healthz").json()["workers_replaced"] == 0  # no query worker paid for them


def test_too_many_parameters(server):
    body = "&".join(f"p{i}=1" for i in range(5000)) + "&query=ASK%7B%7D"
    response = requests.post(server.sparql, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"},
                             timeout=60)
    assert response.status_code == 400 and "more than 1000 parameters" in response.text


def test_a_header_field_longer_than_8_kb_is_refused_before_it_is_parsed(server):
    for name in ("Accept", "Accept-Language", "If-None-Match"):
        response = server.query("ASK {}", headers={name: "a/b, " * 4000})
        assert response.status_code == 431, name
        assert f"the {name} header is" in response.text and "8192 bytes" in response.text
    assert server.query("ASK {}", headers={"Accept-Language": "fr, en;q=0.5, " * 300}).status_code == 200
    assert any("talentkg.access GET /sparql 431 0.0ms query=- cache=-" in line for line in server.log)


def test_a_form_post_without_a_query_is_a_client_error(server):
    response = requests.post(server.sparql, data="ASK {}", headers={"Content-Type": "application/x-www-form-urlencoded"},
                             timeout=60)
    assert response.status_code == 400 and "no 'query' parameter" in response.text
    assert server.get("sparql", headers={"Accept": "text/turtle"}).status_code == 200  # a GET still describes
