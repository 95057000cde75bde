"""Time limits that really stop work, crashes that cost one worker, nesting and row caps."""

from __future__ import annotations

import threading
import time

import pytest
import requests

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { tkgr:pif a tkg:Programme }"


@pytest.fixture(scope="module")
def limited(cli_env, backend, request):
    from conftest import _serve, stop_server

    env = dict(cli_env, TALENTKG_QUERY_TIMEOUT="2", TALENTKG_MAX_ROWS="25", TALENTKG_EXECUTORS="2")
    s = _serve(env, backend, request)
    yield s
    stop_server(s)


@pytest.mark.slow
def test_expensive_query_is_stopped_while_others_are_answered(limited):
    outcome: dict[str, requests.Response] = {}

    def expensive() -> None:
        outcome["slow"] = limited.query(EXPENSIVE, timeout=120)

    thread = threading.Thread(target=expensive)
    started = time.monotonic()
    thread.start()
    time.sleep(0.5)
    during = limited.query(CHEAP)  # a second client, meanwhile
    assert during.status_code == 200 and during.json()["boolean"] is True
    thread.join(120)
    elapsed = time.monotonic() - started
    slow = outcome["slow"]
    assert slow.status_code == 503
    assert "time limit of 2 s" in slow.text and slow.headers["X-Talentkg-Error"] == "timeout"
    assert elapsed < 60  # stopped near its limit, not run to the end
    after = limited.query(CHEAP)  # and afterwards
    assert after.status_code == 200
    health = limited.get("healthz").json()
    deadline = time.monotonic() + 30  # the killed worker is replaced in the background
    while health["query_workers"] < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
        health = limited.get("healthz").json()
    assert health["workers_replaced"] >= 1 and health["query_workers"] == 2


