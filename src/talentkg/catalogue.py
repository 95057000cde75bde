"""Saved comparison queries: ``queries/*.rq`` files with a ``#+`` YAML header, read once at start-up.

The header format is the README's ("Saved queries"). Request values become RDF terms here, checked
against each parameter's type, and reach the engine as SPARQL substitutions in N-Triples syntax
(``pyoxigraph`` builds and escapes the terms), so no request text is ever spliced into a query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import pyoxigraph as ox
import yaml

from talentkg.errors import BadRequest, NotFound, TalentKGError

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "string", "lang", "integer", "decimal", "year", "boolean")
CHART_MARKS = ("bar", "grouped-bar", "line", "point")
#: Request parameters that steer the response, so no saved-query parameter may take their name.
RESERVED_NAMES = frozenset({"format", "output", "results", "query", "download"})
HEADER_KEYS = frozenset({"summary", "description", "tags", "params", "chart"})
PARAM_KEYS = frozenset({"name", "type", "description", "default", "values"})
CHART_KEYS = frozenset({"mark", "x", "y", "y2", "color", "title"})
NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_VALUE_CHARS = 2000

#: What each type accepts, in words, for error messages, forms and the OpenAPI document.
EXPECTS = {
    "iri": "an absolute IRI such as https://w3id.org/talentkg/id/pif",
    "string": "text",
    "lang": "a BCP 47 language tag such as en or fr",
    "integer": "a whole number such as 2",
    "decimal": "a decimal number such as 0.5",
    "year": "a four-digit year such as 2017",
    "boolean": "true or false",
}
DATATYPES = {"integer": "integer", "decimal": "decimal", "year": "gYear", "boolean": "boolean"}


class CatalogueError(TalentKGError):
    """A saved query file is malformed; the message names the file and what to fix."""

    code = "invalid-saved-query"
    status = 500


@dataclass(frozen=True)
class Param:
    """A typed parameter; it binds the query variable of the same name."""

    name: str
    type: str
    description: str = ""
    default: str | None = None
    values: tuple[str, ...] = ()

    @property
    def expects(self) -> str:
        if self.values:
            return "one of: " + ", ".join(self.values)
        return EXPECTS[self.type]


@dataclass(frozen=True)
class Chart:
    """A chart of the result, drawn with Vega-Lite: ``x``/``y`` (and ``y2``, ``color``) name result columns."""

    mark: str
    x: str
    y: str
    y2: str | None = None
    color: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class SavedQuery:
    name: str
    summary: str
    text: str
    description: str = ""
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    chart: Chart | None = None
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def to_json(self) -> dict[str, Any]:
        """The public description of the query (catalogue JSON, CLI)."""
        return {
            "name": self.name, "summary": self.summary, "description": self.description,
            "tags": list(self.tags),
            "params": [{"name": p.name, "type": p.type, "description": p.description, "default": p.default,
                        "values": list(p.values) or None, "expects": p.expects} for p in self.params],
            "chart": None if self.chart is None else {k: v for k, v in vars(self.chart).items() if v is not None},
            "sparql": self.text,
        }


# -- reading files ----------------------------------------------------------------------------

def split_header(text: str) -> str:
    """The YAML held by the leading ``#+`` lines (blank lines before them are allowed)."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#+"):
            body = stripped[2:]
            lines.append(body[1:] if body.startswith(" ") else body)
        elif stripped == "" and not lines:
            continue
        else:
            break
    return "\n".join(lines)


def parse(text: str, name: str, path: Path | None = None) -> SavedQuery:
    """Read one saved query; raise CatalogueError naming the file and the problem."""
    where = str(path) if path else name
    if not NAME.match(name):
        raise CatalogueError(f"{where}: the file name must be lower-case kebab-case (a-z, 0-9, '-') plus .rq")
    header = split_header(text)
    if not header.strip():
        raise CatalogueError(f"{where}: no '#+' header; start the file with '#+ summary: ...' "
                             "(see README, Saved queries)")
    try:
        meta = yaml.safe_load(header)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{where}: the '#+' header is not valid YAML: {exc}") from None
    return validate(meta, name, text, path)


