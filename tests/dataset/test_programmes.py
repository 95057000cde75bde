"""The initiatives as a researcher queries them: country, operator, model, launch year, structure, labels."""

from __future__ import annotations

import pytest
from sparql_helpers import select  # noqa: F401 - a pytest fixture

#: The eight initiatives of the issue: country, operator, programme models, launch year (None: not stated).
INITIATIVES = {
    "tkgr:pif": ("place:usa", "tkgr:tts", {"model:direct-recruitment"}, "2012"),
    "tkgr:code-for-america-programme": ("place:usa", "tkgr:code-for-america",
                                        {"model:volunteer-network", "model:association-placement"}, "2009"),
    "tkgr:dta-digital-emerging-talents": ("place:australia", "tkgr:dta",
                                          {"model:direct-recruitment", "model:work-study"}, "2007"),
    "tkgr:code-for-australia-programme": ("place:australia", "tkgr:code-for-australia",
                                          {"model:association-placement", "model:training"}, None),
    "tkgr:code-for-canada-programme": ("place:canada", "tkgr:code-for-canada",
                                       {"model:association-placement", "model:community-building", "model:training"}, "2017"),
    "tkgr:team-digitale-programme": ("place:italy", "tkgr:team-digitale", {"model:community-building"}, "2016"),
    "tkgr:prototype-fund": ("place:germany", "tkgr:okf-germany", {"model:project-funding"}, None),
    "tkgr:eig": ("place:france", "tkgr:etalab", {"model:direct-recruitment"}, None),
}

SUB_PROGRAMMES = {
    "tkgr:code-for-america-programme": {"tkgr:cfa-brigades", "tkgr:cfa-community-fellowship"},
    "tkgr:dta-digital-emerging-talents": {"tkgr:dta-apprenticeship", "tkgr:dta-cadetship", "tkgr:dta-graduate"},
    "tkgr:team-digitale-programme": {"tkgr:developers-italia", "tkgr:designers-italia"},
    "tkgr:code-for-australia-programme": {"tkgr:cfaus-fellowship", "tkgr:cfaus-sandpit", "tkgr:cfaus-validate",
                                          "tkgr:cfaus-tech-for-non-tech"},
    "tkgr:code-for-canada-programme": {"tkgr:cfcan-fellowship", "tkgr:cfcan-community-network",
                                       "tkgr:cfcan-education-training"},
}


def test_every_programme_has_country_operator_model_and_both_labels(select):
    rows = select("""
        SELECT ?p (COUNT(DISTINCT ?country) AS ?countries) (COUNT(DISTINCT ?op) AS ?operators)
               (COUNT(DISTINCT ?model) AS ?models) (COUNT(DISTINCT ?en) AS ?ens) (COUNT(DISTINCT ?fr) AS ?frs) WHERE {
            ?p a tkg:Programme .
            OPTIONAL { ?p dct:spatial ?country . ?country a schema:Country }
            OPTIONAL { ?r a tkg:OrganisationRole ; tkg:programme ?p ; tkg:roleType role:operator ; tkg:agent ?op }
            OPTIONAL { ?p tkg:programmeModel ?model }
            OPTIONAL { ?p rdfs:label ?en FILTER (lang(?en) = "en") }
            OPTIONAL { ?p rdfs:label ?fr FILTER (lang(?fr) = "fr") }
        } GROUP BY ?p""")
    assert len(rows) == len(INITIATIVES) + sum(len(s) for s in SUB_PROGRAMMES.values())
    for r in rows:
        assert r["countries"] == 1 and r["operators"] >= 1 and r["models"] >= 1, r
        assert r["ens"] >= 1 and r["frs"] >= 1, r


