"""The SPARQL 1.1 Protocol query operation, spoken by SPARQLWrapper and by raw HTTP."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import requests
from SPARQLWrapper import CSV, JSON, TSV, XML, N3, POST, GET, TURTLE, JSONLD, RDFXML, SPARQLWrapper

SELECT = """SELECT ?programme ?label WHERE {
  ?programme a tkg:Programme ; rdfs:label ?label . FILTER(lang(?label) = "en")
} ORDER BY ?label"""
ASK = "ASK { tkgr:pif dct:spatial place:usa }"
CONSTRUCT = "CONSTRUCT { tkgr:pif ?p ?o } WHERE { tkgr:pif ?p ?o }"
DESCRIBE = "DESCRIBE tkgr:pif"


def wrapper(server, method):
    sw = SPARQLWrapper(server.sparql, agent="talentkg-tests")
    sw.setMethod(method)
    return sw


@pytest.mark.parametrize("method", [GET, POST])
def test_select_in_every_format_with_sparqlwrapper(server, method):
    sw = wrapper(server, method)
    sw.setQuery(SELECT)
    sw.setReturnFormat(JSON)
    doc = sw.query().convert()
    labels = [b["label"]["value"] for b in doc["results"]["bindings"]]
    assert "Presidential Innovation Fellows" in labels
    sw.setReturnFormat(XML)
    tree = sw.query().convert()
    assert len(tree.getElementsByTagName("result")) == len(labels)
    sw.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(sw.query().convert().decode())))
    assert rows[0] == ["programme", "label"] and len(rows) == len(labels) + 1
    sw.setReturnFormat(TSV)
    lines = sw.query().convert().decode().strip().split("\n")
    assert lines[0] == "?programme\t?label" and len(lines) == len(labels) + 1


@pytest.mark.parametrize("method", [GET, POST])
def test_ask_with_sparqlwrapper(server, method):
    sw = wrapper(server, method)
    sw.setQuery(ASK)
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True
    sw.setReturnFormat(XML)
    assert sw.query().convert().getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE])
def test_graph_results_in_every_format_with_sparqlwrapper(server, method, query):
    sw = wrapper(server, method)
    sw.setQuery(query)
    for fmt in (TURTLE, JSONLD, RDFXML, N3):
        sw.setReturnFormat(fmt)
        graph = sw.query().convert()
        assert len(graph) >= 10, fmt


def test_post_forms_and_direct_post(server):
    form = requests.post(server.sparql, data={"query": SELECT}, headers={"Accept": "application/sparql-results+json"})
    direct = requests.post(server.sparql, data=SELECT.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    get = server.query(SELECT)
    assert form.status_code == direct.status_code == get.status_code == 200
    assert form.json() == direct.json() == get.json()


@pytest.mark.parametrize(("accept", "expected"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/html, */*;q=0.1", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_negotiation(server, accept, expected):
    response = server.query(SELECT, accept=accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{expected}; charset=utf-8"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(("accept", "expected", "fmt"), [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-quads", "application/n-quads", ox.RdfFormat.N_QUADS),
    ("application/trig", "application/trig", ox.RdfFormat.TRIG),
    ("application/rdf+xml;q=0.2, text/turtle;q=0.8", "text/turtle", ox.RdfFormat.TURTLE),
])
def test_construct_negotiation(server, accept, expected, fmt):
    response = server.query(CONSTRUCT, accept=accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{expected}; charset=utf-8"
    assert len(list(ox.parse(response.content, format=fmt))) >= 10


@pytest.mark.parametrize(("param", "expected"), [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
])
def test_format_parameter_overrides_accept(server, param, expected):
    response = server.get("sparql", params={"query": SELECT, "format": param}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(expected)


def test_not_acceptable_lists_what_is_offered(server):
    response = server.query(SELECT, accept="image/png")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text and "text/csv" in response.text
    graph = server.query(CONSTRUCT, accept="text/csv")
    assert graph.status_code == 406 and "text/turtle" in graph.text


def test_dataset_parameters(server):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s a tkg:Programme }"
    ontology = "https://w3id.org/talentkg/graph/ontology"
    data = "https://w3id.org/talentkg/graph/data"
    n = lambda r: int(r.json()["results"]["bindings"][0]["n"]["value"])  # noqa: E731
    assert n(server.get("sparql", params={"query": count, "default-graph-uri": data})) >= 1
    assert n(server.get("sparql", params={"query": count, "default-graph-uri": ontology})) == 0
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    only = server.get("sparql", params={"query": named, "named-graph-uri": ontology})
    assert [b["g"]["value"] for b in only.json()["results"]["bindings"]] == [ontology]
    direct = requests.post(server.sparql + "?default-graph-uri=" + ontology, data=count,
                           headers={"Content-Type": "application/sparql-query"})
    assert n(direct) == 0


def test_from_clause_in_the_query_defines_the_dataset(server):
    count = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/talentkg/graph/ontology> WHERE { ?s a tkg:Programme }"
    assert server.query(count).json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_results_are_well_formed(server):
    xml = server.query(SELECT, accept="application/sparql-results+xml")
    root = ET.fromstring(xml.content)
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"
    doc = json.loads(server.query(ASK).content)
    assert doc == {"head": {}, "boolean": True}


def test_endpoint_answers_with_and_without_trailing_slash(server):
    for path in ("sparql", "sparql/"):
        response = requests.post(server.url + path, data="ASK {}", headers={"Content-Type": "application/sparql-query"})
        assert response.status_code == 200 and response.json()["boolean"] is True


def test_relative_iris_resolve_against_the_url_the_query_was_sent_to(server):
    # RFC 3986, 5.1.3 (the retrieval URI), as oxigraph serve does; the query's own BASE comes first
    def value(query: str, **headers: str) -> str:
        response = server.query(query, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["results"]["bindings"][0]["x"]["value"]

    root = server.url  # http://127.0.0.1:PORT/
    assert value("SELECT (<test> AS ?x) WHERE {}") == root + "test"
    assert value("SELECT (<../up> AS ?x) WHERE {}") == root + "up"
    assert value("PREFIX rel: <rel/> SELECT (rel:a AS ?x) WHERE {}") == root + "rel/a"
    assert value("SELECT (<\\u0068ttp://example.org/x> AS ?x) WHERE {}") == "http://example.org/x"
    assert value("BASE <http://example.org/a/> SELECT (<b> AS ?x) WHERE {}") == "http://example.org/a/b"
    # another host name, another answer: neither the result cache nor the entity-tag mixes them up
    assert value("SELECT (<test> AS ?x) WHERE {}", Host="mirror.example") == "http://mirror.example/test"
    tags = {server.query("SELECT (<test> AS ?x) WHERE {}", headers=h).headers["ETag"]
            for h in ({}, {"Host": "mirror.example"})}
    assert len(tags) == 2
    posted = server.post("sparql", data="CONSTRUCT { <s> <p> <o> } WHERE {}",
                         headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
    assert posted.text.strip() == f"<{root}s> <{root}p> <{root}o> ."
