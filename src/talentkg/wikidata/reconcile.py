"""Propose Wikidata identifiers for unlinked organisations, for a person to review.

Each unlinked organisation's names (labels and alternative labels in English and French, with and
without a parenthesised part) are looked up as exact labels and aliases on the endpoint, in their
own language and in Wikidata's language-neutral ``mul`` — exact lookups are what Wikidata's query
service answers fast, and what a mirror can answer too. Candidates are ranked (label before alias,
the same country as ours before none, a different country last) and shown with their description,
classes and country. Nothing here writes to the data: a person reviews the proposals, records the
accepted ones with their evidence in the reference table, and only then links them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from talentkg.namespaces import CV, ORG, SCHEMA
from talentkg.wikidata.client import Client
from talentkg.wikidata.terms import LABEL_LANGUAGES, qid_of

ORGANISATION_CLASSES = (ORG.Organization, ORG.FormalOrganization, ORG.OrganizationalUnit, SCHEMA.Organization,
                        SCHEMA.NGO, SCHEMA.Corporation, CV.PublicOrganisation)
SEARCH_LANGUAGES = (*LABEL_LANGUAGES, "mul")  # "mul": Wikidata's labels valid in every language
COLUMNS = ("entity", "entity_label_en", "candidate_qid", "candidate_label_en", "candidate_description_en",
           "instance_of", "country", "matched_name", "match", "country_check", "score", "decision", "review_note")


@dataclass
class Organisation:
    """An unlinked organisation of the data and what we know to recognise it."""

    iri: URIRef
    label: str
    names: set[str]
    country: str | None  # QID of the country we record for it, when linked


@dataclass
class Candidate:
    """One Wikidata item proposed for one organisation."""

    organisation: Organisation
    qid: str
    label: str = ""
    description: str = ""
    classes: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    matches: set[tuple[str, str]] = field(default_factory=set)  # (name, "label" | "alias")

    @property
    def country_check(self) -> str:
        if not self.organisation.country or not self.countries:
            return "unknown"
        return "same" if self.organisation.country in self.countries else "different"

    @property
    def score(self) -> int:
        match = 2 if any(kind == "label" for _name, kind in self.matches) else 1
        return match + {"same": 2, "different": -2}.get(self.country_check, 0)


def _strip(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", name).strip()


def unlinked_organisations(data: Graph) -> list[Organisation]:
    """Organisations of the data graph without an owl:sameAs link, with their names and country."""
    found = []
    subjects = {s for cls in ORGANISATION_CLASSES for s in data.subjects(RDF.type, cls)}
    for s in sorted(subjects):
        if not isinstance(s, URIRef) or any(True for _ in data.objects(s, OWL.sameAs)):
            continue
        names = set()
        for prop in (RDFS.label, SKOS.altLabel):
            for value in data.objects(s, prop):
                if isinstance(value, Literal) and (value.language or "en") in LABEL_LANGUAGES:
                    names |= {str(value).strip(), _strip(str(value))}
        country = None
        for place in data.objects(s, DCTERMS.spatial):
            country = next((qid_of(o) for o in data.objects(place, OWL.sameAs) if qid_of(o)), country)
        label = next((str(v) for v in data.objects(s, RDFS.label) if isinstance(v, Literal) and v.language == "en"),
                     str(s))
        found.append(Organisation(s, label, {n for n in names if n}, country))
    return found


def _literal(text: str, lang: str) -> str:
    return Literal(text, lang=lang).n3()


def search_query(names: Iterable[str]) -> str:
    values = " ".join(_literal(n, lang) for n in sorted(names) for lang in SEARCH_LANGUAGES)
    return f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?name ?item ?match ?itemLabel ?description ?class ?country WHERE {{
  VALUES ?name {{ {values} }}
  {{ ?item rdfs:label ?name . BIND("label" AS ?match) }} UNION {{ ?item skos:altLabel ?name . BIND("alias" AS ?match) }}
  FILTER(STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q"))
  OPTIONAL {{ ?item rdfs:label ?itemLabel . FILTER(LANG(?itemLabel) IN ("en", "mul")) }}
  OPTIONAL {{ ?item schema:description ?description . FILTER(LANG(?description) = "en") }}
  OPTIONAL {{ ?item wdt:P31 ?class . }}
  OPTIONAL {{ ?item wdt:P17 ?country . }}
}}
"""


