"""The saved queries (``queries/*.rq``) as examples for the query editor.

Only what the editor needs is read: the ``#+ summary:`` of the YAML header and the query text.
The saved-query catalogue (talentkg.web.queries) owns the full header format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from talentkg.namespaces import PREFIXES

_USED_PREFIX = re.compile(r"(?<![\w<:#/.-])([A-Za-z][\w-]*):(?=[\w-]|\s|$)")
_DECLARED = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w-]*)?:", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Example:
    name: str  # the file's stem, which the catalogue serves at /queries/<name>
    summary: str
    query: str  # with PREFIX lines for every predeclared prefix it uses without declaring


def header_and_body(text: str) -> tuple[dict, str]:
    """Split a saved query into its ``#+`` YAML header and the SPARQL after it."""
    header_lines, body_start = [], 0
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("#+"):
            header_lines.append(line[2:].removeprefix(" "))
            body_start = i + 1
        elif line.strip() == "" and not header_lines:
            continue
        else:
            break
    try:
        meta = yaml.safe_load("".join(header_lines)) if header_lines else {}
    except yaml.YAMLError:
        meta = {}
    return (meta if isinstance(meta, dict) else {}), "".join(lines[body_start:]).strip() + "\n"


def with_prefixes(query: str) -> str:
    """Declare the predeclared prefixes a query uses, so the editor's parser accepts it as is."""
    declared = set(_DECLARED.findall(query))
    text_without_iris = re.sub(r"<[^>\s]*>|\"[^\"]*\"|'[^']*'|#[^\n]*", " ", query)
    used = [p for p in dict.fromkeys(_USED_PREFIX.findall(text_without_iris)) if p in PREFIXES and p not in declared]
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in sorted(used)]
    return ("\n".join(lines) + "\n\n" + query) if lines else query


def load_examples(folder: Path) -> list[Example]:
    """Every readable saved query, by file name; unreadable files are left out."""
    examples = []
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        meta, body = header_and_body(text)
        summary = str(meta.get("summary") or path.stem)
        examples.append(Example(path.stem, summary, with_prefixes(body)))
    return examples
