"""What the running app holds: its settings, the store, the query engine."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from flask import Flask, current_app

from talentkg.config import Config
from talentkg.sparql.execution import QueryEngine
from talentkg.store import GraphStore

T = TypeVar("T")


@dataclass
class AppState:
    config: Config
    store: GraphStore
    engine: QueryEngine
    started: float = field(default_factory=time.time)
    memo: dict[str, Any] = field(default_factory=dict)  # derived documents (VoID, service description)

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

    def triple_count(self) -> int:
        return self.remember("triple_count", self.store.triple_count)


def state(app: Flask | None = None) -> AppState:
    return (app or current_app).extensions["talentkg"]
