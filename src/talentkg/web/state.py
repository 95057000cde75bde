"""What the running app holds: its settings, the store, the query engine."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from cachetools import LRUCache
from flask import Flask, current_app

from talentkg.config import Config
from talentkg.sparql.execution import QueryEngine
from talentkg.store import GraphStore

T = TypeVar("T")

HOST_VARIANTS = 32  # documents naming the host they were asked on, kept per process (least recent out)


@dataclass
class AppState:
    config: Config
    store: GraphStore
    engine: QueryEngine
    started: float = field(default_factory=time.time)
    memo: dict[str, Any] = field(default_factory=dict)  # derived documents (dumps, pages, counts)
    by_host: LRUCache = field(default_factory=lambda: LRUCache(maxsize=HOST_VARIANTS))
    _by_host_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def version(self) -> str:
        return self.store.info.version

    def remember(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, once per process and key: the data served never changes while it runs.

        (A ``memo.setdefault(key, compute())`` would compute on every call; the home page once counted
        every triple per visit that way.) Two threads may both compute a missing value; one is kept.
        """
        if key not in self.memo:
            self.memo.setdefault(key, compute())
        return self.memo[key]

    def remember_for_host(self, key: str, host_url: str, compute: Callable[[], T]) -> T:
        """``compute()`` for a document that names the host it was asked on (service description, VoID, DCAT).

        The ``Host`` header is the client's to choose: with ``remember``, a client varying it would add
        one document per value for the life of the process. These are kept in a bounded LRU instead.
        """
        with self._by_host_lock:
            value = self.by_host.get((key, host_url))
        if value is None:
            value = compute()
            with self._by_host_lock:
                self.by_host[(key, host_url)] = value
        return value

    def triple_count(self) -> int:
        return self.remember("triple_count", self.store.triple_count)


def state(app: Flask | None = None) -> AppState:
    return (app or current_app).extensions["talentkg"]
