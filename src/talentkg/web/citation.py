"""How to cite talentkg: read ``CITATION.cff`` (the one source of citation metadata) and format it.

The suggested citation adds the data version served, so a citation names exactly the data used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Citation:
    text: str  # one line, for people
    bibtex: str  # for reference managers
    source_text: str  # the note every fact comes from
    cff: str  # the file itself


def _authors(people: list[dict[str, Any]]) -> str:
    names = []
    for p in people or []:
        if "name" in p:
            names.append(str(p["name"]))
        else:
            names.append(f"{p.get('family-names', '')}, {p.get('given-names', '')}".strip(", "))
    return "; ".join(names) or "talentkg contributors"


def load(path: Path, data_version: str) -> Citation | None:
    """The citation for ``data_version``, or None when the file is missing or unreadable."""
    try:
        raw = path.read_text(encoding="utf-8")
        meta = yaml.safe_load(raw)
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(meta, dict):
        return None
    authors = _authors(meta.get("authors", []))
    title, version, url = meta.get("title", "talentkg"), meta.get("version", ""), meta.get("url", "")
    licence = meta.get("license", "")
    text = f"{authors}. {title} (version {version}, data version {data_version}) [Data set]."
    if licence:
        text += f" Licence {licence}."
    text += f" {url}"
    bibtex = "\n".join([
        "@misc{talentkg,",
        f"  author = {{{{{authors}}}}},",
        f"  title = {{{title}}},",
        f"  version = {{{version}, data version {data_version}}},",
        f"  howpublished = {{\\url{{{url}}}}},",
        f"  note = {{Data set, licence {licence}}}",
        "}",
    ])
    source_text = ""
    for ref in meta.get("references", []) or []:
        if isinstance(ref, dict) and ref.get("title"):
            who = _authors(ref.get("authors", []))
            inst = (ref.get("institution") or {}).get("name", "")
            when = f"{ref.get('year', '')}" + (f"-{int(ref['month']):02d}" if ref.get("month") else "")
            source_text = f"{who} ({when}). {ref['title']}. {inst}.".replace(" .", ".")
            break
    return Citation(text, bibtex, source_text, raw)
