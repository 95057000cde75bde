"""The CLI verbs query, export and stats, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox


def test_query_prints_a_table_and_formats(run_cli):
    text = "SELECT ?label WHERE { tkgr:pif rdfs:label ?label FILTER(lang(?label) = 'en') }"
    table = run_cli("query", text)
    assert table.code == 0, table.err
    assert "Presidential Innovation Fellows" in table.out and "(1 row)" in table.out
    as_json = json.loads(run_cli("query", text, "--format", "json").out)
    assert as_json["results"]["bindings"][0]["label"]["value"] == "Presidential Innovation Fellows"
    rows = list(csv.reader(io.StringIO(run_cli("query", text, "--format", "csv").out)))
    assert rows == [["label"], ["Presidential Innovation Fellows"]]


def test_query_from_file_and_construct(run_cli, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("CONSTRUCT { tkgr:pif ?p ?o } WHERE { tkgr:pif ?p ?o }")
    result = run_cli("query", "--file", str(path), "--format", "ntriples")
    assert result.code == 0, result.err
    triples = list(ox.parse(result.out.encode(), format=ox.RdfFormat.N_TRIPLES))
    assert any(t.predicate.value == "http://purl.org/dc/terms/spatial" for t in triples)


def test_query_error_is_reported(run_cli):
    result = run_cli("query", "SELECT * WHERE {")
    assert result.code == 1 and "not valid SPARQL" in result.err
    update = run_cli("query", "DELETE WHERE { ?s ?p ?o }")
    assert update.code == 1 and "read-only" in update.err


def test_export_each_format_parses(run_cli, tmp_path):
    for fmt, rdf_format in (("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES),
                            ("jsonld", ox.RdfFormat.JSON_LD), ("trig", ox.RdfFormat.TRIG)):
        out = tmp_path / f"export.{fmt}"
        result = run_cli("export", "--format", fmt, "--output", str(out))
        assert result.code == 0, result.err
        quads = list(ox.parse(out.read_bytes(), format=rdf_format))
        assert len(quads) > 1000
        if fmt == "trig":
            assert {q.graph_name.value for q in quads} >= {"https://w3id.org/talentkg/graph/data",
                                                           "https://w3id.org/talentkg/graph/ontology"}


def test_export_is_the_same_bytes_in_every_process(run_cli, tmp_path):
    """Blank node labels and the order of quads come from the data: an export can be checksummed and cited."""
    outputs = []
    for run in range(2):  # each parsed, derived and validated afresh, with its own hash seed
        out = tmp_path / f"export-{run}.nq"
        env = {"TALENTKG_CACHE_DIR": str(tmp_path / f"cache-{run}"), "PYTHONHASHSEED": str(run + 1)}
        assert run_cli("export", "--format", "nquads", "--output", str(out), env=env).code == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and b"_:b" in outputs[0]


def test_export_one_graph(run_cli):
    result = run_cli("export", "--format", "ntriples", "--graph", "ontology")
    triples = list(ox.parse(result.out.encode(), format=ox.RdfFormat.N_TRIPLES))
    assert triples and all("w3id.org/talentkg/id/pif" not in t.subject.value for t in triples)


def test_stats(run_cli):
    result = run_cli("stats", "--format", "json")
    stats = json.loads(result.out)
    assert stats["graphs"]["https://w3id.org/talentkg/graph/data"] > 1000
    assert stats["classes"]["https://w3id.org/talentkg/ontology#Observation"] > 10
    text = run_cli("stats").out
    assert "triples per graph" in text and "instances per class" in text