def _text(value: Any, what: str, where: str, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise CatalogueError(f"{where}: {what} must be {'non-empty ' if required else ''}text")
    return value.strip()


def validate(meta: Any, name: str, text: str, path: Path | None = None) -> SavedQuery:
    """Check a parsed header and build the SavedQuery."""
    where = str(path) if path else name
    if not isinstance(meta, dict):
        raise CatalogueError(f"{where}: the '#+' header must be a YAML mapping (summary:, description:, ...)")
    unknown = set(meta) - HEADER_KEYS
    if unknown:
        raise CatalogueError(f"{where}: unknown header key(s) {', '.join(sorted(map(str, unknown)))}; "
                             f"use {', '.join(sorted(HEADER_KEYS))}")
    summary = _text(meta.get("summary"), "summary", where, required=True)
    description = _text(meta.get("description"), "description", where)
    tags = meta.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise CatalogueError(f"{where}: tags must be a list of words, e.g. [pay, comparison]")
    raw_params = meta.get("params") or []
    if not isinstance(raw_params, list):
        raise CatalogueError(f"{where}: params must be a list of mappings (- name: ..., type: ...)")
    params = tuple(_param(p, f"{where}: params[{i}]") for i, p in enumerate(raw_params))
    names = [p.name for p in params]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise CatalogueError(f"{where}: parameter(s) declared twice: {', '.join(sorted(duplicates))}")
    chart = _chart(meta["chart"], where) if meta.get("chart") is not None else None
    return SavedQuery(name=name, summary=summary, description=description, tags=tuple(t.strip() for t in tags),
                      params=params, chart=chart, text=text, path=path)


def _param(raw: Any, where: str) -> Param:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: a parameter is a mapping with name: and type:")
    unknown = set(raw) - PARAM_KEYS
    if unknown:
        raise CatalogueError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                             f"use {', '.join(sorted(PARAM_KEYS))}")
    name = raw.get("name")
    if not isinstance(name, str) or not VARIABLE.match(name):
        raise CatalogueError(f"{where}: name must be a SPARQL variable name (letters, digits, _), got {name!r}")
    if name in RESERVED_NAMES:
        raise CatalogueError(f"{where}: {name!r} is reserved for the request itself; choose another name")
    kind = raw.get("type")
    if kind not in PARAM_TYPES:
        raise CatalogueError(f"{where} ({name}): type must be one of {', '.join(PARAM_TYPES)}, got {kind!r}")
    values = raw.get("values") or []
    if not isinstance(values, list):
        raise CatalogueError(f"{where} ({name}): values must be a list")
    param = Param(name=name, type=kind, description=_text(raw.get("description"), "description", where))
    checked = []
    for v in values:
        try:
            checked.append(normalise(param, _scalar(v)))
        except BadRequest as exc:
            raise CatalogueError(f"{where} ({name}): allowed value {v!r} is not valid: {exc.message}") from None
    param = replace(param, values=tuple(checked))
    if raw.get("default") is not None:
        try:
            default = normalise(param, _scalar(raw["default"]))
            check_allowed(param, default)
        except BadRequest as exc:
            raise CatalogueError(f"{where} ({name}): the default is not valid: {exc.message}") from None
        param = replace(param, default=default)
    return param


