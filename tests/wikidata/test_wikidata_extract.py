"""The offline extract: its own named graphs, validated, ROR facts never presented as Wikidata's, and
rebuilt from the reference tables by `talentkg wikidata seed`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from wikidata_fixtures import ROOT, project, tree_digest  # noqa: F401

REFERENCE = ROOT.parent / "shared" / "reference"
WD, WDT = "http://www.wikidata.org/entity/", "http://www.wikidata.org/prop/direct/"
SCHEMA = "https://schema.org/"


def test_extract_and_ror_facts_live_in_named_graphs_of_their_own(run_cli):
    stats = json.loads(run_cli("stats", "--format", "json").out)
    assert stats["graphs"]["https://w3id.org/talentkg/graph/wikidata"] > 0
    assert stats["graphs"]["https://w3id.org/talentkg/graph/ror"] > 0
    report = json.loads(run_cli("validate", "--format", "json").out)
    assert report["conforms"] is True
    # the extract covers every linked entity: no coverage warning either
    assert not [p for p in report["problems"] if "does not cover" in p["message"]]


def test_wikidata_properties_appear_only_in_the_wikidata_graph(run_cli):
    query = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o "
             f'FILTER(STRSTARTS(STR(?p), "{WDT}")) }} }} GROUP BY ?g')
    result = json.loads(run_cli("query", query, "--format", "json").out)
    counts = {b["g"]["value"]: int(b["n"]["value"]) for b in result["results"]["bindings"]}
    assert set(counts) == {"https://w3id.org/talentkg/graph/wikidata"}


def _fault(project: Path, path: str, turtle: str) -> None:
    with (project / path).open("a", encoding="utf-8") as fh:
        fh.write("\n" + turtle + "\n")


def test_validation_refuses_ror_facts_presented_as_wikidata_and_wikidata_facts_in_our_data(run_cli, project):
    _fault(project, "data/ror/ror-records.ttl",
           f'<https://ror.org/00njsd438> <{WDT}P571> "1998"^^<http://www.w3.org/2001/XMLSchema#gYear> .')
    _fault(project, "data/wikidata/provenance.ttl",
           "<https://w3id.org/talentkg/id/fact/Q492234-P17-f4d3422787> "
           "<https://w3id.org/talentkg/ontology#factOrigin> <https://w3id.org/talentkg/concept/fact-origin/ror-record> .")
    _fault(project, "data/organisations.ttl", f'<{WD}Q95> <http://www.w3.org/2000/01/rdf-schema#label> "Google"@en .')
    result = run_cli("--root", str(project), "validate", "--format", "json")
    assert result.code == 1
    problems = json.loads(result.out)["problems"]

    def files_of(fragment: str) -> set[str]:
        return {f for p in problems if fragment in p["message"] for f in p["files"]}

    assert "data/ror/ror-records.ttl" in files_of("never with Wikidata properties (wdt:)")
    assert "data/ror/ror-records.ttl" in files_of("has no record of its origin and evidence")
    assert "data/wikidata/provenance.ttl" in files_of("never uses a Wikidata property")  # a ROR-origin record of wdt:
    assert "data/wikidata/provenance.ttl" in files_of("ROR facts live in data/ror/")
    assert files_of("data/ describes our own resources") == {"data/organisations.ttl"}


def test_validation_warns_when_a_link_is_not_covered_by_the_extract(run_cli, project):
    _fault(project, "data/places.ttl",
           "<https://w3id.org/talentkg/id/place/italy> <http://www.w3.org/2002/07/owl#sameAs> "
           f"<{WD}Q9900000010> .")
    result = run_cli("--root", str(project), "validate", "--format", "json")
    report = json.loads(result.out)
    assert result.code == 0 and report["conforms"] is True
    warnings = [p for p in report["problems"] if "does not cover" in p["message"]]
    assert [(w["severity"], w["focus"], w["value"], w["files"]) for w in warnings] == [
        ("Warning", "place:italy", "wd:Q9900000010", ["data/places.ttl"])]


def test_validation_requires_the_extract_to_describe_itself(run_cli, project):
    (project / "data" / "wikidata" / "provenance.ttl").unlink()
    result = run_cli("--root", str(project), "validate")
    assert result.code == 1
    assert "must describe the graph https://w3id.org/talentkg/graph/wikidata" in result.out
    assert "has no record of its origin and evidence" in result.out


# --- seeding from the reference tables ------------------------------------------------------------

QIDS_HEADER = "entity_label_en\trole_in_note\tqid\tevidence\tconfidence\n"
FACTS_HEADER = "qid\tproperty\tvalue\tvalue_label\tevidence\n"
ROR_EVIDENCE = "ROR record, not a Wikidata statement: ror-community/ror-records v2.8/00njsd438.json"
WD_EVIDENCE = "Wikidata statement via a test fixture"


def _linked_qids() -> list[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "data").rglob("*.ttl")
                   if "wikidata" not in p.parts and "ror" not in p.parts)
    return sorted(set(re.findall(r"owl:sameAs wd:(Q\d+)", text)))


def _tables(folder: Path, facts: list[str], skip: str | None = None) -> Path:
    """Reference tables written by the test: every linked QID 'verified', and the given fact rows."""
    folder.mkdir()
    rows = "".join(f"test entity\ttest\t{q}\ttest fixture (ror-community/ror-records v2.8/00njsd438.json)\thigh\n"
                   for q in _linked_qids() if q != skip)
    (folder / "wikidata-qids.tsv").write_text(QIDS_HEADER + rows, encoding="utf-8")
    (folder / "wikidata-facts.tsv").write_text(FACTS_HEADER + "".join(f + "\n" for f in facts), encoding="utf-8")
    return folder


def test_seed_writes_ror_rows_as_ror_facts_and_wikidata_rows_as_wikidata_statements(run_cli, project, tmp_path):
    reference = _tables(tmp_path / "reference", [
        f"Q95\tP571\t1998\t1998 (year)\t{ROR_EVIDENCE} established 1998",
        f"Q95\tP159\tMountain View\tMountain View, California, US (GeoNames 5375480; QID not verified)\t{ROR_EVIDENCE} locations",
        f"Q492234\tP17\tQ183\tGermany\t{WD_EVIDENCE}",
    ])
    result = run_cli("--root", str(project), "wikidata", "seed", "--reference", str(reference))
    assert result.code == 0, result.err

    wikidata = Graph().parse(project / "data" / "wikidata" / "entities.ttl")
    assert set(wikidata) == {(URIRef(WD + "Q492234"), URIRef(WDT + "P17"), URIRef(WD + "Q183"))}
    ror = Graph().parse(project / "data" / "ror" / "ror-records.ttl")
    record = URIRef("https://ror.org/00njsd438")
    assert (record, URIRef(SCHEMA + "foundingDate"), Literal("1998", datatype=ns.XSD.gYear)) in ror
    assert (record, URIRef(SCHEMA + "location"), URIRef("https://sws.geonames.org/5375480/")) in ror
    assert (record, ns.OWL.sameAs, URIRef(WD + "Q95")) in ror
    assert not [t for t in ror if str(t[1]).startswith(WDT)]
    assert run_cli("--root", str(project), "validate").code == 0


@pytest.mark.parametrize(("facts", "skip", "message"), [
    (["Q95\tP571\t1998\t1998\tread somewhere"], None, "the seed cannot tell whose fact it is"),
    (["Q95\tP571\t1998\t1998\tWikidata statement, a year only"], None, "as Wikidata writes it"),
    (["Q95\tP2048\t3\t3\tWikidata statement via a test"], None, "not one of the extract's properties"),
    (["Q95\tP31\tcompany\tcompany\tWikidata statement via a test"], None, "not a Wikidata item identifier"),
    ([], "Q95", "does not list them as verified"),
])
def test_seed_refuses_what_it_would_have_to_guess(run_cli, project, tmp_path, facts, skip, message):
    before = tree_digest(project / "data")
    result = run_cli("--root", str(project), "wikidata", "seed", "--reference", str(_tables(tmp_path / "ref", facts, skip)))
    assert result.code == 2
    assert message in result.err
    assert tree_digest(project / "data") == before


@pytest.mark.skipif(not (REFERENCE / "wikidata-facts.tsv").is_file(), reason="the shared reference tables are not here")
def test_seed_from_the_reference_tables_reproduces_the_shipped_extract(run_cli, project):
    result = run_cli("--root", str(project), "wikidata", "seed", "--reference", str(REFERENCE))
    assert result.code == 0, result.err
    stamp = re.compile(r"\d{8}T\d{6}Z|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\+00:00|Z)|\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}")
    for path in ("data/wikidata/entities.ttl", "data/wikidata/provenance.ttl", "data/ror/ror-records.ttl"):
        shipped, seeded = (ROOT / path).read_text(encoding="utf-8"), (project / path).read_text(encoding="utf-8")
        assert stamp.sub("<time>", seeded) == stamp.sub("<time>", shipped), path