def test_deep_nesting_is_refused_before_parsing(limited):
    deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    response = requests.post(limited.sparql, data=deep, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400 and "nests brackets deeper" in response.text
    parens = "SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }"
    assert requests.post(limited.sparql, data={"query": parens}).status_code == 400
    assert limited.alive()


@pytest.mark.slow
def test_a_crashing_query_costs_one_worker_only(make_server):
    # with the nesting guard switched off, the hostile query reaches the parser and kills its worker
    s = make_server(max_nesting_depth="1000000")
    deep = "SELECT * WHERE " + "{" * 20000 + "}" * 20000
    response = requests.post(s.sparql, data=deep, headers={"Content-Type": "application/sparql-query"}, timeout=120)
    assert response.status_code in (400, 503)
    assert s.alive()
    assert s.query(CHEAP).status_code == 200
    assert s.get("healthz").json()["query_workers"] >= 1


def test_row_cap_is_signalled_never_silent(limited):
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    response = limited.query(query)
    assert response.status_code == 200
    assert response.headers["X-Talentkg-Truncated"].startswith("true")
    doc = response.json()
    assert doc["truncated"] is True and len(doc["results"]["bindings"]) == 25
    tsv = limited.query(query, accept="text/tab-separated-values")
    assert len(tsv.text.strip().split("\n")) == 26 and tsv.headers["X-Talentkg-Truncated"]
    small = limited.query("SELECT ?s WHERE { ?s a tkg:Programme } LIMIT 3")
    assert "X-Talentkg-Truncated" not in small.headers


RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values")
# terms whose text looks like row or tag boundaries in some format: the counts must not be fooled
AWKWARD = ['"a\\nb,\\"c\\""', '"<result>"', '"x\\ty"', '"</result><result/>"', "1"]


def values_query(n: int) -> str:
    terms = [AWKWARD[i % len(AWKWARD)] if i < len(AWKWARD) else f'"v{i}"' for i in range(n)]
    return "SELECT ?x WHERE { VALUES ?x { " + " ".join(terms) + " } }"


def test_rows_are_counted_in_every_results_format(server, limited):
    for endpoint, n in ((server, 5), (server, 0), (limited, 25)):
        for accept in RESULT_TYPES:
            response = endpoint.query(values_query(n), accept=accept)
            assert response.status_code == 200, response.text
            assert response.headers["X-Talentkg-Rows"] == str(n), (accept, n)
            assert "X-Talentkg-Truncated" not in response.headers, (accept, n)


def test_row_cap_cuts_every_results_format(limited):
    for accept in RESULT_TYPES:
        response = limited.query(values_query(40), accept=accept)
        assert response.status_code == 200, response.text
        assert response.headers["X-Talentkg-Rows"] == "25" and response.headers["X-Talentkg-Truncated"]
        if accept.endswith("json"):
            assert len(response.json()["results"]["bindings"]) == 25
        elif accept.endswith("xml"):
            assert response.text.count("<result>") == 25 and "truncation" in response.text
        else:
            assert response.text.count("v39") == 0 and "v24" in response.text and "v25" not in response.text


def test_construct_row_cap(limited):
    response = limited.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", accept="text/turtle")
    assert response.status_code == 200 and response.headers["X-Talentkg-Truncated"]
    assert response.text.startswith("# Results truncated at 25 rows")


def test_queries_waiting_for_a_busy_engine_are_capped(make_server):
    """Past ``max_waiting_queries``, a query that would wait for a busy worker gets 503 at once, so
    web threads stay free for everything else (slow queries had held all of them for the time limit)."""
    server = make_server(query_timeout="3", executors="1", max_waiting_queries="1")
    results: list[requests.Response] = []
    threads = [threading.Thread(target=lambda i=i: results.append(server.query(f"{EXPENSIVE} # {i}", timeout=120)))
               for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    refused = [r for r in results if "already waiting" in r.text]
    assert len(results) == 6 and refused, [r.text[:120] for r in results]
    assert all(r.status_code == 503 and r.headers["Retry-After"] for r in refused)
    assert server.query(CHEAP).json()["boolean"] is True


# about a second of work on the bundled data: two million pairs, compared
PAIRS = """SELECT (COUNT(*) AS ?n) WHERE {
  { SELECT ?a WHERE { ?a ?b ?c } LIMIT 2000 } { SELECT ?d WHERE { ?d ?e ?f } LIMIT 2000 }
  FILTER(STR(?a) != STR(?d))
}"""


def concurrently(server, query: str, clients: int, **headers: str) -> list[requests.Response]:
    results: list[requests.Response] = []
    threads = [threading.Thread(target=lambda: results.append(server.query(query, headers=headers, timeout=120)))
               for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_the_same_query_asked_at_once_is_evaluated_once(make_server):
    # one web worker, so that every request meets the same evaluation; two query workers, so that
    # without sharing two copies would run at once and the rest would queue behind them
    server = make_server(web_workers="1", executors="2")
    results = concurrently(server, PAIRS, 6)
    assert len(results) == 6 and all(r.status_code == 200 for r in results), [r.text[:200] for r in results]
    assert len({r.content for r in results}) == 1
    statuses = sorted(r.headers["X-Talentkg-Cache"] for r in results)
    assert statuses.count("miss") == 1 and statuses.count("miss") + statuses.count("shared") \
        + statuses.count("hit") == 6 and "shared" in statuses, statuses
    assert server.query(CHEAP).json()["boolean"] is True  # nothing is left behind


def test_a_shared_evaluation_shares_its_failure(make_server):
    # three clients, one query over the time limit: all three get the error, and one worker is stopped
    server = make_server(web_workers="1", executors="2", query_timeout="2")
    stopped = concurrently(server, EXPENSIVE, 3)
    assert [r.status_code for r in stopped] == [503] * 3, [r.text[:200] for r in stopped]
    assert all("time limit of 2 s" in r.text for r in stopped)
    deadline = time.monotonic() + 30  # the stopped worker is replaced in the background
    while (health := server.get("healthz").json())["query_workers"] < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert health["workers_replaced"] == 1 and health["query_workers"] == 2


def test_requests_waiting_for_a_shared_evaluation_are_capped(make_server):
    # each waits in a web thread: past max_waiting_queries they are refused at once, as waiting jobs are
    server = make_server(web_workers="1", executors="2", max_waiting_queries="1")
    results = concurrently(server, PAIRS, 6)
    statuses = sorted(r.headers.get("X-Talentkg-Cache", str(r.status_code)) for r in results)
    refused = [r for r in results if r.status_code == 503]
    assert statuses.count("miss") == 1 and statuses.count("shared") <= 1 and refused, statuses
    assert all("already being evaluated" in r.text and r.headers["Retry-After"] for r in refused)


def test_without_the_cache_nothing_is_shared(make_server):
    server = make_server(web_workers="1", executors="2", cache_max_bytes="0")
    statuses = [r.headers["X-Talentkg-Cache"] for r in concurrently(server, PAIRS, 3)]
    assert statuses == ["miss"] * 3


def test_long_chains_are_refused_before_parsing(server):
    """Chains the engine walks by recursion crashed a query worker at 8,000 links (deep nesting aside)."""
    chains = {
        "+": "SELECT (" + "+".join(["1"] * 8000) + " AS ?x) {}",
        "UNION": "SELECT * {" + " UNION ".join(["{}"] * 8000) + "}",
        "BIND": "SELECT * {" + " ".join(f"BIND({i} AS ?v{i})" for i in range(8000)) + "}",
        "path": "SELECT * { ?s " + "/".join(["<urn:p>"] * 8000) + " ?o }",
    }
    for name, query in chains.items():
        response = requests.post(server.sparql, data={"query": query}, timeout=60)
        assert response.status_code == 400 and "chains more than" in response.text, (name, response.text[:200])
    long_list = "SELECT * { VALUES ?x { " + " ".join(f"<urn:x{i}>" for i in range(5000)) + " } } LIMIT 1"
    assert requests.post(server.sparql, data={"query": long_list}, timeout=60).status_code == 200  # a list is fine
    assert server.get("healthz").json()["workers_replaced"] == 0


@pytest.mark.parametrize("http_server", ["granian", "gunicorn"])
def test_slow_request_bodies_cannot_hold_every_web_thread(make_server, http_server):
    """A body sent a byte at a time used to hold its web thread for as long as the client liked: a few
    dozen such connections and nobody got an answer. Now at most ``max_body_readers`` bodies are read
    at once per web worker; past that a request gets 503 at once and its thread is free again."""
    import select
    import socket

    server = make_server("--server", http_server, web_workers="1", web_threads="4", max_body_readers="2")
    host, port = server.url.split("//")[1].rstrip("/").rsplit(":", 1)
    slow = []
    for _ in range(12):  # three times the web worker's threads
        conn = socket.create_connection((host, int(port)), timeout=30)
        conn.sendall(b"POST /sparql HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 10000\r\n\r\nquery=ASK")
        slow.append(conn)
    try:
        # all but the two bodies being read are answered at once, whichever two got the slots
        answers: dict[socket.socket, bytes] = {}
        deadline = time.monotonic() + 30
        while len(answers) < 10 and time.monotonic() < deadline:
            ready, _, _ = select.select([c for c in slow if c not in answers], [], [], 0.5)
            for conn in ready:
                answers[conn] = conn.recv(4096)
        assert len(answers) == 10 and all(a.startswith(b"HTTP/1.1 503") for a in answers.values()), answers
        assert server.get("healthz", timeout=10).status_code == 200
        assert server.query(CHEAP, timeout=10).json()["boolean"] is True  # a GET has no body to wait for
        busy = requests.post(server.sparql, data={"query": CHEAP}, timeout=10)
        assert busy.status_code == 503 and busy.headers["Retry-After"], busy.text
        assert "2 requests are still sending their bodies" in busy.text
        assert any("talentkg.access POST /sparql 503" in line for line in server.log)
    finally:
        for conn in slow:
            conn.close()
    deadline = time.monotonic() + 30  # the two reads end once their clients have gone
    while time.monotonic() < deadline:
        answer = requests.post(server.sparql, data={"query": CHEAP}, timeout=10)
        if answer.status_code == 200:
            break
        time.sleep(0.1)
    assert answer.status_code == 200 and answer.json()["boolean"] is True