def _scalar(value: Any) -> str:
    """YAML reads ``true``, ``2017`` and ``0.5`` as non-strings; parameters are strings until bound."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _chart(raw: Any, where: str) -> Chart:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: chart must be a mapping (mark:, x:, y:, ...)")
    unknown = set(raw) - CHART_KEYS
    if unknown:
        raise CatalogueError(f"{where}: unknown chart key(s) {', '.join(sorted(map(str, unknown)))}; "
                             f"use {', '.join(sorted(CHART_KEYS))}")
    if raw.get("mark") not in CHART_MARKS:
        raise CatalogueError(f"{where}: chart mark must be one of {', '.join(CHART_MARKS)}, got {raw.get('mark')!r}")
    for key in ("x", "y", "y2", "color"):
        value = raw.get(key)
        if (key in ("x", "y") or value is not None) and not (isinstance(value, str) and VARIABLE.match(value)):
            raise CatalogueError(f"{where}: chart {key} must name a result variable (without '?'), got {value!r}")
    if raw.get("mark") == "grouped-bar" and not raw.get("color"):
        raise CatalogueError(f"{where}: a grouped-bar chart needs color: (the variable that makes the groups)")
    return Chart(mark=raw["mark"], x=raw["x"], y=raw["y"], y2=raw.get("y2"), color=raw.get("color"),
                 title=_text(raw.get("title"), "chart title", where) or None)


def check_query(query: SavedQuery, prefixes: Mapping[str, str]) -> tuple[str, ...]:
    """Let Oxigraph parse the query on an empty store with every parameter bound; return its columns.

    Oxigraph substitutes only variables the query projects, so this catches syntax errors and a
    parameter missing from the SELECT clause alike. Nothing is evaluated (results are lazy).
    """
    from talentkg.sparql.guard import analyse

    where = query.path or query.name
    form = analyse(query.text, max_depth=1000).form
    if form != "SELECT":
        raise CatalogueError(f"{where}: a saved query must be a SELECT query (it is {form or 'unreadable'})")
    dummy = {"iri": ox.NamedNode("urn:talentkg:check"), "year": ox.Literal("2000", datatype=ox.NamedNode(XSD + "gYear"))}
    substitutions = {ox.Variable(p.name): dummy.get(p.type, ox.Literal("x")) for p in query.params}
    try:
        result = ox.Store().query(query.text, prefixes=dict(prefixes), substitutions=substitutions or None)
    except SyntaxError as exc:
        raise CatalogueError(f"{where}: the query is not valid SPARQL: {exc}") from None
    except (RuntimeError, ValueError) as exc:
        raise CatalogueError(f"{where}: {exc} (a parameter must be a variable of the SELECT clause)") from None
    columns = tuple(v.value for v in result.variables)  # type: ignore[union-attr]
    del result  # pyoxigraph's results may only be dropped by their thread: never leave one in a traceback's cycle
    if query.chart is not None:
        for key in ("x", "y", "y2", "color"):
            column = getattr(query.chart, key)
            if column is not None and column not in columns:
                raise CatalogueError(f"{where}: chart {key}: {column!r} is not a column of the result "
                                     f"({', '.join(columns)})")
    return columns


# -- binding request values -------------------------------------------------------------------

def _fail(param: Param, value: str, why: str = "") -> BadRequest:
    shown = value if len(value) <= 80 else value[:77] + "…"
    return BadRequest(f"parameter {param.name!r} expects {param.expects}{why}; got {shown!r}")


def normalise(param: Param, value: str) -> str:
    """The canonical text of ``value`` for the parameter's type; BadRequest naming the parameter if invalid."""
    if len(value) > MAX_VALUE_CHARS:
        raise BadRequest(f"parameter {param.name!r} is longer than {MAX_VALUE_CHARS} characters")
    if "\x00" in value:
        raise _fail(param, value.replace("\x00", "\\0"), " (it contains a NUL character)")
    kind, text = param.type, value.strip()
    if kind == "iri":
        try:
            return ox.NamedNode(value).value  # an absolute IRI (RFC 3987), checked by Oxigraph's parser
        except ValueError as exc:
            raise _fail(param, value, f" ({exc})") from None
    if kind == "lang":
        try:
            ox.Literal("", language=value)  # BCP 47 well-formedness, checked by Oxigraph
        except ValueError:
            raise _fail(param, value) from None
        return value.lower()
    if kind == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise _fail(param, value)
        return str(int(text))
    if kind == "decimal":
        if not re.fullmatch(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", text):
            raise _fail(param, value)
        try:
            canonical = format(Decimal(text).normalize(), "f")
        except InvalidOperation:
            raise _fail(param, value) from None
        return canonical if "." in canonical else canonical + ".0"
    if kind == "year":
        if not re.fullmatch(r"[0-9]{4}", text):
            raise _fail(param, value)
        return text
    if kind == "boolean":
        if text.lower() in ("true", "1"):
            return "true"
        if text.lower() in ("false", "0"):
            return "false"
        raise _fail(param, value)
    return value  # string: any text, bound as a literal


def check_allowed(param: Param, value: str) -> None:
    if param.values and value not in param.values:
        raise _fail(param, value)


def term(param: Param, value: str) -> ox.NamedNode | ox.Literal:
    """The RDF term a normalised value binds to: an IRI, a typed literal or a plain string."""
    if param.type == "iri":
        return ox.NamedNode(value)
    datatype = DATATYPES.get(param.type)
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))
    return ox.Literal(value)  # string and lang