@pytest.mark.parametrize("programme", sorted(INITIATIVES))
def test_initiative_country_operator_model_and_launch(select, programme):
    country, operator, models, launched = INITIATIVES[programme]
    rows = select(f"""SELECT ?country ?op ?model ?start WHERE {{
        {programme} dct:spatial ?country ; tkg:programmeModel ?model .
        ?role tkg:programme {programme} ; tkg:roleType role:operator ; tkg:agent ?op .
        OPTIONAL {{ {programme} schema:startDate ?start }} }}""")
    assert {r["country"] for r in rows} == {country}
    assert {r["op"] for r in rows} == {operator}
    assert {r["model"] for r in rows} == models
    assert {r.get("start") for r in rows} == {launched}


def test_every_relation_of_a_programme_is_sourced(select):
    rows = select("""SELECT ?p ?pred ?o WHERE {
        ?p a tkg:Programme ; ?pred ?o .
        FILTER (?pred IN (dct:spatial, schema:startDate, tkg:programmeModel, tkg:subProgrammeOf, tkg:recruits,
                          tkg:offersSupport, tkg:projectDomain, tkg:inspiredBy, tkg:seeksSkill))
        FILTER NOT EXISTS { ?s a tkg:SourcedStatement ; rdf:subject ?p ; rdf:predicate ?pred ; rdf:object ?o ;
                              prov:wasDerivedFrom ?sec ; tkg:quote ?q } }""")
    assert rows == []


def test_sub_programme_structure(select):
    rows = select("SELECT ?child ?parent WHERE { ?child tkg:subProgrammeOf ?parent }")
    found: dict[str, set[str]] = {}
    for r in rows:
        found.setdefault(r["parent"], set()).add(r["child"])
    assert found == SUB_PROGRAMMES


def test_dta_sub_programmes_launch_years(select):
    rows = select("""SELECT ?p ?y WHERE { ?p tkg:subProgrammeOf tkgr:dta-digital-emerging-talents ; schema:startDate ?y }""")
    assert {r["p"]: r["y"] for r in rows} == {"tkgr:dta-apprenticeship": "2007", "tkgr:dta-cadetship": "2009",
                                               "tkgr:dta-graduate": "2013"}


def test_support_recruits_and_steps(select):
    support = select("SELECT ?p ?s WHERE { ?p tkg:offersSupport ?s }")
    pairs = {(r["p"], r["s"].rsplit("/", 1)[-1]) for r in support}
    assert {("tkgr:cfcan-fellowship", "onboarding"), ("tkgr:cfcan-fellowship", "mentoring"),
            ("tkgr:prototype-fund", "coaching"), ("tkgr:prototype-fund", "mentoring"),
            ("tkgr:dta-digital-emerging-talents", "coaching"), ("tkgr:dta-digital-emerging-talents", "career-liaison"),
            ("tkgr:pif", "peer-exchange")} <= pairs
    steps = select("SELECT ?p ?n ?t WHERE { ?s a tkg:SelectionStep ; tkg:programme ?p ; tkg:stepOrder ?n ; tkg:stepType ?t }")
    by_programme: dict[str, list[str]] = {}
    for r in sorted(steps, key=lambda r: (r["p"], r["n"])):
        by_programme.setdefault(r["p"], []).append(r["t"].rsplit("/", 1)[-1])
    assert by_programme == {"tkgr:dta-digital-emerging-talents": ["application-file", "hr-interview", "host-interview"],
                            "tkgr:pif": ["online-application", "interview"],
                            "tkgr:prototype-fund": ["project-proposal", "jury"]}
    experience = select("""SELECT ?v WHERE { ?o tkg:refEntity tkgr:pif ; tkg:indicator ind:required-experience ;
                                               schema:minValue ?v ; sdmxa:unitMeasure unit:year ; tkg:valueQualifier qual:at-least }""")
    assert [int(r["v"]) for r in experience] == [10]


