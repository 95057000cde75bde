"""Build the Wikidata extract and the ROR facts from the reference tables, offline.

This machine cannot reach Wikidata. ``../shared/reference/wikidata-facts.tsv`` records what was read
from Wikidata and from ROR about the funders, and how (its ``evidence`` column); ``wikidata-qids.tsv``
records every verified identifier. Rows whose evidence starts with "Wikidata statement" become
``wdt:`` triples in ``data/wikidata/``; rows whose evidence says "ROR record, not a Wikidata
statement" become schema.org facts on the ROR identifier in ``data/ror/``. Nothing is added that
the tables do not say; a row the seed cannot read is an error, never a guess.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, XSD

from talentkg.errors import LoadError
from talentkg.loading import new_graph
from talentkg.namespaces import GRAPH_ROR, SCHEMA
from talentkg.wikidata.extract import (Activity, Fact, Source, add_activity, add_fact_records,
                                       build, linked_entities, now, rebuild_query)
from talentkg.wikidata.terms import (ITEM_VALUED, PROPERTIES, PROVENANCE, ROR_RECORD, geonames_place, item,
                                     qid_of, ror_record, wdt)

QIDS_TABLE = "wikidata-qids.tsv"
FACTS_TABLE = "wikidata-facts.tsv"
ROR_FILE = "ror-records.ttl"
WIKIDATA_EVIDENCE = "Wikidata statement"
ROR_EVIDENCE = "ROR record, not a Wikidata statement"

#: Labels the reference tables show were read from Wikidata itself (a page generated from
#: Wikidata, or cached results of a Wikidata query), with the words of the evidence that say so.
#: The seed uses a label only while that row's evidence still says so.
WIKIDATA_LABELS: tuple[tuple[str, str, str, str, str], ...] = (
    # (QID, label, language, table and row holding the evidence, words of that evidence)
    ("Q896375", "Federal Ministry in Germany", "en", "facts:Q492234:P31", "type Q896375 'Federal Ministry in Germany'"),
    ("Q11828004", "province of Canada", "en", "facts:Q1904:P31", "type Q11828004 'province of Canada'"),
    ("Q1904", "Ontario", "en", "qids:Q1904", "label 'Ontario'"),
    ("Q492234", "Federal Ministry of Research, Technology and Space", "en", "qids:Q492234",
     "item now labelled 'Federal Ministry of Research, Technology and Space'"),
    ("Q3349673", "Office of Science and Technology Policy", "en", "qids:Q3349673",
     "Wikidata-generated page 'Office of Science and Technology Policy'"),
)

#: How ROR values are written: the schema.org (or Dublin Core) property the data already uses for the
#: same kind of fact about organisations, never Wikidata's property.
ROR_PROPERTIES: dict[str, URIRef] = {
    "P17": DCTERMS.spatial,        # ROR location country_code (the table gives the country's QID)
    "P571": SCHEMA.foundingDate,   # ROR "established"
    "P159": SCHEMA.location,       # ROR locations (a GeoNames place; the table maps it to P159)
    "P856": SCHEMA.url,            # ROR links, website
}
ROR_LICENCE = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")


class SeedError(LoadError):
    """A reference row the seed cannot turn into a fact without guessing."""


@dataclass(frozen=True)
class QidRow:
    label: str
    role: str
    qid: str
    evidence: str
    confidence: str


@dataclass(frozen=True)
class FactRow:
    line: int
    qid: str
    property: str
    value: str
    value_label: str
    evidence: str


@dataclass
class Seeded:
    """What the seed builds: the Wikidata extract's two graphs and the ROR graph."""

    statements: Graph
    provenance: Graph
    ror: Graph
    wikidata_facts: int
    ror_facts: int
    skipped_labels: list[str]


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh, delimiter="\t"))
    except OSError as exc:
        raise SeedError(f"{path}: cannot read the reference table: {exc.strerror}", path=str(path)) from exc


def read_qids(path: Path) -> dict[str, QidRow]:
    """Verified identifiers only (rows with a QID), by QID."""
    found = {}
    for row in _rows(path):
        qid = (row.get("qid") or "").strip()
        if qid:
            found[qid] = QidRow(row["entity_label_en"], row["role_in_note"], qid, row["evidence"], row["confidence"])
    return found


