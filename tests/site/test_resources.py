"""Dereferenceable IRIs over HTTP: content negotiation, suffixes, 404s, languages, what a page shows."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
import requests

BASE = "https://w3id.org/talentkg/"
PIF = BASE + "id/pif"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES, "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
SUFFIXES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
            "rdf": "application/rdf+xml"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def triples(response: requests.Response, mime: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(response.content, format=FORMATS[mime])]


def test_browser_gets_html_with_the_resource(server):
    response = server.get("id/pif", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Accept" in response.headers["Vary"] and "Accept-Language" in response.headers["Vary"]
    assert "<h1>Presidential Innovation Fellows</h1>" in response.text
    assert PIF in response.text


@pytest.mark.parametrize("mime", list(FORMATS))
def test_accept_selects_rdf(server, mime):
    response = server.get("id/pif", headers={"Accept": mime})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(mime)
    parsed = triples(response, mime)
    assert ox.Triple(ox.NamedNode(PIF), RDFS_LABEL, ox.Literal("Presidential Innovation Fellows", language="en")) in parsed
    # incoming links are part of the description: PIF's figures point at it
    assert any(t.object == ox.NamedNode(PIF) and t.predicate.value.endswith("#refEntity") for t in parsed)


@pytest.mark.parametrize("ext", list(SUFFIXES))
def test_suffix_selects_rdf_whatever_accept_says(server, ext):
    response = server.get(f"id/pif.{ext}", headers={"Accept": BROWSER})
    mime = SUFFIXES[ext]
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(mime)
    assert any(t.subject == ox.NamedNode(PIF) for t in triples(response, mime))


def test_q_values_and_wildcards(server):
    prefers_turtle = server.get("id/pif", headers={"Accept": "text/html;q=0.5, text/turtle"})
    assert prefers_turtle.headers["Content-Type"].startswith("text/turtle")
    anything = server.get("id/pif", headers={"Accept": "*/*"})
    assert anything.headers["Content-Type"].startswith("text/html")
    link = server.get("id/pif", headers={"Accept": "text/turtle"}).headers["Link"]
    assert '</id/pif.jsonld>; rel="alternate"; type="application/ld+json"' in link


def test_unacceptable_type_is_406(server):
    response = server.get("id/pif", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text


@pytest.mark.parametrize("path", ["id/no-such-programme", "id/no-such-programme.ttl", "concept/unit/no-such-unit",
                                  "graph/no-such-graph", "ontology/NoSuchTerm", "id/pif/extra"])
def test_unknown_iri_is_404(server, path):
    assert server.get(path, headers={"Accept": "text/turtle"}).status_code == 404
    page = server.get(path, headers={"Accept": BROWSER})
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    assert 'lang="' in page.text


def test_every_kind_of_minted_iri_dereferences(server):
    """One IRI of each class, plus concept schemes, sections, periods, places: each has a page and data."""
    rows = server.query(
        "SELECT ?c (SAMPLE(?s) AS ?x) WHERE { ?s a ?c . FILTER(STRSTARTS(STR(?s), 'https://w3id.org/talentkg/')) } "
        "GROUP BY ?c").json()["results"]["bindings"]
    minted = {row["x"]["value"] for row in rows}
    assert len(minted) > 15
    for iri in sorted(minted):
        if "#" in iri and "/ontology#" not in iri:
            continue  # shapes are anchors of the shapes documentation
        path = iri[len(BASE):].replace("ontology#", "ontology/")
        page = server.get(path, headers={"Accept": BROWSER})
        assert page.status_code == 200, (iri, page.status_code)
        data = server.get(path, headers={"Accept": "application/n-triples"})
        assert data.status_code == 200 and triples(data, "application/n-triples"), iri


def test_links_on_a_page_stay_on_this_host(server):
    page = server.get("id/pif", headers={"Accept": BROWSER}).text
    hrefs = re.findall(r'href="([^"]+)"', page)
    assert "/id/note/pif-historique" in hrefs and "/concept/unit/person" in hrefs
    assert "/ontology/refEntity" in hrefs  # a term of the ontology links to its page
    assert not [h for h in hrefs if h.startswith(BASE)], "minted IRIs must link to this host's routes"


def test_language_by_accept_language_and_switch(server):
    fr = server.get("id/pif", headers={"Accept": BROWSER, "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in fr.text and "<h1>Presidential Innovation Fellows (PIF)</h1>" in fr.text
    assert "Chiffres" in fr.text and fr.headers["Content-Language"] == "fr"
    switched = server.get("id/pif", params={"lang": "en"}, headers={"Accept": BROWSER, "Accept-Language": "fr"})
    assert '<html lang="en">' in switched.text and "<h1>Presidential Innovation Fellows</h1>" in switched.text
    # the choice is kept while browsing, and the other language is one click away
    assert 'href="/id/note/pif-historique?lang=en"' in switched.text
    assert 'href="/id/pif?lang=fr"' in switched.text
    refused = server.get("id/pif", params={"lang": "de"}, headers={"Accept": BROWSER})
    assert refused.status_code == 400 and "en, fr" in refused.text


def test_programme_page_shows_figures_with_their_source(server):
    page = server.get("id/pif", headers={"Accept": BROWSER, "Accept-Language": "en"}).text
    assert "Figures" in page and ">135</a>" in page
    assert "« 135 fellows, 35 agences gouvernementales aidées. »" in page
    assert "History of the programme and the team" in page  # the section, labelled
    assert "May 2019 (date of the note)" in page and ">exact</a>" in page
    assert "Incoming links" in page
    # a relational triple shows the phrase that backs it
    assert "« Le programme a également été inscrit dans la loi, nommée « TALENT Act » »" in page


def test_figure_page(server):
    page = server.get("id/pif-fellows-total", headers={"Accept": BROWSER, "Accept-Language": "fr"}).text
    assert 'data-kind="figure"' in page
    for expected in ("135", ">personne</a>", ">exact</a>", "mai 2019", "135 fellows, 35 agences gouvernementales aidées.",
                     'href="/id/note/pif-historique"'):
        assert expected in page, expected


def test_section_page_is_a_provenance_view(server):
    page = server.get("id/note/pif-historique", headers={"Accept": BROWSER, "Accept-Language": "en"}).text
    assert "Everything this section sources" in page
    assert 'href="/id/pif-fellows-total"' in page  # a figure sourced from it
    assert "The text of this section" in page and "quoted by" in page
    data = server.get("id/note/pif-historique.ttl")
    derived = [t for t in triples(data, "text/turtle") if t.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom"]
    assert len(derived) >= 5


def test_concept_ontology_term_and_graph_pages(server):
    unit = server.get("concept/unit/person", headers={"Accept": BROWSER, "Accept-Language": "fr"})
    assert unit.status_code == 200 and "<h1>personne</h1>" in unit.text
    term = server.get("ontology/Programme", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert term.status_code == 200 and 'href="/ontology#Programme"' in term.text
    assert 'href="/id/pif"' in term.text  # its instances link here through rdf:type
    graph = server.get("graph/ontology", headers={"Accept": "text/turtle"})
    assert graph.status_code == 200
    stats = server.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/talentkg/graph/ontology> "
                         "{ ?s ?p ?o } }").json()["results"]["bindings"][0]["n"]["value"]
    assert len(triples(graph, "text/turtle")) == int(stats)
    assert server.get("graph/data", headers={"Accept": BROWSER}).status_code == 200


def test_wikidata_links_are_shown(server):
    rows = server.query("SELECT ?s ?wd WHERE { ?s owl:sameAs ?wd FILTER(STRSTARTS(STR(?wd), "
                        "'http://www.wikidata.org/entity/') && STRSTARTS(STR(?s), 'https://w3id.org/talentkg/')) } "
                        "LIMIT 1").json()["results"]["bindings"]
    assert rows, "the data has Wikidata links"
    path = rows[0]["s"]["value"][len(BASE):]
    qid = rows[0]["wd"]["value"].rsplit("/", 1)[-1]
    page = server.get(path, headers={"Accept": BROWSER}).text
    assert f'href="https://www.wikidata.org/wiki/{qid}"' in page


def test_dataset_iri_redirects_to_its_catalogue(server):
    response = server.get("id/dataset", allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"].endswith("/downloads")
    data = server.get("id/dataset.ttl", allow_redirects=False)
    assert data.status_code == 303 and data.headers["Location"].endswith("/downloads/catalog.ttl")


def test_revalidation_and_head(server):
    first = server.get("id/pif", headers={"Accept": "text/turtle"})
    again = server.get("id/pif", headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    head = requests.head(server.url + "id/pif", headers={"Accept": BROWSER}, timeout=30)
    assert head.status_code == 200 and head.content == b""


def test_a_request_never_changes_the_graph(server):
    before = server.get("healthz").json()["triples"]
    server.get("id/pif", params={"lang": "en"}, headers={"Accept": BROWSER})
    server.post("id/pif", data="INSERT DATA { <x:a> <x:b> <x:c> }", headers={"Content-Type": "application/sparql-update"})
    assert server.get("healthz").json()["triples"] == before
