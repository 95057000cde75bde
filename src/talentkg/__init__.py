"""talentkg: a knowledge graph and SPARQL endpoint about digital-talent programmes in public administrations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from flask import Flask


def create_app(config: Any = None) -> "Flask":
    """Build the Flask application (imported lazily so the CLI starts fast)."""
    from talentkg.web import create_app as _create_app

    return _create_app(config)


__all__ = ["__version__", "create_app"]
