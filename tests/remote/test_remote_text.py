"""What a remote store is sent instead of pyoxigraph's options: values bound in the text, and where to load."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from talentkg.remote.load import graph_store_url
from talentkg.sparql.guard import bind_values, where_clause_start

EX = "http://example.org/"
DATA = f"""
<{EX}a> <{EX}p> <{EX}b> <{EX}g> .
<{EX}c> <{EX}p> <{EX}d> <{EX}g> .
<{EX}a> <{EX}label> "A"@en <{EX}g> .
<{EX}a> <{EX}label> "Aa"@fr <{EX}g> .
<{EX}c> <{EX}n> "3"^^<http://www.w3.org/2001/XMLSchema#integer> <{EX}g> .
<{EX}a> <{EX}n> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <{EX}g> .
"""
PREFIXES = {"ex": EX}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.load(DATA.encode(), format=ox.RdfFormat.N_QUADS)
    return s


def rows(result) -> list[tuple]:
    return sorted(tuple(str(v) for v in row) for row in result)


@pytest.mark.parametrize(("query", "values"), [
    ("SELECT ?s ?o WHERE { ?s ex:p ?o }", {"s": ox.NamedNode(EX + "a")}),
    ("SELECT ?s ?l ?lang WHERE { ?s ex:p ?o OPTIONAL { ?s ex:label ?l FILTER(langMatches(lang(?l), ?lang)) } }",
     {"lang": ox.Literal("fr")}),
    ("SELECT ?s ?min WHERE { ?s ex:n ?n FILTER (COALESCE(?n >= ?min, COALESCE(STR(?min), '') = '')) }",
     {"min": ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}),
    ("SELECT ?s ?t WHERE { ?s ex:p ?o FILTER EXISTS { ?s ex:p ?t } }", {"t": ox.NamedNode(EX + "d")}),
    ("SELECT ?s ?o WHERE { { SELECT ?o WHERE { ?s ex:p ?o } } }", {"s": ox.NamedNode(EX + "a")}),
    ("SELECT ?s (COUNT(*) AS ?k) WHERE { ?s ?p ?o } GROUP BY ?s", {"s": ox.NamedNode(EX + "c")}),
    # groups are evaluated bottom up: a FILTER in a nested OPTIONAL needs the value in its own group
    ("SELECT ?s ?l ?lang WHERE { ?s ex:p ?o OPTIONAL { ?s ex:p ?x OPTIONAL { ?s ex:label ?l "
     "FILTER(langMatches(lang(?l), ?lang)) } } }", {"lang": ox.Literal("fr")}),
    ("SELECT ?s ?o ?t WHERE { VALUES ?o { ex:b ex:d } ?s ex:p ?o { ?s ex:p ?t } UNION { ?s ex:n ?t } }",
     {"t": ox.NamedNode(EX + "b")}),
    # a sub-SELECT that projects the variable gets it too (through sub-SELECTs that all project it)
    ("SELECT ?s ?n WHERE { { SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } }",
     {"s": ox.NamedNode(EX + "a")}),
    ("SELECT ?s ?k ?min WHERE { { SELECT ?s ?min (COUNT(*) AS ?k) WHERE { ?s ?p ?o } GROUP BY ?s ?min "
     "HAVING (COUNT(*) >= ?min) } }",
     {"min": ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}),
    ("SELECT ?s ?o WHERE { { SELECT * WHERE { ?s ex:p ?o } } }", {"s": ox.NamedNode(EX + "a")}),
    ("SELECT ?s ?o WHERE { { SELECT ?o WHERE { { SELECT ?s ?o WHERE { ?s ex:p ?o } } } } }",
     {"s": ox.NamedNode(EX + "a")}),
    ("SELECT ?s ?o WHERE { { SELECT ?s ?o WHERE { { SELECT ?s ?o WHERE { ?s ex:p ?o } } } } }",
     {"s": ox.NamedNode(EX + "a")}),
    ("# a comment { with a brace\nSELECT (EXISTS { ?s ex:p ?o } AS ?e) ?s WHERE { ?s ex:label ?l }",
     {"s": ox.NamedNode(EX + "a")}),
])
def test_values_block_gives_what_pyoxigraph_substitution_gives(store, query, values):
    bound = {ox.Variable(k): v for k, v in values.items()}
    substituted = store.query(query, prefixes=PREFIXES, substitutions=bound, use_default_graph_as_union=True)
    as_text = bind_values(query, [(k, str(v)) for k, v in values.items()])
    assert as_text != query
    written = store.query(as_text, prefixes=PREFIXES, use_default_graph_as_union=True)
    expected = rows(substituted)
    assert expected and rows(written) == expected


def test_construct_binds_in_its_pattern_not_its_template(store):
    query = "CONSTRUCT { ?s ex:q ?l ; ex:lang ?lang } WHERE { ?s ex:label ?l FILTER(lang(?l) = ?lang) }"
    by_hand = 'CONSTRUCT { ?s ex:q ?l ; ex:lang "en" } WHERE { ?s ex:label ?l FILTER(lang(?l) = "en") }'
    written = bind_values(query, [("lang", '"en"')])
    assert written.startswith("CONSTRUCT { ?s ex:q ?l ; ex:lang ?lang } WHERE { VALUES")
    answer = lambda q: sorted(str(t) for t in store.query(q, prefixes=PREFIXES, use_default_graph_as_union=True))  # noqa: E731
    assert answer(by_hand) and answer(written) == answer(by_hand)


def test_where_clause_of_each_form():
    def upto(query: str) -> str:
        return query[: where_clause_start(query)]

    assert upto("SELECT * WHERE { ?s ?p ?o }") == "SELECT * WHERE {"
    assert upto("ASK { ?s ?p ?o }") == "ASK {"
    assert upto("SELECT (EXISTS { ?a ?b ?c } AS ?e) { ?s ?p ?o }") == "SELECT (EXISTS { ?a ?b ?c } AS ?e) {"
    assert upto("CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }") == "CONSTRUCT { ?s ?p ?o } {"
    assert upto("CONSTRUCT { ?s ?p ?o } FROM <urn:g> WHERE { ?s ?p ?o }") == \
        "CONSTRUCT { ?s ?p ?o } FROM <urn:g> WHERE {"
    with pytest.raises(ValueError, match="CONSTRUCT WHERE"):
        where_clause_start("CONSTRUCT WHERE { ?s ?p ?o }")
    with pytest.raises(ValueError, match="no WHERE clause"):
        where_clause_start("DESCRIBE <urn:x>")


@pytest.mark.parametrize(("endpoint", "expected"), [
    ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/store"),  # oxigraph serve
    ("http://localhost:3030/talentkg/sparql", "http://localhost:3030/talentkg/data"),  # Fuseki
    ("http://localhost:3030/talentkg/query", "http://localhost:3030/talentkg/data"),
    ("https://db.example.org/repositories/tkg", "https://db.example.org/repositories/tkg/rdf-graphs/service"),
    ("https://user:secret@db.example.org/repositories/tkg?infer=false",
     "https://user:secret@db.example.org/repositories/tkg/rdf-graphs/service"),
    ("http://localhost:8890/sparql", None),  # Virtuoso: say it
    ("https://qlever.example.org/api/talentkg", None),
])
def test_graph_store_url_of_well_known_engines(endpoint, expected):
    assert graph_store_url(endpoint) == expected


@pytest.mark.parametrize(("settings", "location", "remote"), [
    ({}, None, False),
    ({"TALENTKG_STORE": "memory"}, None, False),
    ({"TALENTKG_STORE": "/srv/talentkg-store"}, "/srv/talentkg-store", False),
    ({"TALENTKG_STORE_PATH": "/srv/old-name"}, "/srv/old-name", False),
    ({"TALENTKG_STORE": "http://127.0.0.1:7878/query"}, "http://127.0.0.1:7878/query", True),
    ({"TALENTKG_STORE": "HTTPS://db.example.org/repositories/tkg"}, "HTTPS://db.example.org/repositories/tkg", True),
])
def test_one_setting_chooses_the_backend(settings, location, remote):
    from talentkg.config import load_config
    from talentkg.store import is_url

    config = load_config(environ=settings)
    assert config.store_location == location and is_url(config.store_location) is remote
