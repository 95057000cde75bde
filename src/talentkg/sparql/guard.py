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
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
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

    @property
    def is_graph_result(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def _is_public_http(iri: str) -> str | None:
    """None when ``iri`` is an http(s) URL to a public host; else the reason it is not."""
    parts = urlsplit(iri)
    if parts.scheme.lower() not in ("http", "https"):
        return f"the scheme {parts.scheme or '(none)'}: is not HTTP(S)"
    host = (parts.hostname or "").strip("[]").lower()
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
    """Lex ``text`` once; raise a clear error for updates, excessive nesting or an unknown form."""
    return _analyse(text, max_depth, max_bytes)


@lru_cache(maxsize=2048)
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
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        value = m.group()
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
        if expect == "prefix-name" and kind == "pname":
            pending_prefix, expect = value[:-1] if value.endswith(":") else value.split(":", 1)[0], "prefix-iri"
            continue
        if expect == "prefix-iri" and kind == "iri":
            prefixes[pending_prefix or ""] = urljoin(base, value[1:-1]) if base else value[1:-1]
            expect = None
            continue
        if expect == "base-iri" and kind == "iri":
            base = urljoin(base, value[1:-1]) if base else value[1:-1]
            expect = None
            continue
        if expect == "service":
            if kind == "iri":
                iri = urljoin(base, value[1:-1]) if base else value[1:-1]
                services.append(Service(iri, m.start(), m.end(), service_silent))
            elif kind == "pname":
                prefix, local = value.split(":", 1)
                if prefix not in prefixes:
                    raise QuerySyntaxError(f"SERVICE {value}: the prefix {prefix}: is not declared")
                services.append(Service(prefixes[prefix] + local.replace("\\", ""), m.start(), m.end(), service_silent))
            elif kind == "var":
                services.append(Service(None, m.start(), m.end(), service_silent, variable=value))
            expect = None
        if limit_pending:
            limit_pending = False
            if kind == "number" and value.isdigit():
                last_limit = (depth, int(value))
    top_limit = last_limit[1] if last_limit and last_limit[0] == 0 else None
    return QueryShape(form=form, depth=max_seen, services=tuple(services), top_level_limit=top_limit,
                      has_dataset_clause=has_from)


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


def bind_values(text: str, bindings: list[tuple[str, str]]) -> str:
    """Bind variables to terms (SPARQL syntax) with a VALUES block opening the WHERE clause.

    This is how SEP-0007 substitution (what Oxigraph does for ``substitutions=``) is sent to an engine
    that only takes query text: the values join the whole top-level pattern, so its FILTERs, OPTIONALs
    and EXISTS see them. The terms must be well-formed RDF terms written by the caller, never user text.
    """
    if not bindings:
        return text
    at = where_clause_start(text)
    names = " ".join(f"?{name}" for name, _ in bindings)
    row = " ".join(term for _, term in bindings)
    return f"{text[:at]} VALUES ({names}) {{ ({row}) }} {text[at:]}"
