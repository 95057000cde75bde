"""The embedded Oxigraph store: queries reach Oxigraph as text, graphs are separate, disk stores are reused."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from talentkg.config import load_config
from talentkg.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_SHAPES
from talentkg.store import GraphStore, open_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def store(cache_dir, monkeypatch_module) -> GraphStore:
    return open_store(load_config())


@pytest.fixture(scope="module")
def monkeypatch_module(cache_dir):
    mp = pytest.MonkeyPatch()
    mp.setenv("TALENTKG_CACHE_DIR", str(cache_dir))
    yield mp
    mp.undo()


def test_ontology_data_and_shapes_live_in_their_own_named_graphs(store):
    graphs = store.triples_per_graph()
    for name in (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_SHAPES):
        assert graphs[str(name)] > 100


def test_rdflib_face_passes_queries_to_oxigraph(store):
    # TRIPLE() is an Oxigraph (RDF-star) function rdflib's own SPARQL engine does not know: the
    # query only succeeds if oxrdflib handed the text to Oxigraph instead of rdflib evaluating it.
    ds = store.rdflib()
    rows = list(ds.query("SELECT (COUNT(DISTINCT TRIPLE(?s, ?p, ?o)) AS ?n) WHERE { ?s ?p ?o }"))
    distinct = store.ox.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    assert int(rows[0][0]) == int(next(iter(distinct))["n"].value) > 0
    from rdflib.plugins.sparql import prepareQuery

    with pytest.raises(Exception):
        prepareQuery("SELECT (COUNT(DISTINCT TRIPLE(?s, ?p, ?o)) AS ?n) WHERE { ?s ?p ?o }")


def test_default_graph_is_the_union_and_from_restricts_it(store):
    union = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/talentkg/ontology#Programme> }")
    assert int(next(iter(union))["n"].value) >= 1
    only_ontology = store.ox.query(
        f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_ONTOLOGY}> WHERE {{ ?s a <https://w3id.org/talentkg/ontology#Programme> }}")
    assert int(next(iter(only_ontology))["n"].value) == 0


def test_a_triple_two_files_state_is_served_once(store):
    # the Wikidata and the ROR provenance (two named graphs) both describe talentkg's software agent and
    # the reference tables; Oxigraph's union default graph would match each such triple once per graph
    files = [ROOT / "data" / "wikidata" / "provenance.ttl", ROOT / "data" / "ror" / "ror-records.ttl"]
    shared = set(Graph().parse(files[0])) & set(Graph().parse(files[1]))
    assert shared, "the two files no longer share a triple: this test then needs another case"

    def count(query: str) -> int:
        return int(next(iter(store.query(query)))["n"].value)

    assert count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") \
        == count("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }") \
        == count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == store.triple_count()
    agent = "<http://www.w3.org/ns/prov#SoftwareAgent>"
    assert count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?agent a {agent} }}") == 1
    # each shared triple is in exactly one graph: the first that states it (graphs in load order)
    for s, p, o in shared:
        held = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {s.n3()} {p.n3()} {o.n3()} }} }}")
        assert int(next(iter(held))["n"].value) == 1, (s, p, o)


def test_disk_store_is_reopened_without_reloading(tmp_path, monkeypatch_module):
    config = load_config({"store_path": tmp_path / "store"})
    first = open_store(config)
    assert not first.info.reused
    count = first.triple_count()
    del first
    second = open_store(config)
    assert second.info.reused
    assert second.triple_count() == count


def test_disk_store_reloads_when_the_data_changes(tmp_path, monkeypatch_module):
    import shutil

    from conftest import ROOT

    for part in ("ontology", "data", "shapes"):
        shutil.copytree(ROOT / part, tmp_path / part)
    config = load_config({"root": tmp_path, "store_path": tmp_path / "store"})
    first = open_store(config)
    before = first.triple_count()
    del first
    extra = tmp_path / "data" / "extra.ttl"
    extra.write_text('<https://w3id.org/talentkg/id/note> <http://purl.org/dc/terms/rights> "test" .\n')
    second = open_store(config)
    assert not second.info.reused
    assert second.triple_count() == before + 1
