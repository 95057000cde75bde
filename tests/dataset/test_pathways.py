"""Alumni pathways as data: who went where, how many out of how many, organisations founded by alumni."""

from __future__ import annotations

from sparql_helpers import select  # noqa: F401 - a pytest fixture


def test_pif_46_of_122_joined_government_long_term(select):
    rows = select("""SELECT ?n ?total ?period WHERE {
        ?pathway a tkg:AlumniPathway ; tkg:programme tkgr:pif ; tkg:destination dest:government-agency-long-term ;
                 tkg:measuredBy ?fig ; prov:wasDerivedFrom src:pif-suites ; tkg:quote ?q .
        ?fig sdmxm:obsValue ?n ; sdmxa:unitMeasure unit:person ; sdmxd:refPeriod ?period ; tkg:denominator ?all .
        ?all sdmxm:obsValue ?total ; sdmxa:unitMeasure unit:person ; sdmxd:refPeriod ?period }""")
    assert [(int(r["n"]), int(r["total"]), r["period"]) for r in rows] == [(46, 122, "period:2012-2018")]


def test_dta_more_than_70_percent_stay_in_the_public_sector(select):
    rows = select("""SELECT ?low ?q WHERE {
        ?pathway a tkg:AlumniPathway ; tkg:programme tkgr:dta-digital-emerging-talents ; tkg:destination dest:public-sector ;
                 tkg:measuredBy ?fig .
        ?fig schema:minValue ?low ; sdmxa:unitMeasure unit:ratio ; tkg:valueQualifier ?q .
        FILTER NOT EXISTS { ?fig sdmxm:obsValue ?any } }""")
    assert [(float(r["low"]), r["q"]) for r in rows] == [(0.70, "qual:more-than")]


def test_organisations_founded_by_alumni_with_year(select):
    rows = select("""SELECT ?org ?year WHERE {
        ?org tkg:foundedByAlumniOf tkgr:pif ; schema:foundingDate ?year .
        ?s1 a tkg:SourcedStatement ; rdf:subject ?org ; rdf:predicate tkg:foundedByAlumniOf ; rdf:object tkgr:pif .
        ?s2 a tkg:SourcedStatement ; rdf:subject ?org ; rdf:predicate schema:foundingDate ; rdf:object ?year }""")
    assert {(r["org"], r["year"]) for r in rows} == {("tkgr:usds", "2014"), ("tkgr:18f", "2014")}
    pathway = select("""SELECT ?org WHERE { ?p a tkg:AlumniPathway ; tkg:programme tkgr:pif ;
                         tkg:destination dest:founded-organisation ; schema:mentions ?org }""")
    assert {r["org"] for r in pathway} == {"tkgr:usds", "tkgr:18f"}


def test_qualitative_destinations_of_code_for_america_fellows(select):
    rows = select("""SELECT ?dest WHERE { ?p a tkg:AlumniPathway ; tkg:programme tkgr:cfa-community-fellowship ;
                      tkg:destination ?dest ; prov:wasDerivedFrom src:cfa-suites ; tkg:quote ?q .
                      FILTER NOT EXISTS { ?p tkg:measuredBy ?fig } }""")
    assert {r["dest"] for r in rows} == {"dest:private-sector", "dest:stayed-with-operator", "dest:other-civic-tech"}


def test_every_pathway_in_the_graph(select):
    rows = select("SELECT ?programme ?dest WHERE { ?p a tkg:AlumniPathway ; tkg:programme ?programme ; tkg:destination ?dest }")
    assert sorted((r["programme"], r["dest"]) for r in rows) == sorted([
        ("tkgr:pif", "dest:government-agency-long-term"), ("tkgr:pif", "dest:founded-organisation"),
        ("tkgr:dta-digital-emerging-talents", "dest:public-sector"),
        ("tkgr:cfa-community-fellowship", "dest:private-sector"),
        ("tkgr:cfa-community-fellowship", "dest:stayed-with-operator"),
        ("tkgr:cfa-community-fellowship", "dest:other-civic-tech"),
    ])
