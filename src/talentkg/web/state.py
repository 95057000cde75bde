"""What the running app holds: its settings, the store, the query engine."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from talentkg.config import Config
from talentkg.sparql.execution import QueryEngine
from talentkg.store import GraphStore


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

    def triple_count(self) -> int:
        """Counted once per process: the data is read-only, and counting scans the whole store."""
        if "triple_count" not in self.memo:
            self.memo["triple_count"] = self.store.triple_count()
        return self.memo["triple_count"]


def state(app: Flask | None = None) -> AppState:
    return (app or current_app).extensions["talentkg"]
