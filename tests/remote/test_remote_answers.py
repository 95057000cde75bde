"""The same answers from a talentkg in front of ``oxigraph serve`` as from the embedded store: every saved
query (with and without parameters), the linked-data site, the downloads and VoID; and SERVICE on a remote
goes where the allow-list and the service map say, from the engine itself."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pyoxigraph as ox
import pytest

from conftest import ROOT
from talentkg.catalogue import load_catalogue

CATALOGUE = load_catalogue(ROOT / "queries")
OFFLINE = [q.name for q in CATALOGUE if "SERVICE" not in q.text.upper()]  # federated ones need the network
ID = "https://w3id.org/talentkg/id/"
WIKIDATA = "https://query.wikidata.org/sparql"
PARAMETERS = [
    ("fellows-per-year", {"programme": ID + "code-for-america-programme", "from": "2014", "to": "2016"}),
    ("fellows-per-year", {"lang": "fr"}),
    ("fellow-pay", {"programme": ID + "pif"}),
    ("funders", {"sector": "https://w3id.org/talentkg/concept/sector/private"}),
    ("shared-funders", {"minProgrammes": "1"}),
]


def table(server, name: str, params: dict[str, str]) -> tuple[list[str], Counter]:
    response = server.get(f"queries/{name}", params=params, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    reader = csv.reader(io.StringIO(response.content.decode("utf-8")))
    header = next(reader)
    # GROUP_CONCAT lists have no order in SPARQL: compare their items as sets
    return header, Counter(tuple(", ".join(sorted(c.split(", "))) for c in row) for row in reader)


@pytest.mark.parametrize("name", OFFLINE)
def test_every_saved_query_gives_the_same_rows(embedded_server, remote_server, name):
    embedded = table(embedded_server, name, {})
    assert embedded[1], f"{name} has no rows: the comparison would prove nothing"
    assert table(remote_server, name, {}) == embedded


@pytest.mark.parametrize(("name", "params"), PARAMETERS)
def test_parameters_bind_the_same_way(embedded_server, remote_server, name, params):
    embedded = table(embedded_server, name, params)
    assert embedded[1] and embedded != table(embedded_server, name, {})  # the parameter changes the answer
    assert table(remote_server, name, params) == embedded


@pytest.fixture(scope="module")
def union_server(cli_env, run_cli):
    """talentkg in front of an engine whose default graph is the union of its graphs (setting store_union)."""
    from oxigraph_serve import start_engine, stop_oxigraph
    from recording_proxy import start_proxy, stop_proxy

    from conftest import start_server, stop_server

    engine = start_engine(union=True)
    recorder = start_proxy(engine.url)
    try:
        assert run_cli("load", "--store", engine.query_url).code == 0
        server = start_server(dict(cli_env, TALENTKG_STORE_UNION="true"), "--store", recorder.query_url)
        yield server, recorder
        stop_server(server)
    finally:
        stop_proxy(recorder)
        stop_oxigraph(engine)


@pytest.mark.parametrize("name", OFFLINE)
def test_an_engine_with_a_union_default_graph_is_asked_without_naming_graphs(embedded_server, union_server, name):
    server, recorder = union_server
    before = len(recorder.seen)
    assert table(server, name, {}) == table(embedded_server, name, {})
    asked = recorder.seen[before:]
    assert asked and all(k != "default-graph-uri" for r in asked for k, _ in r.params)


def triples(server, path: str, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> set[str]:
    response = server.get(path)
    assert response.status_code == 200, response.text
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) if isinstance(t, ox.Triple) else t
                         for t in ox.parse(response.content, format=fmt))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # the shapes and VoID have blank nodes
    return set((ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b"").decode().splitlines())


@pytest.mark.parametrize("path", ["id/pif.nt", "id/cfa-fellows-2017.nt", "ontology.nt", "shapes.nt",
                                  "graph/wikidata.nt", "concept/unit/person.nt"])
def test_site_resources_hold_the_same_triples(embedded_server, remote_server, path):
    embedded = triples(embedded_server, path)
    assert len(embedded) > 5
    assert triples(remote_server, path) == embedded


def test_pages_and_downloads(embedded_server, remote_server):
    for path in ("", "id/pif", "shapes", "about"):
        page = remote_server.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200 and "</html>" in page.text, path
    assert "Presidential Innovation Fellows" in remote_server.get("id/pif", headers={"Accept": "text/html"}).text
    nquads = "downloads/talentkg.nq"
    assert triples(remote_server, nquads, ox.RdfFormat.N_QUADS) == triples(embedded_server, nquads, ox.RdfFormat.N_QUADS)
    void = ".well-known/void"
    remote_void = remote_server.get(void, headers={"Accept": "application/n-triples"})
    embedded_void = embedded_server.get(void, headers={"Accept": "application/n-triples"})
    counts = lambda r: sorted(line.split('"')[1] for line in r.text.splitlines() if "void#triples>" in line)  # noqa: E731
    assert counts(remote_void) == counts(embedded_void) and counts(embedded_void)


def test_service_on_a_remote_is_called_by_the_engine_at_the_mirror(cli_env, remote_store):
    """The remote engine calls SERVICE itself, at the mirror the service map names (never the real IRI)."""
    from recording_proxy import start_proxy, stop_proxy

    from conftest import start_server, stop_server

    mirror = start_proxy(remote_store.engine.url)  # records what reaches the mirror, forwards to the engine
    server = start_server(dict(cli_env, TALENTKG_SERVICE_MAP=f"{WIKIDATA}={mirror.query_url}"),
                          "--store", remote_store.url)
    try:
        query = f"SELECT DISTINCT ?g WHERE {{ SERVICE <{WIKIDATA}> {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
        response = server.query(query)
        assert response.status_code == 200, response.text
        graphs = {b["g"]["value"] for b in response.json()["results"]["bindings"]}
        assert "https://w3id.org/talentkg/graph/data" in graphs  # answered by the mirror (Wikidata has no such graph)
        assert mirror.seen and all(not r.headers.get("user-agent", "").startswith("talentkg/") for r in mirror.seen)
        refused = server.query(f"SELECT * WHERE {{ SERVICE <{mirror.query_url}> {{ ?s ?p ?o }} }}")
        assert refused.status_code == 400 and refused.headers["X-Talentkg-Error"] == "service-not-allowed"
    finally:
        stop_server(server)
        stop_proxy(mirror)


def test_only_queries_ever_reach_the_remote_engine(remote_server, remote_store):
    remote_server.query("ASK { tkgr:pif a tkg:Programme }")
    for update in ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DROP ALL"):
        assert remote_server.post("sparql", data={"update": update}).status_code in (400, 403)
    seen = remote_store.recorder.seen
    assert seen
    for r in seen:
        names = [k for k, _ in r.params]
        assert (r.method, r.path) == ("POST", "/query") and names.count("query") == 1 and "update" not in names, r
