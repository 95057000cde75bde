"""Wikidata links are exactly those of the reference table, for the entities the graph holds."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import ROOT
from sparql_helpers import select  # noqa: F401 - a pytest fixture

SHARED = ROOT.parent / "shared" / "reference" / "wikidata-qids.tsv"
COPY = Path(__file__).resolve().parent / "reference" / "wikidata-qids.tsv"

#: Graph resource -> the row of the reference table (entity_label_en) that names it. Every resource that
#: the note names and the table lists is here, linked or not.
ENTITIES = {
    "tkgr:pif": "Presidential Innovation Fellows",
    "tkgr:gsa": "United States General Services Administration",
    "tkgr:tts": "Technology Transformation Services",
    "tkgr:ostp": "White House Office of Science and Technology Policy",
    "tkgr:usds": "United States Digital Service",
    "tkgr:18f": "18F",
    "tkgr:code-gov": "Code.gov",
    "tkgr:smithsonian": "Smithsonian Institution",
    "tkgr:blue-button": "Blue Button initiative",
    "tkgr:cancer-moonshot": "Cancer Moonshot",
    "tkgr:code-for-america": "Code for America",
    "tkgr:teach-for-america": "Teach For America",
    "tkgr:google": "Google",
    "tkgr:knight-foundation": "John S. and James L. Knight Foundation",
    "tkgr:chan-zuckerberg-initiative": "Chan Zuckerberg Initiative",
    "tkgr:microsoft": "Microsoft",
    "tkgr:walmart": "Walmart",
    "tkgr:james-irvine-foundation": "James Irvine Foundation",
    "tkgr:dta": "Digital Transformation Agency (Australia)",
    "tkgr:code-for-australia": "Code for Australia",
    "tkgr:city-of-melbourne": "City of Melbourne (Melbourne City Council)",
    "tkgr:victoria-government": "Government of Victoria (Australia)",
    "tkgr:nsw-government": "New South Wales Government",
    "tkgr:zendesk": "Zendesk",
    "tkgr:github": "GitHub",
    "tkgr:adobe": "Adobe Inc.",
    "tkgr:aws": "Amazon Web Services",
    "tkgr:code-for-canada": "Code for Canada",
    "tkgr:ontario": "Province of Ontario",
    "tkgr:canadian-budget-directorate": "Treasury Board of Canada Secretariat",
    "tkgr:team-digitale": "Team per la Trasformazione Digitale (Team Digitale)",
    "tkgr:developers-italia": "Developers Italia",
    "tkgr:designers-italia": "Designers Italia",
    "tkgr:publiccode-yml": "publiccode.yml",
    "tkgr:italian-government": "Government of Italy",
    "tkgr:prototype-fund": "Prototype Fund",
    "tkgr:okf-germany": "Open Knowledge Foundation Deutschland",
    "tkgr:bmbf": "Federal Ministry of Education and Research (BMBF, Germany)",
    "tkgr:etalab": "Etalab",
    "tkgr:dinsic": "DINSIC (Direction interministérielle du numérique et du système d'information et de communication de l'État)",
    "tkgr:eig": "Entrepreneurs d'intérêt général",
    "tkgr:beta-gouv": "beta.gouv.fr",
    "tkgr:code-for-network": "Code for All",
    "tkgr:getcalfresh": "GetCalFresh",
    "tkgr:calfresh": "CalFresh",
    "tkgr:clear-my-record": "Clear My Record",
    "place:usa": "United States of America",
    "place:canada": "Canada",
    "place:australia": "Australia",
    "place:italy": "Italy",
    "place:germany": "Germany",
    "place:france": "France",
    "place:washington-dc": "Washington, D.C.",
    "place:toronto": "Toronto",
    "place:asheville": "Asheville, North Carolina",
    "place:austin": "Austin, Texas",
    "place:honolulu": "Honolulu",
    "place:san-jose": "San Jose, California",
    "unit:USD": "United States dollar",
    "unit:EUR": "Euro",
    "unit:AUD": "Australian dollar",
    "unit:CAD": "Canadian dollar",
    "tkgr:barack-obama": "Barack Obama",
    "tkgr:joe-biden": "Joe Biden",
    "tkgr:jennifer-pahlka": "Jennifer Pahlka",
}


def reference() -> dict[str, str]:
    with COPY.open(encoding="utf-8") as fh:
        return {row["entity_label_en"]: row["qid"] for row in csv.DictReader(fh, delimiter="\t")}


def test_the_committed_table_is_the_shared_reference():
    if SHARED.is_file():  # in the shared workspace: the copy must not drift from the reference
        assert COPY.read_bytes() == SHARED.read_bytes()
    assert len(reference()) > 50


def test_every_mapped_entity_is_a_row_of_the_table():
    assert set(ENTITIES.values()) <= set(reference())


def test_links_are_exactly_those_of_the_table(select):
    table = reference()
    # the data graph's links (the ROR graph links ROR records to Wikidata items, which is its own matter)
    rows = select("SELECT ?s ?q WHERE { GRAPH <https://w3id.org/talentkg/graph/data> { ?s owl:sameAs ?q } }")
    linked: dict[str, set[str]] = {}
    for r in rows:
        linked.setdefault(r["s"], set()).add(r["q"])
    assert set(linked) <= set(ENTITIES), set(linked) - set(ENTITIES)  # nothing linked outside the table
    present = {r["s"] for r in select("SELECT DISTINCT ?s WHERE { ?s rdfs:label ?l }")}
    for entity, label in ENTITIES.items():
        if entity not in present:
            continue
        qid = table[label]
        assert linked.get(entity, set()) == ({f"wd:{qid}"} if qid else set()), entity
    every_qid = {q for qs in linked.values() for q in qs}
    assert every_qid <= {f"wd:{q}" for q in table.values() if q}
