"""The Wikidata saved queries follow the saved-query format and their offline forms work in both languages."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from rdflib.plugins.sparql import prepareQuery

from wikidata_fixtures import ROOT, WIKIDATA

QUERIES = ROOT / "queries"
OFFLINE = ["funders-wikidata.rq", "funding-by-wikidata-class.rq"]
FEDERATED = ["funders-wikidata-federated.rq", "funding-by-wikidata-class-federated.rq"]


def header_and_body(name: str) -> tuple[dict, str]:
    lines = (QUERIES / name).read_text(encoding="utf-8").splitlines()
    header = [line[2:] for line in lines if line.startswith("#+")]
    body = "\n".join(line for line in lines if not line.startswith("#+"))
    return yaml.safe_load("\n".join(header)), body


@pytest.mark.parametrize("name", OFFLINE + FEDERATED)
def test_header_follows_the_saved_query_format(name):
    meta, body = header_and_body(name)
    assert meta["summary"] and meta["description"] and meta["tags"]
    assert {"name": "lang", "type": "lang", "default": "en", "values": ["en", "fr"]}.items() <= meta["params"][0].items()
    # a parameter binds the variable of its name, which Oxigraph requires in the projection
    assert re.search(r"SELECT\s+\?lang\b", body)
    prepareQuery(body)  # the file parses as a query on its own
    if "chart" in meta:
        assert set(meta["chart"]) >= {"mark", "x", "y"}
        assert all(f"?{meta['chart'][k]}" in body for k in ("x", "y", "color") if k in meta["chart"])


@pytest.mark.parametrize(("offline", "federated"), list(zip(OFFLINE, FEDERATED)))
def test_offline_form_reads_the_named_graph_and_federated_form_asks_wikidata(offline, federated):
    _meta, offline_body = header_and_body(offline)
    _meta, federated_body = header_and_body(federated)
    assert "SERVICE" not in offline_body
    assert "GRAPH <https://w3id.org/talentkg/graph/wikidata>" in offline_body
    assert re.findall(r"SERVICE\s+<([^>]+)>", federated_body) == [WIKIDATA]
    assert "GRAPH <https://w3id.org/talentkg/graph/wikidata>" not in federated_body


@pytest.fixture(scope="module")
def engine(cache_dir):
    """The real query engine on the bundled data, in this process (no SERVICE needed)."""
    from talentkg.config import load_config
    from talentkg.sparql.execution import QueryEngine
    from talentkg.store import open_store

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TALENTKG_CACHE_DIR", str(cache_dir))
        return QueryEngine(open_store(load_config()), load_config())


def answer(engine, name: str, lang: str) -> list[dict]:
    """Run a saved query with its ``lang`` parameter bound the way the catalogue binds it (substitution)."""
    from talentkg.sparql.negotiation import BY_NAME

    text = (QUERIES / name).read_text(encoding="utf-8")
    result = engine.answer(text, engine.inspect(text), BY_NAME["json"], substitutions=(("lang", f'"{lang}"'),))
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.body)["results"]["bindings"]]


def test_labels_follow_the_lang_parameter(engine):
    en = {r["funder"]: r for r in answer(engine, OFFLINE[0], "en")}
    fr = {r["funder"]: r for r in answer(engine, OFFLINE[0], "fr")}
    bmbf = "https://w3id.org/talentkg/id/bmbf"
    assert (en[bmbf]["countryLabel"], fr[bmbf]["countryLabel"]) == ("Germany", "Allemagne")
    assert fr[bmbf]["funderLabel"].startswith("Ministère fédéral")
    # the extract holds only the English label of this class: French falls back to it rather than to nothing
    assert fr[bmbf]["typeLabel"] == en[bmbf]["typeLabel"] == "Federal Ministry in Germany"
    groups = {r["funderClassLabel"] for r in answer(engine, OFFLINE[1], "fr")}
    assert "(aucune classe Wikidata dans l'extrait)" in groups
