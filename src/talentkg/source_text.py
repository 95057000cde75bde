"""The source note as plain text: normalising it, splitting it into sentences, finding quotes in it.

Quotes in the graph are verbatim French phrases of the note; matching ignores markdown markup,
typographic variants of apostrophes and spaces, and line breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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
    """The normalised pieces of a quote, split where it elides text with " […] "."""
    return [p for p in _ELLIPSIS.split(normalise(quote)) if p]


def quote_found(quote: str, text: str) -> bool:
    """True when the quote occurs verbatim, or its parts (separated by " […] ") occur in order nearby."""
    parts = quote_parts(quote)
    if not parts:
        return False
    start = text.find(parts[0])
    while start >= 0:
        position, ok = start + len(parts[0]), True
        for part in parts[1:]:
            found = text.find(part, position)
            if found < 0 or found - position > MAX_ELISION:
                ok = False
                break
            position = found + len(part)
        if ok:
            return True
        start = text.find(parts[0], start + 1)
    return False


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


def sentences(path: Path) -> list[Sentence]:
    """The note's statements, one per sentence or list item, tagged with their section slug.

    Headings, the title, the table of contents and the source URLs are not statements.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    programme, sub = "introduction", None
    out: list[Sentence] = []
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
            section = "pif-note-1"
            out.append(Sentence(section, line))
            continue
        line = line.lstrip("- ").strip()
        for part in _SENTENCE_END.split(line):
            part = part.strip()
            if len(part) > 2 and re.search(r"[A-Za-zÀ-ÿ]", part):
                out.append(Sentence(section, part))
    return out
