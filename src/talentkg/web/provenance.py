"""The provenance view of a section of the note: what the graph takes from it, next to its text.

Every node whose ``prov:wasDerivedFrom`` is the section is listed by kind with its French phrase,
and the section's sentences are shown with the nodes quoting each one, so a reader sees both what
the graph states and what of the note it does not (yet) carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from talentkg.namespaces import TKG
from talentkg.source_text import Sentence, quote_parts, sentences
from talentkg.web.view import DERIVED_FROM, HAS_PART, QUOTE, TYPE, Describer, Value


@dataclass
class Cited:
    """A node sourced from the section, with the phrases it quotes."""

    node: Value
    quotes: list[str]


@dataclass
class SentenceView:
    text: str
    quoted_by: list[Value]


@dataclass
class SectionView:
    groups: list[tuple[Value, list[Cited]]]  # by kind of node
    subsections: list[tuple[Value, int]]  # each with how many nodes it sources
    sentences: list[SentenceView]
    total: int

    @property
    def unquoted(self) -> int:
        return sum(1 for s in self.sentences if not s.quoted_by)


def _kind(describer: Describer, node: ox.NamedNode) -> ox.NamedNode | None:
    types = [t for t in describer.objects(node, TYPE) if isinstance(t, ox.NamedNode)]
    ours = sorted((t for t in types if t.value.startswith(str(TKG))), key=lambda t: t.value)
    return (ours or sorted(types, key=lambda t: t.value) or [None])[0]


def section_view(describer: Describer, iri: str, note_sentences: list[Sentence]) -> SectionView:
    section = ox.NamedNode(iri)
    by_kind: dict[str, list[Cited]] = {}
    kinds: dict[str, Value] = {}
    all_cited: list[Cited] = []
    for node in describer.subjects(DERIVED_FROM, section):
        if not isinstance(node, ox.NamedNode):
            continue
        kind = _kind(describer, node)
        key = kind.value if kind is not None else ""
        if key not in kinds:
            kinds[key] = describer.value(kind) if kind is not None else Value("—")
        cited = Cited(describer.value(node), [q.value for q in describer.objects(node, QUOTE)
                                              if isinstance(q, ox.Literal)])
        by_kind.setdefault(key, []).append(cited)
        all_cited.append(cited)
    groups = [(kinds[k], sorted(v, key=lambda c: c.node.text.lower()))
              for k, v in sorted(by_kind.items(), key=lambda kv: kinds[kv[0]].text.lower())]
    subsections = []
    for part in describer.objects(section, HAS_PART):
        if isinstance(part, ox.NamedNode):
            subsections.append((describer.value(part), len(describer.subjects(DERIVED_FROM, part))))
    slug = iri.rstrip("/").rsplit("/", 1)[-1]
    shown = []
    pieces = [(c, quote_parts(q)) for c in all_cited for q in c.quotes]
    for sentence in note_sentences:
        if sentence.section != slug:
            continue
        quoted_by = []
        core = sentence.text.rstrip(" .!?;:")  # a quote may stop short of the full stop
        for cited, parts in pieces:
            if any(len(p) >= 3 and (p in sentence.text or core in p) for p in parts) \
                    and cited.node not in quoted_by:
                quoted_by.append(cited.node)
        shown.append(SentenceView(sentence.text, quoted_by))
    return SectionView(groups, subsections, shown, len(all_cited))


def note_sentences(path: Path) -> list[Sentence]:
    """The note's sentences; empty when the copy of the note is not there (a trimmed install)."""
    try:
        return sentences(path)
    except OSError:
        return []
