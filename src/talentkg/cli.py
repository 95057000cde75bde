"""The ``talentkg`` command: validate the data, serve it, query it, export it, describe it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from talentkg import __version__
from talentkg.config import Config, load_config
from talentkg.errors import LoadError, StoreNotCurrent, StoreUnavailable, ValidationFailed

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE, EXIT_STORE = 0, 1, 2, 3

GRAPH_ALIASES = {
    "data": "https://w3id.org/talentkg/graph/data",
    "ontology": "https://w3id.org/talentkg/graph/ontology",
    "shapes": "https://w3id.org/talentkg/graph/shapes",
    "wikidata": "https://w3id.org/talentkg/graph/wikidata",
    "ror": "https://w3id.org/talentkg/graph/ror",
}


def _progress(message: str) -> None:
    click.secho(f"· {message}", err=True, fg="bright_black")


def _config(ctx: click.Context, **overrides: Any) -> Config:
    base: Config = ctx.obj["config"]
    return base.with_overrides(**overrides)


def _fail_unreadable(exc: LoadError) -> NoReturn:
    click.secho(f"cannot read the input:\n{exc.message}", err=True, fg="red")
    sys.exit(EXIT_UNREADABLE)


def _fail_invalid(report: Any) -> NoReturn:
    click.secho(report.render(), err=True, fg="red")
    click.secho("The data does not conform; nothing was loaded.", err=True, fg="red")
    sys.exit(EXIT_INVALID)


def open_store(config: Config, *, quiet: bool = False) -> Any:
    """The configured store with validated data, or exit with the validation report."""
    from talentkg.store import open_store as _open

    try:
        return _open(config, progress=None if quiet else _progress)
    except LoadError as exc:
        _fail_unreadable(exc)
    except ValidationFailed as exc:
        _fail_invalid(exc.report)
    except (StoreNotCurrent, StoreUnavailable) as exc:
        _fail_store(exc.message)


def _fail_store(message: str) -> NoReturn:
    click.secho(f"cannot use the store: {message}", err=True, fg="red")
    sys.exit(EXIT_STORE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="talentkg")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder holding ontology/, data/ and shapes/ (default: the bundled data).")
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """talentkg: the knowledge graph of programmes that bring digital talent into public administrations."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = load_config({"root": root})


@main.command()
@click.option("--with", "extra", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Also validate this Turtle file (or folder) as if it were part of data/.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def validate(ctx: click.Context, extra: tuple[Path, ...], fmt: str) -> None:
    """Validate ontology and data with the SHACL shapes; exit 0 conforms, 1 violations, 2 unreadable."""
    from talentkg.pipeline import load_and_validate

    config = _config(ctx, extra_data=tuple(extra) or None)
    try:
        _loaded, report = load_and_validate(config, progress=_progress if fmt == "text" else None)
    except LoadError as exc:
        if fmt == "json":
            import json

            click.echo(json.dumps({"conforms": False, "unreadable": exc.message, "path": exc.path,
                                   "line": exc.line, "column": exc.column}, ensure_ascii=False))
            sys.exit(EXIT_UNREADABLE)
        _fail_unreadable(exc)
    if fmt == "json":
        click.echo(report.to_json())
    elif report.conforms:
        click.secho(report.render(), fg="green")
    else:
        click.secho(report.render(), fg="red")
    sys.exit(EXIT_OK if report.conforms else EXIT_INVALID)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--store", "store", default=None, metavar="DIR|URL",
              help="Keep the store on disk in DIR (reopened without reloading when the data is unchanged), or "
                   "serve the remote SPARQL 1.1 endpoint at URL, loaded by `talentkg load --store URL`.")
@click.option("--dev", is_flag=True, help="Use Flask's development server (one process, auto-reload off).")
@click.option("--server", "web_server", type=click.Choice(["granian", "gunicorn"]), default=None,
              help="The HTTP server (default: granian, or TALENTKG_WEB_SERVER).")
