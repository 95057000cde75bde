"""The validation gate: SHACL shapes (pySHACL) plus a check that every quote is really in the note.

pySHACL runs on rdflib's in-memory graph (faster than on an Oxigraph-backed one, pySHACL #184).
The report groups problems by file and resource so a person can go straight to the line to fix.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Iterable

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from talentkg.config import Config
from talentkg.loading import LoadedGraphs, new_graph
from talentkg.namespaces import (GRAPH_DATA, GRAPH_ROR, GRAPH_SHAPES, GRAPH_WIKIDATA, GRAPH_WIKIDATA_SHAPES,
                                 PREFIXES, TKG)
from talentkg.source_text import note_text, quote_found

SH = "http://www.w3.org/ns/shacl#"


@dataclass
class Problem:
    """One thing to fix."""

    focus: str
    message: str
    path: str | None = None
    value: str | None = None
    severity: str = "Violation"
    shape: str | None = None
    files: list[str] = field(default_factory=list)


@dataclass
class Report:
    """The outcome of validation."""

    conforms: bool
    problems: list[Problem]
    triples: int = 0
    version: str = ""

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Violation"]

    def render(self) -> str:
        """Readable text: one block per file, one sub-block per resource."""
        if not self.problems:
            return f"OK: {self.triples} triples conform to the shapes (data version {self.version})."
        by_file: dict[str, dict[str, list[Problem]]] = defaultdict(lambda: defaultdict(list))
        for p in self.problems:
            for f in p.files or ["(derived or unknown file)"]:
                by_file[f][p.focus].append(p)
        lines = [f"{len(self.violations)} violation(s), {len(self.problems) - len(self.violations)} warning(s)"
                 f" in {len(by_file)} file(s):", ""]
        for f in sorted(by_file):
            lines.append(f"{f}")
            for focus in sorted(by_file[f]):
                lines.append(f"  {focus}")
                for p in by_file[f][focus]:
                    where = f" [{p.path}" + (f" = {p.value}" if p.value else "") + "]" if p.path else (
                        f" [{p.value}]" if p.value else "")
                    lines.append(f"    {p.severity}: {p.message}{where}")
            lines.append("")
        return "\n".join(lines).rstrip()

    def to_json(self) -> str:
        return json.dumps({"conforms": self.conforms, "triples": self.triples, "version": self.version,
                           "problems": [asdict(p) for p in self.problems]}, ensure_ascii=False, indent=2)


def _short(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return node.n3() if len(str(node)) < 120 else repr(str(node)[:117] + "...")
    text = str(node)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns) and "/" not in text[len(ns):] and "#" not in text[len(ns):]:
            return f"{prefix}:{text[len(ns):]}"
    return f"<{text}>"


def _problems_from_shacl(results: Graph, origins: dict[Node, set[str]]) -> list[Problem]:
    sh = lambda name: URIRef(SH + name)  # noqa: E731
    out = []
    for r in results.subjects(RDF.type, sh("ValidationResult")):
        focus = results.value(r, sh("focusNode"))
        messages = sorted(str(m) for m in results.objects(r, sh("resultMessage")))
        severity = results.value(r, sh("resultSeverity"))
        path = results.value(r, sh("resultPath"))
        out.append(Problem(
            focus=_short(focus) or "?",
            message=messages[0] if messages else "does not conform",
            path=_short(path) if isinstance(path, URIRef) else None,
            value=_short(results.value(r, sh("value"))),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            shape=_short(results.value(r, sh("sourceShape"))) if isinstance(results.value(r, sh("sourceShape")), URIRef) else None,
            files=sorted(origins.get(focus, ())),
        ))
    return out


def check_quotes(data: Graph, config: Config, origins: dict[Node, set[str]]) -> list[Problem]:
    """Every tkg:quote must occur, verbatim (markup aside), in the note."""
    text = note_text(config.note_path)
    problems = []
    for s, q in data.subject_objects(TKG.quote):
        if not quote_found(str(q), text):
            problems.append(Problem(
                focus=_short(s) or "?", path="tkg:quote", value=_short(q),
                message="This quote is not in the note: copy the French phrase verbatim from "
                        "data/source/note-recrutement-competences-numeriques-2019.md "
                        "(separate omitted parts with ' […] ').",
                files=sorted(origins.get(s, ())), shape="quote-check"))
    return problems


def shapes_graph(loaded: LoadedGraphs) -> Graph:
    return loaded.graph(GRAPH_SHAPES)


def _split_sparql_constraints(shapes: Graph) -> tuple[Graph, list[tuple[Node, Node]]]:
    """The shapes without their SPARQL constraints, and the (shape, constraint) pairs removed.

    pySHACL re-parses a SPARQL constraint with rdflib's pyparsing grammar for every focus node
    (measured: ~85 ms a parse, 200 parses for one programme file); Oxigraph evaluates the same
    query once for all focus nodes in milliseconds, so these constraints run in sparql_checks().
    """
    core = Graph()
    removed = []
    for t in shapes:
        core.add(t)
    for shape, constraint in list(shapes.subject_objects(URIRef(SH + "sparql"))):
        removed.append((shape, constraint))
        core.remove((shape, URIRef(SH + "sparql"), constraint))
    return core, removed


def _targets(store: "ox.Store", shapes: Graph, shape: Node) -> set[str]:
    found: set[str] = set()
    for cls in shapes.objects(shape, URIRef(SH + "targetClass")):
        found |= {r["s"].value for r in store.query(f"SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> }}")}
    for prop in shapes.objects(shape, URIRef(SH + "targetSubjectsOf")):
        found |= {r["s"].value for r in store.query(f"SELECT DISTINCT ?s WHERE {{ ?s <{prop}> ?o }}")}
    for node in shapes.objects(shape, URIRef(SH + "targetNode")):
        found.add(str(node))
    return found


def _prefix_block(shapes: Graph, constraint: Node) -> str:
    lines = []
    for holder in shapes.objects(constraint, URIRef(SH + "prefixes")):
        for decl in shapes.objects(holder, URIRef(SH + "declare")):
            prefix = shapes.value(decl, URIRef(SH + "prefix"))
            namespace = shapes.value(decl, URIRef(SH + "namespace"))
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(lines)


def _fill(template: str, row: "ox.QuerySolution", variables: list[str]) -> str:
    out = template
    for name in variables:
        term = row[name]
        text = "" if term is None else (term.value if not isinstance(term, ox.NamedNode) else
                                         _short(URIRef(term.value)) or term.value)
        out = out.replace("{?" + name + "}", text).replace("{$" + name + "}", text)
    return out


def sparql_checks(data: Graph, shapes: Graph, constraints: list[tuple[Node, Node]],
                  origins: dict[Node, set[str]]) -> list[Problem]:
    """Evaluate SHACL SPARQL constraints with Oxigraph, once per constraint for all focus nodes."""
    from talentkg.pipeline import to_ox

    store = ox.Store()
    store.extend([ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in data])  # type: ignore[arg-type]
    problems = []
    for shape, constraint in constraints:
        select = str(shapes.value(constraint, URIRef(SH + "select")))
        query = _prefix_block(shapes, constraint) + "\n" + select.replace("$this", "?this")
        message = str(shapes.value(constraint, URIRef(SH + "message")) or "does not conform")
        severity = shapes.value(constraint, URIRef(SH + "severity")) or shapes.value(shape, URIRef(SH + "severity"))
        targets = _targets(store, shapes, shape)
        result = store.query(query)
        variables = [v.value for v in result.variables]
        for row in result:
            focus = row["this"]
            if focus is None or focus.value not in targets:
                continue
            path = row["path"] if "path" in variables else None
            value = row["value"] if "value" in variables else None
            focus_ref = URIRef(focus.value) if isinstance(focus, ox.NamedNode) else BNode(focus.value)
            problems.append(Problem(
                focus=_short(focus_ref) or focus.value,
                message=_fill(message, row, variables).replace("{$this}", _short(focus_ref) or ""),
                path=_short(URIRef(path.value)) if isinstance(path, ox.NamedNode) else None,
                value=(_short(URIRef(value.value)) if isinstance(value, ox.NamedNode) else
                       value.value if value is not None else None),
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                shape=_short(shape) if isinstance(shape, URIRef) else None,
                files=sorted(origins.get(focus_ref, ())),
            ))
    return problems


def _check_with_shapes(data: Graph, shapes_with_sparql: Graph, origins: dict[Node, set[str]]) -> list[Problem]:
    """SHACL core with pySHACL, SHACL-SPARQL constraints with Oxigraph."""
    shapes, sparql_constraints = _split_sparql_constraints(shapes_with_sparql)
    conforms, results, _text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
        abort_on_first=False, meta_shacl=False)
    if not isinstance(results, Graph):  # pySHACL could not run the shapes themselves
        raise RuntimeError(f"the SHACL shapes could not be evaluated: {_text}")
    problems = _problems_from_shacl(results, origins)
    problems += sparql_checks(data, shapes_with_sparql, sparql_constraints, origins)
    return problems


def _report(problems: list[Problem], triples: int, version: str) -> Report:
    problems.sort(key=lambda p: (p.files[:1], p.focus, p.message))
    ok = not any(p.severity == "Violation" for p in problems)
    return Report(conforms=ok, problems=problems, triples=triples, version=version)


def validate_loaded(loaded: LoadedGraphs, config: Config, *, graphs: Iterable[URIRef] = (GRAPH_DATA,)) -> Report:
    """Validate the (derived) data graph against the shapes and the note."""
    data = new_graph()
    for name in graphs:
        for t in loaded.graph(name):
            data.add(t)
    problems = _check_with_shapes(data, shapes_graph(loaded), loaded.origins)
    problems += check_quotes(data, config, loaded.origins)
    return _report(problems, len(data), loaded.version)


def validate_external(loaded: LoadedGraphs) -> Report:
    """Validate the Wikidata extract and the ROR facts (``shapes/wikidata.ttl``) and where each may live.

    The shapes see both graphs together with the data graph's Wikidata links, so that they can say
    which linked entity the extract does not cover; which graph a fact sits in is checked by
    ``wikidata.placement``, since SHACL sees one merged graph.
    """
    from talentkg.wikidata.placement import placement_problems

    union = new_graph()
    for name in (GRAPH_WIKIDATA, GRAPH_ROR):
        for t in loaded.graph(name):
            union.add(t)
    for s, o in loaded.graph(GRAPH_DATA).subject_objects(OWL.sameAs):
        union.add((s, OWL.sameAs, o))
    shapes = loaded.graph(GRAPH_WIKIDATA_SHAPES)
    problems = _check_with_shapes(union, shapes, loaded.origins) if len(shapes) else []
    problems += placement_problems(loaded)
    external = len(loaded.graph(GRAPH_WIKIDATA)) + len(loaded.graph(GRAPH_ROR))
    return _report(problems, external, loaded.version)


def validate_all(loaded: LoadedGraphs, config: Config) -> Report:
    """The data graph against its shapes and the note, then the external graphs against theirs."""
    data, external = validate_loaded(loaded, config), validate_external(loaded)
    return _report(data.problems + external.problems, data.triples + external.triples, loaded.version)


def unlabelled(graph: Graph) -> list[Node]:
    """Typed subjects without any label (a quick pre-check used by tests)."""
    return [s for s in set(graph.subjects(RDF.type, None)) if graph.value(s, RDFS.label) is None]
