"""The coverage report: committed and current, no sentence of the note without a statement, no misplaced quote."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

from conftest import ROOT
from talentkg.config import load_config
from talentkg.coverage import compute, render_markdown
from talentkg.derivation import derive
from talentkg.loading import discover, load_files
from talentkg.namespaces import GRAPH_DATA, TKG, TKGR
from talentkg.source_text import sentences

NOTE = load_config({}).note_path
SRC = "https://w3id.org/talentkg/id/note/"


@pytest.fixture(scope="module")
def bundled():
    loaded = load_files(discover(load_config({}), include_shapes=False))
    derive(loaded)
    return compute(loaded.graph(GRAPH_DATA), loaded.origins, NOTE)


def test_committed_report_is_up_to_date(run_cli):
    result = run_cli("coverage", "--check", "docs/coverage.md")
    assert result.code == 0, result.err
    fresh = run_cli("coverage")
    assert fresh.code == 0 and fresh.out == (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")


def test_every_sentence_is_covered_and_every_quote_is_in_its_section(bundled):
    assert [s.sentence.text for s in bundled.uncovered] == []
    assert bundled.misplaced == []
    assert len(bundled.sentences) == len(sentences(NOTE)) > 200
    assert "without a statement: 0" in render_markdown(bundled)


def test_every_programme_file_and_section_is_counted(bundled):
    files = {Path(f).name for f in bundled.by_file}
    assert files == {p.name for p in (ROOT / "data" / "programmes").glob("*.ttl")}
    for slug in ("pif-historique", "cfa-moyens", "dta-recrutement", "cfaus-autres-outils", "cfcan-recrutement",
                 "team-digitale-moyens", "prototype-fund-bonnes-pratiques", "introduction", "synthese"):
        assert sum(bundled.by_section[slug].values()) > 0, slug


def _note_sections() -> Graph:
    """Only the description of the note and its sections: no statement at all."""
    return Graph().parse(ROOT / "data" / "source" / "note.ttl", format="turtle")


def test_an_empty_graph_covers_nothing():
    cov = compute(_note_sections(), {}, NOTE)
    assert len(cov.uncovered) == len(cov.sentences)


def test_a_quote_in_the_wrong_section_is_reported_and_covers_nothing():
    g = _note_sections()
    node = TKGR["fixture-misplaced"]
    g.add((node, RDF.type, TKG.Finding))
    g.add((node, PROV.wasDerivedFrom, URIRef(SRC + "cfa-moyens")))  # the sentence is in pif-historique
    g.add((node, TKG.quote, Literal("Programme lancé en 2012 sous l'impulsion de Barack Obama.", lang="fr")))
    cov = compute(g, {}, NOTE)
    assert [m[0] for m in cov.misplaced] == [str(node)]
    first = next(s for s in cov.sentences if s.sentence.text.startswith("Programme lancé en 2012"))
    assert not first.covered


def test_a_quote_in_its_section_covers_its_sentence():
    g = _note_sections()
    node = TKGR["fixture-placed"]
    g.add((node, PROV.wasDerivedFrom, URIRef(SRC + "pif-historique")))
    g.add((node, TKG.quote, Literal("Programme lancé en 2012 sous l'impulsion […] Barack Obama.", lang="fr")))
    cov = compute(g, {}, NOTE)
    assert cov.misplaced == []
    first = next(s for s in cov.sentences if s.sentence.text.startswith("Programme lancé en 2012"))
    assert first.covered and first.ratio < 1  # "de" was elided


def test_sentences_join_a_line_broken_by_a_page_break():
    texts = [s.text for s in sentences(NOTE)]
    assert ("Sur les deux dernières cohortes, le taux de réussite de ce programme est de 92% et le coût "
            "approximatif par agence par participant est de 8 000 dollars.") in texts
    assert "Sur les deux" not in texts
