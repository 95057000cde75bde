"""What the loader adds to the hand-written data before validation, so authors write facts only once.

- blank nodes get stable IRIs (a digest of their content), so every node has a page and can be cited;
- figures join the Data Cube dataset and monetary figures get their ISO 4217 code from their unit;
- structural nodes (figures, roles, statements, findings...) get English and French labels built
  from the labels of what they link;
- qualified roles add their direct shortcut (a ``funder`` role adds ``schema:funder``).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Callable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS
from rdflib.term import Node

from talentkg.loading import LoadedGraphs
from talentkg.namespaces import (FIGURES, GRAPH_DATA, GRAPH_ONTOLOGY, SCHEMA, SDMXA, SDMXD, SDMXM, TKG,
                                 TKGR, QB)

LANGS = ("en", "fr")
RATIO = URIRef("https://w3id.org/talentkg/concept/unit/ratio")

#: Labels of reused predicates that appear in sourced statements.
PREDICATE_LABELS: dict[URIRef, tuple[str, str]] = {
    DCTERMS.spatial: ("country", "pays"),
    DCTERMS.issued: ("issued", "date de publication"),
    SCHEMA.startDate: ("launched", "lancé en"),
    SCHEMA.endDate: ("ended", "terminé en"),
    SCHEMA.foundingDate: ("founded", "créé en"),
    ORG.unitOf: ("unit of", "unité de"),
    ORG.subOrganizationOf: ("part of", "fait partie de"),
}


def _digest(graph: Graph, node: BNode, seen: frozenset[BNode] = frozenset()) -> str:
    parts = []
    for p, o in graph.predicate_objects(node):
        if isinstance(o, BNode):
            o_repr = "cycle" if o in seen else _digest(graph, o, seen | {node})
        else:
            o_repr = o.n3()
        parts.append(p.n3() + " " + o_repr)
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:12]


def skolemize(graph: Graph, origins: dict[Node, set[str]]) -> int:
    """Replace blank nodes by IRIs derived from their content; returns how many were replaced."""
    bnodes = {n for n in graph.subjects() if isinstance(n, BNode)}
    mapping: dict[BNode, URIRef] = {}
    for b in bnodes:
        kind = "statement" if (b, RDF.type, TKG.SourcedStatement) in graph else "node"
        mapping[b] = TKGR[f"{kind}/{_digest(graph, b)}"]
    if not mapping:
        return 0
    replaced = Graph()
    for s, p, o in graph:
        replaced.add((mapping.get(s, s), p, mapping.get(o, o)))  # type: ignore[arg-type]
    graph.remove((None, None, None))
    for t in replaced:
        graph.add(t)
    for b, iri in mapping.items():
        if b in origins:
            origins.setdefault(iri, set()).update(origins.pop(b))
    return len(mapping)


class Labeller:
    """Finds the best label of a node in a language, falling back sensibly."""

    def __init__(self, *graphs: Graph) -> None:
        self.graphs = graphs

    def __call__(self, node: Node, lang: str) -> str:
        if isinstance(node, Literal):
            return str(node)
        if node in PREDICATE_LABELS:
            return PREDICATE_LABELS[node][0 if lang == "en" else 1]  # type: ignore[index]
        fallback = None
        for g in self.graphs:
            for prop in (SKOS.prefLabel, RDFS.label):
                for value in g.objects(node, prop):
                    if isinstance(value, Literal):
                        if value.language == lang:
                            return str(value)
                        fallback = fallback or str(value)
        if fallback:
            return fallback
        text = str(node)
        return text.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _value_text(graph: Graph, obs: Node, lang: str = "en") -> str:
    """The value as a reader would write it: bounds and wording as symbols, ratios as percentages.

    Percentages are how the note states ratios ("94%"), so the label shows them that way; the data keeps
    the ratio. French labels use a decimal comma.
    """
    percent = graph.value(obs, SDMXA.unitMeasure) == RATIO

    def fmt(v: Node | None) -> str:
        if v is None:
            return "?"
        value = v.toPython() if isinstance(v, Literal) else v
        if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
            if percent:
                value = Decimal(str(value)) * 100
            text = f"{int(value):,}".replace(",", " ") if float(value) == int(value) else str(value)
            return text.replace(".", ",") if lang == "fr" else text
        return str(value)

    # A range may carry qual:range plus one wording qualifier ("environ"): the wording one gives the symbol.
    names = sorted(str(q).rsplit("/", 1)[-1] for q in graph.objects(obs, TKG.valueQualifier))
    qualifier = next((n for n in names if n != "range"), names[0] if names else "")
    symbol = {"more-than": "> ", "at-least": "≥ ", "less-than": "< ", "at-most": "≤ ",
              "approximately": "≈ ", "nearly": "≈ "}.get(qualifier, "")
    suffix = " %" if percent else ""
    wording = {"average": (" on average", " en moyenne"), "planned": (" planned", " prévus"),
               "target": (" targeted", " visés")}.get(qualifier)
    if wording:
        suffix += wording[0 if lang == "en" else 1]
    value = graph.value(obs, SDMXM.obsValue)
    if value is not None:
        return symbol + fmt(value) + suffix
    low, high = graph.value(obs, SCHEMA.minValue), graph.value(obs, SCHEMA.maxValue)
    if low is not None and high is not None:
        return f"{symbol}{fmt(low)}–{fmt(high)}{suffix}"
    if low is not None:
        return f"{symbol or '≥ '}{fmt(low)}{suffix}"
    return f"{symbol or '≤ '}{fmt(high)}{suffix}"


def _plural(graph: Graph, obs: Node, lang: str) -> bool:
    """Whether the unit is written in the plural after this figure's value (its largest stated number)."""
    numbers = [graph.value(obs, p) for p in (SDMXM.obsValue, SCHEMA.maxValue, SCHEMA.minValue)]
    number = next((n.toPython() for n in numbers if isinstance(n, Literal)), None)
    if not isinstance(number, (int, Decimal, float)):
        return False
    return number >= 2 if lang == "fr" else number != 1


