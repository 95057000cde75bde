"""rdflib as the client: its SPARQLStore (a remote graph behind the Graph API) and its SERVICE clause.

rdflib asks for SPARQL XML results and RDF/XML graphs by default, and sends queries by GET, POST
(``application/sparql-query``) or POST form, as its user chooses.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore

PIF = URIRef("https://w3id.org/talentkg/id/pif")
PROGRAMME = URIRef("https://w3id.org/talentkg/ontology#Programme")


@pytest.fixture(params=["GET", "POST", "POST_FORM"])
def remote_graph(server, request) -> Graph:
    return Graph(store=SPARQLStore(server.sparql, method=request.param, returnFormat="xml"))


def test_select_and_ask_through_sparqlstore(remote_graph, server):
    rows = list(remote_graph.query(f"SELECT ?p ?label WHERE {{ ?p a <{PROGRAMME}> ; <{RDFS.label}> ?label }}"))
    assert (PIF, Literal("Presidential Innovation Fellows", lang="en")) in rows
    assert len(rows) == len(server.query(
        f"SELECT ?p ?label WHERE {{ ?p a <{PROGRAMME}> ; <{RDFS.label}> ?label }}").json()["results"]["bindings"])
    assert remote_graph.query(f"ASK {{ <{PIF}> a <{PROGRAMME}> }}").askAnswer is True
    assert remote_graph.query(f"ASK {{ <{PIF}> <{RDFS.label}> 'nothing' }}").askAnswer is False


def test_graph_api_and_graph_queries_through_sparqlstore(remote_graph):
    # Graph.triples() becomes a SELECT, DESCRIBE and CONSTRUCT come back as RDF/XML graphs
    about = set(remote_graph.triples((PIF, None, None)))
    assert (PIF, RDFS.label, Literal("Presidential Innovation Fellows", lang="en")) in about
    described = set(remote_graph.query(f"DESCRIBE <{PIF}>").graph)
    constructed = set(remote_graph.query(f"CONSTRUCT {{ <{PIF}> ?p ?o }} WHERE {{ <{PIF}> ?p ?o }}").graph)
    assert described == constructed == about


def test_rdflib_service_clause_reaches_the_endpoint(server):
    local = Graph()
    local.add((URIRef("urn:mine"), URIRef("urn:about"), PIF))
    rows = list(local.query(f"""SELECT ?label WHERE {{
      <urn:mine> <urn:about> ?programme .
      SERVICE <{server.sparql}> {{ ?programme <{RDFS.label}> ?label FILTER(lang(?label) = "fr") }}
    }}"""))
    assert rows == [(Literal("Presidential Innovation Fellows (PIF)", lang="fr"),)]
