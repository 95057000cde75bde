"""Comunica as the client: its SPARQL engine queries the live endpoint, alone and beside Wikidata.

Comunica comes from npm (``tests/clients``, installed by ``bash .ci/test``) with the Node.js release it
requires, also from npm. Comunica decides what to send. Given the bare endpoint URL it first
dereferences it with an ``Accept`` header that ranks N-Quads first, and treats it as a SPARQL
endpoint only if the service description it gets back says so. With a single endpoint it passes the
whole query on. With two sources it splits the query into patterns and asks each source for counts,
then for bindings in ``VALUES`` blocks, by POST once a URL grows long.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from oxigraph_serve import Oxigraph, start_oxigraph, stop_oxigraph

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "tests" / "clients"
NODE = CLIENTS / "node_modules" / ".bin" / "node"
COMUNICA = CLIENTS / "node_modules" / "@comunica" / "query-sparql" / "bin" / "query.js"
EXTRACT = ROOT / "data" / "wikidata" / "entities.ttl"

PIF = "<https://w3id.org/talentkg/id/pif>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# a mark only the Wikidata stand-in holds, so that rows that carry it prove Comunica joined both sources
STANDIN_MARK = "<urn:talentkg-test:held-by-the-standin>"


@pytest.fixture(scope="session")
def comunica() -> list[str]:
    """The start of a command line running Comunica's SPARQL engine."""
    if not (NODE.exists() and COMUNICA.exists()):
        pytest.skip("Comunica is not installed: `npm ci` in tests/clients (bash .ci/test does it when npm exists)")
    return [str(NODE), str(COMUNICA)]


@pytest.fixture
def wikidata_standin() -> Oxigraph:
    """``oxigraph serve`` holding the Wikidata extract, plus the stand-in's mark on every item with a country."""
    standin = start_oxigraph(EXTRACT)
    standin.update(f"PREFIX wdt: <http://www.wikidata.org/prop/direct/> "
                   f"INSERT {{ ?item {STANDIN_MARK} true }} WHERE {{ ?item wdt:P17 ?country }}")
    yield standin
    stop_oxigraph(standin)


def run(comunica: list[str], sources: list[str], query: str, media_type: str, tmp_path: Path) -> str:
    """What Comunica answers, in ``media_type``; it must not have warned about anything on the way."""
    file = tmp_path / "query.rq"
    file.write_text(query, encoding="utf-8")
    done = subprocess.run([*comunica, *sources, "-f", str(file), "-t", media_type],
                          check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "WARN" not in done.stderr and "ERROR" not in done.stderr, done.stderr
    return done.stdout


def rows(bindings: list[dict]) -> Counter:
    """SPARQL JSON bindings as a multiset, blank nodes anonymous and plain-string datatypes implicit."""
    def term(t: dict) -> tuple:
        datatype = t.get("datatype")
        return ("bnode",) if t["type"] == "bnode" else \
            (t["type"], t["value"], t.get("xml:lang"), None if datatype in (XSD_STRING, LANG_STRING) else datatype)
    return Counter(frozenset((name, term(value)) for name, value in b.items()) for b in bindings)


def access_lines(server, since: int, needle: str, at_least: int = 1) -> list[str]:
    """The server's access lines after ``since`` that contain ``needle`` (they arrive by a reader thread)."""
    deadline = time.monotonic() + 10
    while True:
        found = [line for line in server.log[since:] if "talentkg.access" in line and needle in line]
        if len(found) >= at_least or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_comunica_finds_the_endpoint_by_its_service_description(comunica, server, tmp_path):
    # the bare URL: Comunica reads the service description first (an N-Quads one, by its Accept)
    query = f"SELECT ?p ?o WHERE {{ {PIF} ?p ?o }}"
    since = len(server.log)
    answer = json.loads(run(comunica, [server.sparql], query, "application/sparql-results+json", tmp_path))
    ours = server.query(query).json()
    assert answer["head"]["vars"] == ours["head"]["vars"]
    assert rows(answer["results"]["bindings"]) == rows(ours["results"]["bindings"])
    languages = {b["o"].get("xml:lang") for b in answer["results"]["bindings"]}
    assert {"en", "fr"} <= languages  # language tags survive the trip
    assert access_lines(server, since, "GET /sparql 200", at_least=2)[0].split("query=")[1].startswith("-")


def test_ask_in_comunica(comunica, server, tmp_path):
    for query, expected in ((f"ASK {{ {PIF} {RDFS_LABEL} ?label }}", True),
                            (f"ASK {{ {PIF} {RDFS_LABEL} 'nothing' }}", False)):
        answer = json.loads(run(comunica, [f"sparql@{server.sparql}"], query,
                                "application/sparql-results+json", tmp_path))
        assert answer["boolean"] is expected, query


@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_graph_results_in_comunica(comunica, server, tmp_path, form):
    query = f"DESCRIBE {PIF}" if form == "DESCRIBE" else f"CONSTRUCT {{ {PIF} ?p ?o }} WHERE {{ {PIF} ?p ?o }}"
    triples = run(comunica, [server.sparql], query, "application/n-triples", tmp_path).splitlines()
    expected = server.query(f"CONSTRUCT {{ {PIF} ?p ?o }} WHERE {{ {PIF} ?p ?o }}", accept="application/n-triples")
    assert f'{PIF} {RDFS_LABEL} "Presidential Innovation Fellows"@en .' in triples
    assert sorted(set(triples)) == sorted(set(expected.text.splitlines()))


def test_comunica_joins_the_endpoint_with_wikidata(comunica, server, wikidata_standin, tmp_path):
    # funders (only talentkg knows them) joined on their Wikidata item with the stand-in's country
    # statements, split by Comunica into requests to both sources
    prefixes = ("PREFIX schema: <https://schema.org/> PREFIX owl: <http://www.w3.org/2002/07/owl#> "
                "PREFIX wdt: <http://www.wikidata.org/prop/direct/>\n")
    federated = prefixes + f"""SELECT DISTINCT ?funder ?item ?country WHERE {{
      ?programme schema:funder ?funder . ?funder owl:sameAs ?item .
      ?item wdt:P17 ?country ; {STANDIN_MARK} true .
    }}"""
    since = len(server.log)
    answer = json.loads(run(comunica, [f"sparql@{server.sparql}", f"sparql@{wikidata_standin.query_url}"],
                            federated, "application/sparql-results+json", tmp_path))
    # talentkg alone, on its own copy of the extract: the same rows
    alone = server.query(prefixes + """SELECT DISTINCT ?funder ?item ?country WHERE {
      ?programme schema:funder ?funder . ?funder owl:sameAs ?item .
      GRAPH <https://w3id.org/talentkg/graph/wikidata> { ?item wdt:P17 ?country }
    }""").json()["results"]["bindings"]
    assert alone and rows(answer["results"]["bindings"]) == rows(alone)
    assert len(access_lines(server, since, "/sparql 200", at_least=2)) >= 2  # Comunica asked talentkg, several times


def test_comunica_posts_a_long_query(comunica, server, tmp_path):
    padding = ", ".join(f'"{i:04d}"' for i in range(600))
    query = f"SELECT ?label WHERE {{ {PIF} {RDFS_LABEL} ?label FILTER(?label NOT IN ({padding})) }}"
    since = len(server.log)
    answer = json.loads(run(comunica, [f"sparql@{server.sparql}"], query, "application/sparql-results+json", tmp_path))
    assert sorted(b["label"]["value"] for b in answer["results"]["bindings"]) \
        == ["Presidential Innovation Fellows", "Presidential Innovation Fellows (PIF)"]
    assert access_lines(server, since, "POST /sparql 200")
