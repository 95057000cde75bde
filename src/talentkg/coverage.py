"""How much of the note the graph holds: statements per programme and per section, and the sentences
that no quote of the graph covers yet.

The rule (also written into the generated report): each ``tkg:quote`` is located in the note (markup
ignored, " […] " elisions allowed, as validation does) inside the sections it cites with
``prov:wasDerivedFrom`` (a programme's section includes its sub-sections and the heading that opens
it). A sentence is covered when those located quotes span at least ``THRESHOLD`` of its letters and
digits. A quote the note holds only outside the sections it cites is reported as misplaced: its
section is wrong.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS
from rdflib.term import Node

from talentkg.namespaces import TKG
from talentkg.source_text import Sentence, note_text, quote_matches, sentences

THRESHOLD = 0.9

#: The kinds of statement the report counts, in column order.
KINDS: dict[URIRef, str] = {
    TKG.Observation: "figures",
    TKG.SourcedStatement: "statements",
    TKG.OrganisationRole: "roles",
    TKG.Finding: "findings",
    TKG.CommunicationChannel: "channels",
    TKG.SelectionStep: "steps",
    TKG.AlumniPathway: "pathways",
    TKG.DataConflict: "conflicts",
}
SRC = "https://w3id.org/talentkg/id/note/"


@dataclass(frozen=True)
class SentenceCoverage:
    """One sentence of the note and the share of its letters and digits that quotes cover."""

    sentence: Sentence
    ratio: float

    @property
    def covered(self) -> bool:
        return self.ratio >= THRESHOLD


@dataclass
class Coverage:
    """Everything the report says."""

    sentences: list[SentenceCoverage]
    sections: list[str]  # section slugs in the note's order
    titles: dict[str, str]
    by_section: dict[str, Counter] = field(default_factory=dict)
    by_file: dict[str, Counter] = field(default_factory=dict)
    file_programmes: dict[str, list[str]] = field(default_factory=dict)
    misplaced: list[tuple[str, str, str]] = field(default_factory=list)  # (node, sections, quote)

    @property
    def uncovered(self) -> list[SentenceCoverage]:
        return [s for s in self.sentences if not s.covered]


def _slug(node: Node) -> str | None:
    text = str(node)
    return text[len(SRC):] if text.startswith(SRC) else None


def _locate(text: str, items: list[Sentence]) -> list[tuple[int, int]]:
    """Where each sentence lies in the normalised note (sentences are in reading order)."""
    spans, position = [], 0
    for s in items:
        start = text.find(s.text, position)
        if start < 0:
            raise ValueError(f"sentence not found in the note: {s.text[:80]!r}")
        spans.append((start, start + len(s.text)))
        position = start + len(s.text)
    return spans


Span = tuple[int, int]


def _regions(spans: list[Span], items: list[Sentence], parents: dict[str, str]) -> dict[str, list[Span]]:
    """The stretch of text each section owns: each sentence and what precedes it (its heading)."""
    regions: dict[str, list[tuple[int, int]]] = {}
    previous_end = 0
    for (start, end), s in zip(spans, items):
        for slug in {s.section, parents.get(s.section, s.section)}:
            regions.setdefault(slug, []).append((previous_end, end))
        previous_end = end
    return regions


def compute(graph: Graph, origins: dict[Node, set[str]], note_path: Path) -> Coverage:
    """Count statements and measure how far the graph's quotes cover the note's sentences."""
    text = note_text(note_path)
    items = sentences(note_path)
    spans = _locate(text, items)
    parents = {s: p for node, parent in graph.subject_objects(DCTERMS.isPartOf)
               if (s := _slug(node)) and (p := _slug(parent))}
    regions = _regions(spans, items, parents)
    titles = {s: str(t) for node, t in graph.subject_objects(DCTERMS.title) if (s := _slug(node))}

    covered = bytearray(len(text))
    misplaced = []
    for node, quote in sorted(graph.subject_objects(TKG.quote), key=lambda so: (str(so[0]), str(so[1]))):
        cited = sorted(s for src in graph.objects(node, PROV.wasDerivedFrom) if (s := _slug(src)))
        allowed = [r for slug in cited for r in regions.get(slug, [])]
        inside = [m for m in quote_matches(str(quote), text)
                  if any(a <= m[0][0] < b for a, b in allowed)]
        if not inside:
            misplaced.append((str(node), ", ".join(cited), str(quote)))
        for match in inside:
            for a, b in match:
                covered[a:b] = b"\x01" * (b - a)

    results = []
    for (start, end), s in zip(spans, items):
        letters = [k for k in range(start, end) if text[k].isalnum()]
        ratio = sum(covered[k] for k in letters) / len(letters) if letters else 1.0
        results.append(SentenceCoverage(s, ratio))

    order: list[str] = []
    for s in items:
        for slug in (parents.get(s.section), s.section):
            if slug and slug not in order and slug != "note":
                order.append(slug)
    cov = Coverage(results, order, titles, misplaced=misplaced)

    for kind, name in KINDS.items():
        for node in set(graph.subjects(RDF.type, kind)):
            for src in graph.objects(node, PROV.wasDerivedFrom):
                slug = _slug(src)
                if slug:
                    cov.by_section.setdefault(slug, Counter())[name] += 1
            for origin in origins.get(node, ()):
                if origin.startswith("data/programmes/"):
                    cov.by_file.setdefault(origin, Counter())[name] += 1
    cov.sections += sorted(set(cov.by_section) - set(cov.sections))  # cited sections without sentences
    for programme in graph.subjects(RDF.type, TKG.Programme):
        english = sorted(str(v) for v in graph.objects(programme, RDFS.label)
                         if getattr(v, "language", None) == "en")
        for origin in origins.get(programme, ()):
            if origin.startswith("data/programmes/"):
                cov.file_programmes.setdefault(origin, []).append(english[0] if english else str(programme))
    return cov


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def render_markdown(cov: Coverage) -> str:
    """The report committed as docs/coverage.md."""
    names = list(KINDS.values())
    covered = sum(1 for s in cov.sentences if s.covered)
    total = Counter()
    for counts in cov.by_file.values():
        total.update(counts)
    lines = [
        "# Coverage of the note by the graph",
        "",
        "Generated by `talentkg coverage` from `data/` and the note "
        "(`data/source/note-recrutement-competences-numeriques-2019.md`); do not edit by hand, "
        "regenerate with `talentkg coverage --output docs/coverage.md`.",
        "",
        "**Rule.** The note is cut into sentences (one per sentence or list item; headings, the table of "
        "contents and the list of sources are not statements). Every `tkg:quote` of the graph is located "
        "in the note (markup ignored, ` […] ` elisions allowed) inside the sections it cites with "
        "`prov:wasDerivedFrom` (a programme's section includes its sub-sections and the heading that opens "
        f"it). A sentence is **covered** when those quotes span at least {THRESHOLD:.0%} of its letters "
        "and digits. Statements are figures, sourced statements, roles, findings, channels, selection "
        "steps, alumni pathways and data conflicts; a statement citing several sections counts in each.",
        "",
        "## Summary",
        "",
        f"- sentences in the note: {len(cov.sentences)}",
        f"- covered: {covered}",
        f"- without a statement: {len(cov.uncovered)}",
        f"- quotes not found in the section they cite: {len(cov.misplaced)}",
        f"- statements: {sum(total.values())} (" + ", ".join(f"{total[n]} {n}" for n in names) + ")",
        "",
        "## Statements per programme (data file)",
        "",
        _row(["file", "programmes", *names, "total"]),
        _row(["---"] * (len(names) + 3)),
    ]
    for origin in sorted(cov.by_file):
        counts = cov.by_file[origin]
        programmes = "; ".join(sorted(cov.file_programmes.get(origin, []))) or "(the note itself)"
        lines.append(_row([f"`{origin}`", programmes, *(counts[n] for n in names), sum(counts.values())]))
    lines += [
        "",
        "## Statements and sentences per section of the note",
        "",
        _row(["section", "heading", "sentences", "covered", *names, "total"]),
        _row(["---"] * (len(names) + 5)),
    ]
    per_section = Counter(s.sentence.section for s in cov.sentences)
    covered_section = Counter(s.sentence.section for s in cov.sentences if s.covered)
    for slug in cov.sections:
        counts = cov.by_section.get(slug, Counter())
        lines.append(_row([f"`src:{slug}`", cov.titles.get(slug, ""), per_section[slug],
                           covered_section[slug], *(counts[n] for n in names), sum(counts.values())]))
    lines += ["", "## Sentences without a statement", ""]
    if cov.uncovered:
        lines += [f"- `src:{s.sentence.section}` ({s.ratio:.0%} covered): {s.sentence.text}"
                  for s in cov.uncovered]
    else:
        lines.append("None: every sentence of the note is covered.")
    partial = [s for s in cov.sentences if s.covered and s.ratio < 1]
    lines += ["", "## Covered sentences with words outside every quote", ""]
    if partial:
        lines += [f"- `src:{s.sentence.section}` ({s.ratio:.0%}): {s.sentence.text}" for s in partial]
    else:
        lines.append("None.")
    lines += ["", "## Quotes not found in the section they cite", ""]
    if cov.misplaced:
        lines += [f"- `{node}` cites {sections}: « {quote} »" for node, sections, quote in cov.misplaced]
    else:
        lines.append("None: every quote lies in a section it cites.")
    return "\n".join(lines) + "\n"
