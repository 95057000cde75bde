"""Every saved query runs on the real data, through the live server, and gives the checked results.

The expected results (tests/expected/<name>.csv) were checked by hand against the note
(data/source/) when written. Rows are compared as a multiset; cells that hold a GROUP_CONCAT list
are compared as sets, since SPARQL does not order the items of GROUP_CONCAT.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "tests" / "expected"
# The federated twins call Wikidata: tests/wikidata checks they return the rows of their offline forms.
NAMES = sorted(p.stem for p in (ROOT / "queries").glob("*.rq") if not p.stem.endswith("-federated"))
LIST_COLUMNS = {"models", "recruits", "skills", "support", "declaredModels", "programmes", "profiles",
                "qualifierLabel", "eurQualifierLabel", "amountQualifierLabel"}
ID = "https://w3id.org/talentkg/id/"


def _table(text: str) -> tuple[list[str], Counter]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    rows = Counter()
    for row in reader:
        cells = tuple(", ".join(sorted(c.split(", "))) if name in LIST_COLUMNS else c for name, c in zip(header, row))
        rows[cells] += 1
    return header, rows


def _rows(server, name: str, **params: str) -> list[dict[str, str]]:
    response = server.get(f"queries/{name}", params=params, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_every_query_has_expected_results() -> None:
    assert sorted(p.stem for p in EXPECTED.glob("*.csv")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_results_match_the_checked_expectation(server, name: str) -> None:
    response = server.get(f"queries/{name}", headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/csv")
    got_header, got = _table(response.content.decode("utf-8"))
    want_header, want = _table((EXPECTED / f"{name}.csv").read_text(encoding="utf-8"))
    assert got_header == want_header
    assert got == want, f"missing: {want - got}\nunexpected: {got - want}"


@pytest.mark.parametrize("name", [n for n in NAMES if "figure" in _table(
    (EXPECTED / f"{n}.csv").read_text(encoding="utf-8"))[0]])
def test_each_figure_is_one_row(server, name: str) -> None:
    # a range may carry two qualifiers (qual:range and one wording such as qual:approximately)
    figures = [r["figure"] for r in _rows(server, name) if r["figure"]]
    assert figures and len(figures) == len(set(figures))


def test_pay_of_one_programme_in_its_currency_and_in_eur(server) -> None:
    rows = _rows(server, "fellow-pay", programme=ID + "pif")
    assert [(r["amountLow"], r["amountHigh"], r["presumedCurrency"], r["eurLow"], r["eurHigh"]) for r in rows] == \
        [("134789", "164200", "USD", "120170", "146390")]
    assert rows[0]["programme"] == ID + "pif"  # the bound parameter is echoed in its column


def test_year_range_limits_the_time_series(server) -> None:
    rows = _rows(server, "fellows-per-year", programme=ID + "code-for-america-programme", **{"from": "2014", "to": "2016"})
    assert [(r["year"], r["fellows"]) for r in rows] == [("2014", "25"), ("2015", "24"), ("2016", "17")]


def test_sector_includes_narrower_sectors(server) -> None:
    rows = _rows(server, "funders", sector="https://w3id.org/talentkg/concept/sector/private")
    assert sorted(r["funderLabel"] for r in rows) == [
        "Chan Zuckerberg Initiative", "Google", "James Irvine Foundation",
        "John S. and James L. Knight Foundation (Knight Foundation)", "Microsoft", "Walmart"]


def test_integer_parameter(server) -> None:
    # minProgrammes=1 keeps every organisation the note names as a funder, with each of its roles in
    # a programme: the DTA funds its programmes and operates them and each of its three
    # sub-programmes; Google is also a partner of Code for Australia, the Knight Foundation the
    # model of the Prototype Fund. The default (2) keeps only those two; no one reaches 3.
    rows = _rows(server, "shared-funders", minProgrammes="1")
    assert {r["minProgrammes"] for r in rows} == {"1"}
    assert Counter(r["organisation"].removeprefix(ID) for r in rows) == {
        "dta": 5, "google": 2, "knight-foundation": 2, "chan-zuckerberg-initiative": 1, "microsoft": 1,
        "walmart": 1, "james-irvine-foundation": 1, "us-government": 1, "ontario": 1,
        "canadian-budget-directorate": 1, "bmbf": 1, "italian-government": 1}
    assert {r["organisation"].removeprefix(ID) for r in _rows(server, "shared-funders")} == {
        "google", "knight-foundation"}
    assert _rows(server, "shared-funders", minProgrammes="3") == []


def test_labels_follow_the_lang_parameter(server) -> None:
    rows = _rows(server, "fellow-pay", programme=ID + "code-for-canada-programme", lang="fr")
    assert rows[0]["aboutLabel"] == "Fellowship de Code for Canada"
    assert rows[0]["eurQualifierLabel"] == "environ"


def test_conflicts_by_type(server) -> None:
    rows = _rows(server, "data-conflicts", conflictType="https://w3id.org/talentkg/concept/conflict-type/unspecified-currency")
    assert {r["conflict"].removeprefix(ID) for r in rows} == {
        "conflict-cfa-dollars", "conflict-cfcan-dollars", "conflict-dta-dollars", "conflict-pif-dollars"}


def test_audit_search_in_quotes(server) -> None:
    rows = _rows(server, "provenance-audit", programme=ID + "pif", search="135 FELLOWS")
    assert {r["figure"].removeprefix(ID) for r in rows} == {"pif-fellows-total", "pif-agencies-helped"}


def test_amount_given_by_a_funder_counts_for_the_programme(server) -> None:
    # the 2017 government subsidy is about the funder's role, not the programme, in the data
    rows = _rows(server, "budgets", programme=ID + "code-for-america-programme",
                 **{"from": "2017", "to": "2017"})
    assert [(r["indicatorLabel"], r["amountLow"], r["funderLabel"]) for r in rows
            if r["funder"]] == [("government subsidy", "1500000", "United States government")]
    assert {r["about"] for r in rows} == {ID + "code-for-america-programme"}


def test_a_bound_fills_only_its_own_side(server) -> None:
    # "durée maximale de 4 ans" is schema:maxValue, "un minimum de 10 ans" schema:minValue
    durations = {r["indicator"].rsplit("/", 1)[-1]: (r["low"], r["high"], r["monthsLow"], r["monthsHigh"])
                 for r in _rows(server, "placement-duration", programme=ID + "pif")}
    assert durations == {"placement-duration": ("12", "12", "12", "12"),
                         "max-placement-duration": ("", "4", "", "48")}
    rows = _rows(server, "required-experience", programme=ID + "pif")
    assert [(r["low"], r["high"], r["qualifierLabel"]) for r in rows] == [("10", "", "at least")]
