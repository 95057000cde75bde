"""Look at a query before any parser does: form, nesting depth, SERVICE targets, update keywords.

A small iterative lexer (no recursion, linear time) reads the query text. It exists because the
engine's parser is recursive and crashes the whole process on deep nesting (measured with
pyoxigraph 0.5.13: 5,000 nested braces segfault it), and because pyoxigraph sends SERVICE
requests to any URL it is given, so every SERVICE target has to be checked before evaluation.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from talentkg.errors import QuerySyntaxError, QueryTooComplex, ServiceRefused, UpdateRefused

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:(?:[\w\-\u00B7\u00C0-\uFFFF:%.]|\\.)*(?<!\.))
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def _iri(token: str) -> str:
    """The IRI an IRIREF token denotes: the engine decodes \\u/\\U escapes inside IRIs, so must we."""
    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QuerySyntaxError(f"the escape {m.group()} in an IRI names no Unicode character")
        return chr(code)

    return _UCHAR.sub(char, token[1:-1])


def _resolve(base: str, iri: str) -> str:
    """``iri`` resolved against ``base`` (when there is one); a malformed IRI is the query's error."""
    try:
        return urljoin(base, iri) if base else iri
    except ValueError as exc:  # e.g. "http://[x" : an unclosed IPv6 host
        raise QuerySyntaxError(f"the IRI <{iri}> is not valid ({exc})") from None


# Oxigraph builds left-deep trees from chains (a + b + c, A UNION B UNION C, one BIND after another, the
# triple patterns of a group) and walks them by recursion: 8,000 `+` terms, UNIONs or BINDs and 20,000
# triple patterns crashed a query worker (4,000 `+` or UNIONs did not). Lists (VALUES, IN) are not chains.
MAX_CHAINED = 2500
CHAINING_SIGNS = frozenset("+-*/|&!^.;")
CHAINING_WORDS = frozenset({"UNION", "MINUS", "OPTIONAL", "BIND", "FILTER", "GRAPH", "SERVICE", "VALUES"})

QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


@dataclass(frozen=True)
class Service:
    """One SERVICE clause: the target IRI (None for a variable) and where it sits in the text."""

    iri: str | None
    start: int
    end: int
    silent: bool
    variable: str | None = None


