"""HTTP around the protocol: service description, VoID, caching validators, CORS, gzip, HEAD, health."""

from __future__ import annotations

import gzip
import os
import time

import pyoxigraph as ox
import pytest
import requests

from talentkg.sparql.negotiation import RDF_TYPES

SELECT = "SELECT ?p WHERE { ?p a tkg:Programme } ORDER BY ?p"


def rdf_document(server, path: str, media) -> list[ox.Quad]:
    """The document at ``path`` asked for in ``media``: it must come in that syntax, as one graph."""
    response = server.get(path, headers={"Accept": media.mime})
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"] == media.content_type
    quads = list(ox.parse(response.content, format=media.rdf_format))
    assert all(q.graph_name == ox.DefaultGraph() for q in quads)  # the document, not a graph within one
    return quads


@pytest.mark.parametrize("media", RDF_TYPES, ids=lambda media: media.name)
def test_service_description(server, media):
    # every RDF syntax the endpoint offers; Comunica, for one, asks for N-Quads first
    quads = rdf_document(server, "sparql", media)
    predicates = {q.predicate.value for q in quads}
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert {sd + "endpoint", sd + "resultFormat", sd + "defaultDataset", sd + "feature"} <= predicates
    formats = {q.object.value for q in quads if q.predicate.value == sd + "resultFormat"}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/N-Quads" in formats
    assert {(q.subject.value, q.object.value) for q in quads if q.predicate.value == sd + "endpoint"} \
        == {(server.sparql, server.sparql)}


def test_the_service_description_names_the_url_it_was_asked_on(server):
    sd = "http://www.w3.org/ns/sparql-service-description#endpoint"

    def endpoints(path: str, host: str | None = None) -> set[str]:
        headers = {"Accept": "text/turtle", **({"Host": host} if host else {})}
        response = server.get(path, headers=headers)
        assert response.status_code == 200
        return {t.object.value for t in ox.parse(response.content, format=ox.RdfFormat.TURTLE)
                if t.predicate.value == sd}

    assert endpoints("sparql") == {server.sparql}
    assert endpoints("sparql/") == {server.sparql + "/"}  # the form the W3C protocol tests use
    for i in range(3):
        assert endpoints("sparql", host=f"mirror{i}.example:8443") == {f"http://mirror{i}.example:8443/sparql"}
    assert endpoints("sparql") == {server.sparql}


@pytest.mark.parametrize("media", RDF_TYPES, ids=lambda media: media.name)
def test_void_partitions_come_from_the_store(server, media):
    quads = rdf_document(server, ".well-known/void", media)
    void = "http://rdfs.org/ns/void#"
    classes = {q.object.value for q in quads if q.predicate.value == void + "class"}
    assert "https://w3id.org/talentkg/ontology#Programme" in classes
    assert any(q.predicate.value == void + "propertyPartition" for q in quads)
    total = [int(q.object.value) for q in quads
             if q.predicate.value == void + "triples" and q.subject.value == "https://w3id.org/talentkg/id/dataset"]
    assert total and total[0] == server.get("healthz").json()["triples"]


def test_etag_revalidation_gives_304(server):
    first = server.query(SELECT)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    again = server.query(SELECT, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    since = server.query(SELECT, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    assert server.query(SELECT, headers={"If-None-Match": "*"}).status_code == 304
    # a precondition that names no entity-tag does not vouch for the query: an invalid one still gets 400
    for held in ({"If-None-Match": "*"}, {"If-Modified-Since": first.headers["Last-Modified"]}):
        broken = server.query("SELECT ?x WHERE { ?x ?y }", headers=held)
        assert broken.status_code == 400 and "not valid SPARQL" in broken.text, (held, broken.status_code)
    other_format = server.query(SELECT, accept="text/csv", headers={"If-None-Match": etag})
    assert other_format.status_code == 200


def test_repeated_query_comes_from_the_cache(server):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . FILTER(isLiteral(?o)) }"
    first = server.query(query)
    second = server.query(query)
    assert second.headers["X-Talentkg-Cache"] == "hit"
    assert first.content == second.content


def test_cors(server):
    preflight = requests.options(server.sparql, headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    simple = server.query(SELECT, headers={"Origin": "https://yasgui.example"})
    assert simple.headers["Access-Control-Allow-Origin"] == "*"
    # a page on another origin may read every header the endpoint explains itself with
    exposed = {h.strip().lower() for h in simple.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "x-talentkg-cache", "x-talentkg-rows", "x-talentkg-truncated", "x-talentkg-error",
            "x-talentkg-federation", "retry-after", "warning"} <= exposed


def test_gzip(server):
    response = requests.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"},
                            headers={"Accept-Encoding": "gzip", "Accept": "application/sparql-results+json"},
                            stream=True)
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.raw.read()).startswith(b'{"head"')


def test_gzip_refused_with_quality_zero_is_not_sent(server):
    """RFC 9110, 12.4.2: q=0 means "not acceptable" (Flask-Compress alone gzipped these)."""
    for header in ("gzip;q=0", "gzip; q=0.0, deflate", "*;q=0", "identity, gzip;q=0"):
        response = requests.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"},
                                headers={"Accept-Encoding": header, "Accept": "application/sparql-results+json"},
                                stream=True)
        assert "Content-Encoding" not in response.headers, header
        assert response.raw.read().startswith(b'{"head"') and "Accept-Encoding" in response.headers["Vary"]
    quality = requests.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"},
                           headers={"Accept-Encoding": "gzip;q=0.5"}, stream=True)
    assert quality.headers["Content-Encoding"] == "gzip"


