"""``talentkg load --store URL`` against a real ``oxigraph serve``: validated first, per named graph,
idempotent, never touching graphs it did not write; ``serve`` refuses a remote without the current data."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from oxigraph_serve import Oxigraph, free_port, start_engine, stop_oxigraph
from recording_proxy import start_proxy, stop_proxy

from conftest import FIXTURES, ROOT
from talentkg.remote.record import RECORD_GRAPH

DCT = "http://purl.org/dc/terms/"


@pytest.fixture
def engine() -> Iterator[Oxigraph]:
    """A fresh, empty ``oxigraph serve`` for one test."""
    e = start_engine()
    yield e
    stop_oxigraph(e)


def validated_quads(run_cli) -> set[ox.Quad]:
    exported = run_cli("export", "--format", "nquads")
    assert exported.code == 0, exported.err
    return set(ox.parse(exported.out.encode(), format=ox.RdfFormat.N_QUADS))


def canonical(quads: set[ox.Quad]) -> set[str]:
    """The quads with their blank nodes (the shapes have some) labelled canonically, as N-Quads lines."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set((ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b"").decode().splitlines())


def data_version(run_cli) -> str:
    return json.loads(run_cli("stats", "--format", "json").out)["version"]


def record(quads: set[ox.Quad]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for q in quads:
        if q.graph_name.value == RECORD_GRAPH:
            found.setdefault(q.predicate.value.removeprefix(DCT), set()).add(q.object.value)
    return found


def test_load_puts_each_named_graph_and_twice_leaves_the_same_data(run_cli, engine):
    recorder = start_proxy(engine.url)
    try:
        first = run_cli("load", "--store", recorder.query_url)
        assert first.code == 0, first.err
        writes = [(r.method, r.path) for r in recorder.seen if r.method != "POST"]
        graphs = sorted(v for r in recorder.seen if r.method == "PUT" for k, v in r.params if k == "graph")
    finally:
        stop_proxy(recorder)
    expected = validated_quads(run_cli)
    names = {q.graph_name.value for q in expected}
    # one PUT per named graph and one for the record, through the Graph Store Protocol; no update request
    assert graphs == sorted(names | {RECORD_GRAPH})
    assert {path for _, path in writes} == {"/store"} and {m for m, _ in writes} <= {"PUT", "DELETE"}
    held = engine.dump()
    assert canonical({q for q in held if q.graph_name.value != RECORD_GRAPH}) == canonical(expected)  # all validated
    assert record(held)["hasVersion"] == {data_version(run_cli)}
    assert record(held)["hasPart"] == names

    again = run_cli("load", "--store", engine.query_url)
    assert again.code == 0, again.err
    held_again = engine.dump()
    unchanged = lambda quads: canonical({q for q in quads if q.predicate.value != DCT + "modified"})  # noqa: E731
    assert unchanged(held_again) == unchanged(held)
    assert record(held_again)["hasVersion"] == record(held)["hasVersion"]


def test_a_big_graph_goes_in_parts_and_blank_nodes_stay_in_one_document(run_cli, engine):
    from talentkg.remote.load import push

    expected = validated_quads(run_cli)
    nquads = ox.serialize(expected, format=ox.RdfFormat.N_QUADS)
    recorder = start_proxy(engine.url)
    try:
        counts = push(nquads, data_version(run_cli), recorder.query_url, recorder.root + "/store",
                      user_agent="talentkg-tests", chunk=1000)
        sent = [(r.method, v) for r in recorder.seen if r.method in ("PUT", "POST") for k, v in r.params if k == "graph"]
    finally:
        stop_proxy(recorder)
    data, shapes = "https://w3id.org/talentkg/graph/data", "https://w3id.org/talentkg/graph/shapes"
    parts = [m for m, g in sent if g == data]
    assert parts == ["PUT"] + ["POST"] * (-(-counts[data] // 1000) - 1) and len(parts) > 5
    assert [m for m, g in sent if g == shapes] == ["PUT"]  # it has blank nodes
    held = engine.dump()
    assert canonical({q for q in held if q.graph_name.value != RECORD_GRAPH}) == canonical(expected)


def test_load_removes_only_the_graphs_an_earlier_load_wrote(run_cli, engine):
    stale, foreign = "https://w3id.org/talentkg/graph/dropped", "urn:example:institution"
    engine.put(stale, "<urn:x> <urn:y> <urn:z> .\n")
    engine.put(foreign, "<urn:a> <urn:b> <urn:c> .\n")
    engine.put(RECORD_GRAPH, f'<{RECORD_GRAPH}> <{DCT}hasVersion> "0000" .\n<{RECORD_GRAPH}> <{DCT}hasPart> <{stale}> .\n')
    result = run_cli("load", "--store", engine.query_url)
    assert result.code == 0, result.err
    assert "DELETE <https://w3id.org/talentkg/graph/dropped>" in result.err
    graphs = engine.graphs()
    assert stale not in graphs and foreign in graphs
    assert {q.graph_name.value for q in validated_quads(run_cli)} | {RECORD_GRAPH, foreign} == graphs


def test_nothing_invalid_is_loaded(run_cli, engine, tmp_path):
    for part in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy(FIXTURES / "invalid" / "negative-count.ttl", tmp_path / "data" / "negative-count.ttl")
    result = run_cli("--root", str(tmp_path), "load", "--store", engine.query_url)
    assert result.code == 1
    assert "nothing was loaded" in result.err and "not negative" in result.err
    assert engine.dump() == set()


def test_serve_refuses_a_remote_without_the_current_data(run_cli, engine):
    empty = run_cli("serve", "--store", engine.query_url, "--port", "0", timeout=120)
    assert empty.code == 3
    assert "holds no talentkg data" in empty.err and "talentkg load --store" in empty.err
    engine.put(RECORD_GRAPH, f'<{RECORD_GRAPH}> <{DCT}hasVersion> "0123456789abcdef" .\n')
    other = run_cli("serve", "--store", engine.query_url, "--port", "0", timeout=120)
    assert other.code == 3
    assert "holds data version 0123456789abcdef" in other.err and data_version(run_cli) in other.err


def test_serve_refuses_a_remote_it_cannot_reach(run_cli):

    result = run_cli("serve", "--store", f"http://127.0.0.1:{free_port()}/query", "--port", "0", timeout=120)
    assert result.code == 3 and "cannot be reached" in result.err


def test_a_remote_that_goes_away_is_a_502_not_a_query_error(run_cli, cli_env, engine):
    from conftest import start_server, stop_server

    assert run_cli("load", "--store", engine.query_url).code == 0
    server = start_server(cli_env, "--store", engine.query_url)
    try:
        assert server.query("ASK { tkgr:pif a tkg:Programme }").json()["boolean"] is True
        engine.process.terminate()
        engine.process.wait(timeout=10)
        response = server.query("ASK { tkgr:pif dct:spatial ?where }")
        assert response.status_code == 502 and response.headers["X-Talentkg-Error"] == "store-unavailable"
        assert "cannot be reached" in response.text
        health = server.get("healthz")  # a gateway is only as healthy as the engine behind it
        assert health.status_code == 503 and health.json()["status"] == "store-unavailable"
        assert server.process.poll() is None
    finally:
        stop_server(server)


def test_cli_reads_a_remote_store(run_cli, remote_store):
    env = {"TALENTKG_STORE": remote_store.url}
    remote, embedded = (json.loads(run_cli("stats", "--format", "json", env=e).out) for e in (env, {}))
    assert remote == embedded
    table = run_cli("query", "SELECT ?l WHERE { tkgr:pif rdfs:label ?l FILTER(lang(?l) = 'en') }", env=env)
    assert table.code == 0 and "Presidential Innovation Fellows" in table.out
