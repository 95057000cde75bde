"""The header of every saved query is valid, and the header validator refuses what it should."""

from __future__ import annotations

from pathlib import Path

import pytest

from talentkg.catalogue import (CatalogueError, Param, bind, check_query, load_catalogue, normalise, parse, read,
                                resolve)
from talentkg.errors import BadRequest
from talentkg.namespaces import PREFIXES

ROOT = Path(__file__).resolve().parents[2]
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_there_are_at_least_fifteen_saved_queries() -> None:
    assert len(QUERY_FILES) >= 15


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_every_header_is_valid(path: Path) -> None:
    query, columns = read(path)
    assert query.summary and query.description and query.tags
    for param in query.params:
        assert param.description, f"{path.name}: parameter {param.name} has no description"
        assert param.name in columns  # Oxigraph substitutes projected variables only
    lang = query.param("lang")
    assert lang is not None and lang.default == "en" and set(lang.values) == {"en", "fr"}
    if query.chart:
        assert {query.chart.x, query.chart.y} <= set(columns)


def test_catalogue_loads_every_file_once() -> None:
    catalogue = load_catalogue(ROOT / "queries")
    assert [q.name for q in catalogue] == [p.stem for p in QUERY_FILES]


GOOD = """#+ summary: a query
#+ params:
#+   - name: programme
#+     type: iri
SELECT ?programme ?x WHERE { ?programme ?p ?x }
"""


@pytest.mark.parametrize("text, message", [
    ("SELECT * WHERE { ?s ?p ?o }", "no '#+' header"),
    ("#+ summary: [unclosed\nSELECT * WHERE { ?s ?p ?o }", "not valid YAML"),
    ("#+ description: no summary\nSELECT * WHERE { ?s ?p ?o }", "summary must be non-empty text"),
    ("#+ summary: s\n#+ sumary: typo\nSELECT * WHERE { ?s ?p ?o }", "unknown header key(s) sumary"),
    ("#+ summary: s\n#+ tags: pay\nSELECT * WHERE { ?s ?p ?o }", "tags must be a list"),
    ("#+ summary: s\n#+ params:\n#+   - name: x\n#+     type: url\nSELECT ?x WHERE { ?x ?p ?o }",
     "type must be one of"),
    ("#+ summary: s\n#+ params:\n#+   - name: format\n#+     type: string\nSELECT ?format WHERE { ?format ?p ?o }",
     "reserved"),
    ("#+ summary: s\n#+ params:\n#+   - name: n\n#+     type: integer\n#+     default: two\nSELECT ?n WHERE { ?s ?p ?n }",
     "the default is not valid"),
    ("#+ summary: s\n#+ params:\n#+   - name: lang\n#+     type: lang\n#+     default: de\n#+     values: [en, fr]\n"
     "SELECT ?lang WHERE { ?s ?p ?lang }", "the default is not valid"),
    ("#+ summary: s\n#+ params:\n#+   - {name: x, type: iri}\n#+   - {name: x, type: iri}\nSELECT ?x WHERE { ?x ?p ?o }",
     "declared twice"),
    ("#+ summary: s\n#+ chart: {mark: pie, x: a, y: b}\nSELECT ?a ?b WHERE { ?a ?p ?b }", "chart mark must be one of"),
    ("#+ summary: s\n#+ chart: {mark: grouped-bar, x: a, y: b}\nSELECT ?a ?b WHERE { ?a ?p ?b }", "needs color"),
])
def test_header_errors_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        parse(text, "broken")
    assert message in caught.value.message
    assert "broken" in caught.value.message


@pytest.mark.parametrize("text, message", [
    ("#+ summary: s\n#+ params:\n#+   - {name: programme, type: iri}\nSELECT ?x WHERE { ?programme ?p ?x }",
     "a parameter must be a variable of the SELECT clause"),
    ("#+ summary: s\nSELECT ?x WHERE { ?x ?p }", "not valid SPARQL"),
    ("#+ summary: s\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "must be a SELECT query"),
    ("#+ summary: s\n#+ chart: {mark: bar, x: a, y: c}\nSELECT ?a ?b WHERE { ?a ?p ?b }", "'c' is not a column"),
])
def test_query_checks_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        check_query(parse(text, "broken"), PREFIXES)
    assert message in caught.value.message


def test_file_names_must_be_kebab_case() -> None:
    with pytest.raises(CatalogueError, match="kebab-case"):
        parse(GOOD, "Fellow_Pay")


@pytest.mark.parametrize("kind, raw, expected", [
    ("iri", "https://w3id.org/talentkg/id/pif", "<https://w3id.org/talentkg/id/pif>"),
    ("string", 'a "quoted" } . ?s ?p ?o', '"a \\"quoted\\" } . ?s ?p ?o"'),
    ("lang", "EN-GB", '"en-gb"'),
    ("integer", "+007", f'"7"^^<{XSD}integer>'),
    ("decimal", "0.50", f'"0.5"^^<{XSD}decimal>'),
    ("decimal", "3", f'"3.0"^^<{XSD}decimal>'),
    ("year", "2017", f'"2017"^^<{XSD}gYear>'),
    ("boolean", "TRUE", f'"true"^^<{XSD}boolean>'),
])
def test_values_bind_as_terms_of_their_type(kind: str, raw: str, expected: str) -> None:
    query = parse(f"#+ summary: s\n#+ params:\n#+   - {{name: v, type: {kind}}}\nSELECT ?v WHERE {{ ?s ?p ?v }}", "t")
    assert bind(query, [("v", raw)]) == (("v", expected),)


@pytest.mark.parametrize("kind, raw", [
    ("iri", "pif"), ("iri", "http://a b"), ("iri", "http://x/>"), ("iri", "http://x/\"y"), ("lang", "en us"),
    ("lang", "en}"), ("integer", "1.5"), ("integer", "1 } UNION {"), ("decimal", "1e3"), ("year", "17"),
    ("year", "2017-01"), ("boolean", "maybe"),
])
def test_wrong_values_name_the_parameter_and_what_it_expects(kind: str, raw: str) -> None:
    with pytest.raises(BadRequest) as caught:
        normalise(Param("v", kind), raw)
    assert "'v' expects" in caught.value.message


def test_unknown_repeated_and_empty_parameters() -> None:
    query = parse(GOOD, "t")
    with pytest.raises(BadRequest, match="unknown parameter 'nope'"):
        resolve(query, [("nope", "1")])
    with pytest.raises(BadRequest, match="more than once"):
        resolve(query, [("programme", "http://a/"), ("programme", "http://b/")])
    assert resolve(query, [("programme", "")]) == {}  # an empty form field is absent: the variable stays free
