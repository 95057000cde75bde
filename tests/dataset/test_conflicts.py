"""Every place where the note is ambiguous or contradicts itself is recorded, with every value kept."""

from __future__ import annotations

import pytest
from sparql_helpers import select  # noqa: F401 - a pytest fixture

#: conflict -> (type, what it involves). The issue names the first four kinds explicitly.
CONFLICTS = {
    "conflict-pif-fellow-totals": ("differing-totals", {"pif-fellows-total", "pif-fellows-completed"}),
    "conflict-note-initiative-count": ("count-mismatch", {"note-initiatives-in-sample"}),
    "conflict-cfa-team-breakdown": ("breakdown-mismatch", {
        "cfa-staff-count", "cfa-staff-leadership", "cfa-staff-product-technology", "cfa-staff-programme-management",
        "cfa-staff-national-team-supervision", "cfa-staff-marketing-communication", "cfa-staff-development",
        "cfa-staff-hr-finance"}),
    "conflict-cfaus-team-breakdown": ("breakdown-mismatch", {
        "cfaus-staff-count", "cfaus-staff-marketing-management", "cfaus-staff-facilitators",
        "cfaus-staff-management-committee"}),
    "conflict-pif-dollars": ("unspecified-currency", {"pif-salary", "smithsonian-herbarium-savings"}),
    "conflict-cfa-dollars": ("unspecified-currency", {
        "cfa-donation-google", "cfa-donation-knight-foundation", "cfa-donation-chan-zuckerberg-initiative",
        "cfa-government-subsidy-2017", "cfa-external-contributions-2017", "cfa-budget-2017",
        "cfa-programme-spending-2017", "cfa-salary-spending-2017"}),
    "conflict-dta-dollars": ("unspecified-currency", {"dta-apprenticeship-cost", "dta-cadetship-cost", "dta-graduate-cost"}),
    "conflict-cfcan-dollars": ("unspecified-currency", {"cfcan-funding-announced", "cfcan-budget-2017", "cfcan-salary"}),
    "conflict-pif-herbarium-more-than": ("ambiguous-wording", {
        "smithsonian-herbarium-volunteers", "smithsonian-herbarium-contributions", "smithsonian-herbarium-savings"}),
    "conflict-pif-fellows-per-cohort-or-year": ("ambiguous-wording", {
        "pif-fellows-per-year", "pif-cohort-size", "pif-cohort-2019-h1-size"}),
    "conflict-cfa-budget-approximation": ("ambiguous-wording", {
        "cfa-budget-2017", "cfa-programme-spending-2017", "cfa-salary-spending-2017"}),
    "conflict-cfa-salaries-scope": ("ambiguous-wording", {
        "cfa-salary-spending-2017", "cfa-programme-spending-2017", "cfa-budget-2017"}),
    "conflict-cfa-government-level": ("ambiguous-wording", {"cfa-role-government", "cfa-government-subsidy-2017"}),
    "conflict-cfa-fellowship-model": ("ambiguous-wording", {
        "cfa-statement-fellowship-model", "cfa-statement-fellowship-model-section", "cfa-statement-model-association",
        "cfa-finding-like-eig"}),
    "conflict-dta-cost-range": ("range-excludes-value", {
        "dta-cost-range", "dta-cadetship-cost", "dta-apprenticeship-cost", "dta-graduate-cost"}),
    "conflict-dta-creation-date": ("date-mismatch", {
        "dta-statement-start-2007", "dta-statement-apprenticeship-start", "dta-statement-cadetship-start",
        "dta-statement-graduate-start"}),
    "conflict-dta-who-pays": ("ambiguous-wording", {
        "dta-role-funder", "dta-finding-dta-pays", "dta-statement-apprenticeship-tuition", "dta-apprenticeship-cost",
        "dta-cadetship-cost", "dta-graduate-cost"}),
    "conflict-cfaus-fellowship-phases": ("count-mismatch", {"cfaus-fellowship-phases"}),
    "conflict-cfaus-biodiversity-metric": ("ambiguous-wording", {"cfaus-biodiversity-sharing-speed-gain"}),
    "conflict-cfaus-partner-funding": ("ambiguous-wording", {
        f"cfaus-role-{p}" for p in ("city-of-melbourne", "victoria-government", "nsw-government", "google", "zendesk",
                                    "github", "adobe", "aws")}),
    "conflict-cfcan-fellows-per-year": ("range-excludes-value", {"cfcan-fellows-per-year", "cfcan-cohort-2019-planned-recruitments"}),
    "conflict-cfcan-funding-announcement": ("ambiguous-wording", {
        "cfcan-funding-announced", "cfcan-role-ontario", "cfcan-role-canadian-budget-directorate"}),
    "conflict-cfcan-project-types": ("ambiguous-wording", {"cfcan-project-types", "cfcan-other-programmes"}),
    "conflict-team-digitale-alumni-members": ("ambiguous-wording", {"team-digitale-alumni-members", "team-digitale-staff-count"}),
    "conflict-publiccode-yml-team": ("ambiguous-wording", {"publiccode-yml-delivered-through"}),
    "conflict-eig-country": ("not-stated", {"eig-statement-country"}),
}


def test_the_recorded_conflicts_are_exactly_these(select):
    rows = select("SELECT ?c WHERE { ?c a tkg:DataConflict }")
    assert sorted(r["c"][len("tkgr:"):] for r in rows) == sorted(CONFLICTS)


@pytest.mark.parametrize("conflict", sorted(CONFLICTS))
def test_conflict_type_involved_values_and_explanations(select, conflict):
    kind, involved = CONFLICTS[conflict]
    rows = select(f"""SELECT ?type ?what ?sec WHERE {{ tkgr:{conflict} a tkg:DataConflict ; tkg:conflictType ?type ;
                        tkg:involves ?what ; prov:wasDerivedFrom ?sec . ?what ?p ?o }}""")
    assert {r["type"] for r in rows} == {f"conflict:{kind}"}
    assert {r["what"][len("tkgr:"):] for r in rows} == involved  # each involved resource exists in the graph
    comments = select(f"""SELECT (lang(?c) AS ?l) WHERE {{ tkgr:{conflict} rdfs:comment ?c }}""")
    assert {r["l"] for r in comments} == {"en", "fr"}


def test_each_value_in_a_conflict_is_kept(select):
    """The two PIF totals, the CfA team total and its lines, the DTA range and the Cadetship cost all remain."""
    rows = select("""SELECT ?o ?v ?low ?high WHERE {
        VALUES ?o { tkgr:pif-fellows-total tkgr:pif-fellows-completed tkgr:cfa-staff-count tkgr:dta-cost-range tkgr:dta-cadetship-cost }
        OPTIONAL { ?o sdmxm:obsValue ?v } OPTIONAL { ?o schema:minValue ?low } OPTIONAL { ?o schema:maxValue ?high } }""")
    values = {r["o"]: (r.get("v"), r.get("low"), r.get("high")) for r in rows}
    assert values["tkgr:pif-fellows-total"][0] == 135 and values["tkgr:pif-fellows-completed"][0] == 122
    assert values["tkgr:cfa-staff-count"][0] == 60
    assert values["tkgr:dta-cost-range"][1:] == (8500, 24000) and values["tkgr:dta-cadetship-cost"][0] == 8000
