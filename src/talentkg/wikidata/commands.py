"""``talentkg wikidata …``: rebuild the extract (refresh, or seed offline) and propose links (reconcile)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from talentkg.config import WIKIDATA_ENDPOINT, Config
from talentkg.errors import LoadError, ValidationFailed

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE, EXIT_ENDPOINT = 0, 1, 2, 3


def _say(message: str) -> None:
    click.secho(f"· {message}", err=True, fg="bright_black")


def _config(ctx: click.Context) -> Config:
    return ctx.find_root().obj["config"]


def _load_data(config: Config) -> Any:
    """The parsed project, every graph. Not derived: links and names are written in the data itself."""
    from talentkg.loading import discover, load_files

    return load_files(discover(config))


def _fail(message: str, code: int) -> NoReturn:
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
    from talentkg.namespaces import GRAPH_DATA, GRAPH_ROR, GRAPH_WIKIDATA
    from talentkg.validation import validate_external
    from talentkg.wikidata.extract import ENTITIES_FILE, PROVENANCE_FILE, install, serialise, write, write_atomically
    from talentkg.wikidata.seed import ROR_FILE, ROR_HEADER, seed as build_seed

    config = _config(ctx)
    reference = reference or (config.project_root.parent / "shared" / "reference")
    try:
        loaded = _load_data(config)
        seeded = build_seed(reference, loaded.graph(GRAPH_DATA))
    except LoadError as exc:
        _fail(f"cannot seed the extract:\n{exc.message}", EXIT_UNREADABLE)
    install(loaded, GRAPH_WIKIDATA, {f"data/wikidata/{ENTITIES_FILE}": seeded.statements,
                                     f"data/wikidata/{PROVENANCE_FILE}": seeded.provenance})
    install(loaded, GRAPH_ROR, {f"data/ror/{ROR_FILE}": seeded.ror})
    report = validate_external(loaded)
    if not report.conforms:
        click.secho(report.render(), err=True, fg="red")
        _fail("The seeded extract does not conform; nothing was written.", EXIT_INVALID)
    write(config.data_dir / "wikidata", seeded.statements, seeded.provenance, "seed")
    write_atomically(config.data_dir / "ror" / ROR_FILE, serialise(seeded.ror, ROR_HEADER))
    click.echo(f"wrote data/wikidata/ ({seeded.wikidata_facts} Wikidata facts) and data/ror/{ROR_FILE} "
               f"({seeded.ror_facts} ROR facts, kept apart from Wikidata's)")
    if seeded.skipped_labels:
        click.echo("left out labels the tables no longer show to be Wikidata's: " + ", ".join(seeded.skipped_labels))


@wikidata.command()
@click.option("--endpoint", default=WIKIDATA_ENDPOINT, show_default=True,
              help="SPARQL endpoint holding Wikidata (or a mirror of it).")
@click.option("--batch-size", type=click.IntRange(1, 500), default=50, show_default=True,
              help="Entities per request (VALUES batch).")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait for one answer.")
@click.option("--max-wait", type=float, default=120.0, show_default=True,
              help="Longest Retry-After (seconds) to honour before giving up.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.pass_context
def refresh(ctx: click.Context, endpoint: str, batch_size: int, timeout: float, max_wait: float, dry_run: bool) -> None:
    """Rebuild data/wikidata/ from a live endpoint; validate it before it replaces the old extract.

    Exit 0 when written (or nothing changed), 1 when the new extract does not conform, 2 when the
    project cannot be read, 3 when the endpoint cannot answer. The old extract stays unless 0.
    """
    from talentkg.wikidata.client import EndpointError
    from talentkg.wikidata.refresh import refresh as run_refresh

    config = _config(ctx)
    try:
        loaded = _load_data(config)
        result = run_refresh(loaded, config, endpoint, batch_size=batch_size, timeout=timeout, max_wait=max_wait,
                             dry_run=dry_run, say=_say)
    except LoadError as exc:
        _fail(f"cannot read the project:\n{exc.message}", EXIT_UNREADABLE)
    except EndpointError as exc:
        _fail(f"{exc.message}\nThe extract in data/wikidata/ was left as it was.", EXIT_ENDPOINT)
    except ValidationFailed as exc:
        click.secho(exc.report.render(), err=True, fg="red")
        _fail("The refreshed extract does not conform; data/wikidata/ was left as it was.", EXIT_INVALID)
    click.echo(result.changes.render())
    if result.dropped:
        click.echo(f"left out {len(result.dropped)} triple(s) the extract does not keep (e.g. Wikidata 'unknown value')")
    verb = "would write" if dry_run else "wrote"
    click.echo(f"{verb} data/wikidata/: {result.facts} facts about {result.entities} linked entities "
               f"({result.batches} batch(es), {result.requests} request(s) to {endpoint})")


@wikidata.command()
@click.option("--endpoint", default=WIKIDATA_ENDPOINT, show_default=True,
              help="SPARQL endpoint holding Wikidata (or a mirror of it).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the proposals as a TSV review file (never inside data/).")
@click.option("--batch-size", type=click.IntRange(1, 100), default=10, show_default=True,
              help="Organisations per request.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait for one answer.")
@click.pass_context
def reconcile(ctx: click.Context, endpoint: str, output: Path | None, batch_size: int, timeout: float) -> None:
    """Propose Wikidata identifiers for unlinked organisations, for a person to review (writes no data)."""
    from talentkg.namespaces import GRAPH_DATA
    from talentkg.wikidata.client import Client, EndpointError
    from talentkg.wikidata.reconcile import propose, rows, unlinked_organisations, value_labels, write_review

    config = _config(ctx)
    if output is not None:
        target, data_dir = output.resolve(), config.data_dir.resolve()
        if target == data_dir or data_dir in target.parents:
            _fail(f"refusing to write {output} inside {config.data_dir}: proposals are for a person to review, "
                  "never data", EXIT_UNREADABLE)
    try:
        loaded = _load_data(config)
        organisations = unlinked_organisations(loaded.graph(GRAPH_DATA))
        client = Client(endpoint, config.user_agent, timeout=timeout, say=_say)
        candidates = propose(client, organisations, batch_size=batch_size, say=_say)
        review = rows(organisations, candidates, value_labels(client, candidates))
    except LoadError as exc:
        _fail(f"cannot read the project:\n{exc.message}", EXIT_UNREADABLE)
    except EndpointError as exc:
        _fail(exc.message, EXIT_ENDPOINT)
    current = None
    for row in review:
        if row["entity"] != current:
            current = row["entity"]
            click.echo(f"\n{row['entity_label_en']} <{row['entity']}>")
        if row.get("candidate_qid"):
            click.echo(f"  {row['candidate_qid']:>12}  score {row['score']:>2}  {row['candidate_label_en']}"
                       f" — {row['candidate_description_en'] or '(no description)'}"
                       f" [{row['match']}: {row['matched_name']}; country {row['country_check']}"
                       f"{': ' + row['country'] if row['country'] else ''}"
                       f"{'; instance of ' + row['instance_of'] if row['instance_of'] else ''}]")
        else:
            click.echo("  no candidate")
    found = sum(1 for r in review if r.get("candidate_qid"))
    click.echo(f"\n{found} candidate(s) for {len(organisations)} unlinked organisation(s). Nothing was written "
               "to the data: record accepted identifiers, with their evidence, in the reference table "
               "(wikidata-qids.tsv), then link them with owl:sameAs.")
    if output is not None:
        write_review(output, review)
        click.echo(f"review file: {output}")
