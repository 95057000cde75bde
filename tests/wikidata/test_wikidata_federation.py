"""Federation through /sparql with Wikidata's IRI mapped to a real stand-in: the federated and offline
forms of each saved query return the same rows; anything not allowed is still refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from oxigraph_serve import Oxigraph, start_oxigraph, stop_oxigraph
from recording_proxy import RecordingProxy, start_proxy, stop_proxy
from wikidata_fixtures import EXTRACT, ROOT, STANDIN_FIXTURE, WIKIDATA

QUERIES = ROOT / "queries"
PAIRS = [("funders-wikidata.rq", "funders-wikidata-federated.rq"),
         ("funding-by-wikidata-class.rq", "funding-by-wikidata-class-federated.rq")]


@dataclass
class Federation:
    standin: Oxigraph
    proxy: RecordingProxy  # between the endpoint's relay and the stand-in: sees exactly what the relay sends
    server: object


@pytest.fixture(scope="module")
def federation(cli_env) -> Iterator[Federation]:
    from conftest import start_server, stop_server

    standin = start_oxigraph(EXTRACT, STANDIN_FIXTURE)
    proxy = start_proxy(standin.query_url)
    env = dict(cli_env, TALENTKG_SERVICE_MAP=f"{WIKIDATA}={proxy.url}")
    server = start_server(env)
    try:
        yield Federation(standin, proxy, server)
    finally:
        stop_server(server)
        stop_proxy(proxy)
        stop_oxigraph(standin)


def rows(server, name: str) -> list[dict]:
    response = server.post("sparql", data={"query": (QUERIES / name).read_text(encoding="utf-8")},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, f"{name}: {response.status_code} {response.text[:2000]}"
    return response.json()["results"]["bindings"]


@pytest.mark.parametrize(("offline", "federated"), PAIRS)
def test_federated_and_offline_forms_return_identical_rows(federation, offline, federated):
    before = len(federation.proxy.seen)
    offline_rows, federated_rows = rows(federation.server, offline), rows(federation.server, federated)
    assert offline_rows and federated_rows == offline_rows
    # the federated form really went to the stand-in, once, the way every SPARQL endpoint takes it
    calls = federation.proxy.seen[before:]
    assert [c.status for c in calls] == [200]
    assert calls[0].method == "GET" and any(k == "query" for k, _ in calls[0].params)
    assert calls[0].headers["user-agent"].startswith("talentkg/")
    assert "application/sparql-results+json" in calls[0].headers["accept"]


def test_funders_rows_carry_wikidata_statements_and_ror_facts_in_separate_columns(federation):
    by_funder = {r["funder"]["value"].rsplit("/", 1)[-1]: r for r in rows(federation.server, PAIRS[0][1])}
    value = lambda row, key: row.get(key, {}).get("value")  # noqa: E731
    bmbf, google = by_funder["bmbf"], by_funder["google"]
    assert value(bmbf, "country") == "http://www.wikidata.org/entity/Q183" and value(bmbf, "countryLabel") == "Germany"
    assert value(bmbf, "type") == "http://www.wikidata.org/entity/Q896375"
    assert value(bmbf, "typeLabel") == "Federal Ministry in Germany"
    assert value(bmbf, "rorEstablished") == "1955" and value(bmbf, "inception") is None  # 1955 is ROR's, not Wikidata's
    # Google: the reference tables hold only ROR facts, so no Wikidata column is filled
    assert value(google, "country") is None and value(google, "inception") is None
    assert value(google, "rorCountry") == "http://www.wikidata.org/entity/Q30" and value(google, "rorEstablished") == "1998"


def test_funders_by_wikidata_class(federation):
    found = {(r["programme"]["value"].rsplit("/", 1)[-1], r["funderClassLabel"]["value"]): int(r["funders"]["value"])
             for r in rows(federation.server, PAIRS[1][1])}
    assert found[("prototype-fund", "Federal Ministry in Germany")] == 1
    assert found[("code-for-canada-programme", "province of Canada")] == 1
    assert found[("code-for-america-programme", "(no Wikidata class in the extract)")] == 7


def test_the_relay_waits_as_retry_after_asks(federation):
    federation.proxy.script.append((429, {"Retry-After": "1"}))
    before = len(federation.proxy.seen)
    assert rows(federation.server, PAIRS[1][1])
    assert [c.status for c in federation.proxy.seen[before:]] == [429, 200]


def test_a_failing_service_is_an_error_not_an_empty_answer(federation):
    federation.proxy.script.append((500, {}))
    response = federation.server.post("sparql", data={"query": (QUERIES / PAIRS[0][1]).read_text(encoding="utf-8")},
                                      headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 502, response.text
    assert response.headers["X-Talentkg-Error"] == "service-failed"
    assert "/relay/" not in response.text and "127.0.0.1" not in response.text  # the worker's own relay


@pytest.mark.parametrize("target", ["{standin}", "{proxy}", "https://example.org/sparql",
                                    "https://query.wikidata.org/bigdata/namespace/wdq/sparql"])
def test_a_service_not_on_the_allow_list_is_still_refused(federation, target):
    target = target.format(standin=federation.standin.query_url, proxy=federation.proxy.url)
    before = len(federation.proxy.seen)
    response = federation.server.query(f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")
    assert response.status_code == 400, response.text
    assert response.headers["X-Talentkg-Error"] == "service-not-allowed"
    assert len(federation.proxy.seen) == before


def test_federated_values_list_every_funder_linked_in_the_data(federation):
    """Oxigraph sends a SERVICE pattern without outer bindings, so the federated forms list the funders'
    items in VALUES; this keeps that list equal to the data."""
    linked = {b["item"]["value"].rsplit("/", 1)[-1] for b in federation.server.query(
        "SELECT DISTINCT ?item WHERE { ?programme schema:funder ?funder . ?funder owl:sameAs ?item }").json()[
        "results"]["bindings"]}
    assert linked
    for _offline, federated in PAIRS:
        text = (QUERIES / federated).read_text(encoding="utf-8")
        listed = set(re.findall(r"wd:(Q\d+)", re.search(r"VALUES \?\w+ \{([^}]*)\}", text).group(1)))  # type: ignore[union-attr]
        assert listed == linked, f"{federated}: add {sorted(linked - listed)}, remove {sorted(listed - linked)}"


def test_offline_mode_refuses_federation_and_keeps_the_offline_forms(make_server):
    server = make_server("--offline")
    for offline, federated in PAIRS:
        assert rows(server, offline)
        response = server.post("sparql", data={"query": (QUERIES / federated).read_text(encoding="utf-8")})
        assert response.status_code == 400
        assert "federation is off" in response.text


def test_stand_in_answers_the_relay_directly():
    """`oxigraph serve` takes the two forms the relay sends: GET ?query= and URL-encoded POST."""
    standin = start_oxigraph(EXTRACT)
    try:
        query = "ASK { <http://www.wikidata.org/entity/Q1904> <http://www.wikidata.org/prop/direct/P17> ?c }"
        accept = {"Accept": "application/sparql-results+json, application/sparql-results+xml"}
        assert requests.get(standin.query_url, params={"query": query}, headers=accept, timeout=10).json()["boolean"]
        assert requests.post(standin.query_url, data={"query": query}, headers=accept, timeout=10).json()["boolean"]
    finally:
        stop_oxigraph(standin)