def _add_labels(graph: Graph, kind: URIRef, make: Callable[[Node, str], str]) -> None:
    for node in list(graph.subjects(RDF.type, kind)):
        present = {v.language for v in graph.objects(node, RDFS.label) if isinstance(v, Literal)}
        for lang in LANGS:
            if lang not in present:
                graph.add((node, RDFS.label, Literal(make(node, lang), lang=lang)))


def add_labels(graph: Graph, ontology: Graph) -> None:
    """Label structural nodes from the labels of what they link."""
    L = Labeller(graph, ontology)
    v = graph.value

    def unit_text(n: Node, lang: str) -> str:
        unit = v(n, SDMXA.unitMeasure)
        if unit is None or unit == RATIO or str(unit).endswith(("/person", "/item", "/organisation", "/project")):
            return ""
        plural = next((str(p) for p in graph.objects(unit, TKG.pluralLabel)
                       if isinstance(p, Literal) and p.language == lang), None)
        return " " + (plural if plural and _plural(graph, n, lang) else L(unit, lang))

    def observation(n: Node, lang: str) -> str:
        return (f"{L(v(n, TKG.refEntity), lang)} — {L(v(n, TKG.indicator), lang)} "
                f"({L(v(n, SDMXD.refPeriod), lang)}) : {_value_text(graph, n, lang)}{unit_text(n, lang)}").replace(
                    ") : ", "): " if lang == "en" else ") : ")

    def role(n: Node, lang: str) -> str:
        return f"{L(v(n, TKG.agent), lang)} — {L(v(n, TKG.roleType), lang)} — {L(v(n, TKG.programme), lang)}"

    def statement(n: Node, lang: str) -> str:
        return f"{L(v(n, RDF.subject), lang)} — {L(v(n, RDF.predicate), lang)} — {L(v(n, RDF.object), lang)}"

    def finding(n: Node, lang: str) -> str:
        text = str(v(n, RDFS.comment) or "") if lang == "en" else str(v(n, TKG.quote) or "")
        text = text if len(text) <= 90 else text[:88].rsplit(" ", 1)[0] + " …"
        return f"{L(v(n, TKG.about), lang)} — {L(v(n, TKG.topic), lang)} : {text}".replace(
            " : ", ": " if lang == "en" else " : ")

    def pathway(n: Node, lang: str) -> str:
        word = "alumni" if lang == "en" else "anciens"
        return f"{L(v(n, TKG.programme), lang)} — {word} → {L(v(n, TKG.destination), lang)}"

    def step(n: Node, lang: str) -> str:
        word = "step" if lang == "en" else "étape"
        return f"{L(v(n, TKG.programme), lang)} — {word} {v(n, TKG.stepOrder)} : {L(v(n, TKG.stepType), lang)}"

    def channel(n: Node, lang: str) -> str:
        return f"{L(v(n, TKG.programme), lang)} — {L(v(n, TKG.platform), lang)}"

    def conflict(n: Node, lang: str) -> str:
        return f"{L(v(n, TKG.about), lang)} — {L(v(n, TKG.conflictType), lang)}"

    for kind, make in ((TKG.Observation, observation), (TKG.OrganisationRole, role),
                       (TKG.SourcedStatement, statement), (TKG.Finding, finding),
                       (TKG.AlumniPathway, pathway), (TKG.SelectionStep, step),
                       (TKG.CommunicationChannel, channel), (TKG.DataConflict, conflict)):
        _add_labels(graph, kind, make)


def add_figure_structure(graph: Graph) -> None:
    """Every figure belongs to the Data Cube dataset; monetary ones get their ISO 4217 code."""
    for obs in list(graph.subjects(RDF.type, TKG.Observation)):
        graph.add((obs, QB.dataSet, FIGURES))
        unit = graph.value(obs, SDMXA.unitMeasure)
        code = graph.value(unit, SCHEMA.currency) if unit is not None else None
        if code is not None:
            graph.add((obs, RDF.type, SCHEMA.MonetaryAmount))
            graph.add((obs, SCHEMA.currency, code))


def add_role_shortcuts(graph: Graph) -> None:
    """A role whose type implies a direct property (funder → schema:funder) also asserts it."""
    for r in list(graph.subjects(RDF.type, TKG.OrganisationRole)):
        kind = graph.value(r, TKG.roleType)
        prop = graph.value(kind, TKG.impliesProperty) if kind is not None else None
        prog, agent = graph.value(r, TKG.programme), graph.value(r, TKG.agent)
        if isinstance(prop, URIRef) and prog is not None and agent is not None:
            graph.add((prog, prop, agent))


def derive(loaded: LoadedGraphs) -> None:
    """Apply every derivation to the data graph, in place."""
    data = loaded.graph(GRAPH_DATA)
    skolemize(data, loaded.origins)
    add_figure_structure(data)
    add_role_shortcuts(data)
    add_labels(data, loaded.graph(GRAPH_ONTOLOGY))