def labels_query(qids: Iterable[str]) -> str:
    items = " ".join(f"wd:{q}" for q in sorted(qids))
    return f"""PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?item ?label WHERE {{
  VALUES ?item {{ {items} }}
  ?item rdfs:label ?label . FILTER(LANG(?label) = "en")
}}
"""


def propose(client: Client, organisations: list[Organisation], *, batch_size: int = 10,
            say: Callable[[str], None] = lambda _m: None) -> list[Candidate]:
    """Candidates for every organisation, best first within each organisation."""
    candidates: dict[tuple[URIRef, str], Candidate] = {}
    for start in range(0, len(organisations), max(1, batch_size)):
        batch = organisations[start:start + max(1, batch_size)]
        say(f"looking up the names of {len(batch)} organisations on {client.endpoint}")
        by_name: dict[str, list[Organisation]] = {}
        for org in batch:
            for name in org.names:
                by_name.setdefault(name, []).append(org)
        for row in client.select(search_query(by_name)):
            qid = qid_of(URIRef(row["item"]["value"]))
            if not qid:
                continue
            for org in by_name.get(row["name"]["value"], []):
                c = candidates.setdefault((org.iri, qid), Candidate(org, qid))
                c.matches.add((row["name"]["value"], row["match"]["value"]))
                label = row.get("itemLabel", {})
                if label and (not c.label or label.get("xml:lang") == "en"):
                    c.label = label["value"]  # English first, else the language-neutral label
                c.description = c.description or row.get("description", {}).get("value", "")
                for key, into in (("class", c.classes), ("country", c.countries)):
                    value = qid_of(URIRef(row[key]["value"])) if key in row else None
                    if value:
                        into.add(value)
    ranked = sorted(candidates.values(), key=lambda c: (str(c.organisation.iri), -c.score, int(c.qid[1:])))
    return ranked


def value_labels(client: Client, candidates: list[Candidate]) -> dict[str, str]:
    """English labels of the candidates' classes and countries, so the reviewer need not look them up."""
    qids = {q for c in candidates for q in c.classes | c.countries}
    if not qids:
        return {}
    rows = client.select(labels_query(qids))
    return {qid_of(URIRef(r["item"]["value"])) or "": r["label"]["value"] for r in rows}


def _named(qids: set[str], labels: dict[str, str]) -> str:
    return "; ".join(f"{q} ({labels[q]})" if q in labels else q for q in sorted(qids, key=lambda q: int(q[1:])))


def rows(organisations: list[Organisation], candidates: list[Candidate], labels: dict[str, str]) -> list[dict[str, str]]:
    """One review row per candidate, and one per organisation without any."""
    out = []
    for org in organisations:
        mine = [c for c in candidates if c.organisation.iri == org.iri]
        base = {"entity": str(org.iri), "entity_label_en": org.label}
        if not mine:
            out.append({**base, "review_note": "no item has this name as its label or alias"})
        for c in mine:
            out.append({**base, "candidate_qid": c.qid, "candidate_label_en": c.label,
                        "candidate_description_en": c.description, "instance_of": _named(c.classes, labels),
                        "country": _named(c.countries, labels),
                        "matched_name": "; ".join(sorted(n for n, _k in c.matches)),
                        "match": "label" if any(k == "label" for _n, k in c.matches) else "alias",
                        "country_check": c.country_check, "score": str(c.score)})
    return out


def write_review(path: Path, review: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for row in review:
            writer.writerow({k: row.get(k, "") for k in COLUMNS})
