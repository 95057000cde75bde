"""`talentkg wikidata refresh` against a real SPARQL server standing in for Wikidata."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pyoxigraph as ox
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from oxigraph_serve import free_port
from recording_proxy import make_proxy  # noqa: F401
from wikidata_fixtures import (FIXTURE_ORGANISATION, ROOT, STANDIN_FIXTURE,  # noqa: F401
                               make_standin, project, standin, tree_digest)

ENTITIES = Path("data") / "wikidata" / "entities.ttl"
PROVENANCE = Path("data") / "wikidata" / "provenance.ttl"
GRAPH = URIRef("https://w3id.org/talentkg/graph/wikidata")


def wikidata_triples(path: Path) -> set:
    g = Graph().parse(path, format="turtle")
    return {t for t in g if str(t[0]).startswith("http://www.wikidata.org/entity/Q")}


def link_fixture_organisation(project: Path) -> None:
    (project / "data" / "fixture-foundation.ttl").write_text(FIXTURE_ORGANISATION, encoding="utf-8")


def test_refresh_from_a_stand_in_holding_the_same_facts_changes_nothing_and_records_how(run_cli, project, standin):
    before = wikidata_triples(project / ENTITIES)
    result = run_cli("--root", str(project), "wikidata", "refresh", "--endpoint", standin.query_url)
    assert result.code == 0, result.err
    assert f"0 added, 0 removed, {len(before)} unchanged" in result.out
    assert wikidata_triples(project / ENTITIES) == before

    provenance = Graph().parse(project / PROVENANCE, format="turtle")
    activity = provenance.value(GRAPH, PROV.wasGeneratedBy)
    assert activity is not None and "refresh" in str(activity)
    assert provenance.value(activity, PROV.startedAtTime) is not None
    assert URIRef(standin.query_url) in set(provenance.objects(activity, PROV.used))
    plan = provenance.value(provenance.value(activity, PROV.qualifiedAssociation), PROV.hadPlan)
    query = str(provenance.value(plan, RDF.value))
    assert "CONSTRUCT" in query and "wd:Q492234" in query
    # every fact's record says where it was read (the whole gate is run on a refreshed copy further down)
    assert "read from " + standin.query_url in (project / PROVENANCE).read_text(encoding="utf-8")


def test_the_shipped_extract_is_what_its_recorded_query_returns(standin):
    """The query in data/wikidata/provenance.ttl, sent to an endpoint holding Wikidata's facts about our
    entities (and more), returns exactly the shipped extract: the provenance says how to rebuild it."""
    provenance = Graph().parse(ROOT / PROVENANCE, format="turtle")
    plans = list(provenance.subjects(RDF.type, PROV.Plan))
    assert len(plans) == 1
    answer = requests.post(standin.query_url, data={"query": str(provenance.value(plans[0], RDF.value))},
                           headers={"Accept": "application/n-triples"}, timeout=30)
    assert answer.status_code == 200, answer.text
    rebuilt = {str(t) for t in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES)}
    shipped = {str(t) for t in ox.parse(path=str(ROOT / ENTITIES), format=ox.RdfFormat.TURTLE)}
    assert shipped and rebuilt == shipped


def test_refresh_prints_what_changed_batches_its_queries_and_keeps_only_what_the_extract_holds(
        run_cli, project, standin, make_proxy):
    link_fixture_organisation(project)
    standin.update("DELETE DATA { <http://www.wikidata.org/entity/Q492234> "
                   "<http://www.wikidata.org/prop/direct/P856> <https://www.bmftr.bund.de/> }")
    proxy = make_proxy(standin.query_url)
    result = run_cli("--root", str(project), "wikidata", "refresh", "--endpoint", proxy.url, "--batch-size", "5")
    assert result.code == 0, result.err

    assert "+ wd:Q9900000010 wdt:P571 \"2001-05-01T00:00:00Z\"^^xsd:dateTime" in result.out
    assert "+ wd:Q9900000010 rdfs:label \"Fondation fixture\"@fr" in result.out
    assert "+ wd:Q9900000100 rdfs:label \"fictitious organisation class\"@en" in result.out  # a value's label
    assert "- wd:Q492234 wdt:P856 <https://www.bmftr.bund.de/>" in result.out
    assert re.search(r"\d+ added, 1 removed, \d+ unchanged", result.out)
    assert "left out 1 triple(s)" in result.out  # the "unknown value" headquarters (the query asks no other)

    written = (project / ENTITIES).read_text(encoding="utf-8")
    assert "Q9900000010" in written and "bmftr" not in written
    assert '"2001-05-01T00:00:00Z"^^xsd:dateTime' in written  # Wikidata's own term, not rdflib's rewrite
    assert "Fixture-Stiftung" not in written and "P9999999" not in written and "genid" not in written

    linked = len(re.findall(r"wd:Q\d+", _values_of_plan(project)))
    assert len(proxy.seen) == math.ceil(linked / 5)  # one request per VALUES batch of at most 5
    assert all("talentkg/" in s.headers["user-agent"] for s in proxy.seen)
    assert all("text/turtle" in s.headers["accept"] for s in proxy.seen)
    assert run_cli("--root", str(project), "validate").code == 0


def _values_of_plan(project: Path) -> str:
    text = (project / PROVENANCE).read_text(encoding="utf-8")
    return re.search(r"VALUES \?item \{([^}]*)\}", text).group(1)  # type: ignore[union-attr]


def test_refresh_waits_as_retry_after_asks_on_429(run_cli, project, standin, make_proxy):
    proxy = make_proxy(standin.query_url, script=[(429, {"Retry-After": "1"})])
    result = run_cli("--root", str(project), "wikidata", "refresh", "--endpoint", proxy.url)
    assert result.code == 0, result.err
    assert proxy.statuses()[:2] == [429, 200]
    assert "HTTP 429; waiting 1 s as its Retry-After asks" in result.err
    assert "0 added, 0 removed" in result.out


def test_refresh_retries_503_and_accepts_retry_after_as_an_http_date(run_cli, project, standin, make_proxy):
    proxy = make_proxy(standin.query_url, script=[(503, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})])
    result = run_cli("--root", str(project), "wikidata", "refresh", "--endpoint", proxy.url)
    assert result.code == 0, result.err
    assert proxy.statuses()[:2] == [503, 200]  # a date in the past: ask again at once


def test_refresh_gives_up_when_asked_to_wait_too_long_and_writes_nothing(run_cli, project, standin, make_proxy):
    before = tree_digest(project / "data")
    proxy = make_proxy(standin.query_url, script=[(429, {"Retry-After": "7200"})])
    result = run_cli("--root", str(project), "wikidata", "refresh", "--endpoint", proxy.url)
    assert result.code == 3, result.out + result.err
    assert "asks to wait 7200 s" in result.err and "left as it was" in result.err
    assert proxy.statuses() == [429]  # no second request before the wait it asked for
    assert tree_digest(project / "data") == before


def test_refresh_refuses_an_extract_that_does_not_validate(run_cli, project, standin):
    link_fixture_organisation(project)
    standin.update('INSERT DATA { <http://www.wikidata.org/entity/Q9900000010> '
                   '<http://www.wikidata.org/prop/direct/P17> "Nowhere" }')
    before = tree_digest(project / "data")
    result = run_cli("--root", str(project), "wikidata", "refresh", "--endpoint", standin.query_url)
    assert result.code == 1, result.out + result.err
    assert "wdt:P17 (country) takes a Wikidata item" in result.err
    assert "data/wikidata/entities.ttl" in result.err  # the report names the file it would have written
    assert "left as it was" in result.err
    assert tree_digest(project / "data") == before


def test_refresh_against_an_endpoint_without_our_entities_keeps_the_extract(run_cli, project, make_standin):
    empty = make_standin(STANDIN_FIXTURE)  # fictitious entities only
    before = tree_digest(project / "data")
    result = run_cli("--root", str(project), "wikidata", "refresh", "--endpoint", empty.query_url)
    assert result.code == 3
    assert "knows nothing about any of the" in result.err
    assert tree_digest(project / "data") == before


def test_refresh_dry_run_writes_nothing(run_cli, project, standin):
    link_fixture_organisation(project)
    before = (project / ENTITIES).read_bytes()
    result = run_cli("--root", str(project), "wikidata", "refresh", "--endpoint", standin.query_url, "--dry-run")
    assert result.code == 0, result.err
    assert "+ wd:Q9900000010" in result.out and "would write" in result.out
    assert (project / ENTITIES).read_bytes() == before


def test_refresh_reports_an_unreachable_endpoint(run_cli, project):
    before = tree_digest(project / "data")
    result = run_cli("--root", str(project), "wikidata", "refresh", "--endpoint",
                     f"http://127.0.0.1:{free_port()}/query", "--max-wait", "0")
    assert result.code == 3
    assert "after 4 attempts" in result.err
    assert tree_digest(project / "data") == before
