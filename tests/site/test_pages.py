"""Home, about and citation, the editor page, the ontology and shapes documentation, static files."""

from __future__ import annotations

import http.client
from html import unescape
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
YASGUI_JS = ROOT / "src/talentkg/web/static/node_modules/@zazuko/yasgui/build/yasgui.min.js"


def page(server, path, lang="en", **params):
    response = server.get(path, params=params, headers={"Accept": BROWSER, "Accept-Language": lang})
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("text/html")
    return response.text


def test_home_says_what_and_where_from_and_lists_the_programmes(server):
    html = page(server, "/")
    assert "What this dataset is" in html and "Where the data comes from" in html
    assert "Guénoilé Carré" in html and 'href="/id/note"' in html
    for path in ("/id/pif", "/id/code-for-america-programme", "/id/dta-digital-emerging-talents",
                 "/id/code-for-australia-programme", "/id/code-for-canada-programme", "/id/team-digitale-programme",
                 "/id/prototype-fund", "/id/eig"):
        assert f'href="{path}"' in html, path
    assert 'href="/id/cfa-brigades"' in html  # sub-programmes are named on their parent's card
    assert ">135</a>" in html  # a key figure, linked to its page
    for path in ("/editor", "/queries", "/downloads", "/ontology", "/shapes", "/about", "/sparql"):
        assert f'href="{path}"' in html, path
    health = server.get("healthz").json()
    assert health["data_version"] in html


def test_home_in_french(server):
    html = unescape(page(server, "/", lang="fr"))
    assert '<html lang="fr">' in html and "Ce qu'est ce jeu de données" in html
    assert "Presidential Innovation Fellows (PIF)" in html


def test_citation_file_and_suggested_citation(server):
    cff = server.get("CITATION.cff")
    assert cff.status_code == 200
    meta = yaml.safe_load(cff.text)
    assert meta["cff-version"] == "1.2.0" and meta["title"] and meta["authors"]
    assert meta == yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    version = server.get("healthz").json()["data_version"]
    for html in (page(server, "/"), page(server, "/about")):
        suggested = re.search(r'<p class="citation" id="suggested-citation">(.*?)</p>', html, re.S).group(1)
        assert meta["title"] in suggested and version in suggested and meta["url"] in suggested
    about = page(server, "/about")
    assert "@misc{talentkg," in about and "Tour d&#39;horizon" in about


def test_editor_page(server):
    html = page(server, "/editor", query="SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    config = json.loads(re.search(r'<script type="application/json" id="editor-config">(.*?)</script>', html,
                                  re.S).group(1))
    assert config["endpoint"].endswith("/sparql") and config["query"] == "SELECT * WHERE { ?s ?p ?o } LIMIT 3"
    assert config["prefixes"]["tkg"] == "https://w3id.org/talentkg/ontology#"
    assert "PREFIX tkg: <https://w3id.org/talentkg/ontology#>" in config["initial"]
    if YASGUI_JS.is_file():
        script = server.get("static/node_modules/@zazuko/yasgui/build/yasgui.min.js")
        assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
        assert "yasgui.min.js" in html
    else:
        assert "plain-query" in html  # the plain form stands in until the editor's files are installed


def test_editor_prefill_is_escaped(server):
    html = page(server, "/editor", query="</script><script>alert(1)</script>")
    assert "</script><script>alert(1)" not in html


def test_editor_offers_the_saved_queries(make_server, root_with_example):
    s = make_server(root=str(root_with_example))
    html = page(s, "/editor")
    assert "Programmes by country (site test example)" in html
    config = json.loads(re.search(r'id="editor-config">(.*?)</script>', html, re.S).group(1))
    example = config["examples"][0]
    assert example["name"] == "programmes-by-country"
    # declared for the editor's parser; the header is not part of the query
    assert example["query"].startswith("PREFIX dct: <http://purl.org/dc/terms/>\nPREFIX tkg:")
    assert "#+" not in example["query"]
    assert 'href="/queries/programmes-by-country"' in html


def test_ontology_documentation(server):
    en = page(server, "/ontology")
    assert '<html lang="en">' in en and 'id="Programme"' in en and 'id="refEntity"' in en
    assert "pyLODE" in en and 'href="/editor"' in en  # the site's navigation is kept
    fr = page(server, "/ontology", lang="fr")
    assert '<html lang="fr">' in fr and "Chiffre" in fr
    for response in (server.get("ontology", headers={"Accept": "text/turtle"}), server.get("ontology.ttl")):
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
        parsed = [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)]
        assert ox.Triple(ox.NamedNode("https://w3id.org/talentkg/ontology"),
                         ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                         ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")) in parsed
    assert server.get("ontology.exe").status_code == 404


def test_shapes_documentation(server):
    html = page(server, "/shapes")
    assert 'id="Sourced"' in html and "Missing quote: add tkg:quote" in html
    assert "sh:targetClass" in html
    data = server.get("shapes.jsonld")
    assert data.status_code == 200
    assert any(q.object.value == "http://www.w3.org/ns/shacl#NodeShape"
               for q in ox.parse(data.content, format=ox.RdfFormat.JSON_LD))


def _raw_get(url: str, path: str) -> tuple[int, bytes, str]:
    """Send the path exactly as written (clients would normalise the dot segments away)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    location = response.getheader("Location") or ""
    conn.close()
    return response.status, body, location


@pytest.mark.parametrize("path", [
    "/static/../pyproject.toml", "/static/..%2f..%2f..%2fpyproject.toml", "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/static/node_modules/../../site.py", "/static/..%5c..%5csite.py", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
    "/downloads/..%2f..%2fpyproject.toml", "/id/..%2f..%2fpyproject.toml",
])
def test_no_file_outside_the_static_folder_is_served(server, path):
    status, body, location = _raw_get(server.url, path)
    if status == 308:  # werkzeug merges doubled slashes first; the merged path must be refused too
        assert urlsplit(location).path.startswith("/static/")
        status, body, _ = _raw_get(server.url, urlsplit(location).path)
    assert status in (400, 404), (path, status)
    assert b"[project]" not in body and b"root:" not in body and b"Blueprint" not in body


def test_static_files_are_served(server):
    css = server.get("static/site.css")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