@click.option("--workers", type=int, default=None, help="Web worker processes (default: one per CPU, at most 4).")
@click.option("--threads", type=int, default=None, help="Threads per web worker.")
@click.option("--executors", type=int, default=None, help="Query evaluation processes per web worker.")
@click.option("--timeout", "query_timeout", type=float, default=None, help="Query time limit in seconds.")
@click.option("--offline", is_flag=True, help="Map Wikidata's endpoint to nothing: SERVICE calls are refused.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, store: str | None, dev: bool, web_server: str | None,
          workers: int | None, threads: int | None, executors: int | None, query_timeout: float | None, offline: bool) -> None:
    """Serve the SPARQL endpoint, saved queries and linked-data pages; refuses invalid data."""
    config = _config(ctx, store=store, web_server=web_server, web_workers=workers, web_threads=threads,
                     executors=executors, query_timeout=query_timeout,
                     service_allowlist=() if offline else None)
    if config.web_server not in ("granian", "gunicorn"):
        click.secho(f"cannot serve: web_server={config.web_server!r} (TALENTKG_WEB_SERVER); use granian or gunicorn",
                    err=True, fg="red")
        sys.exit(EXIT_INVALID)
    if not dev:
        from talentkg import allocator

        try:
            allocator.reexec_with(config.allocator, "serve")
        except FileNotFoundError as exc:
            click.secho(f"cannot serve: {exc}", err=True, fg="red")
            sys.exit(EXIT_INVALID)
    store = open_store(config)
    store_info = f" ({store.backend})" if store.backend != "memory" else ""
    click.secho(f"· data version {store.info.version}: {store.triple_count()} triples{store_info}", err=True,
                fg="bright_black")
    from talentkg.catalogue import CatalogueError
    from talentkg.server import run

    try:
        run(config, store, host=host, port=port, dev=dev)
    except CatalogueError as exc:  # a malformed queries/*.rq, found while the app is built
        click.secho(f"cannot serve: {exc.message}", err=True, fg="red")
        sys.exit(EXIT_INVALID)


@main.command()
@click.option("--store", "store", required=True, metavar="URL|DIR",
              help="The remote's SPARQL 1.1 query endpoint (http/https), or a directory for an on-disk store.")
@click.option("--graph-store", default=None, metavar="URL",
              help="The remote's Graph Store Protocol endpoint (default: derived from the query endpoint of "
                   "oxigraph serve, Fuseki, RDF4J or GraphDB).")
@click.pass_context
def load(ctx: click.Context, store: str, graph_store: str | None) -> None:
    """Validate the data, then load it into a store; nothing is loaded unless it validates.

    A remote store gets each named graph by a Graph Store Protocol PUT (loading twice leaves the
    same data) and a record of the data version, which `serve --store URL` checks.
    """
    from talentkg.remote.http import public
    from talentkg.store import is_url

    config = _config(ctx, store=store)
    if not is_url(store):
        opened = open_store(config)
        click.secho(f"· {opened.path}: data version {opened.info.version}, {opened.triple_count()} triples "
                    f"({'already loaded' if opened.info.reused else 'loaded'})", err=True, fg="bright_black")
        return
    from talentkg.pipeline import prepare
    from talentkg.remote.load import graph_store_url, push

    target = graph_store or graph_store_url(store)
    if target is None:
        raise click.UsageError(f"cannot tell the Graph Store Protocol endpoint of {public(store)}: give --graph-store")
    try:
        prepared = prepare(config, progress=_progress)
    except LoadError as exc:
        _fail_unreadable(exc)
    except ValidationFailed as exc:
        _fail_invalid(exc.report)
    try:
        counts = push(prepared.nquads, prepared.version, store, target, user_agent=config.user_agent,
                      progress=_progress)
    except (StoreUnavailable, RuntimeError, ValueError) as exc:
        _fail_store(getattr(exc, "message", str(exc)))
    click.secho(f"· {public(store)} holds data version {prepared.version}: {sum(counts.values())} triples "
                f"in {len(counts)} named graphs", err=True, fg="bright_black")


@main.command()
@click.argument("query", required=False)
@click.option("--file", "-f", "query_file", type=click.File("r", encoding="utf-8"), help="Read the query from a file.")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml", "trig"]))
@click.pass_context
def query(ctx: click.Context, query: str | None, query_file: Any, fmt: str) -> None:
    """Run a SPARQL query (a string or --file) on the data and print the result."""
    from talentkg.errors import TalentKGError
    from talentkg.sparql.execution import run_local

    text = query_file.read() if query_file else query
    if not text:
        raise click.UsageError("give a query string or --file")
    store = open_store(_config(ctx), quiet=True)
    try:
        click.echo(run_local(store, text, fmt), nl=False)
    except TalentKGError as exc:
        click.secho(f"error: {exc.message}", err=True, fg="red")
        sys.exit(EXIT_INVALID)


@main.command()
@click.option("--format", "fmt", default="turtle", show_default=True,
              type=click.Choice(["turtle", "ntriples", "nquads", "jsonld", "trig", "rdfxml"]))