def read_facts(path: Path) -> list[FactRow]:
    return [FactRow(i, r["qid"].strip(), r["property"].strip(), r["value"].strip(), r["value_label"].strip(),
                    r["evidence"].strip()) for i, r in enumerate(_rows(path), start=2)]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wikidata_value(row: FactRow, where: str) -> URIRef | Literal:
    if row.property in ITEM_VALUED:
        return item(row.value)
    if row.property == "P856" and re.match(r"https?://\S+$", row.value):
        return URIRef(row.value)
    if row.property == "P571" and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z", row.value):
        return Literal(row.value, datatype=XSD.dateTime, normalize=False)  # as Wikidata's query service writes it
    raise SeedError(f"{where}: cannot write {row.property} = {row.value!r} as Wikidata writes it; "
                    "give an item QID, a web address, or a full xsd:dateTime", path=where)


def _ror_id(row: FactRow, where: str) -> str:
    match = re.search(r"ror-community/ror-records v[0-9.]+/(0[a-z0-9]{8})\.json", row.evidence)
    if not match:
        raise SeedError(f"{where}: a ROR fact must name its ROR record file (ror-records vX/ID.json)", path=where)
    return match.group(1)


def _ror_value(row: FactRow, where: str) -> tuple[URIRef | Literal, list[tuple[URIRef, URIRef, Literal]]]:
    """The value of a ROR fact, and any triple that describes it (a place's name)."""
    if row.property == "P17":
        return item(row.value), []
    if row.property == "P571" and re.fullmatch(r"[0-9]{4}", row.value):
        return Literal(row.value, datatype=XSD.gYear), []
    if row.property == "P159":
        match = re.search(r"GeoNames ([0-9]+)", row.value_label)
        if not match:
            raise SeedError(f"{where}: a ROR location needs its GeoNames identifier", path=where)
        place = geonames_place(match.group(1))
        return place, [(place, RDFS.label, Literal(row.value, lang="en"))]
    if row.property == "P856" and re.match(r"https?://\S+$", row.value):
        return URIRef(row.value), []
    raise SeedError(f"{where}: cannot read the ROR value {row.property} = {row.value!r}", path=where)


def _evidence(table: str, qids: dict[str, QidRow], facts: list[FactRow]) -> str | None:
    """The evidence of the row ``table`` names ("qids:Q1" or "facts:Q1:P31"), or None without that row."""
    kind, qid, *prop = table.split(":")
    if kind == "qids":
        return qids[qid].evidence if qid in qids else None
    return next((f.evidence for f in facts if f.qid == qid and f.property == prop[0]), None)


