"""Real stand-ins for Wikidata: ``oxigraph serve`` loaded with a Wikidata-shaped fixture (a recording
proxy before it, from tests/recording_proxy.py, can answer 429 before passing requests on).

Test modules import these fixtures by name (a second conftest.py would shadow the top-level one for
tests that import ``conftest`` at run time).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from oxigraph_serve import Oxigraph, start_oxigraph, stop_oxigraph

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

WIKIDATA = "https://query.wikidata.org/sparql"
STANDIN_FIXTURE = FIXTURES / "wikidata" / "standin.ttl"
EXTRACT = ROOT / "data" / "wikidata" / "entities.ttl"


@pytest.fixture
def make_standin() -> Iterator:
    """Start ``oxigraph serve`` loaded with the given Turtle files; stopped after the test."""
    started: list[Oxigraph] = []

    def make(*files: Path) -> Oxigraph:
        started.append(start_oxigraph(*files))
        return started[-1]

    yield make
    for s in started:
        stop_oxigraph(s)


@pytest.fixture
def standin(make_standin) -> Oxigraph:
    """Wikidata's facts about our linked entities (the extract) plus the fictitious fixture entities."""
    return make_standin(EXTRACT, STANDIN_FIXTURE)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's data, ontology, shapes and queries that a test may change."""
    for part in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def tree_digest(folder: Path) -> str:
    """One digest of every file under ``folder`` (names and bytes), to prove nothing was written."""
    digest = hashlib.sha256()
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(f.relative_to(folder)).encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


FIXTURE_ORGANISATION = """
@prefix tkgr:   <https://w3id.org/talentkg/id/> .
@prefix sector: <https://w3id.org/talentkg/concept/sector/> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:    <http://www.w3.org/2002/07/owl#> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix wd:     <http://www.wikidata.org/entity/> .

# test only: an organisation linked to a fictitious Wikidata item of the stand-in
tkgr:fixture-foundation a schema:Organization , org:FormalOrganization ;
    rdfs:label "Fixture Foundation"@en , "Fondation fixture"@fr ;
    org:classification sector:foundation ;
    owl:sameAs wd:Q9900000010 .
"""
