"""`talentkg wikidata reconcile` proposes identifiers for a person to review and never writes data."""

from __future__ import annotations

import csv

from wikidata_fixtures import ROOT, make_standin, standin, tree_digest  # noqa: F401

COLUMNS = ["entity", "entity_label_en", "candidate_qid", "candidate_label_en", "candidate_description_en",
           "instance_of", "country", "matched_name", "match", "country_check", "score", "decision", "review_note"]


def test_reconcile_ranks_label_matches_in_our_country_first_and_writes_a_review_file(run_cli, standin, tmp_path):
    before = tree_digest(ROOT / "data")
    review = tmp_path / "review" / "proposals.tsv"
    result = run_cli("wikidata", "reconcile", "--endpoint", standin.query_url, "--output", str(review))
    assert result.code == 0, result.err
    assert tree_digest(ROOT / "data") == before  # nothing written to the data

    with review.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        assert reader.fieldnames == COLUMNS
        rows = list(reader)
    by_entity: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_entity.setdefault(row["entity"], []).append(row)

    cfa = by_entity["https://w3id.org/talentkg/id/code-for-america"]
    assert [r["candidate_qid"] for r in cfa] == ["Q9900000001", "Q9900000002"]  # same country before another
    assert (cfa[0]["country_check"], cfa[0]["score"], cfa[0]["match"]) == ("same", "4", "label")
    assert cfa[1]["country_check"] == "different" and cfa[1]["score"] == "0"
    assert cfa[0]["instance_of"] == "Q9900000100 (fictitious organisation class)"
    assert cfa[0]["candidate_description_en"] == "fictitious test item named like an unlinked organisation"
    assert all(r["decision"] == "" for r in rows)  # left for the reviewer

    etalab = by_entity["https://w3id.org/talentkg/id/etalab"]
    assert [(r["candidate_qid"], r["match"], r["matched_name"]) for r in etalab] == [("Q9900000003", "alias", "Etalab")]
    canada = by_entity["https://w3id.org/talentkg/id/code-for-canada"]
    assert [r["candidate_qid"] for r in canada] == ["Q9900000004"]  # a language-neutral (mul) label
    knight = by_entity["https://w3id.org/talentkg/id/knight-foundation"]
    assert knight[0]["candidate_qid"] == "" and "no item has this name" in knight[0]["review_note"]
    # linked organisations are not proposed again
    assert "https://w3id.org/talentkg/id/google" not in by_entity

    assert "Q9900000001  score  4  Code for America" in result.out
    assert "Nothing was written to the data" in result.out


def test_reconcile_refuses_to_write_its_review_file_into_the_data(run_cli, standin):
    before = tree_digest(ROOT / "data")
    result = run_cli("wikidata", "reconcile", "--endpoint", standin.query_url,
                     "--output", str(ROOT / "data" / "proposals.tsv"))
    assert result.code == 2
    assert "never data" in result.err
    assert tree_digest(ROOT / "data") == before