def seed(reference: Path, data: Graph, started: datetime | None = None) -> Seeded:
    """Build the extract for every entity ``data`` links, from the two tables in ``reference``."""
    started = started or now()
    qids_path, facts_path = reference / QIDS_TABLE, reference / FACTS_TABLE
    qids, facts = read_qids(qids_path), read_facts(facts_path)
    entities = linked_entities(data)
    unverified = [qid_of(e) for e in entities if qid_of(e) not in qids]
    if unverified:
        raise SeedError(f"the data links {', '.join(unverified)} but {qids_path} does not list them as verified: "
                        "remove those links or verify them first", path=str(qids_path))
    linked = {qid_of(e) for e in entities}

    wikidata: list[Fact] = []
    ror_facts: list[Fact] = []
    ror_records: dict[str, str] = {}  # ROR id -> QID
    for row in facts:
        where = f"{facts_path}:{row.line}"
        if row.qid not in linked:
            raise SeedError(f"{where}: {row.qid} is not linked from the data; the extract covers linked entities only",
                            path=where)
        if row.property not in PROPERTIES:
            raise SeedError(f"{where}: {row.property} is not one of the extract's properties", path=where)
        try:
            if row.evidence.startswith(WIKIDATA_EVIDENCE):
                wikidata.append(Fact(item(row.qid), wdt(row.property), _wikidata_value(row, where), row.evidence))
            elif row.evidence.startswith(ROR_EVIDENCE):
                ror_id = _ror_id(row, where)
                if ror_records.setdefault(ror_id, row.qid) != row.qid:
                    raise SeedError(f"{where}: ROR record {ror_id} is given for two entities", path=where)
                value, described = _ror_value(row, where)
                ror_facts.append(Fact(ror_record(ror_id), ROR_PROPERTIES[row.property], value, row.evidence))
                ror_facts += [Fact(s, p, o, row.evidence) for s, p, o in described]
            else:
                raise SeedError(f"{where}: the evidence says neither {WIKIDATA_EVIDENCE!r} nor {ROR_EVIDENCE!r}; "
                                "the seed cannot tell whose fact it is", path=where)
        except ValueError as exc:  # an identifier that is not one (terms.item, ror_record, geonames_place)
            raise SeedError(f"{where}: {exc}", path=where) from exc

    skipped: list[str] = []
    for qid, label, lang, table, quote in WIKIDATA_LABELS:
        evidence = _evidence(table, qids, facts)
        if evidence is None or quote not in evidence:
            skipped.append(f"{qid} {label!r}@{lang}")  # no evidence left that this is Wikidata's label
            continue
        wikidata.append(Fact(item(qid), RDFS.label, Literal(label, lang=lang),
                             f"Wikidata label ({quote}), per the reference table evidence: {evidence}"))

    ended = now()
    sources = [Source(PROVENANCE[f"reference/{name}"], f"{name} (talentkg reference table)", sha256=_digest(path))
               for name, path in ((FACTS_TABLE, facts_path), (QIDS_TABLE, qids_path))]
    wikidata_activity = Activity(
        kind="seed", started=started, ended=ended, sources=sources, plan=rebuild_query(entities),
        description=(
            "Seeded offline from the reference tables, which record what was read from Wikidata and how "
            "(Wikidata statements read through Govdirectory's cached Wikidata query results and pages "
            "generated from Wikidata; labels only where that evidence shows Wikidata's label). The tables "
            "do not record when each fact was read: the times here are when the extract was built. Rows "
            "from ROR records are not Wikidata statements and went to the graph "
            "https://w3id.org/talentkg/graph/ror. `talentkg wikidata refresh` rebuilds this extract from a "
            "live endpoint with the query of this activity's plan."))
    statements, provenance = build(wikidata, entities, wikidata_activity)

    ror = new_graph(GRAPH_ROR)
    ror_activity = Activity(
        kind="ror-seed", started=started, ended=ended, sources=sources,
        description=("Seeded offline from the reference table wikidata-facts.tsv: its rows whose evidence says "
                     "'ROR record, not a Wikidata statement', read from the ROR records named in each row's "
                     "evidence. Written with schema.org and Dublin Core properties on the ROR identifier, never "
                     "with Wikidata properties; owl:sameAs gives the Wikidata entity the ROR record lists."))
    _describe_ror_dataset(ror, ror_activity)
    for ror_id, qid in sorted(ror_records.items()):
        link = Fact(ror_record(ror_id), OWL.sameAs, item(qid), qids[qid].evidence)
        ror_facts.insert(0, link)
    for fact in ror_facts:
        ror.add(fact.triple)
    add_fact_records(ror, ror_facts, ROR_RECORD, ror_activity,
                     derived_from={ror_record(r): ror_record(r) for r in ror_records})
    return Seeded(statements, provenance, ror, len(wikidata), len(ror_facts), skipped)


def _describe_ror_dataset(ror: Graph, activity: Activity) -> None:
    d = GRAPH_ROR
    ror.add((d, RDF.type, DCAT.Dataset))
    ror.add((d, RDF.type, PROV.Entity))
    ror.add((d, RDFS.label, Literal("ROR facts", lang="en")))
    ror.add((d, RDFS.label, Literal("Faits ROR", lang="fr")))
    ror.add((d, DCTERMS.title, Literal("Facts from ROR records about organisations talentkg links to", lang="en")))
    ror.add((d, DCTERMS.title, Literal("Faits tirés des fiches ROR sur les organisations liées par talentkg", lang="fr")))
    ror.add((d, DCTERMS.description, Literal(
        "Values of Research Organization Registry records (country, year established, location, website). "
        "They are not Wikidata statements: each is written on the ROR identifier with the property the data "
        "uses for the same kind of fact (dct:spatial, schema:foundingDate, schema:location, schema:url) and "
        "recorded with tkg:factOrigin origin:ror-record and its evidence.", lang="en")))
    ror.add((d, DCTERMS.license, ROR_LICENCE))
    ror.add((d, DCTERMS.issued, Literal(activity.ended.date().isoformat(), datatype=XSD.date)))
    ror.add((d, DCTERMS.source, URIRef("https://ror.org/")))
    add_activity(ror, activity, d)


ROR_HEADER = """Facts read from ROR (Research Organization Registry) records: NOT Wikidata statements.
Loaded into the named graph https://w3id.org/talentkg/graph/ror. Written on the ROR identifier with schema.org /
Dublin Core properties, linked to the Wikidata entity with owl:sameAs, each fact recorded with its evidence.
Generated by `talentkg wikidata seed`; do not edit by hand."""