@dataclass(frozen=True)
class QueryShape:
    """What the guard learnt about a query."""

    form: str | None  # SELECT, CONSTRUCT, DESCRIBE or ASK; None when not found (the parser will say why)
    depth: int
    services: tuple[Service, ...] = field(default_factory=tuple)
    top_level_limit: int | None = None
    has_dataset_clause: bool = False  # FROM / FROM NAMED in the query itself
    has_relative_iri: bool = False  # an IRI without a scheme: the engine then needs a base IRI

    @property
    def is_graph_result(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def _is_public_http(iri: str) -> str | None:
    """None when ``iri`` is an http(s) URL to a public host; else the reason it is not."""
    try:
        parts = urlsplit(iri)
        host = (parts.hostname or "").strip("[]").lower()
    except ValueError:
        return "it is not a valid URL"
    if not parts.scheme:
        return "it is a relative IRI, which would resolve against this endpoint's own URL; name the endpoint in full"
    if parts.scheme.lower() not in ("http", "https"):
        return f"the scheme {parts.scheme}: is not HTTP(S)"
    if not host:
        return "it has no host"
    if host in ("localhost", "localhost.localdomain") or host.endswith((".localhost", ".local", ".internal")):
        return f"{host} is a local host name"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:  # integer or shortened IPv4 forms such as http://2130706433/ or http://127.1/
            address = ipaddress.ip_address(int(host, 0)) if re.fullmatch(r"0x[0-9a-f]+|\d+", host) else None
        except ValueError:
            address = None
        if address is None:
            if re.fullmatch(r"[0-9.]+", host):
                return f"{host} is not a valid public address"
            return None
    if (address.is_loopback or address.is_private or address.is_link_local or address.is_multicast
            or address.is_reserved or address.is_unspecified
            or (isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None)):
        return f"{host} is a loopback, private, link-local or reserved address"
    return None


def _normalise_endpoint(iri: str) -> str:
    return iri.rstrip("/")


def check_services(shape: QueryShape, allowlist: tuple[str, ...]) -> None:
    """Refuse any SERVICE that is a variable, not HTTP(S), local, or not on the allow-list."""
    allowed = {_normalise_endpoint(a) for a in allowlist}
    for svc in shape.services:
        if svc.iri is None:
            raise ServiceRefused(
                f"SERVICE on a variable ({svc.variable}) is not allowed: name the endpoint explicitly. "
                f"Allowed endpoints: {', '.join(sorted(allowed)) or 'none'}.")
        reason = _is_public_http(svc.iri)
        if reason:
            raise ServiceRefused(f"SERVICE <{svc.iri}> is refused: {reason}. "
                                 f"Allowed endpoints: {', '.join(sorted(allowed)) or 'none'}.")
        if _normalise_endpoint(svc.iri) not in allowed:
            raise ServiceRefused(f"SERVICE <{svc.iri}> is not on this endpoint's allow-list. "
                                 f"Allowed endpoints: {', '.join(sorted(allowed)) or 'none (federation is off)'}.")


def analyse(text: str, *, max_depth: int, max_bytes: int | None = None) -> QueryShape:
    """Lex ``text`` once; raise a clear error for updates, excessive nesting or an unknown form.

    Shapes of short texts are remembered (clients repeat their queries); a long one is lexed anew,
    so that many distinct long queries cannot pile up in memory.
    """
    if len(text) > REMEMBERED_TEXT_CHARS:
        return _analyse.__wrapped__(text, max_depth, max_bytes)
    return _analyse(text, max_depth, max_bytes)


# queries longer than this are lexed anew each time (here and in execution.mentioned_prefixes): a cache
# entry holds its text, at most 16 KB of it (4 bytes a character), 512 of them
REMEMBERED_TEXT_CHARS = 4096


@lru_cache(maxsize=512)
def _analyse(text: str, max_depth: int, max_bytes: int | None) -> QueryShape:
    if max_bytes is not None and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        from talentkg.errors import PayloadTooLarge

        raise PayloadTooLarge(f"the query is larger than this endpoint's limit of {max_bytes} bytes")
    depth = max_seen = 0
    form: str | None = None
    prefixes: dict[str, str] = {}
    base = ""
    services: list[Service] = []
    expect: str | None = None  # what the previous keyword asks for next
    pending_prefix: str | None = None
    service_silent = False
    service_start = 0
    last_limit: tuple[int, int] | None = None  # (depth, value)
    limit_pending = False
    has_from = False
    relative = False
    chained = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        value = m.group()
        if (kind == "other" and value in CHAINING_SIGNS) or value == "{" \
                or (kind == "word" and value.upper() in CHAINING_WORDS):
            chained += 1
            if chained > MAX_CHAINED:
                raise QueryTooComplex(
                    f"the query chains more than {MAX_CHAINED} operators, groups, clauses and triple patterns "
                    f"(UNION, BIND, FILTER, +, ||, path steps...; at character {m.start()}); the engine evaluates "
                    "such chains by recursion and this endpoint refuses them before parsing: split the query, "
                    "or use VALUES or IN (...) for long lists")
        if kind == "open":
            depth += 1
            if depth > max_seen:
                max_seen = depth
                if max_seen > max_depth:
                    raise QueryTooComplex(
                        f"the query nests brackets deeper than {max_depth} levels (at character {m.start()}); "
                        "this endpoint refuses such queries before parsing them")
        elif kind == "close":
            depth = max(0, depth - 1)
        if kind == "word":
            upper = value.upper()
            if form is None and depth == 0:
                if upper in UPDATE_WORDS:
                    raise UpdateRefused(
                        f"this endpoint is read-only: {upper} is a SPARQL Update operation and updates are "
                        "not accepted here (download the data from /downloads to modify your own copy)")
                if upper in QUERY_FORMS:
                    form = upper
                elif upper == "PREFIX":
                    expect = "prefix-name"
                    continue
                elif upper == "BASE":
                    expect = "base-iri"
                    continue
            if upper == "SERVICE":
                expect, service_silent, service_start = "service", False, m.start()
                continue
            if expect == "service" and upper == "SILENT":
                service_silent = True
                continue
            if upper == "LIMIT":
                limit_pending = True
                continue
            if upper == "FROM" and depth == 0:
                has_from = True
        if kind == "iri" and not relative and not _SCHEME.match(value, 1):
            relative = True  # (or a comparison such as ?a<?b&&?c>?d read as an IRI: a base does no harm)
        if expect == "prefix-name" and kind == "pname":
            pending_prefix, expect = value[:-1] if value.endswith(":") else value.split(":", 1)[0], "prefix-iri"
            continue
        if expect == "prefix-iri" and kind == "iri":
            prefixes[pending_prefix or ""] = _resolve(base, _iri(value))
            expect = None
            continue
        if expect == "base-iri" and kind == "iri":
            base = _resolve(base, _iri(value))
            expect = None
            continue
        if expect == "service":
            if kind == "iri":
                iri = _resolve(base, _iri(value))
                services.append(Service(iri, m.start(), m.end(), service_silent))
            elif kind == "pname":
                prefix, local = value.split(":", 1)
                if prefix not in prefixes:
                    raise QuerySyntaxError(f"SERVICE {value}: the prefix {prefix}: is not declared")
                services.append(Service(prefixes[prefix] + local.replace("\\", ""), m.start(), m.end(), service_silent))
            elif kind == "var":
                services.append(Service(None, m.start(), m.end(), service_silent, variable=value))
            else:  # never let a SERVICE through whose target this lexer could not read
                raise ServiceRefused(f"SERVICE at character {service_start}: its target {value!r} is not an IRI, "
                                     "a prefixed name or a variable")
            expect = None
        if limit_pending:
            limit_pending = False
            if kind == "number" and value.isdigit():
                last_limit = (depth, int(value))
    top_limit = last_limit[1] if last_limit and last_limit[0] == 0 else None
    return QueryShape(form=form, depth=max_seen, services=tuple(services), top_level_limit=top_limit,
                      has_dataset_clause=has_from, has_relative_iri=relative)


def rewrite_services(text: str, shape: QueryShape, targets: dict[str, str]) -> str:
    """Point allowed SERVICE clauses at ``targets[iri]`` (a local relay), from the end backwards."""
    out = text
    for svc in sorted(shape.services, key=lambda s: s.start, reverse=True):
        if svc.iri is not None and _normalise_endpoint(svc.iri) in targets:
            out = out[: svc.start] + f"<{targets[_normalise_endpoint(svc.iri)]}>" + out[svc.end:]
    return out


def where_clause_start(text: str) -> int:
    """The offset just after the ``{`` that opens the query's top-level WHERE clause.

    The clause is the group after a top-level ``WHERE``, or, where WHERE is left out, the first
    top-level group after the query form (the second for ``CONSTRUCT { template } { pattern }``).
    Raises ValueError when there is none (``DESCRIBE <iri>``) or it holds a template, not a pattern
    (``CONSTRUCT WHERE { ... }``). Meant for queries that already parsed.
    """
    depth = groups = 0
    form: str | None = None
    after_where = False
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        if kind == "word" and depth == 0:
            upper = m.group().upper()
            if form is None and upper in QUERY_FORMS:
                form = upper
            elif form is not None and upper == "WHERE":
                if form == "CONSTRUCT" and groups == 0:
                    raise ValueError("the short form CONSTRUCT WHERE { ... } has no pattern to bind values in")
                after_where = True
        elif kind == "open":
            if depth == 0 and form is not None and m.group() == "{":
                groups += 1
                if after_where or form != "CONSTRUCT" or groups == 2:
                    return m.end()
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
    raise ValueError("the query has no WHERE clause to bind values in")


@dataclass
class _Select:
    """The query itself (entry 0) or one of its sub-SELECTs: what it projects."""

    parent: int | None  # the enclosing SELECT (0: the query itself); None for the query
    projected: set[str] = field(default_factory=set)
    star: bool = False
    mentioned: set[str] = field(default_factory=set)  # variables written anywhere inside it


@dataclass
class _Group:
    """A group graph pattern ``{ ... }``: where a VALUES block can open it."""

    at: int  # offset just after its "{"
    owner: int  # the SELECT whose scope it is in
    where: bool  # it is the WHERE clause of its owner
    mentioned: set[str] = field(default_factory=set)
    wrapper: bool = False  # "{ SELECT ... }": nothing but the sub-SELECT may go in it


def _groups(text: str) -> tuple[list[_Select], list[_Group]]:
    """The SELECTs and group graph patterns of a query that parsed (with the lexer of ``analyse``)."""
    selects, groups = [_Select(parent=None)], []
    stack: list[tuple[int | None, int]] = []  # per open bracket: (the group it opens, or None; its scope)
    projecting: int | None = None  # the SELECT whose projection is being read
    paren = 0  # brackets opened inside that projection
    form: str | None = None
    template = expect_var = data_block = False
    previous = ""
    for m in _TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind in ("ws", "comment"):
            continue
        upper = value.upper() if kind == "word" else ""
        scope = projecting if projecting is not None else stack[-1][1] if stack else 0
        if form is None and upper in QUERY_FORMS:
            form = upper
            projecting, template = (0 if upper == "SELECT" else None), upper == "CONSTRUCT"
        elif upper == "SELECT":
            selects.append(_Select(parent=scope))
            projecting, paren = len(selects) - 1, 0
            if previous == "{" and stack and stack[-1][0] is not None:
                groups[stack[-1][0]].wrapper = True  # type: ignore[index]
        elif upper == "VALUES":
            data_block = True
        elif kind == "var":
            name = value[1:]
            for index, owner in stack:
                if index is not None:
                    groups[index].mentioned.add(name)
                selects[owner].mentioned.add(name)
            if projecting is not None:
                selects[projecting].mentioned.add(name)
                if paren == 0 or expect_var:
                    selects[projecting].projected.add(name)
        elif kind == "other" and value == "*" and projecting is not None and paren == 0:
            selects[projecting].star = True
        if kind == "open":
            index = None
            if value == "{" and data_block:
                data_block = False  # VALUES ... { rows }: data, not a pattern
            elif value == "{" and template and not stack:
                template = False  # CONSTRUCT's template; the next top-level group is the pattern
            elif value == "{":
                is_where = (projecting is not None and paren == 0) or not stack
                groups.append(_Group(m.end(), scope, is_where))
                index = len(groups) - 1
            if projecting is not None and value == "{" and paren == 0:
                projecting = None
            elif projecting is not None:
                paren += 1
            stack.append((index, scope))
        elif kind == "close":
            if projecting is not None and paren:
                paren -= 1
            if stack:
                stack.pop()
        expect_var = projecting is not None and upper == "AS"
        previous = value
    return selects, groups


def bind_values(text: str, bindings: list[tuple[str, str]]) -> str:
    """Bind variables to terms (SPARQL syntax) with VALUES blocks: SEP-0007 substitution, written as text.

    Oxigraph substitutes a variable in the whole query and in each sub-SELECT that projects it
    (through sub-SELECTs that all project it). Groups are evaluated bottom up, so one VALUES block
    outside would not reach a FILTER in a nested OPTIONAL: a block opens the WHERE clause of every
    SELECT the substitution reaches and every group in them that mentions the variable. That gives
    the substitution's answers (MINUS may differ: a join keeps the variable, a substitution removes
    it). The terms must be well-formed RDF terms written by the caller, never user text. Meant for
    queries that already parsed.
    """
    if not bindings:
        return text
    where_clause_start(text)  # raises when there is no pattern to bind values in
    selects, groups = _groups(text)

    def reaches(i: int, name: str) -> bool:
        sub = selects[i]
        if sub.parent is None:
            return True
        inside = name in sub.projected or (sub.star and name in sub.mentioned)
        return inside and reaches(sub.parent, name)

    at: dict[int, list[tuple[str, str]]] = {}
    for name, term in bindings:
        for g in groups:
            if not g.wrapper and (g.where or name in g.mentioned) and reaches(g.owner, name):
                at.setdefault(g.at, []).append((name, term))
    out = text
    for offset in sorted(at, reverse=True):
        names = " ".join(f"?{name}" for name, _ in at[offset])
        row = " ".join(term for _, term in at[offset])
        out = f"{out[:offset]} VALUES ({names}) {{ ({row}) }} {out[offset:]}"
    return out
