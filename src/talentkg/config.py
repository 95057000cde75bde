"""Settings: defaults, overridden by ``TALENTKG_*`` environment variables, then by code.

Nothing here touches the disk or network at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from talentkg import __version__

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
USER_AGENT = f"talentkg/{__version__} (https://w3id.org/talentkg/; linked-data research endpoint)"


def default_web_workers() -> int:
    """One web worker per CPU, at most four.

    A web worker runs every request's Python under one GIL (cache hits entirely); with one worker on a
    quiet 2-core machine talentkg used 1.05 cores at c=8 and a second worker doubled cached throughput
    (docs/performance.md). The store is shared copy-on-write; each worker brings its own query workers.
    """
    return max(1, min(os.cpu_count() or 1, 4))


def find_root() -> Path:
    """The folder holding ``ontology/``, ``data/``, ``shapes/`` and ``queries/``.

    A source checkout (editable install) uses the repository; an installed wheel uses the copy
    bundled inside the package.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent, here / "_bundled"):
        if (candidate / "ontology").is_dir() and (candidate / "data").is_dir():
            return candidate
    raise FileNotFoundError(
        "cannot find the talentkg data folders (ontology/, data/, shapes/); set TALENTKG_ROOT"
    )


@dataclass(frozen=True)
class Config:
    """Everything the app, the loader and the CLI need to know."""

    root: Path | None = None
    store: str | None = None  # unset or "memory": in memory; a directory: on disk; http(s)://…: a remote engine
    store_path: Path | None = None  # the older name of an on-disk ``store``
    store_union: bool = False  # a remote's default graph is already the union of its graphs: name none
    public_base: str = "https://w3id.org/talentkg/"
    query_timeout: float = 30.0
    max_rows: int = 50_000
    max_query_bytes: int = 256 * 1024
    max_request_bytes: int = 1024 * 1024
    max_nesting_depth: int = 100
    executors: int = 2
    max_waiting_queries: int = 8  # per web worker: queries waiting for a busy query worker; more get 503 at once
    max_body_readers: int = 8  # per web worker: requests still sending their bodies; more get 503 within 0.1 s
    web_workers: int = field(default_factory=default_web_workers)
    web_threads: int = 16
    web_server: str = "granian"  # `serve`'s HTTP server: granian or gunicorn (server.py)
    cache_max_bytes: int = 64 * 1024 * 1024
    service_allowlist: tuple[str, ...] = (WIKIDATA_ENDPOINT,)
    service_map: Mapping[str, str] = field(default_factory=dict)
    service_timeout: float = 20.0
    user_agent: str = USER_AGENT
    extra_data: tuple[Path, ...] = ()
    allocator: str = "mimalloc"  # the malloc `serve` runs on: mimalloc, system, or a library path (allocator.py)

    @property
    def store_location(self) -> str | None:
        """Where the data is served from: None (in memory), a directory, or a SPARQL endpoint URL."""
        location = self.store or (str(self.store_path) if self.store_path else None)
        return None if location in (None, "", "memory", ":memory:") else location

    @property
    def project_root(self) -> Path:
        return self.root if self.root is not None else find_root()

    @property
    def ontology_dir(self) -> Path:
        return self.project_root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.project_root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.project_root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.project_root / "queries"

    @property
    def note_path(self) -> Path:
        return self.data_dir / "source" / "note-recrutement-competences-numeriques-2019.md"

    def with_overrides(self, **changes: Any) -> "Config":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _parse(kind: Any, raw: str) -> Any:
    if kind in (bool, "bool"):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if kind in (int, "int"):
        return int(raw)
    if kind in (float, "float"):
        return float(raw)
    if "Path" in str(kind):
        return Path(raw) if raw else None
    if "tuple" in str(kind):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if "Mapping" in str(kind):
        # "iri=url,iri2=url2"
        pairs = (item.split("=", 1) for item in raw.split(",") if "=" in item)
        return {k.strip(): v.strip() for k, v in pairs}
    return raw


def load_config(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Defaults, then ``TALENTKG_<FIELD>`` environment variables, then ``overrides``."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Config):
        raw = env.get(f"TALENTKG_{f.name.upper()}")
        if raw is not None:
            values[f.name] = _parse(f.type, raw)
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    unknown = set(values) - {f.name for f in fields(Config)}
    if unknown:
        raise TypeError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    return Config(**values)
