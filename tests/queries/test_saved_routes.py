"""The catalogue, the query pages, content negotiation, charts and the OpenAPI document, on a live server."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from talentkg.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue(ROOT / "queries")
NAMES = [q.name for q in CATALOGUE]
# federated twins call Wikidata, which tests cannot reach: tests/wikidata runs them against a stand-in
LOCAL = [n for n in NAMES if not n.endswith("-federated")]
CHARTED = [q.name for q in CATALOGUE if q.chart and q.name in LOCAL]
SVG = "{http://www.w3.org/2000/svg}"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class Outline(HTMLParser):
    """What a screen reader leans on: the page language, headings, table headers, labelled fields."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.headings: list[int] = []
        self.th_scopes: list[str | None] = []
        self.captions = 0
        self.labels: set[str] = set()
        self.fields: list[str] = []
        self.images_without_alt = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        elif tag == "th":
            self.th_scopes.append(a.get("scope"))
        elif tag == "caption":
            self.captions += 1
        elif tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        elif tag in ("input", "select") and a.get("type") != "hidden":
            self.fields.append(a.get("id") or "")
        elif tag == "img" and not a.get("alt"):
            self.images_without_alt += 1
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])


def _outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def test_catalogue_html_lists_every_query(server) -> None:
    response = server.get("queries", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    page = _outline(response.text)
    assert page.lang == "en" and page.headings[0] == 1 and page.captions == 1
    assert all(scope in ("col", "row") for scope in page.th_scopes)
    assert {f"/queries/{n}" for n in NAMES} <= set(page.links)


def test_catalogue_json(server) -> None:
    response = server.get("queries", headers={"Accept": "application/json"})
    assert response.headers["Content-Type"].startswith("application/json")
    entries = response.json()["queries"]
    assert [e["name"] for e in entries] == NAMES
    pay = next(e for e in entries if e["name"] == "fellow-pay")
    assert pay["url"].endswith("/queries/fellow-pay") and pay["charts"]["svg"].endswith("/queries/fellow-pay.svg")
    assert {p["name"]: p["type"] for p in pay["params"]} == {"programme": "iri", "lang": "lang"}
    assert server.get("queries", params={"format": "json"}).json()["queries"] == entries


@pytest.mark.parametrize("name", LOCAL)
def test_every_query_page(server, name: str) -> None:
    response = server.get(f"queries/{name}", headers={"Accept": BROWSER})
    assert response.status_code == 200, response.text
    page = _outline(response.text)
    assert page.lang == "en"
    assert page.headings[0] == 1 and all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:]))
    assert page.captions == 1 and all(scope == "col" for scope in page.th_scopes)
    assert set(page.fields) <= page.labels  # every form field has its label
    assert page.images_without_alt == 0
    assert any(link.startswith("/editor?query=") for link in page.links)
    for ext in ("json", "csv", "tsv"):
        assert any(link.startswith(f"/queries/{name}.{ext}") for link in page.links)
    query = CATALOGUE.get(name)
    assert query.summary.replace("'", "&#39;") in response.text


def test_page_links_labels_to_our_resources_and_keeps_quotes_french(server) -> None:
    response = server.get("queries/fellow-pay", headers={"Accept": BROWSER})
    assert '<a href="/id/pif" title="https://w3id.org/talentkg/id/pif">Presidential Innovation Fellows</a>' \
        in response.text
    assert '<td lang="fr">' in response.text  # the note's quotes are marked as French


