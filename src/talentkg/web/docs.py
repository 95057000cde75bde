"""Documentation of the ontology (pyLODE) and of the SHACL shapes, generated from what the store holds.

pyLODE takes a few seconds, so each language's document is made once per data version and kept on
disk beside the validated-data cache (and in memory). pyLODE shows every label it finds, so it is
given the ontology with the literals of one language only: one clean document per language. Its
fragment identifiers are set to the terms' local names, so ``ontology#Programme`` lands on
``/ontology#Programme``.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH

from talentkg.namespaces import GRAPH_ONTOLOGY, GRAPH_SHAPES, PREFIXES, TKG

log = logging.getLogger("talentkg.docs")
_lock = threading.Lock()


def graph_of(store: ox.Store, name: URIRef) -> Graph:
    """One named graph of the store as an rdflib graph (for pyLODE and the shapes walker)."""
    data = ox.serialize((q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(name)))),
                        format=ox.RdfFormat.N_TRIPLES) or b""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.parse(data=data, format="nt")
    return g


def _one_language(g: Graph, lang: str) -> Graph:
    out = Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns)
    for s, p, o in g:
        if isinstance(o, Literal) and o.language and o.language != lang:
            continue
        out.add((s, p, o))
    return out


def _cache_file(version: str, lang: str) -> Path:
    from talentkg.pipeline import cache_dir

    try:
        from importlib.metadata import version as dist_version

        pylode_version = dist_version("pylode")
    except Exception:  # noqa: BLE001 - any failure only disables reuse across versions of pyLODE
        pylode_version = "unknown"
    return cache_dir() / f"ontology-{version}-{lang}-pylode{pylode_version}-2.html"


def ontology_html(store: ox.Store, version: str, lang: str) -> str:
    """pyLODE's document of the ontology in ``lang``, made once per data version."""
    cached = _cache_file(version, lang)
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    with _lock:
        try:
            return cached.read_text(encoding="utf-8")
        except OSError:
            pass
        from pylode import OntPub

        g = _one_language(graph_of(store, GRAPH_ONTOLOGY), lang)
        for ontology in set(g.subjects(RDF.type, OWL.Ontology)):
            if (ontology, DCTERMS.title, None) in g:  # pyLODE would print the title and the label run together
                g.remove((ontology, RDFS.label, None))
        doc = OntPub(ontology=g)
        for term in set(g.subjects()):
            if isinstance(term, URIRef) and str(term).startswith(str(TKG)) and len(str(term)) > len(str(TKG)):
                doc.fids[str(term)] = str(term)[len(str(TKG)):]
        html = str(doc.make_html())
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=cached.name, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(html)
            os.replace(tmp, cached)
        except OSError as exc:  # a read-only cache only costs time
            log.warning("cannot cache the ontology document: %s", exc)
        return html


# -- shapes ---------------------------------------------------------------------------------------

@dataclass
class Constraint:
    name: str  # sh:minCount, sh:class ...
    values: list[str]


@dataclass
class PropertyRule:
    path: str
    constraints: list[Constraint]
    messages: list[str]


@dataclass
class ShapeDoc:
    iri: str
    anchor: str
    label: str
    targets: list[tuple[str, list[str]]]  # (sh:targetClass, [tkg:Observation, ...])
    properties: list[PropertyRule] = field(default_factory=list)
    sparql: list[tuple[list[str], str]] = field(default_factory=list)  # (messages, SELECT text)
    messages: list[str] = field(default_factory=list)


_SKIP = {SH.path, SH.message, SH.name, SH.description, SH.severity, RDF.type, SH.order, SH.group}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def _short(g: Graph, term: object) -> str:
    if isinstance(term, URIRef):
        try:
            return g.namespace_manager.normalizeUri(term)
        except Exception:  # noqa: BLE001 - any IRI rdflib cannot shorten is shown whole
            return f"<{term}>"
    if isinstance(term, BNode):
        items = list(Collection(g, term)) if (term, RDF.first, None) in g else None
        if items is not None:
            return "( " + " ".join(_short(g, i) for i in items) + " )"
        inner = ", ".join(f"{_short(g, p)} {_short(g, o)}" for p, o in sorted(g.predicate_objects(term)))
        return f"[ {inner} ]"
    if isinstance(term, Literal):
        return f'"{term}"' + (f"@{term.language}" if term.language else "")
    return str(term)


def _texts(g: Graph, node: object, prop: URIRef, lang: str) -> list[str]:
    values = [o for o in g.objects(node, prop) if isinstance(o, Literal)]
    preferred = [str(v) for v in values if v.language == lang]
    return preferred or [str(v) for v in values]


def shapes_doc(store: ox.Store, lang: str) -> tuple[str, list[ShapeDoc]]:
    """Every node shape: what it targets, each property rule with its message, each SPARQL check."""
    g = graph_of(store, GRAPH_SHAPES)
    g.bind("sh", SH)
    title = next(iter(_texts(g, URIRef(str(TKG).replace("ontology#", "shapes#")), RDFS.label, lang)), "SHACL shapes")
    docs = []
    for shape in sorted(set(g.subjects(RDF.type, SH.NodeShape)), key=str):
        iri = str(shape)
        anchor = iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]
        label = next(iter(_texts(g, shape, RDFS.label, lang)), anchor)
        targets = [(_short(g, t), sorted(_short(g, o) for o in g.objects(shape, t))) for t in _TARGETS
                   if (shape, t, None) in g]
        doc = ShapeDoc(iri, anchor, label, targets, messages=_texts(g, shape, SH.message, lang))
        for prop in sorted(g.objects(shape, SH.property), key=lambda n: _short(g, g.value(n, SH.path))):
            constraints = [Constraint(_short(g, p), [_short(g, o) for o in g.objects(prop, p)])
                           for p in sorted(set(g.predicates(prop))) if p not in _SKIP]
            doc.properties.append(PropertyRule(_short(g, g.value(prop, SH.path)), constraints,
                                               _texts(g, prop, SH.message, lang)))
        for check in g.objects(shape, SH.sparql):
            select = str(g.value(check, SH.select) or "").strip("\n")
            doc.sparql.append((_texts(g, check, SH.message, lang), _dedent(select)))
        docs.append(doc)
    return title, docs


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip()
