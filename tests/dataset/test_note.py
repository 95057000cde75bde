"""The note itself is described: title, author, date, publisher, language, sections."""

from __future__ import annotations

from sparql_helpers import select  # noqa: F401 - a pytest fixture


def test_note_title_author_date_publisher_language(select):
    rows = select("""SELECT ?title ?author ?name ?issued ?publisher ?lang WHERE {
        tkgr:note dct:title ?title ; dct:creator ?author ; dct:issued ?issued ; dct:publisher ?publisher ;
                  dct:language ?lang . ?author rdfs:label ?name FILTER (lang(?name) = "fr") }""")
    assert rows == [{
        "title": "Tour d'horizon des innovations dans le recrutement de compétences numériques dans l'administration",
        "author": "tkgr:guenoile-carre", "name": "Guénoilé Carré", "issued": "2019-05",
        "publisher": "tkgr:etalab", "lang": "fr"}]


def test_author_date_and_publisher_are_sourced(select):
    rows = select("""SELECT ?p ?q WHERE { ?s a tkg:SourcedStatement ; rdf:subject tkgr:note ; rdf:predicate ?p ;
                      prov:wasDerivedFrom src:introduction ; tkg:quote ?q }""")
    predicates = {r["p"].rsplit("/", 1)[-1] for r in rows}
    assert {"issued", "creator", "publisher"} <= predicates
    roles = select("""SELECT ?agent ?type WHERE { ?r a tkg:OrganisationRole ; tkg:programme tkgr:note ;
                       tkg:agent ?agent ; tkg:roleType ?type }""")
    assert {(r["agent"], r["type"]) for r in roles} == {("tkgr:guenoile-carre", "role:author"),
                                                         ("tkgr:etalab", "role:publisher")}
    # author and publisher are roles for the note only
    elsewhere = select("""SELECT ?r WHERE { ?r tkg:roleType ?t ; tkg:programme ?p
                           FILTER (?t IN (role:author, role:publisher) && ?p != tkgr:note) }""")
    assert elsewhere == []


def test_sections_of_the_note(select):
    rows = select("SELECT ?s WHERE { tkgr:note dct:hasPart ?s }")
    assert {r["s"] for r in rows} == {f"src:{s}" for s in (
        "introduction", "synthese", "pif", "cfa", "dta", "cfaus", "cfcan", "team-digitale", "prototype-fund", "sources")}
    subs = select("SELECT (COUNT(?s) AS ?n) WHERE { ?s a tkg:SourceSection ; dct:isPartOf ?parent ; dct:title ?t }")
    assert int(subs[0]["n"]) >= 60
