"""``talentkg wikidata …``: rebuild the extract (refresh, or seed offline) and propose links (reconcile)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from talentkg.config import WIKIDATA_ENDPOINT, Config
from talentkg.errors import LoadError, ServiceFailed, ValidationFailed

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE, EXIT_ENDPOINT = 0, 1, 2, 3


def _say(message: str) -> None:
    click.secho(f"· {message}", err=True, fg="bright_black")


def _config(ctx: click.Context) -> Config:
    return ctx.find_root().obj["config"]


def _load_data(config: Config) -> Any:
    """The parsed project (every graph), derived as for validation."""
    from talentkg.derivation import derive
    from talentkg.loading import discover, load_files

    loaded = load_files(discover(config))
    derive(loaded)
    return loaded


def _fail(message: str, code: int) -> None:
    click.secho(message, err=True, fg="red")
    sys.exit(code)


@click.group("wikidata")
def wikidata() -> None:
    """The Wikidata extract in data/wikidata/ (offline joins) and links to Wikidata."""


@wikidata.command()
@click.option("--reference", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Folder holding wikidata-qids.tsv and wikidata-facts.tsv (default: ../shared/reference).")
@click.pass_context
def seed(ctx: click.Context, reference: Path | None) -> None:
    """Build the extract and the ROR facts offline from the reference tables (no network)."""
    from talentkg.namespaces import GRAPH_DATA
    from talentkg.validation import validate_external
    from talentkg.wikidata.extract import serialise, write, write_atomically
    from talentkg.wikidata.seed import ROR_FILE, ROR_HEADER, seed as build_seed

    config = _config(ctx)
    reference = reference or (config.project_root.parent / "shared" / "reference")
    try:
        loaded = _load_data(config)
        seeded = build_seed(reference, loaded.graph(GRAPH_DATA))
    except LoadError as exc:
        _fail(f"cannot seed the extract:\n{exc.message}", EXIT_UNREADABLE)
    from talentkg.namespaces import GRAPH_ROR, GRAPH_WIKIDATA

    loaded.graphs[GRAPH_WIKIDATA] = seeded.statements + seeded.provenance
    loaded.graphs[GRAPH_ROR] = seeded.ror
    report = validate_external(loaded)
    if not report.conforms:
        click.secho(report.render(), err=True, fg="red")
        _fail("The seeded extract does not conform; nothing was written.", EXIT_INVALID)
    write(config.data_dir / "wikidata", seeded.statements, seeded.provenance, "seed")
    write_atomically(config.data_dir / "ror" / ROR_FILE, serialise(seeded.ror, ROR_HEADER))
    click.echo(f"wrote data/wikidata/ ({seeded.wikidata_facts} Wikidata facts) and data/ror/{ROR_FILE} "
               f"({seeded.ror_facts} ROR facts, kept apart from Wikidata's)")
