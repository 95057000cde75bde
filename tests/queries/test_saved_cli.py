"""``talentkg queries`` and ``talentkg run``, as real subprocesses, through the same catalogue binding."""

from __future__ import annotations

import csv
import io
import json

ID = "https://w3id.org/talentkg/id/"


def test_queries_lists_the_catalogue(run_cli) -> None:
    result = run_cli("queries")
    assert result.code == 0, result.err
    assert "fellow-pay" in result.out and "--param programme=<iri>" in result.out
    listed = json.loads(run_cli("queries", "--format", "json").out)
    assert len(listed) >= 15 and all(q["summary"] for q in listed)


def test_run_with_parameters_as_csv(run_cli) -> None:
    result = run_cli("run", "fellows-per-year", "--param", "from=2017", "--param", "to=2018", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert sorted((r["aboutLabel"], r["year"], r["fellows"]) for r in rows) == [
        ("Code for America Community Fellowships", "2017", "8"), ("Code for America Community Fellowships", "2018", "8"),
        ("Code for Canada Fellowship", "2017", "6"), ("Code for Canada Fellowship", "2018", "9")]


def test_run_refuses_bad_parameters(run_cli) -> None:
    result = run_cli("run", "fellows-per-year", "--param", "from=last year")
    assert result.code == 1 and "'from' expects a four-digit year" in result.err
    result = run_cli("run", "fellows-per-year", "--param", "since=2017")
    assert result.code == 1 and "unknown parameter 'since'" in result.err
    result = run_cli("run", "no-such-query")
    assert result.code == 1 and "no saved query named 'no-such-query'" in result.err


def test_serve_refuses_a_malformed_saved_query(tmp_path, cli_env) -> None:
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(root / folder, tmp_path / folder)
    (tmp_path / "queries" / "broken.rq").write_text("#+ summary: broken\n#+ params:\n#+   - {name: x, type: url}\n"
                                                     "SELECT ?x WHERE { ?x ?p ?o }\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "talentkg.cli", "--root", str(tmp_path), "serve", "--port", "0"],
                          capture_output=True, text=True, env=cli_env, timeout=300)
    assert proc.returncode == 1
    assert "broken.rq" in proc.stderr and "type must be one of" in proc.stderr


def test_fellows_per_year_lists_calendar_years_only(run_cli, tmp_path) -> None:
    # a copy of the project with counts in periods that start and end in 2019 but are not the year 2019
    import shutil

    from conftest import FIXTURES, ROOT

    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(FIXTURES / "valid" / "fellows-outside-calendar-years.ttl", tmp_path / "data")
    result = run_cli("--root", str(tmp_path), "run", "fellows-per-year", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert len(rows) == 10 and not [r for r in rows if "fixture" in r["figure"]]
    result = run_cli("--root", str(tmp_path), "run", "provenance-audit", "--param", "search=fellows",
                     "--format", "csv")
    assert ID + "fixture-fellows-2019-h1" in result.out and ID + "fixture-fellows-2019-05" in result.out