@click.option("--graph", type=click.Choice(sorted(GRAPH_ALIASES)), default=None,
              help="Only this named graph (default: everything; TriG/N-Quads keep the graph names).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def export(ctx: click.Context, fmt: str, graph: str | None, output: Path | None) -> None:
    """Export the validated graph as Turtle, N-Triples, N-Quads, JSON-LD, TriG or RDF/XML."""
    store = open_store(_config(ctx), quiet=True)
    data = store.export(fmt, GRAPH_ALIASES.get(graph) if graph else None)
    if output:
        output.write_bytes(data)
        click.secho(f"· wrote {len(data)} bytes to {output}", err=True, fg="bright_black")
    else:
        sys.stdout.buffer.write(data)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Triples per named graph and instances per class."""
    store = open_store(_config(ctx), quiet=True)
    graphs, classes = store.triples_per_graph(), store.instances_per_class()
    if fmt == "json":
        import json

        click.echo(json.dumps({"version": store.info.version, "graphs": graphs, "classes": classes}, indent=2))
        return
    click.echo(f"data version {store.info.version}\n\ntriples per graph")
    for g, n in graphs.items():
        click.echo(f"  {n:>8}  {g}")
    click.echo(f"  {sum(graphs.values()):>8}  total\n\ninstances per class")
    for c, n in classes.items():
        click.echo(f"  {n:>8}  {c}")


@main.command("queries")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def list_queries(ctx: click.Context, fmt: str) -> None:
    """List the saved comparison queries (queries/*.rq) with their parameters."""
    from talentkg.catalogue import CatalogueError, load_catalogue

    try:
        catalogue = load_catalogue(_config(ctx).queries_dir)
    except CatalogueError as exc:
        click.secho(f"error: {exc.message}", err=True, fg="red")
        sys.exit(EXIT_INVALID)
    if fmt == "json":
        import json

        click.echo(json.dumps([q.to_json() for q in catalogue], ensure_ascii=False, indent=2))
        return
    for q in catalogue:
        click.echo(f"{q.name}\n    {q.summary}")
        for p in q.params:
            default = f", default {p.default}" if p.default is not None else ""
            click.echo(f"    --param {p.name}=<{p.type}{default}>  {p.description}")


@main.command("run")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the saved query.")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "xml", "csv", "tsv"]))
@click.pass_context
def run_query(ctx: click.Context, name: str, params: tuple[str, ...], fmt: str) -> None:
    """Run the saved query NAME (see `talentkg queries`) and print its result."""
    from talentkg.catalogue import CatalogueError, bind, load_catalogue
    from talentkg.errors import TalentKGError
    from talentkg.sparql.execution import run_local

    config = _config(ctx)
    pairs = []
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--param {item!r}: write KEY=VALUE")
        pairs.append((key.strip(), value))
    try:
        query = load_catalogue(config.queries_dir).require(name)
        substitutions = bind(query, pairs)
    except (CatalogueError, TalentKGError) as exc:
        click.secho(f"error: {exc.message}", err=True, fg="red")
        sys.exit(EXIT_INVALID)
    store = open_store(config, quiet=True)
    try:
        click.echo(run_local(store, query.text, fmt, substitutions=substitutions), nl=False)
    except TalentKGError as exc:
        click.secho(f"error: {exc.message}", err=True, fg="red")
        sys.exit(EXIT_INVALID)


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file (default: standard output).")
@click.option("--check", "check", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Compare the report with this committed file; exit 1 if it is out of date.")
@click.pass_context
def coverage(ctx: click.Context, output: Path | None, check: Path | None) -> None:
    """Statements per programme and per section of the note, and the sentences no quote covers yet."""
    from talentkg.coverage import compute, render_markdown
    from talentkg.derivation import derive
    from talentkg.loading import discover, load_files
    from talentkg.namespaces import GRAPH_DATA

    config = _config(ctx)
    try:
        loaded = load_files(discover(config, include_shapes=False))
    except LoadError as exc:
        _fail_unreadable(exc)
    derive(loaded)
    report = render_markdown(compute(loaded.graph(GRAPH_DATA), loaded.origins, config.note_path))
    if check is not None:
        current = check.read_text(encoding="utf-8") if check.is_file() else ""
        if current != report:
            click.secho(f"{check} is out of date: regenerate it with `talentkg coverage --output {check}`.",
                        err=True, fg="red")
            sys.exit(EXIT_INVALID)
        click.secho(f"· {check} is up to date", err=True, fg="bright_black")
    elif output is not None:
        output.write_text(report, encoding="utf-8")
        click.secho(f"· wrote {output}", err=True, fg="bright_black")
    else:
        click.echo(report, nl=False)

from talentkg.wikidata.commands import wikidata as _wikidata_commands  # noqa: E402

main.add_command(_wikidata_commands)

if __name__ == "__main__":  # pragma: no cover
    main()
