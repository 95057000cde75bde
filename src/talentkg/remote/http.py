"""HTTP to the remote engine: one keep-alive session per process and thread, errors named for people.

Query workers are forked from the process that opened the store, and the web server runs many
threads: a ``requests.Session`` (its pooled sockets) must be neither inherited across a fork nor
shared between threads, so each (process, thread) makes its own on first use.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import requests

from talentkg.errors import StoreUnavailable

#: Statuses that say the engine (or a proxy before it) is down or overloaded, not that the query is wrong.
UNAVAILABLE = {502, 503, 504}
CONNECT_TIMEOUT = 10.0  # seconds

_local = threading.local()


def session(user_agent: str) -> requests.Session:
    """This process's and this thread's session."""
    current = getattr(_local, "session", None)
    if current is None or _local.pid != os.getpid():
        current = requests.Session()
        current.headers["User-Agent"] = user_agent
        _local.session, _local.pid = current, os.getpid()
    return current


def send(method: str, url: str, *, user_agent: str, timeout: float, what: str, **kwargs: Any) -> requests.Response:
    """One request; raises StoreUnavailable when the engine cannot be reached or says it is unavailable.

    Other error statuses are returned: what they mean depends on the request (``what`` names it in
    messages, e.g. "the remote store").
    """
    try:
        response = session(user_agent).request(method, url, timeout=(CONNECT_TIMEOUT, timeout), **kwargs)
    except requests.Timeout:
        raise StoreUnavailable(f"{what} at {public(url)} did not answer within {timeout:g} s") from None
    except requests.RequestException as exc:
        raise StoreUnavailable(f"{what} at {public(url)} cannot be reached: {type(exc).__name__}") from None
    if response.status_code in UNAVAILABLE:
        detail = message(response)
        response.close()
        raise StoreUnavailable(f"{what} at {public(url)} is unavailable ({response.status_code}"
                               + (f": {detail}" if detail else "") + ")")
    return response


def message(response: requests.Response, limit: int = 2000) -> str:
    """The engine's own explanation of an error, as short text."""
    try:
        text = response.text
    except (requests.RequestException, ValueError):
        return ""
    return " ".join(text.split())[:limit]


def public(url: str) -> str:
    """``url`` without credentials, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts._replace(query=""))
