"""Read the ontology, data and shapes files into named graphs, remembering where each subject came from.

Every file is parsed on its own with rdflib (the stricter Turtle parser); a syntax error is reported
with its file, line and column (taken from Oxigraph's parser, which locates errors precisely).
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
import rdflib
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from talentkg import __version__
from talentkg.config import Config
from talentkg.errors import LoadError
from talentkg.namespaces import (GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_ROR, GRAPH_SHAPES, GRAPH_WIKIDATA,
                                 GRAPH_WIKIDATA_SHAPES, PREFIXES)

#: Folders of data/ that hold facts from outside the note, each loaded into a named graph of its own.
EXTERNAL_DATA = {"wikidata": GRAPH_WIKIDATA, "ror": GRAPH_ROR}
#: Shapes files that validate those graphs, not the data graph (see validation.validate_external).
EXTERNAL_SHAPES = {"wikidata.ttl": GRAPH_WIKIDATA_SHAPES}
SHAPES_GRAPHS = (GRAPH_SHAPES, GRAPH_WIKIDATA_SHAPES)


@contextmanager
def verbatim_literals() -> Iterator[None]:
    """Parse literals exactly as written, for graphs that copy another source's terms.

    rdflib rewrites some literals by default ("2001-05-01T00:00:00Z"^^xsd:dateTime becomes
    "…+00:00"): equal values, but different RDF terms, so a copy of Wikidata would no longer join
    with Wikidata itself on them.
    """
    previous = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = previous


@dataclass(frozen=True)
class SourceFile:
    """One input file and the named graph it goes into."""

    path: Path
    graph: URIRef
    label: str  # path relative to the project root, for reports

    @property
    def kind(self) -> str:
        return {GRAPH_ONTOLOGY: "ontology", GRAPH_DATA: "data", GRAPH_SHAPES: "shapes",
                GRAPH_WIKIDATA: "wikidata", GRAPH_ROR: "ror",
                GRAPH_WIKIDATA_SHAPES: "wikidata-shapes"}.get(self.graph, "other")


@dataclass
class LoadedGraphs:
    """The parsed input: one rdflib graph per named graph, and the origin file of each subject."""

    graphs: dict[URIRef, Graph]
    origins: dict[Node, set[str]] = field(default_factory=dict)
    files: list[SourceFile] = field(default_factory=list)
    version: str = ""

    def graph(self, name: URIRef) -> Graph:
        if name not in self.graphs:
            self.graphs[name] = new_graph(name)
        return self.graphs[name]

    def dataset(self) -> Dataset:
        ds = Dataset()
        for prefix, ns in PREFIXES.items():
            ds.bind(prefix, ns)
        for name, g in self.graphs.items():
            target = ds.graph(name)
            for triple in g:
                target.add(triple)
        return ds

    def __len__(self) -> int:
        return sum(len(g) for g in self.graphs.values())


def new_graph(identifier: URIRef | None = None) -> Graph:
    g = Graph(identifier=identifier)
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def discover(config: Config, *, include_shapes: bool = True) -> list[SourceFile]:
    """All input files, in a stable order."""
    root = config.project_root
    found: list[SourceFile] = []

    def add(paths: Iterable[Path], graph: URIRef) -> None:
        for p in sorted(paths):
            found.append(SourceFile(p, graph, _relative(p, root)))

    add(config.ontology_dir.glob("*.ttl"), GRAPH_ONTOLOGY)
    external = {config.data_dir / folder: graph for folder, graph in EXTERNAL_DATA.items()}
    add((p for p in config.data_dir.rglob("*.ttl") if not any(d in p.parents for d in external)), GRAPH_DATA)
    for folder, graph in external.items():
        add(folder.glob("*.ttl"), graph)
    if include_shapes:
        shapes = sorted(config.shapes_dir.glob("*.ttl"))
        add((p for p in shapes if p.name not in EXTERNAL_SHAPES), GRAPH_SHAPES)
        for name, graph in EXTERNAL_SHAPES.items():
            add((p for p in shapes if p.name == name), graph)
    for extra in config.extra_data:
        extra = Path(extra)
        add(extra.rglob("*.ttl") if extra.is_dir() else [extra], GRAPH_DATA)
    return found


#: Modules whose code shapes the loaded data: a change to any of them is a new data version.
PIPELINE_MODULES = ("loading.py", "derivation.py", "validation.py", "source_text.py", "pipeline.py", "blank_nodes.py")


def version_of(files: Iterable[SourceFile]) -> str:
    """A digest of every input byte and of the code that turns it into served data.

    Equal digests mean equal loaded data, so the digest can key the validation cache and stamp
    stores: editing a data file, a shape or the derivation code all yield a new version.
    """
    digest = hashlib.sha256(f"talentkg {__version__}\n".encode())
    package = Path(__file__).resolve().parent
    for module in PIPELINE_MODULES:
        digest.update((package / module).read_bytes())
    for f in files:
        digest.update(f.label.encode() + b"\0" + str(f.graph).encode() + b"\0")
        digest.update(f.path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _locate_syntax_error(path: Path) -> tuple[str, int | None, int | None]:
    """Ask Oxigraph's parser where the error is; it reports precise line and column."""
    try:
        for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            pass
    except SyntaxError as exc:
        return str(exc), exc.lineno, exc.offset
    except Exception as exc:  # noqa: BLE001 - any parser failure is a report, not a crash
        return str(exc), None, None
    return "", None, None


def parse_file(source: SourceFile) -> Graph:
    """Parse one Turtle file or raise LoadError naming file, line and column."""
    g = new_graph(source.graph)
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{source.label}: cannot read file: {exc.strerror}", path=source.label) from exc
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LoadError(f"{source.label}:{line}: not valid UTF-8", path=source.label, line=line) from exc
    try:
        with verbatim_literals() if source.graph in EXTERNAL_DATA.values() else nullcontext():
            g.parse(data=data, format="turtle", publicID=source.path.resolve().as_uri())
    except Exception as exc:  # rdflib raises BadSyntax and a few others
        message, line, column = _locate_syntax_error(source.path)
        if line is None:
            line = getattr(exc, "lines", None)
            line = line + 1 if isinstance(line, int) else None
            message = message or str(exc).strip().splitlines()[0]
        where = f"{source.label}:{line}:{column}" if column else f"{source.label}:{line}" if line else source.label
        raise LoadError(f"{where}: Turtle syntax error: {message or exc}", path=source.label,
                        line=line, column=column) from exc
    return g


def load_files(files: list[SourceFile], *, progress: "Iterator[SourceFile] | None" = None) -> LoadedGraphs:
    """Parse every file into its named graph (all errors are collected, then the first raised)."""
    loaded = LoadedGraphs(graphs={}, files=list(files), version=version_of(files))
    errors: list[LoadError] = []
    for source in files:
        try:
            g = parse_file(source)
        except LoadError as exc:
            errors.append(exc)
            continue
        target = loaded.graph(source.graph)
        for triple in g:
            target.add(triple)
        if source.graph not in SHAPES_GRAPHS:
            for s in set(g.subjects()):
                loaded.origins.setdefault(s, set()).add(source.label)
    if errors:
        first = errors[0]
        if len(errors) > 1:
            first.message += "".join(f"\n{e.message}" for e in errors[1:])
            first.args = (first.message,)
        raise first
    return loaded