def test_channels_have_a_purpose_or_say_none_is_stated(select):
    rows = select("""SELECT ?p (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a tkg:CommunicationChannel ; tkg:programme ?p ;
                      tkg:platform ?pl ; tkg:channelPurpose ?pu } GROUP BY ?p""")
    assert {r["p"]: int(r["n"]) for r in rows} == {
        "tkgr:pif": 8, "tkgr:code-for-america-programme": 6, "tkgr:dta-digital-emerging-talents": 3,
        "tkgr:code-for-australia-programme": 6, "tkgr:code-for-canada-programme": 5,
        "tkgr:team-digitale-programme": 7, "tkgr:prototype-fund": 3}
    unstated = select("""SELECT ?c WHERE { ?c tkg:channelPurpose <https://w3id.org/talentkg/concept/channel-purpose/not-stated> ;
                                            tkg:channelPurpose ?other FILTER (?other != <https://w3id.org/talentkg/concept/channel-purpose/not-stated>) }""")
    assert unstated == []  # "not stated" is never combined with a stated purpose


def test_projects_are_linked_to_their_programme(select):
    rows = select("SELECT ?project ?via WHERE { ?project a schema:Project ; tkg:deliveredThrough ?via }")
    via = {r["project"]: r["via"] for r in rows}
    expected = {
        "tkgr:blue-button": "tkgr:pif", "tkgr:cancer-moonshot": "tkgr:pif", "tkgr:smithsonian-herbarium": "tkgr:pif",
        "tkgr:code-gov": "tkgr:pif", "tkgr:smart-america": "tkgr:pif",
        "tkgr:clear-my-record": "tkgr:code-for-america-programme", "tkgr:getcalfresh": "tkgr:code-for-america-programme",
        "tkgr:publiccode-yml": "tkgr:team-digitale-programme",
        "tkgr:open-source-reuse-guidelines": "tkgr:developers-italia",
        "tkgr:blue-light-planner": "tkgr:prototype-fund", "tkgr:confetti-app": "tkgr:prototype-fund",
        "tkgr:open-data-law": "tkgr:prototype-fund",
        "tkgr:cfaus-project-delwp": "tkgr:code-for-australia-programme",
        "tkgr:cfaus-project-legal-aid": "tkgr:code-for-australia-programme",
        "tkgr:cfaus-project-dispute-settlement": "tkgr:code-for-australia-programme",
        "tkgr:cfaus-digital-maturity-indicator": "tkgr:code-for-australia-programme",
    }
    for project, programme in expected.items():
        assert via.get(project) == programme, project


def test_funders_and_what_they_gave(select):
    rows = select("""SELECT ?programme ?funder ?sector WHERE {
        ?role a tkg:OrganisationRole ; tkg:roleType role:funder ; tkg:programme ?programme ; tkg:agent ?funder .
        ?funder org:classification ?sector }""")
    funders = {(r["programme"], r["funder"]) for r in rows}
    assert funders == {
        ("tkgr:code-for-america-programme", f"tkgr:{f}") for f in
        ("google", "knight-foundation", "chan-zuckerberg-initiative", "microsoft", "walmart",
         "james-irvine-foundation", "us-government")
    } | {("tkgr:code-for-canada-programme", "tkgr:ontario"), ("tkgr:code-for-canada-programme", "tkgr:canadian-budget-directorate"),
         ("tkgr:team-digitale-programme", "tkgr:italian-government"), ("tkgr:prototype-fund", "tkgr:bmbf"),
         ("tkgr:dta-digital-emerging-talents", "tkgr:dta")}
    sectors = {r["funder"]: r["sector"].rsplit("/", 1)[-1] for r in rows}
    assert sectors["tkgr:google"] == "company" and sectors["tkgr:knight-foundation"] == "foundation"
    assert sectors["tkgr:bmbf"] == "public"
    amounts = select("""SELECT ?funder ?low ?v WHERE { ?fig tkg:refEntity ?role . ?role tkg:roleType role:funder ; tkg:agent ?funder .
                          OPTIONAL { ?fig schema:minValue ?low } OPTIONAL { ?fig sdmxm:obsValue ?v } }""")
    assert {(r["funder"], int(r.get("low") or r.get("v"))) for r in amounts} == {
        ("tkgr:google", 1000000), ("tkgr:knight-foundation", 1000000), ("tkgr:chan-zuckerberg-initiative", 1000000),
        ("tkgr:us-government", 1500000)}
