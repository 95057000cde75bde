"""A polite SPARQL client for Wikidata's query service and its mirrors, on SPARQLWrapper.

Wikidata asks scripted clients for a descriptive User-Agent, one request at a time, and to wait as
long as ``Retry-After`` says after a 429 (clients that ignore it get banned). This client sends the
project's User-Agent, puts a timeout on every request, retries 429/503 (and a gateway error or a
dropped connection) after ``Retry-After`` or a short backoff, and gives up with a clear message
when asked to wait longer than it may. Short queries go by GET, which Wikidata caches.
"""

from __future__ import annotations

import json
import math
import socket
import time
import urllib.error
from dataclasses import dataclass, field
from typing import Any, Callable

from rdflib import Graph
from SPARQLWrapper import GET, JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from talentkg.errors import ServiceFailed
from talentkg.loading import verbatim_literals
from talentkg.retry_after import retry_after_seconds

RETRIED = (429, 502, 503, 504)
MAX_GET_QUERY = 1500  # characters of URL-encoded query sent by GET; longer ones by POST


class EndpointError(ServiceFailed):
    """The endpoint could not answer, or asked us to wait longer than we may."""


@dataclass
class Client:
    """One endpoint, asked one query at a time."""

    endpoint: str
    user_agent: str
    timeout: float = 60.0
    attempts: int = 4
    max_wait: float = 120.0  # seconds we accept to wait for one Retry-After
    say: Callable[[str], None] = lambda _message: None
    sleep: Callable[[float], None] = time.sleep
    sent: int = 0  # requests sent, retries included
    history: list[int] = field(default_factory=list)  # HTTP status of every request (0: no answer)

    def construct(self, query: str) -> Graph:
        """Run a CONSTRUCT and parse the Turtle (or N-Triples) answer."""
        body, content_type = self._run(query, TURTLE)
        graph = Graph()
        try:
            with verbatim_literals():  # Wikidata's terms as Wikidata writes them
                graph.parse(data=body, format="xml" if "rdf+xml" in content_type else "turtle")
        except Exception as exc:  # rdflib raises several parser errors
            raise EndpointError(f"{self.endpoint} answered something that is not RDF ({content_type}): {exc}") from exc
        return graph

    def select(self, query: str) -> list[dict[str, Any]]:
        """Run a SELECT; the SPARQL JSON bindings."""
        body, _content_type = self._run(query, JSON)
        try:
            return json.loads(body)["results"]["bindings"]
        except (ValueError, KeyError) as exc:
            raise EndpointError(f"{self.endpoint} did not answer SPARQL JSON results: {exc}") from exc

    def _wrapper(self, query: str, fmt: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.endpoint, agent=self.user_agent)
        wrapper.setQuery(query)
        wrapper.setReturnFormat(fmt)
        wrapper.setOnlyConneg(True)  # Accept header only: no format= parameter an endpoint may refuse
        wrapper.setTimeout(max(1, math.ceil(self.timeout)))
        if len(query) * 3 <= MAX_GET_QUERY:  # a percent-encoded character takes at most 3
            wrapper.setMethod(GET)
        else:
            wrapper.setMethod(POST)
            wrapper.setRequestMethod(URLENCODED)
        return wrapper

    def _run(self, query: str, fmt: str) -> tuple[bytes, str]:
        wrapper = self._wrapper(query, fmt)
        for attempt in range(1, self.attempts + 1):
            self.sent += 1
            try:
                result = wrapper.query()
                body = result.response.read()
                self.history.append(result.response.status)
                return body, result.response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as exc:  # statuses SPARQLWrapper does not map to its own errors
                self.history.append(exc.code)
                if exc.code not in RETRIED:
                    raise EndpointError(f"{self.endpoint} answered HTTP {exc.code}: {_snippet(exc.read())}") from exc
                wait = retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)
                asked = wait is not None
                wait = wait if asked else min(self.max_wait, 2.0 ** attempt)
                if wait > self.max_wait:
                    raise EndpointError(
                        f"{self.endpoint} answered HTTP {exc.code} and asks to wait {wait:.0f} s (Retry-After), "
                        f"longer than this command waits ({self.max_wait:.0f} s): try again later") from exc
                reason = f"HTTP {exc.code}"
            except SPARQLWrapperException as exc:  # 400, 401, 404, 414, 500: asking again will not help
                self.history.append(0)
                raise EndpointError(f"{self.endpoint} refused the query: {exc}") from exc
            except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as exc:
                self.history.append(0)
                asked, wait = False, min(self.max_wait, 2.0 ** attempt)
                reason = f"no answer ({getattr(exc, 'reason', exc)})"
            if attempt == self.attempts:
                raise EndpointError(f"{self.endpoint}: still {reason} after {self.attempts} attempts; try again later")
            self.say(f"{self.endpoint}: {reason}; waiting {wait:g} s"
                     + (" as its Retry-After asks" if asked else "") + " before asking again")
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover


def _snippet(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    return text[:300] + ("…" if len(text) > 300 else "")
