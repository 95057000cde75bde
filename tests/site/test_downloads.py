"""Downloads of the whole graph and their description in DCAT and VoID."""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
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


def _raw(server, name: str, **headers: str) -> requests.Response:
    """The bytes as sent, in their content coding (requests would decode gzip)."""
    response = server.get(f"downloads/{name}", headers=headers, stream=True)
    response.raw_bytes = response.raw.read(decode_content=False)
    return response


def test_a_download_resumes_with_byte_ranges(server):
    whole = _raw(server, "talentkg.nq", **{"Accept-Encoding": "identity"})
    body, etag = whole.raw_bytes, whole.headers["ETag"]
    assert whole.headers["Accept-Ranges"] == "bytes" and "Content-Encoding" not in whole.headers
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert whole.headers["Repr-Digest"] == f"sha-256=:{digest}:"
    cut = len(body) // 3
    rest = _raw(server, "talentkg.nq", Range=f"bytes={cut}-", **{"If-Range": etag, "Accept-Encoding": "identity"})
    assert rest.status_code == 206 and rest.headers["Content-Range"] == f"bytes {cut}-{len(body) - 1}/{len(body)}"
    assert body[:cut] + rest.raw_bytes == body
    middle = _raw(server, "talentkg.nq", Range="bytes=10-19", **{"Accept-Encoding": "identity"})
    assert middle.status_code == 206 and middle.raw_bytes == body[10:20]
    # the file changed since the first part (another ETag): the whole file again, not a wrong splice
    stale = _raw(server, "talentkg.nq", Range=f"bytes={cut}-",
                 **{"If-Range": '"an-older-version"', "Accept-Encoding": "identity"})
    assert stale.status_code == 200 and stale.raw_bytes == body


def test_a_range_past_the_end_gets_416_with_the_length(server):
    length = len(_raw(server, "talentkg.ttl").raw_bytes)
    response = server.get("downloads/talentkg.ttl", headers={"Range": f"bytes={length + 10}-"})
    assert response.status_code == 416 and response.headers["Content-Range"] == f"bytes */{length}"
    assert "range" in response.text


def test_a_range_the_server_cannot_use_is_ignored(server):
    """RFC 9110, 14.2: another unit, several ranges or a malformed one get the whole body, not 416."""
    whole = _raw(server, "talentkg.ttl", **{"Accept-Encoding": "identity"}).raw_bytes
    for wanted in ("items=0-5", "bytes=0-0,5-9", "bytes=5-2", "bytes=abc"):
        response = _raw(server, "talentkg.ttl", Range=wanted, **{"Accept-Encoding": "identity"})
        assert response.status_code == 200 and response.raw_bytes == whole, wanted
        assert response.headers["Accept-Ranges"] == "bytes"


def test_the_gzip_form_is_made_once_and_ranges_apply_to_it(server):
    plain = _raw(server, "talentkg.trig", **{"Accept-Encoding": "identity"}).raw_bytes
    gz = _raw(server, "talentkg.trig", **{"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.raw_bytes) == plain
    assert "Accept-Encoding" in gz.headers["Vary"]
    again = _raw(server, "talentkg.trig", **{"Accept-Encoding": "gzip, deflate"})
    assert again.raw_bytes == gz.raw_bytes and again.headers["ETag"] == gz.headers["ETag"]  # the same bytes each time
    assert gz.headers["ETag"] != _raw(server, "talentkg.trig", **{"Accept-Encoding": "identity"}).headers["ETag"]
    part = _raw(server, "talentkg.trig", Range="bytes=100-", **{"Accept-Encoding": "gzip", "If-Range": gz.headers["ETag"]})
    assert part.status_code == 206 and part.headers["Content-Encoding"] == "gzip"
    assert gz.raw_bytes[:100] + part.raw_bytes == gz.raw_bytes
    refused = _raw(server, "talentkg.trig", **{"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers and refused.raw_bytes == plain
    assert server.get("downloads/talentkg.trig", headers={"If-None-Match": gz.headers["ETag"],
                                                          "Accept-Encoding": "gzip"}).status_code == 304


def test_a_download_is_the_same_bytes_in_every_process(server, tmp_path):
    """Blank node labels and the order of quads come from the data, not from the process: checksums hold.

    (The site's tests run on the embedded store; a remote engine names the blank nodes it loads itself.)
    """
    program = (
        "import hashlib, sys\n"
        "from talentkg.web import create_app\n"
        "client = create_app(start_workers=False).test_client()\n"
        "for name in sys.argv[1:]:\n"
        "    print(name, hashlib.sha256(client.get('/downloads/' + name).data).hexdigest())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALENTKG_")}
    env.update(TALENTKG_CACHE_DIR=str(tmp_path), PYTHONHASHSEED="12345")  # parsed and validated afresh
    out = subprocess.run([sys.executable, "-c", program, *DUMPS], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=600, check=True).stdout
    elsewhere = dict(line.split() for line in out.splitlines())
    here = {name: hashlib.sha256(_raw(server, name, **{"Accept-Encoding": "identity"}).raw_bytes).hexdigest()
            for name in DUMPS}
    assert here == elsewhere