def resolve(query: SavedQuery, pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Request values (name, value pairs) → the normalised value of every parameter that has one.

    Unknown and repeated names are refused; an empty value counts as absent (HTML forms send empty
    fields). Absent parameters take their default, or stay free and match everything.
    """
    given: dict[str, str] = {}
    seen: set[str] = set()
    for name, value in pairs:
        param = query.param(name)
        if param is None:
            known = ", ".join(p.name for p in query.params) or "none"
            raise BadRequest(f"unknown parameter {name!r} for saved query {query.name!r}; its parameters: {known}")
        if name in seen:
            raise BadRequest(f"parameter {name!r} is given more than once; give it once")
        seen.add(name)
        if value == "":
            continue
        normalised = normalise(param, value)
        check_allowed(param, normalised)
        given[name] = normalised
    resolved = {}
    for param in query.params:
        value = given.get(param.name, param.default)
        if value is not None:
            resolved[param.name] = value
    return resolved


def substitutions(query: SavedQuery, values: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Resolved values → ``(variable, term in N-Triples syntax)`` pairs for the query engine."""
    return tuple((p.name, str(term(p, values[p.name]))) for p in query.params if p.name in values)


def bind(query: SavedQuery, pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Request values straight to substitutions (see ``resolve``)."""
    return substitutions(query, resolve(query, pairs))


# -- the catalogue ----------------------------------------------------------------------------

@dataclass
class Catalogue:
    """Every saved query, by name, in file-name order, with its result columns."""

    queries: dict[str, SavedQuery] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __iter__(self) -> Iterator[SavedQuery]:
        return iter(self.queries.values())

    def __len__(self) -> int:
        return len(self.queries)

    def get(self, name: str) -> SavedQuery | None:
        return self.queries.get(name)

    def require(self, name: str) -> SavedQuery:
        query = self.queries.get(name)
        if query is None:
            raise NotFound(f"no saved query named {name!r}; see /queries for the catalogue")
        return query


def read(path: Path, prefixes: Mapping[str, str] | None = None) -> tuple[SavedQuery, tuple[str, ...]]:
    """Read, parse and check one ``.rq`` file."""
    from talentkg.namespaces import PREFIXES

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot be read as UTF-8 text: {exc}") from None
    query = parse(text, path.stem, path)
    return query, check_query(query, prefixes or PREFIXES)


def load_catalogue(folder: Path, prefixes: Mapping[str, str] | None = None) -> Catalogue:
    """Read and check every ``*.rq`` of ``folder``; raise CatalogueError on the first bad file."""
    catalogue = Catalogue()
    if not folder.is_dir():
        return catalogue
    for path in sorted(folder.glob("*.rq")):
        query, columns = read(path, prefixes)
        catalogue.queries[query.name] = query
        catalogue.columns[query.name] = columns
    return catalogue
