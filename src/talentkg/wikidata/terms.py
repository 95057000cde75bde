"""The few IRIs and property choices the Wikidata and ROR extracts are built from.

Property identifiers: P31, P17, P571, P159 and P856 are those of the reference table
(../shared/reference/wikidata-facts.tsv); P452 (industry), P1454 (legal form) and P749 (parent
organisation) were checked against several independent public query files that comment them so
(see docs/wikidata.md). The extract keeps Wikidata's truthy values (``wdt:``) of these properties
only, and labels in the two languages of the project.
"""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.term import Node

from talentkg.namespaces import BASE, WD, WDT

#: Wikidata properties the comparison queries need, and what each means.
PROPERTIES: dict[str, str] = {
    "P31": "instance of",
    "P17": "country",
    "P571": "inception",
    "P159": "headquarters location",
    "P856": "official website",
    "P452": "industry",
    "P1454": "legal form",
    "P749": "parent organization",
}
#: Properties whose values are Wikidata items (the others: P571 a date, P856 a web address).
ITEM_VALUED = frozenset({"P31", "P17", "P159", "P452", "P1454", "P749"})
LABEL_LANGUAGES = ("en", "fr")

ROR = "https://ror.org/"
GEONAMES = "https://sws.geonames.org/"
ORIGIN = Namespace(BASE + "concept/fact-origin/")
WIKIDATA_STATEMENT = ORIGIN["wikidata-statement"]
ROR_RECORD = ORIGIN["ror-record"]
PROVENANCE = Namespace(BASE + "id/provenance/")  # activities, plans, agents, sources
FACT = Namespace(BASE + "id/fact/")  # one reified record per external fact

_QID = re.compile(r"Q[1-9][0-9]*")
_ROR_ID = re.compile(r"0[a-z0-9]{6}[0-9]{2}")


def item(qid: str) -> URIRef:
    """The Wikidata entity IRI of a QID, refusing anything that is not one."""
    if not _QID.fullmatch(qid):
        raise ValueError(f"not a Wikidata item identifier: {qid!r}")
    return WD[qid]


def qid_of(node: Node) -> str | None:
    """``Q123`` for a Wikidata entity IRI, else None."""
    text = str(node)
    if isinstance(node, URIRef) and text.startswith(str(WD)) and _QID.fullmatch(text[len(str(WD)):]):
        return text[len(str(WD)):]
    return None


def is_wikidata_property(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(WDT))


def wdt(pid: str) -> URIRef:
    return WDT[pid]


def ror_record(ror_id: str) -> URIRef:
    if not _ROR_ID.fullmatch(ror_id):
        raise ValueError(f"not a ROR identifier: {ror_id!r}")
    return URIRef(ROR + ror_id)


def geonames_place(geonames_id: str) -> URIRef:
    if not geonames_id.isdigit():
        raise ValueError(f"not a GeoNames identifier: {geonames_id!r}")
    return URIRef(f"{GEONAMES}{geonames_id}/")
