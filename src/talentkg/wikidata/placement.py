"""Which named graph may hold which kind of fact, so a ROR record is never taken for Wikidata.

SHACL sees one merged graph and cannot say where a triple sits, so these rules are checked here:

- ``data/`` (the data graph) links to Wikidata with ``owl:sameAs`` and says nothing else about
  Wikidata entities, and never uses Wikidata's properties;
- ``data/wikidata/`` holds only Wikidata statements: ``wdt:`` values of the chosen properties and
  labels on ``wd:`` entities, each recorded with origin ``wikidata-statement``;
- ``data/ror/`` holds only ROR facts, on ROR identifiers, with schema.org properties, each recorded
  with origin ``ror-record``; a Wikidata property there would present ROR as Wikidata.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from talentkg.loading import LoadedGraphs
from talentkg.namespaces import GRAPH_DATA, GRAPH_ROR, GRAPH_WIKIDATA, TKG
from talentkg.validation import Problem, _short
from talentkg.wikidata.terms import PROPERTIES, ROR, ROR_RECORD, WIKIDATA_STATEMENT, is_wikidata_property, qid_of, wdt

ALLOWED_ON_ITEMS = frozenset({RDFS.label, *(wdt(pid) for pid in PROPERTIES)})

IN_DATA_WDT = ("Wikidata statements (wdt:) are never written in data/: the extract in data/wikidata/ holds "
               "them, built by `talentkg wikidata refresh`. Link the resource with owl:sameAs wd:Q… instead.")
IN_DATA_ITEM = ("data/ describes our own resources: a fact about a Wikidata entity belongs to data/wikidata/ "
                "(Wikidata's own) or data/ror/ (a ROR record's). Link with owl:sameAs from our resource instead.")
WD_UNKNOWN = ("The extract keeps only labels and the properties {props} of Wikidata entities: remove this "
              "triple or add the property to talentkg.wikidata.terms.PROPERTIES (and refresh).")
WD_NOT_ITEM = "Wikidata properties (wdt:) describe Wikidata entities (wd:Q…) only."
WD_ROR = ("A ROR record is not a Wikidata statement: ROR facts live in data/ror/, with schema.org properties "
          "on the ROR identifier, recorded with tkg:factOrigin origin:ror-record.")
ROR_WDT = ("A ROR record is not a Wikidata statement: write ROR facts on the ROR identifier with the data's "
           "own properties (dct:spatial, schema:foundingDate, schema:location, schema:url), never with "
           "Wikidata properties (wdt:).")
ROR_ITEM = ("ROR facts are about the ROR identifier (https://ror.org/…), linked to the Wikidata entity with "
            "owl:sameAs; they are never written on the Wikidata entity itself.")
ROR_ORIGIN = "Facts in data/ror/ come from ROR records: their tkg:factOrigin is origin:ror-record."


def placement_problems(loaded: LoadedGraphs) -> list[Problem]:
    """Every triple that sits in a graph it does not belong to, once per (resource, rule)."""
    found: dict[tuple[str, str, str | None], Problem] = {}
    graph_files: set[str] = set()

    def report(focus: Node, message: str, path: Node | None = None, value: Node | None = None) -> None:
        key = (str(focus), message, str(path) if path is not None else None)
        if key not in found:
            files = sorted(set(loaded.origins.get(focus, ())) & graph_files)  # the files of the graph at fault
            found[key] = Problem(focus=_short(focus) or str(focus), message=message,
                                 path=_short(path) if isinstance(path, URIRef) else None,
                                 value=_short(value), files=files, shape="graph-placement")

    def files_of(graph: URIRef) -> set[str]:
        return {f.label for f in loaded.files if f.graph == graph}

    graph_files = files_of(GRAPH_DATA)
    for s, p, o in loaded.graph(GRAPH_DATA):
        if is_wikidata_property(p) or (p == RDF.predicate and is_wikidata_property(o)):
            report(s, IN_DATA_WDT, p, o)
        elif qid_of(s):
            report(s, IN_DATA_ITEM, p, o)

    props = ", ".join(f"wdt:{pid}" for pid in PROPERTIES)
    graph_files = files_of(GRAPH_WIKIDATA)
    for s, p, o in loaded.graph(GRAPH_WIKIDATA):
        if qid_of(s) and p not in ALLOWED_ON_ITEMS:
            report(s, WD_UNKNOWN.format(props=props), p, o)
        elif is_wikidata_property(p) and not qid_of(s):
            report(s, WD_NOT_ITEM, p, o)
        if str(s).startswith(ROR) or (p == TKG.factOrigin and o != WIKIDATA_STATEMENT):
            report(s, WD_ROR, p, o)

    graph_files = files_of(GRAPH_ROR)
    for s, p, o in loaded.graph(GRAPH_ROR):
        if is_wikidata_property(p) or (p == RDF.predicate and is_wikidata_property(o)):
            report(s, ROR_WDT, p, o)
        if qid_of(s):
            report(s, ROR_ITEM, p, o)
        if p == TKG.factOrigin and o != ROR_RECORD:
            report(s, ROR_ORIGIN, p, o)
    return list(found.values())
