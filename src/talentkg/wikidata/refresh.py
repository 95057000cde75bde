"""Rebuild the Wikidata extract from a live SPARQL endpoint; validate it before it replaces the old one.

The linked entities are asked in VALUES batches with the extract's own rebuild query (the one its
provenance records). Only what the extract is meant to hold is kept (truthy values of the chosen
properties, English and French labels, on Wikidata items); Wikidata's "unknown value" nodes are
dropped and counted. The new extract is validated together with the rest of the project and only
then written; what changed is returned for the command to print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from talentkg.config import Config
from talentkg.errors import ValidationFailed
from talentkg.loading import LoadedGraphs, new_graph
from talentkg.namespaces import GRAPH_DATA, GRAPH_WIKIDATA
from talentkg.validation import validate_external
from talentkg.wikidata.client import Client, EndpointError
from talentkg.wikidata.extract import (ENTITIES_FILE, PROVENANCE_FILE, Activity, Fact, Source, build, install,
                                       linked_entities, now, rebuild_query, wikidata_triples, write)
from talentkg.wikidata.terms import LABEL_LANGUAGES, PROPERTIES, is_wikidata_property, qid_of, wdt

Triple = tuple[Node, Node, Node]
KEPT_PROPERTIES = frozenset(wdt(pid) for pid in PROPERTIES)


@dataclass
class Changes:
    """Wikidata triples the new extract adds and removes."""

    added: list[Triple]
    removed: list[Triple]
    unchanged: int

    def render(self) -> str:
        names = new_graph().namespace_manager
        text = lambda t: " ".join(term.n3(names) for term in t)  # noqa: E731
        lines = [f"+ {text(t)}" for t in self.added] + [f"- {text(t)}" for t in self.removed]
        lines.append(f"{len(self.added)} added, {len(self.removed)} removed, {self.unchanged} unchanged")
        return "\n".join(lines)


@dataclass
class Refreshed:
    """The outcome of a refresh."""

    changes: Changes
    entities: int
    facts: int
    batches: int
    requests: int
    dropped: list[Triple] = field(default_factory=list)
    written: bool = False


def _sort_key(t: Triple) -> tuple[str, ...]:
    return tuple(term.n3() for term in t)


def keep(graph: Graph) -> tuple[set[Triple], list[Triple]]:
    """The triples the extract holds, and the ones it leaves out (unknown values, other shapes)."""
    kept, dropped = set(), []
    for s, p, o in graph:
        if not qid_of(s):
            dropped.append((s, p, o))
        elif p == RDFS.label:
            if isinstance(o, Literal) and o.language in LABEL_LANGUAGES:
                kept.add((s, p, o))
        elif p in KEPT_PROPERTIES and not isinstance(o, BNode) and "/.well-known/genid/" not in str(o):
            kept.add((s, p, o))
        elif is_wikidata_property(p):
            dropped.append((s, p, o))  # "unknown value" (a blank node / genid IRI) or an unasked property
    return kept, sorted(dropped, key=_sort_key)


def batches(entities: list[URIRef], size: int) -> Iterable[list[URIRef]]:
    for start in range(0, len(entities), max(1, size)):
        yield entities[start:start + max(1, size)]


def diff(old: set[Triple], new: set[Triple]) -> Changes:
    return Changes(sorted(new - old, key=_sort_key), sorted(old - new, key=_sort_key), len(old & new))


def refresh(loaded: LoadedGraphs, config: Config, endpoint: str, *, batch_size: int = 50, timeout: float = 60.0,
            max_wait: float = 120.0, dry_run: bool = False, say: Callable[[str], None] = lambda _m: None) -> Refreshed:
    """Ask ``endpoint`` for every linked entity, validate, and (unless ``dry_run``) write data/wikidata/.

    Raises EndpointError when the endpoint cannot answer and ValidationFailed when the new extract does
    not conform; in both cases nothing is written.
    """
    entities = linked_entities(loaded.graph(GRAPH_DATA))
    client = Client(endpoint, config.user_agent, timeout=timeout, max_wait=max_wait, say=say)
    started = now()
    found: set[Triple] = set()
    dropped: list[Triple] = []
    count = 0
    for count, batch in enumerate(batches(entities, batch_size), start=1):
        say(f"asking {endpoint} about {len(batch)} entities (batch {count})")
        kept, left_out = keep(client.construct(rebuild_query(batch)))
        found |= kept
        dropped += left_out
    ended = now()
    old = wikidata_triples(loaded.graph(GRAPH_WIKIDATA))
    if entities and not found and old:
        raise EndpointError(f"{endpoint} knows nothing about any of the {len(entities)} linked entities; the extract "
                            "was left as it was (is this the right endpoint?)")

    when = started.isoformat().replace("+00:00", "Z")
    facts = [Fact(s, p, o, f"{'Wikidata label' if p == RDFS.label else 'Wikidata truthy statement'} "  # type: ignore[arg-type]
                           f"read from {endpoint} on {when} by `talentkg wikidata refresh`")
             for s, p, o in sorted(found, key=_sort_key)]
    activity = Activity(
        kind="refresh", started=started, ended=ended, plan=rebuild_query(entities),
        sources=[Source(URIRef(endpoint), f"SPARQL endpoint {endpoint}", endpoint=endpoint)],
        description=(f"Rebuilt by `talentkg wikidata refresh` from the SPARQL endpoint {endpoint}: the plan's "
                     f"CONSTRUCT query, sent in VALUES batches of at most {batch_size} entities "
                     f"({count} batch(es), {client.sent} request(s)), with the User-Agent '{config.user_agent}'. "
                     "Kept: truthy values of the chosen properties and English and French labels of Wikidata "
                     f"items; left out: {len(dropped)} triple(s) (Wikidata 'unknown value' nodes and the like)."))
    statements, provenance = build(facts, entities, activity)

    install(loaded, GRAPH_WIKIDATA, {f"data/wikidata/{ENTITIES_FILE}": statements,
                                     f"data/wikidata/{PROVENANCE_FILE}": provenance})
    report = validate_external(loaded)
    if not report.conforms:
        raise ValidationFailed(report)
    changes = diff(old, wikidata_triples(statements))
    if not dry_run:
        write(config.data_dir / "wikidata", statements, provenance, "refresh")
    return Refreshed(changes, len(entities), len(facts), count, client.sent, dropped, written=not dry_run)
