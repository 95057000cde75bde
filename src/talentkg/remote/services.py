"""SERVICE on a remote store: the engine makes the calls itself, so the worker's relay cannot be used.

The guard has checked every SERVICE target against the allow-list before the query got here; the
only thing left is to send an allowed target to its configured mirror (``Config.service_map``) by
rewriting the IRI. The User-Agent, timeout and retries of those calls are then the remote engine's.
This object stands in for :class:`talentkg.sparql.federation.ServiceRelay` in the query workers.
"""

from __future__ import annotations

from typing import Any, Mapping


class MappedServices:
    """Allowed SERVICE IRI → the URL the remote engine should call (a mirror, or the IRI itself)."""

    def __init__(self, allowlist: tuple[str, ...], service_map: Mapping[str, str]) -> None:
        mapped = {k.rstrip("/"): v for k, v in service_map.items()}
        self._targets = {iri.rstrip("/"): mapped.get(iri.rstrip("/"), iri) for iri in allowlist}
        self.trace: list[dict[str, Any]] = []  # the engine's calls are not seen from here

    def targets(self) -> dict[str, str]:
        return dict(self._targets)
