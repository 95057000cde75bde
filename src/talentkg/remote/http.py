"""HTTP to the remote engine: one keep-alive urllib3 pool per process, errors named for people.

urllib3 (the transport under ``requests``) is used directly: on this project's machine a query
through ``requests`` cost 1.5–2 ms of Python per call against 0.5–0.7 ms with urllib3, more than the
engine needs to answer a lookup (see docs/performance.md). The pool is thread-safe; query workers
are forked from the process that opened the store, so each process makes its own on first use and
never reuses inherited sockets. Credentials written in a URL (``https://user:pass@host/...``) are
sent as HTTP Basic authentication and never appear in messages.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

import pyoxigraph as ox
import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError, TimeoutError as Urllib3Timeout

from talentkg.errors import StoreUnavailable

#: Statuses that say the engine (or a proxy before it) is down or overloaded, not that the query is wrong.
UNAVAILABLE = {502, 503, 504}
CONNECT_TIMEOUT = 10.0  # seconds
POOL_SIZE = 32  # connections kept per host: web threads and query workers of one process

_lock = threading.Lock()
_pool: tuple[int, urllib3.PoolManager] | None = None


def pool() -> urllib3.PoolManager:
    """This process's connection pool."""
    global _pool
    with _lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), urllib3.PoolManager(num_pools=8, maxsize=POOL_SIZE, block=False, retries=False))
        return _pool[1]


@lru_cache(maxsize=64)
def _split(url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``url`` without credentials, and the Authorization header they make."""
    parts = urlsplit(url)
    if not (parts.username or parts.password):
        return url, ()
    auth = urllib3.make_headers(basic_auth=f"{unquote(parts.username or '')}:{unquote(parts.password or '')}")
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc)), tuple(auth.items())


def send(method: str, url: str, *, user_agent: str, timeout: float, what: str, body: Any = None,
         headers: dict[str, str] | None = None, params: list[tuple[str, str]] | None = None,
         stream: bool = False) -> urllib3.BaseHTTPResponse:
    """One request; raises StoreUnavailable when the engine cannot be reached or says it is unavailable.

    Other statuses are returned: what they mean depends on the request (``what`` names the engine in
    messages, e.g. "the remote store"). With ``stream`` the body is left to be read (and the response
    closed) by the caller.
    """
    target, auth = _split(url)
    if params:
        target += ("&" if "?" in target else "?") + urlencode(params)
    try:
        response = pool().request(method, target, body=body, headers={**dict(auth), "User-Agent": user_agent,
                                                                       **(headers or {})},
                                  timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=timeout),
                                  preload_content=not stream, redirect=False)
    except NewConnectionError as exc:  # a subclass of urllib3's timeouts, for compatibility
        raise StoreUnavailable(f"{what} at {public(url)} cannot be reached: {type(exc).__name__}") from None
    except Urllib3Timeout:
        raise StoreUnavailable(f"{what} at {public(url)} did not answer within {timeout:g} s") from None
    except HTTPError as exc:
        raise StoreUnavailable(f"{what} at {public(url)} cannot be reached: {type(exc).__name__}") from None
    if response.status in UNAVAILABLE:
        detail = message(response)
        raise StoreUnavailable(f"{what} at {public(url)} is unavailable ({response.status}"
                               + (f": {detail}" if detail else "") + ")")
    return response


def message(response: urllib3.BaseHTTPResponse, limit: int = 2000) -> str:
    """The engine's own explanation of an error, as short text (the response is finished)."""
    try:
        data = response.data or b""
    except HTTPError:
        data = b""
    finally:
        response.release_conn()
    return " ".join(data.decode("utf-8", errors="replace").split())[:limit]


def public(url: str) -> str:
    """``url`` without credentials or parameters, for messages."""
    parts = urlsplit(_split(url)[0])
    return urlunsplit(parts._replace(query="", fragment=""))


def select(endpoint: str, query: str, *, named_graphs: list[str], user_agent: str,
           timeout: float) -> ox.QuerySolutions:
    """A SELECT of talentkg's own (record, counts) over ``named_graphs``, read as SPARQL JSON."""
    response = send("POST", endpoint, body=query.encode("utf-8"), params=[("named-graph-uri", g) for g in named_graphs],
                    headers={"Accept": "application/sparql-results+json",
                             "Content-Type": "application/sparql-query; charset=utf-8"},
                    user_agent=user_agent, timeout=timeout, what="the remote store")
    if response.status != 200:
        raise RuntimeError(f"the remote store at {public(endpoint)} refused a query "
                           f"({response.status}): {message(response)}")
    return ox.parse_query_results(response.data, format=ox.QueryResultsFormat.JSON)  # type: ignore[return-value]
