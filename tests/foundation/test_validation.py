"""The validation gate: the bundled data conforms; broken data is rejected with a message to act on."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES


def test_bundled_data_conforms(run_cli):
    result = run_cli("validate", "--format", "json")
    report = json.loads(result.out)
    assert result.code == 0, result.out[-3000:]
    assert report["conforms"] is True
    assert report["triples"] > 1000
    assert [p for p in report["problems"] if p["severity"] == "Violation"] == []


@pytest.mark.parametrize(
    ("fixture", "resource", "message"),
    [
        ("missing-source.ttl", "tkgr:fixture-unsourced", "Missing source: add prov:wasDerivedFrom"),
        ("missing-source.ttl", "tkgr:fixture-unsourced", "Missing quote"),
        ("negative-count.ttl", "tkgr:fixture-negative", "not negative"),
        ("unknown-currency.ttl", "tkgr:fixture-currency", "must be an ISO 4217 code"),
        ("malformed-wikidata.ttl", "tkgr:google", "http://www.wikidata.org/entity/Q123"),
        ("misquoted.ttl", "tkgr:fixture-misquoted", "This quote is not in the note"),
    ],
)
def test_broken_fixture_is_rejected(run_cli, fixture, resource, message):
    result = run_cli("validate", "--with", str(FIXTURES / "invalid" / fixture))
    assert result.code == 1, result.out + result.err
    report = result.out + result.err
    assert f"tests/fixtures/invalid/{fixture}" in report  # grouped under the file ...
    assert resource in report  # ... and the resource
    assert message in report


def test_broken_fixture_json_report_names_file_and_focus(run_cli):
    result = run_cli("validate", "--format", "json", "--with", str(FIXTURES / "invalid" / "negative-count.ttl"))
    assert result.code == 1
    problems = json.loads(result.out)["problems"]
    hits = [p for p in problems if p["focus"] == "tkgr:fixture-negative"]
    assert hits and hits[0]["files"] == ["tests/fixtures/invalid/negative-count.ttl"]
    assert hits[0]["path"] == "sdmxm:obsValue"


def test_syntax_error_names_file_line_and_column(run_cli):
    result = run_cli("validate", "--with", str(FIXTURES / "invalid" / "syntax-error.ttl"))
    assert result.code == 2, result.out + result.err
    assert "tests/fixtures/invalid/syntax-error.ttl:4:" in result.err
    assert "Turtle syntax error" in result.err


def test_unreadable_input_in_json(run_cli):
    result = run_cli("validate", "--format", "json", "--with", str(FIXTURES / "invalid" / "syntax-error.ttl"))
    assert result.code == 2
    report = json.loads(result.out)
    assert report["path"] == "tests/fixtures/invalid/syntax-error.ttl" and report["line"] == 4


def test_serve_refuses_invalid_data(run_cli, tmp_path):
    # a copy of the project whose data contains the negative count: serve must not start
    import shutil

    from conftest import ROOT

    for part in ("ontology", "data", "shapes"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy(FIXTURES / "invalid" / "negative-count.ttl", tmp_path / "data" / "negative-count.ttl")
    result = run_cli("--root", str(tmp_path), "serve", "--port", "0", timeout=300)
    assert result.code == 1
    assert "tkgr:fixture-negative" in result.err and "nothing was loaded" in result.err