def test_head(server):
    response = requests.head(server.sparql, params={"query": SELECT}, headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.content == b""
    assert response.headers["Content-Type"].startswith("text/csv")


def test_healthz(server):
    health = server.get("healthz").json()
    assert health["status"] == "ok" and health["triples"] > 1000
    assert len(health["data_version"]) == 16 and health["uptime_s"] >= 0


def test_access_log_has_one_line_per_request_with_a_query_hash(server):
    server.query("ASK { ?s ?p 'log-line-check' }")
    lines = [line for line in server.log if "talentkg.access GET /sparql" in line]
    assert lines and all("query=" in line for line in lines)
    assert all("log-line-check" not in line for line in server.log)


def test_access_log_lines_carry_a_timestamp(server):
    import re

    server.query("ASK { ?s ?p 'log-time-check' }")
    line = [line for line in server.log if "talentkg.access GET /sparql" in line][-1]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} talentkg\.access GET /sparql 200 ", line), line


def test_the_access_log_stamp_is_the_standard_one():
    import logging

    from talentkg.web.access_log import SecondStampFormatter

    ours, standard = SecondStampFormatter("%(asctime)s %(message)s"), logging.Formatter("%(asctime)s %(message)s")
    for created in (1_700_000_000.123, 1_700_000_000.999, 1_700_000_001.0, 1_700_000_061.5):
        record = logging.LogRecord("talentkg.access", logging.INFO, __file__, 1, "GET /x", None, None)
        record.created, record.msecs = created, int((created - int(created)) * 1000)
        assert ours.format(record) == standard.format(record)
        assert ours.formatTime(record, "%H:%M") == standard.formatTime(record, "%H:%M")


def test_the_access_line_written_directly_is_the_one_logging_writes(monkeypatch):
    """With nobody else configuring logging the line skips the log record, and reads the same; any handler
    or filter a host program adds on the way gets every line through logging."""
    import io
    import logging
    import re

    from talentkg.web import access_log

    root, access = logging.getLogger(), logging.getLogger("talentkg.access")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(access_log.SecondStampFormatter(access_log.LINE_FORMAT))
    monkeypatch.setattr(root, "handlers", [handler])
    monkeypatch.setattr(root, "level", logging.INFO)
    monkeypatch.setattr(access_log, "_own_handler", handler)
    assert access_log._direct_handler() is handler
    message = access_log.MESSAGE % ("GET", "/sparql", 200, 1.25, "0123456789ab", "miss")
    access_log.write_line(handler, message)
    access.info(access_log.MESSAGE, "GET", "/sparql", 200, 1.25, "0123456789ab", "miss")
    direct, logged = stream.getvalue().splitlines()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "
    assert re.fullmatch(stamp + re.escape("talentkg.access " + message), direct)
    assert direct[24:] == logged[24:] and len(direct) == len(logged)

    seen = []
    monkeypatch.setattr(access, "filters", [lambda record: seen.append(record) or True])
    assert access_log._direct_handler() is None  # a filter on the way: logging decides
    monkeypatch.setattr(access, "filters", [])
    monkeypatch.setattr(root, "handlers", [handler, logging.NullHandler()])
    assert access_log._direct_handler() is None  # a second destination: logging writes to both
    monkeypatch.setattr(root, "handlers", [handler])
    monkeypatch.setattr(handler, "level", logging.WARNING)
    assert access_log._direct_handler() is None
    monkeypatch.setattr(handler, "level", logging.NOTSET)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    assert access_log._direct_handler() is None  # another format: logging formats


def test_serve_runs_one_web_worker_per_cpu_by_default(cli_env, backend, request):
    # the other tests pin one web worker (they count per-process state); this one runs the default
    from concurrent.futures import ThreadPoolExecutor

    from conftest import _serve, stop_server
    from talentkg.config import default_web_workers

    env = {k: v for k, v in cli_env.items() if k != "TALENTKG_WEB_WORKERS"}
    server = _serve(env, backend, request)
    try:
        pid, expected = server.process.pid, max(1, min(os.cpu_count() or 1, 4))
        assert default_web_workers() == expected
        deadline = time.monotonic() + 60  # the server forks its workers after it starts listening
        while len(open(f"/proc/{pid}/task/{pid}/children").read().split()) < expected:
            assert time.monotonic() < deadline, "the web workers were not all started"
            time.sleep(0.1)
        time.sleep(1)  # and not more than that
        assert len(open(f"/proc/{pid}/task/{pid}/children").read().split()) == expected
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda i: server.query(f"ASK {{ ?s ?p 'no-such-value-{i}' }}"), range(16)))
        assert [a.status_code for a in answers] == [200] * 16
        assert all(a.json()["boolean"] is False for a in answers)
    finally:
        stop_server(server)


@pytest.mark.parametrize("path, accept, expected", [
    ("sparql?query=ASK%20%7B%7D", "application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
    ("sparql?query=SELECT%20*%20%7B%7D", "text/csv; charset=UTF-8; header=present", "text/csv"),
    ("sparql", "text/turtle; charset=utf-8", "text/turtle"),
    (".well-known/void", "application/ld+json;charset=utf-8;q=0.9, */*;q=0.1", "application/ld+json"),
    ("id/pif", 'text/turtle; charset="utf-8"', "text/turtle"),
    ("id/pif", "text/html; charset=utf-8", "text/html"),
    ("queries", "application/json; charset=utf-8", "application/json"),
    ("queries/funders", "application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
])
def test_accept_parameters_that_every_representation_satisfies(server, path, accept, expected):
    # werkzeug matches media-range parameters: these once got 406 everywhere, though all is UTF-8
    response = server.get(path, headers={"Accept": accept})
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"].split(";")[0] == expected


def test_an_accept_charset_other_than_utf8_still_gets_406(server):
    response = server.query("ASK {}", accept="application/sparql-results+json; charset=iso-8859-1")
    assert response.status_code == 406 and "application/sparql-results+json" in response.text