@pytest.mark.parametrize("accept, content_type", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
])
def test_results_are_negotiated_like_sparql(server, accept: str, content_type: str) -> None:
    response = server.get("queries/budgets", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(content_type)
    assert response.headers["X-Talentkg-Rows"] == "10"


def test_format_parameter_and_extensions(server) -> None:
    assert server.get("queries/budgets", params={"format": "tsv"}).headers["Content-Type"].startswith(
        "text/tab-separated-values")
    response = server.get("queries/budgets.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert 'filename="budgets.csv"' in response.headers["Content-Disposition"]
    assert server.get("queries/budgets.json").json()["head"]["vars"][0] == "about"


def test_unacceptable_and_unknown(server) -> None:
    assert server.get("queries/budgets", headers={"Accept": "image/png"}).status_code == 406
    assert server.get("queries/no-such-query").status_code == 404
    assert server.get("queries/budgets.exe").status_code == 404
    assert server.get("queries/budgets.svg").status_code == 404  # it declares no chart


def test_results_revalidate(server) -> None:
    first = server.get("queries/budgets", headers={"Accept": "text/csv"})
    again = server.get("queries/budgets", headers={"Accept": "text/csv", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    other = server.get("queries/budgets", params={"from": "2019"},
                       headers={"Accept": "text/csv", "If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200  # other parameters, another result


@pytest.mark.parametrize("name", CHARTED)
def test_charts_are_valid_svg_and_png(server, name: str) -> None:
    svg = server.get(f"queries/{name}.svg", timeout=120)
    assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    rows = server.get(f"queries/{name}", headers={"Accept": "application/sparql-results+json"}).json()
    query = CATALOGUE.get(name)
    drawn = [b for b in rows["results"]["bindings"] if query.chart.x in b and query.chart.y in b]
    marks = [g for g in root.iter(SVG + "g") if "role-mark" in (g.get("class") or "")]
    shapes = [e for g in marks for e in g.iter() if e.tag in (SVG + "path", SVG + "rect", SVG + "line")]
    assert drawn and marks and shapes  # data marks were drawn, not just axes on an empty canvas
    if query.chart.mark in ("bar", "grouped-bar", "point"):
        assert len(shapes) >= len(drawn)  # a bar or a point per row
    png = server.get(f"queries/{name}.png", timeout=120)
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n" and png.content[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png.content[16:24])
    assert width > 100 and height > 100


def test_chart_follows_the_parameters(server) -> None:
    everything = server.get("queries/fellows-per-year.svg").text
    one = server.get("queries/fellows-per-year.svg", params={"programme": "https://w3id.org/talentkg/id/cfcan-fellowship"})
    assert one.status_code == 200
    assert "Code for America Community Fellowships" in everything
    assert "Code for America Community Fellowships" not in one.text and "Code for Canada Fellowship" in one.text
    assert server.get("queries/fellows-per-year.svg", params={"from": "nope"}).status_code == 400


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], list(children.get(pid, ()))
    while todo:
        found.append(todo.pop())
        todo.extend(children.get(found[-1], ()))
    return found


def _maps_vl_convert(pid: int) -> bool:
    try:
        return "vl_convert" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc")
def test_charts_are_drawn_in_a_query_worker_not_in_the_web_worker(server) -> None:
    """vl-convert holds the GIL for ~130 ms a chart: in the web worker it stalled every request there."""
    response = server.get("queries/fellows-per-year.png", params={"from": "2013"}, timeout=120)
    assert response.status_code == 200 and response.content[:4] == b"\x89PNG"
    web_worker = server.get("healthz").json()["web_worker_pid"]
    assert not _maps_vl_convert(web_worker)
    assert any(_maps_vl_convert(pid) for pid in _descendants(web_worker))


def test_openapi_document_validates(server) -> None:
    response = server.get("openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    paths = document["paths"]
    for query in CATALOGUE:
        operation = paths[f"/queries/{query.name}"]["get"]
        assert {p["name"] for p in operation["parameters"]} == {p.name for p in query.params} | {"format"}
        assert "text/csv" in operation["responses"]["200"]["content"]
        if query.chart:
            assert "image/svg+xml" in paths[f"/queries/{query.name}.svg"]["get"]["responses"]["200"]["content"]
    shared = {p["name"]: p["schema"] for p in paths["/queries/shared-funders"]["get"]["parameters"]}
    assert shared["minProgrammes"] == {"type": "integer", "default": 2}
    assert shared["lang"]["enum"] == ["en", "fr"]
    years = {p["name"]: p["schema"] for p in paths["/queries/fellows-per-year"]["get"]["parameters"]}
    assert years["from"]["pattern"] == "^[0-9]{4}$"


def test_a_federated_query_without_reachable_wikidata_says_so(server) -> None:
    # the test machine has no route to Wikidata: the page must fail clearly, naming the service
    response = server.get("queries/funders-wikidata-federated", headers={"Accept": "text/csv"})
    assert response.status_code == 502
    assert response.headers["X-Talentkg-Error"] == "service-failed"
    assert "query.wikidata.org" in response.text or "SERVICE" in response.text
