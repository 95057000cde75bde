"""Helpers for the dataset tests: SPARQL against the live endpoint, results as plain Python values.

Imported by the test modules (a second conftest.py would shadow tests/conftest.py for `from conftest import`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

import pytest

PREFIXES = """
PREFIX tkg:    <https://w3id.org/talentkg/ontology#>
PREFIX tkgr:   <https://w3id.org/talentkg/id/>
PREFIX src:    <https://w3id.org/talentkg/id/note/>
PREFIX period: <https://w3id.org/talentkg/id/period/>
PREFIX place:  <https://w3id.org/talentkg/id/place/>
PREFIX ind:    <https://w3id.org/talentkg/concept/indicator/>
PREFIX unit:   <https://w3id.org/talentkg/concept/unit/>
PREFIX qual:   <https://w3id.org/talentkg/concept/qualifier/>
PREFIX role:   <https://w3id.org/talentkg/concept/role/>
PREFIX model:  <https://w3id.org/talentkg/concept/programme-model/>
PREFIX dest:   <https://w3id.org/talentkg/concept/destination/>
PREFIX conflict: <https://w3id.org/talentkg/concept/conflict-type/>
PREFIX rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs:   <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd:    <http://www.w3.org/2001/XMLSchema#>
PREFIX owl:    <http://www.w3.org/2002/07/owl#>
PREFIX skos:   <http://www.w3.org/2004/02/skos/core#>
PREFIX dct:    <http://purl.org/dc/terms/>
PREFIX prov:   <http://www.w3.org/ns/prov#>
PREFIX org:    <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX sdmxd:  <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmxm:  <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX sdmxa:  <http://purl.org/linked-data/sdmx/2009/attribute#>
"""

SHORT = {
    "https://w3id.org/talentkg/id/note/": "src:",
    "https://w3id.org/talentkg/id/period/": "period:",
    "https://w3id.org/talentkg/id/place/": "place:",
    "https://w3id.org/talentkg/id/": "tkgr:",
    "https://w3id.org/talentkg/concept/indicator/": "ind:",
    "https://w3id.org/talentkg/concept/unit/": "unit:",
    "https://w3id.org/talentkg/concept/qualifier/": "qual:",
    "https://w3id.org/talentkg/concept/role/": "role:",
    "https://w3id.org/talentkg/concept/programme-model/": "model:",
    "https://w3id.org/talentkg/concept/destination/": "dest:",
    "https://w3id.org/talentkg/concept/conflict-type/": "conflict:",
    "http://www.wikidata.org/entity/": "wd:",
}

_NUMERIC = {"integer", "decimal", "int", "long", "double", "float", "nonNegativeInteger", "positiveInteger"}


def _value(term: dict[str, str]) -> Any:
    """A SPARQL JSON term as a Python value: IRIs shortened with the prefixes above, numbers as Decimal."""
    if term["type"] == "uri":
        for ns, prefix in sorted(SHORT.items(), key=lambda kv: -len(kv[0])):
            if term["value"].startswith(ns):
                return prefix + term["value"][len(ns):]
        return term["value"]
    datatype = term.get("datatype", "").rsplit("#", 1)[-1]
    if datatype in _NUMERIC:
        return Decimal(term["value"])
    return term["value"]


@pytest.fixture(scope="session")
def select(server) -> Callable[[str], list[dict[str, Any]]]:
    """Run a SELECT on the live endpoint; rows as dicts of Python values (unbound variables absent)."""

    def run(query: str) -> list[dict[str, Any]]:
        response = server.query(PREFIXES + query)
        assert response.status_code == 200, response.text[:2000]
        return [{k: _value(v) for k, v in b.items()} for b in response.json()["results"]["bindings"]]

    return run
