"""The source note as plain text: normalising it, splitting it into sentences, finding quotes in it.

Quotes in the graph are verbatim French phrases of the note; matching ignores markdown markup,
typographic variants of apostrophes and spaces, and line breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ELLIPSIS = re.compile(r"\s*(?:\[…\]|\[\.\.\.\]|…)\s*")


def normalise(text: str) -> str:
    """Plain text for matching: no markdown markup, one kind of apostrophe, single spaces."""
    text = _LINK.sub(r"\1", text)
    text = text.replace("\\$", "$").replace("\\(", "(").replace("\\)", ")").replace("\\", "")
    text = text.replace("**", "").replace("*", "")
    text = text.replace("’", "'").replace("‘", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = text.replace("¹", "")
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=4)
def _note_text(path: str, mtime: float) -> str:  # noqa: ARG001 - mtime keys the cache
    return normalise(Path(path).read_text(encoding="utf-8"))


def note_text(path: Path) -> str:
    return _note_text(str(path), path.stat().st_mtime)


MAX_ELISION = 1500  # characters between two parts of one elided quote: the same passage


def quote_parts(quote: str) -> list[str]:
    """The verbatim parts of a quote, once markup is ignored and " […] " elisions are cut out."""
    return [p for p in _ELLIPSIS.split(normalise(quote)) if p]


def quote_matches(quote: str, text: str) -> Iterator[list[tuple[int, int]]]:
    """Every place the quote occurs in the text, as the (start, end) span of each of its parts.

    The parts must occur in order, each within MAX_ELISION characters of the previous one.
    """
    parts = quote_parts(quote)
    if not parts:
        return
    start = text.find(parts[0])
    while start >= 0:
        spans, position, ok = [(start, start + len(parts[0]))], start + len(parts[0]), True
        for part in parts[1:]:
            found = text.find(part, position)
            if found < 0 or found - position > MAX_ELISION:
                ok = False
                break
            spans.append((found, found + len(part)))
            position = found + len(part)
        if ok:
            yield spans
        start = text.find(parts[0], start + 1)


def quote_found(quote: str, text: str) -> bool:
    """True when the quote occurs verbatim, or its parts (separated by " […] ") occur in order nearby."""
    return next(quote_matches(quote, text), None) is not None


@dataclass(frozen=True)
class Sentence:
    section: str  # section slug, e.g. "pif-recrutement"
    text: str


#: Headings of the note and the section slug they open (see data/source/note.ttl).
_PROGRAMME_HEADINGS = {
    "Synthèse": "synthese",
    "Presidential Innovation Fellows, Etats-Unis": "pif",
    "Code for America, Etats-Unis": "cfa",
    "Digital Transformation Agency, Australie": "dta",
    "Code For Australia, Australie": "cfaus",
    "Code For Canada, Canada": "cfcan",
    "Team Digitale, Italie": "team-digitale",
    "Prototype Fund, Allemagne": "prototype-fund",
    "Sources :": "sources",
}
_SUB_HEADINGS = [
    ("Historique du programme", "historique"),
    ("Moyens attribués", "moyens"),
    ("Quels types de projets", "projets"),
    ("Modes de communication", "communication"),
    ("Quel type de recrutement", "recrutement"),
    ("Exemples de réalisations", "realisations"),
    ("Réalisations, impacts", "realisations"),
    ("Spécificités du programme", "specificites"),
    ("Bonnes pratiques : Quelles suites", "suites"),
    ("Quelles suites", "suites"),
    ("Bonnes pratiques", "bonnes-pratiques"),
    ("Autres outils ou formations", "autres-outils"),
]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[«A-ZÀ-ÖØ-Þ0-9])")


def _is_continuation(raw: str, line: str, previous: str | None) -> bool:
    """A line going on with the previous one across a blank line ("Sur les deux" / "dernières cohortes")."""
    return (previous is not None and not raw.lstrip().startswith(("-", "*", "¹", "#"))
            and line[:1].islower() and not previous.rstrip().endswith((".", "!", "?", ":", ";", ")")))


def sentences(path: Path) -> list[Sentence]:
    """The note's statements, one per sentence or list item, tagged with their section slug.

    Headings, the title, the table of contents and the source URLs are not statements. A line
    that continues the previous one (the text was broken by a page break) is joined to it first.
    """
    paragraphs = _paragraphs(path.read_text(encoding="utf-8").splitlines())
    out: list[Sentence] = []
    for section, line, footnote in paragraphs:
        if footnote:
            out.append(Sentence(section, line))
            continue
        line = line.lstrip("- ").strip()
        for part in _SENTENCE_END.split(line):
            part = part.strip()
            if len(part) > 2 and re.search(r"[A-Za-zÀ-ÿ]", part):
                out.append(Sentence(section, part))
    return out


def _paragraphs(lines: list[str]) -> list[tuple[str, str, bool]]:
    """(section slug, normalised text, is the footnote) for every statement line of the note."""
    programme, sub = "introduction", None
    out: list[tuple[str, str, bool]] = []
    in_toc = False
    title_seen = False
    for raw in lines:
        line = normalise(raw)
        if not line:
            continue
        if not title_seen:
            title_seen = True  # the first line is the title
            continue
        if line == "Table des matières":
            in_toc = True
            continue
        if in_toc:
            if line.startswith("Presidential Innovation Fellows, Etats-Unis") and not re.search(r"\d$", line):
                in_toc = False
            else:
                continue
        bare = line.rstrip(" :")
        if line in _PROGRAMME_HEADINGS or bare in _PROGRAMME_HEADINGS:
            programme, sub = _PROGRAMME_HEADINGS.get(line) or _PROGRAMME_HEADINGS[bare], None
            continue
        heading = next((slug for prefix, slug in _SUB_HEADINGS
                        if line.startswith(prefix) and len(line) < 80 and not line.endswith(".")), None)
        if heading:
            sub = heading
            continue
        if programme == "sources":
            continue
        if re.fullmatch(r"(Auteur|Mai 2019).*", line) and len(line) < 120:
            section = "introduction"
        else:
            section = programme if sub is None else f"{programme}-{sub}"
        if raw.lstrip().startswith("¹"):
            out.append(("pif-note-1", line, True))
            continue
        previous = out[-1] if out else None
        joined = previous and previous[0] == section and not previous[2]
        if joined and _is_continuation(raw, line, previous[1]):
            out[-1] = (section, previous[1] + " " + line, False)
            continue
        out.append((section, line, False))
    return out
