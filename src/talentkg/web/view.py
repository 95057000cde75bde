"""What a page shows about one resource, read from the store with terms (never with query text).

A :class:`Describer` turns the quads around an IRI into plain data for the templates: labels in the
reader's language, every property with linked and labelled values, incoming links, the figures
about the resource with value, unit, period, qualifier and the French phrase, the sources of its
relational triples, and its Wikidata links.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Iterable

import pyoxigraph as ox

from talentkg.namespaces import (BASE, GRAPH_WIKIDATA, OWL, PROV, RDF, RDFS, SCHEMA, SDMXA, SDMXD, SDMXM,
                                 SKOS, TKG, WD, DCTERMS)
from talentkg.web.links import curie, href, local_path


def _n(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


TYPE, LABEL, PREF_LABEL, COMMENT = _n(RDF.type), _n(RDFS.label), _n(SKOS.prefLabel), _n(RDFS.comment)
SAME_AS, DERIVED_FROM, QUOTE = _n(OWL.sameAs), _n(PROV.wasDerivedFrom), _n(TKG.quote)
SUBJECT, PREDICATE, OBJECT = _n(RDF.subject), _n(RDF.predicate), _n(RDF.object)
REF_ENTITY, INDICATOR, PERIOD = _n(TKG.refEntity), _n(TKG.indicator), _n(SDMXD.refPeriod)
OBS_VALUE, MIN_VALUE, MAX_VALUE = _n(SDMXM.obsValue), _n(SCHEMA.minValue), _n(SCHEMA.maxValue)
UNIT, QUALIFIER = _n(SDMXA.unitMeasure), _n(TKG.valueQualifier)
EQUIVALENT, DENOMINATOR, BREAKDOWN, CATEGORY = (_n(TKG.statedEquivalent), _n(TKG.denominator),
                                                _n(TKG.breakdownOf), _n(TKG.category))
HAS_PART, ABOUT = _n(DCTERMS.hasPart), _n(TKG.about)
OBSERVATION, STATEMENT, SECTION = _n(TKG.Observation), _n(TKG.SourcedStatement), _n(TKG.SourceSection)
FINDING, CONFLICT = _n(TKG.Finding), _n(TKG.DataConflict)
RATIO = BASE + "concept/unit/ratio"
WIKIDATA_GRAPH = _n(GRAPH_WIKIDATA)

#: Properties listed first on a page, in this order; the rest follow by label.
_ORDER_FIRST = (str(RDF.type), str(RDFS.label), str(SKOS.prefLabel), str(RDFS.comment))


@dataclass
class Value:
    """One RDF term, ready to show: a link with a label, or a literal with its tag or datatype."""

    text: str
    href: str | None = None  # our page or the IRI itself; None for literals and blank nodes
    iri: str | None = None
    lang: str | None = None
    datatype: str | None = None  # a CURIE
    internal: bool = False  # links to a page of this site
    curie: str | None = None  # the term itself, shown beside its label (predicates)
    sources: list["Source"] = field(default_factory=list)  # sourced statements backing a triple

    @property
    def is_link(self) -> bool:
        return self.href is not None


@dataclass
class Source:
    """Where the note states something: its section and the French phrase."""

    quote: str
    sections: list[Value]
    statement: Value | None = None


@dataclass
class Group:
    """Values of one property (outgoing) or subjects pointing here through one property (incoming)."""

    predicate: Value
    values: list[Value]


@dataclass
class Figure:
    """One ``tkg:Observation`` with everything needed to read it without leaving the page."""

    node: Value
    about: Value | None
    indicator: Value | None
    period: Value | None
    value: str
    unit: Value | None
    qualifier: Value | None
    sources: list[Source]
    category: str | None = None
    equivalents: list[Value] = field(default_factory=list)
    denominator: Value | None = None
    breakdown_of: Value | None = None


@dataclass
class Description:
    """All a resource page shows."""

    iri: str
    label: str
    labels: list[Value]
    comments: list[Value]
    types: list[Value]
    properties: list[Group]
    incoming: list[Group]
    figures: list[Figure]
    figure: Figure | None  # when the resource is itself a figure
    wikidata: list[tuple[Value, list[Group]]]
    findings: list[Value]
    conflicts: list[Value]
    type_iris: set[str]
    triples: list[ox.Triple]
    predicate_uses: int = 0


def format_number(raw: str, lang: str) -> str:
    """A number as people read it in ``lang``: 1,500,000 / 1 500 000; 0.94 / 0,94."""
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return raw
    if number == number.to_integral_value() and "e" not in raw.lower():
        text = f"{int(number):,}"
    else:
        text = f"{number:,f}".rstrip("0").rstrip(".") if "." in f"{number:f}" else f"{number:,}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


class Describer:
    """Reads around IRIs in one store, labelling everything in one language."""

    def __init__(self, store: ox.Store, base: str, lang: str, link_lang: str | None = None) -> None:
        self.store = store
        self.base = base
        self.lang = lang
        self.link_lang = link_lang
        self._labels: dict[str, str] = {}

    # -- small reads ---------------------------------------------------------------------------
    def objects(self, subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode) -> list[ox.Term]:
        seen: dict[ox.Term, None] = {}
        for quad in self.store.quads_for_pattern(subject, predicate, None, None):
            seen.setdefault(quad.object, None)
        return list(seen)

    def one(self, subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode) -> ox.Term | None:
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def subjects(self, predicate: ox.NamedNode | None, obj: ox.Term) -> list[ox.Term]:
        seen: dict[ox.Term, None] = {}
        for quad in self.store.quads_for_pattern(None, predicate, obj, None):
            seen.setdefault(quad.subject, None)
        return list(seen)

    def exists(self, iri: str) -> bool:
        node = _n(iri)
        return any(True for _ in self.store.quads_for_pattern(node, None, None, None)) or \
            any(True for _ in self.store.quads_for_pattern(None, None, node, None))

    def label(self, term: ox.Term | str) -> str:
        """The best label in the reader's language, then any label, then a CURIE."""
        iri = term if isinstance(term, str) else getattr(term, "value", str(term))
        if iri in self._labels:
            return self._labels[iri]
        best = None
        if not isinstance(term, ox.Literal):
            node = _n(iri) if isinstance(term, str) else term
            candidates: list[ox.Literal] = []
            for prop in (PREF_LABEL, LABEL):
                candidates += [o for o in self.objects(node, prop) if isinstance(o, ox.Literal)]
            for lit in candidates:
                if lit.language == self.lang:
                    best = lit.value
                    break
            if best is None:
                untagged = [c for c in candidates if not c.language]
                other = untagged or candidates
                best = other[0].value if other else None
        if best is None:
            best = curie(iri) if iri.startswith(("http://", "https://")) and not curie(iri).startswith("<") \
                else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri
        self._labels[iri] = best
        return best

    def value(self, term: ox.Term) -> Value:
        if isinstance(term, ox.Literal):
            dt = term.datatype.value if term.datatype is not None else None
            shown_dt = None if term.language or dt in (None, "http://www.w3.org/2001/XMLSchema#string") else curie(dt)
            return Value(term.value, lang=term.language, datatype=shown_dt)
        if isinstance(term, ox.BlankNode):
            return Value("_:" + term.value)
        iri = term.value
        path = local_path(iri, self.base)
        if path is not None:
            return Value(self.label(term), href(iri, self.base, self.link_lang), iri, internal=True)
        return Value(self.label(term), iri, iri)

    def predicate(self, iri: str) -> Value:
        v = self.value(_n(iri))
        if v.text != curie(iri):
            v.curie = curie(iri)  # shown beside the label, so readers see the term itself
        return v

    # -- provenance ----------------------------------------------------------------------------
    def sources_of(self, node: ox.NamedNode | ox.BlankNode) -> list[Source]:
        quotes = [q.value for q in self.objects(node, QUOTE) if isinstance(q, ox.Literal)]
        sections = [self.value(s) for s in self.objects(node, DERIVED_FROM)]
        if not quotes and not sections:
            return []
        return [Source(q, sections) for q in quotes] or [Source("", sections)]

    def statement_sources(self, subject: ox.NamedNode) -> dict[tuple[ox.Term, ox.Term], list[Source]]:
        """Sourced statements about ``subject``: (predicate, object) → where the note says it."""
        found: dict[tuple[ox.Term, ox.Term], list[Source]] = defaultdict(list)
        for st in self.subjects(SUBJECT, subject):
            if not isinstance(st, (ox.NamedNode, ox.BlankNode)):
                continue
            p, o = self.one(st, PREDICATE), self.one(st, OBJECT)
            if p is None or o is None:
                continue
            for source in self.sources_of(st):
                source.statement = self.value(st)
                found[(p, o)].append(source)
        return found

    # -- figures -------------------------------------------------------------------------------
    def figure(self, node: ox.NamedNode, depth: int = 0) -> Figure:
        def link(prop: ox.NamedNode) -> Value | None:
            term = self.one(node, prop)
            return self.value(term) if term is not None else None

        unit = self.one(node, UNIT)
        is_ratio = unit is not None and unit.value == RATIO

        def number(term: ox.Term | None) -> str | None:
            if term is None:
                return None
            text = format_number(term.value, self.lang)
            if is_ratio:
                try:
                    pct = format_number(str((Decimal(term.value) * 100).normalize()), self.lang)
                    text += f" ({pct}\u00a0%)"
                except InvalidOperation:
                    pass
            return text

        single = number(self.one(node, OBS_VALUE))
        low, high = number(self.one(node, MIN_VALUE)), number(self.one(node, MAX_VALUE))
        if single is not None:
            shown = single
        elif low is not None and high is not None:
            shown = f"{low} – {high}"
        elif low is not None:
            shown = f"≥ {low}"
        elif high is not None:
            shown = f"≤ {high}"
        else:
            shown = "?"
        categories = [c for c in self.objects(node, CATEGORY) if isinstance(c, ox.Literal)]
        category = next((c.value for c in categories if c.language == self.lang), None) or \
            (categories[0].value if categories else None)
        def brief(prop: ox.NamedNode) -> list[Value]:
            """Another figure named by its value and unit, which is what a reader compares."""
            out = []
            for other in self.objects(node, prop):
                if isinstance(other, ox.NamedNode) and depth == 0:
                    f = self.figure(other, depth=1)
                    out.append(Value(f"{f.value} {f.unit.text if f.unit else ''}".strip(), f.node.href, f.node.iri,
                                     internal=True))
                else:
                    out.append(self.value(other))
            return out

        denominators = brief(DENOMINATOR)
        breakdowns = brief(BREAKDOWN)
        return Figure(node=self.value(node), about=link(REF_ENTITY), indicator=link(INDICATOR),
                      period=link(PERIOD), value=shown, unit=self.value(unit) if unit is not None else None,
                      qualifier=link(QUALIFIER), sources=self.sources_of(node), category=category,
                      equivalents=brief(EQUIVALENT), denominator=denominators[0] if denominators else None,
                      breakdown_of=breakdowns[0] if breakdowns else None)

    def figures_about(self, subject: ox.NamedNode) -> list[Figure]:
        figures = [self.figure(o) for o in self.subjects(REF_ENTITY, subject) if isinstance(o, ox.NamedNode)]
        return sorted(figures, key=lambda f: ((f.indicator.text if f.indicator else ""),
                                              (f.period.text if f.period else ""), f.node.text))

    # -- the whole page ------------------------------------------------------------------------
    def describe(self, iri: str) -> Description | None:
        node = _n(iri)
        out = _unique(q.triple for q in self.store.quads_for_pattern(node, None, None, None))
        incoming = _unique(q.triple for q in self.store.quads_for_pattern(None, None, node, None))
        if not out and not incoming:
            return None
        by_predicate: dict[str, list[ox.Term]] = defaultdict(list)
        for t in out:
            by_predicate[t.predicate.value].append(t.object)
        statements = self.statement_sources(node)
        properties = []
        for p in sorted(by_predicate, key=lambda p: (p not in _ORDER_FIRST, _ORDER_FIRST.index(p)
                                                     if p in _ORDER_FIRST else 0, self.label(p).lower())):
            values = []
            for o in by_predicate[p]:
                v = self.value(o)
                v.sources = statements.get((_n(p), o), [])
                values.append(v)
            values.sort(key=lambda v: (v.lang != self.lang, v.text.lower()))
            properties.append(Group(self.predicate(p), values))
        in_groups: dict[str, list[ox.Term]] = defaultdict(list)
        for t in incoming:
            in_groups[t.predicate.value].append(t.subject)
        incoming_groups = [Group(self.predicate(p), sorted((self.value(s) for s in subjects),
                                                           key=lambda v: v.text.lower()))
                           for p, subjects in sorted(in_groups.items(), key=lambda kv: self.label(kv[0]).lower())]
        labels = [o for o in by_predicate.get(str(RDFS.label), []) + by_predicate.get(str(SKOS.prefLabel), [])
                  if isinstance(o, ox.Literal)]
        types = [o for o in by_predicate.get(str(RDF.type), [])]
        type_iris = {t.value for t in types}
        wikidata = []
        for same in by_predicate.get(str(OWL.sameAs), []):
            if isinstance(same, ox.NamedNode) and same.value.startswith(str(WD)):
                facts: dict[str, list[ox.Term]] = defaultdict(list)
                for q in self.store.quads_for_pattern(same, None, None, WIKIDATA_GRAPH):
                    facts[q.predicate.value].append(q.object)
                groups = [Group(self.predicate(p), [self.value(o) for o in objs]) for p, objs in facts.items()]
                wikidata.append((Value(same.value.rsplit("/", 1)[-1], same.value, same.value), groups))
        about_me = self.subjects(ABOUT, node)
        findings = [self.value(s) for s in about_me if (s, TYPE, FINDING, None) in _Quads(self.store)]
        conflicts = [self.value(s) for s in about_me if (s, TYPE, CONFLICT, None) in _Quads(self.store)]
        description = Description(
            iri=iri, label=self.label(node), labels=[self.value(label) for label in labels],
            comments=[self.value(c) for c in by_predicate.get(str(RDFS.comment), []) if isinstance(c, ox.Literal)],
            types=sorted((self.value(t) for t in types), key=lambda v: v.text.lower()),
            properties=properties, incoming=incoming_groups, figures=self.figures_about(node),
            figure=self.figure(node) if str(TKG.Observation) in type_iris else None,
            wikidata=wikidata, findings=sorted(findings, key=lambda v: v.text),
            conflicts=sorted(conflicts, key=lambda v: v.text), type_iris=type_iris, triples=out + incoming)
        if iri.startswith(str(TKG)):
            description.predicate_uses = sum(1 for _ in self.store.quads_for_pattern(None, node, None, None))
        return description


def triples_about(store: ox.Store, iri: str) -> list[ox.Triple]:
    """The RDF description of a resource: the triples it is the subject or the object of."""
    node = _n(iri)
    return _unique([*(q.triple for q in store.quads_for_pattern(node, None, None, None)),
                    *(q.triple for q in store.quads_for_pattern(None, None, node, None))])


class _Quads:
    """``quad in _Quads(store)``: does the store hold this (s, p, o) in any graph."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def __contains__(self, pattern: tuple) -> bool:
        s, p, o, g = pattern
        return any(True for _ in self.store.quads_for_pattern(s, p, o, g))


def _unique(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The same triple may sit in several named graphs; a description lists it once."""
    return list(dict.fromkeys(triples))
