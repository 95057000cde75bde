"""Downloads of the whole graph and their description in DCAT and VoID."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest

DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"
DUMPS = {"talentkg.ttl": ("text/turtle", ox.RdfFormat.TURTLE), "talentkg.nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
         "talentkg.jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD), "talentkg.trig": ("application/trig", ox.RdfFormat.TRIG),
         "talentkg.nq": ("application/n-quads", ox.RdfFormat.N_QUADS)}


def count(server, query: str) -> int:
    return int(server.query(query).json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("name", list(DUMPS))
def test_dump_holds_the_whole_graph(server, name):
    mime, fmt = DUMPS[name]
    response = server.get(f"downloads/{name}")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(mime)
    assert f'filename="{name}"' in response.headers["Content-Disposition"]
    quads = list(ox.parse(response.content, format=fmt))
    if fmt.supports_datasets:  # named graphs kept: the same quads as the store
        assert len(quads) == server.get("healthz").json()["triples"]
        assert {q.graph_name.value for q in quads} >= {"https://w3id.org/talentkg/graph/data",
                                                       "https://w3id.org/talentkg/graph/ontology"}
    else:  # the union, each triple once
        assert len({q.triple for q in quads}) == len(quads) == count(
            server, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")


def test_downloads_page(server):
    html = server.get("downloads", headers={"Accept": "text/html"}).text
    for name in DUMPS:
        assert f'href="/downloads/{name}"' in html
    assert 'href="/downloads/catalog.ttl"' in html and 'href="/.well-known/void"' in html


def _catalogue(server) -> list[ox.Triple]:
    response = server.get("downloads", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    return [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)]


def test_dcat_describes_every_dump_with_size_and_checksum(server):
    triples = _catalogue(server)

    def objects(s, p):
        return [t.object for t in triples if t.subject == s and t.predicate.value == p]

    dataset = ox.NamedNode("https://w3id.org/talentkg/id/dataset")
    assert ox.NamedNode(DCAT + "Dataset") in objects(dataset, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    distributions = objects(dataset, DCAT + "distribution")
    assert len(distributions) == len(DUMPS)
    for dist in distributions:
        url = objects(dist, DCAT + "downloadURL")[0].value
        body = server.get(url[len(server.url):]).content
        assert int(objects(dist, DCAT + "byteSize")[0].value) == len(body)
        checksum = objects(dist, SPDX + "checksum")[0]
        assert objects(checksum, SPDX + "checksumValue")[0].value == hashlib.sha256(body).hexdigest()
        assert objects(dist, DCAT + "mediaType")[0].value.startswith("http://www.iana.org/assignments/media-types/")
    services = [t.subject for t in triples if t.object == ox.NamedNode(DCAT + "DataService")]
    assert services and objects(services[0], DCAT + "endpointURL")[0].value == server.sparql


@pytest.mark.parametrize("ext,fmt", [("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD),
                                     ("nt", ox.RdfFormat.N_TRIPLES), ("rdf", ox.RdfFormat.RDF_XML)])
def test_catalogue_files(server, ext, fmt):
    response = server.get(f"downloads/catalog.{ext}")
    assert response.status_code == 200
    assert any(q.object.value == DCAT + "Catalog" for q in ox.parse(response.content, format=fmt))


def test_void_dumps_resolve(server):
    void = server.get(".well-known/void", headers={"Accept": "text/turtle"})
    dumps = [q.object.value for q in ox.parse(void.content, format=ox.RdfFormat.TURTLE)
             if q.predicate.value == VOID + "dataDump"]
    assert any(d.endswith("/downloads/talentkg.trig") for d in dumps) and len(dumps) == len(DUMPS)
    for dump in dumps:
        assert server.get(dump[len(server.url):]).status_code == 200, dump


def test_unknown_download_is_404(server):
    for name in ("talentkg.exe", "data", ".env", "catalog.html"):
        response = server.get(f"downloads/{name}")
        assert response.status_code == 404 and "talentkg.ttl" in response.text
