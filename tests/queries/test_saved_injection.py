"""Parameters are bound as RDF terms: hostile values are refused with 400 or bound harmlessly."""

from __future__ import annotations

import csv
import io

import pytest

ID = "https://w3id.org/talentkg/id/"
BREAKOUTS = ['} . ?s ?p ?o', '" } UNION { ?s ?p ?o } #', "') } #", '<x> } UNION { ?s ?p ?o']


def _triples(server) -> int:
    return server.get("healthz").json()["triples"]


@pytest.mark.parametrize("value", [
    ID + "pif> . ?s ?p ?o . <x",         # closes the IRI and adds a pattern
    ID + "pif } UNION { ?s ?p ?o }",       # braces and spaces
    "https://w3id.org/talentkg/id/p if",  # a space
    ID + "pif>",                           # '>' in the IRI
    ID + 'pif"',                           # a quote
    "} . ?s ?p ?o",
    "pif",                                 # not absolute
    "javascript:alert(1) ?x",
])
def test_hostile_iris_are_refused_naming_the_parameter(server, value: str) -> None:
    response = server.get("queries/fellow-pay", params={"programme": value}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad-request"
    assert "'programme'" in body["message"] and "absolute IRI" in body["message"]


@pytest.mark.parametrize("value", ["en us", "en}", 'en"', "fr . ?s ?p ?o", "de"])
def test_bad_language_tags_are_refused(server, value: str) -> None:
    response = server.get("queries/fellow-pay", params={"lang": value})
    assert response.status_code == 400
    assert "'lang'" in response.text


@pytest.mark.parametrize("name, param, value", [
    ("shared-funders", "minProgrammes", "2 } UNION { ?s ?p ?o"),
    ("shared-funders", "minProgrammes", "two"),
    ("shared-funders", "minProgrammes", "1.5"),
    ("fellows-per-year", "from", '2014" || true || "'),
    ("fellows-per-year", "to", "20145"),
])
def test_wrong_types_are_refused_naming_the_parameter(server, name: str, param: str, value: str) -> None:
    response = server.get(f"queries/{name}", params={param: value})
    assert response.status_code == 400
    assert f"'{param}'" in response.text and "expects" in response.text


@pytest.mark.parametrize("value", BREAKOUTS + ['x") || true || ("', "\\u0022 } #", "a\nb"])
def test_text_is_bound_as_one_literal(server, value: str) -> None:
    """A string parameter is a literal: nothing in it is SPARQL, so the filter just finds no such quote."""
    response = server.get("queries/provenance-audit", params={"search": value}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows == []  # the harmless binding: no quote of the note contains this text


def test_text_with_sparql_characters_still_matches_as_text(server) -> None:
    response = server.get("queries/provenance-audit", params={"search": "l'équipe"}, headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and all("l'équipe" in r["quote"].lower() for r in rows)


def test_unknown_and_repeated_parameters(server) -> None:
    response = server.get("queries/fellow-pay", params={"programm": ID + "pif"})
    assert response.status_code == 400 and "unknown parameter 'programm'" in response.text
    assert "programme, lang" in response.text  # and says which parameters exist
    response = server.get("queries/fellow-pay", params=[("lang", "en"), ("lang", "fr")])
    assert response.status_code == 400 and "'lang'" in response.text


def test_the_html_page_reports_bad_values_without_running(server) -> None:
    response = server.get("queries/fellow-pay", params={"programme": "x y"}, headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert 'role="alert"' in response.text and "&#39;programme&#39; expects" in response.text
    assert 'value="x y"' in response.text  # the form keeps what was typed


def test_requests_never_change_the_graph(server) -> None:
    before = _triples(server)
    for value in BREAKOUTS:
        server.get("queries/provenance-audit", params={"search": value})
        server.get("queries/fellow-pay", params={"programme": value})
    server.get("queries/provenance-audit", params={"search": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    assert _triples(server) == before
