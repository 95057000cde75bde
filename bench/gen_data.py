"""Synthetic data in talentkg's own model, deterministic and as large as asked.

Writes a project root (``ontology/``, ``shapes/``, the shared reference data of ``data/`` and
``data/synthetic/*.ttl``) that ``talentkg --root`` can validate and serve. The synthetic files are
N-Triples (a subset of Turtle) already in *derived* form: labels of figures, roles and statements,
``qb:dataSet`` and ``schema:currency`` of figures and the shortcuts of roles are written out, so the
project's derivation adds nothing and a bench loader can bulk-load them as they are (``stores.py``
checks both claims at small scale). Quotes are real sentences of the note, so the quote check passes.

    python bench/gen_data.py --triples 1e4 --out bench/work/10k/root
    python bench/gen_data.py --triples 1e6 --out bench/work/1m/root
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from talentkg.config import find_root
from talentkg.source_text import normalise, note_text, quote_found, sentences

SEED = 20190501
FIXED_TRIPLES = 5_100  # ontology, shapes, the reference data, the Wikidata extract and ROR facts every root carries
TRIPLES_PER_PROGRAMME = 1_530  # a top-level programme with its sub-programmes and all around it
PROGRAMMES_PER_FILE = 200

BASE = "https://w3id.org/talentkg/"
ID = BASE + "id/"
T = BASE + "ontology#"
C = BASE + "concept/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
QB = "http://purl.org/linked-data/cube#"
CV = "http://data.europa.eu/m8g/"
SDMXD = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMXM = "http://purl.org/linked-data/sdmx/2009/measure#"
SDMXA = "http://purl.org/linked-data/sdmx/2009/attribute#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

#: reference files the synthetic data links to (concepts, periods, countries, the note's sections), and
#: the Wikidata extract and ROR facts the shapes expect beside them (their own named graphs)
REFERENCE = ("vocabularies", "periods.ttl", "places.ttl", "source", "wikidata", "ror")
#: qualifiers that make a figure a bound, never a point value (the shapes say where each goes)
LOWER_BOUND, UPPER_BOUND = ("more-than", "at-least"), ("less-than", "at-most")

WORDS = ("open data", "digital identity", "health records", "tax filing", "public procurement", "school meals",
         "social benefits", "court records", "permits", "transport", "accessibility", "cybersecurity",
         "civic participation", "archives", "agriculture", "energy", "housing", "employment", "veterans",
         "open source", "machine learning", "user research", "design system", "cloud migration")
CITIES = ("Arden", "Belmont", "Corvel", "Dunmore", "Eskar", "Fenwick", "Galt", "Harrow", "Istra", "Juno",
          "Kestrel", "Lorne", "Merrow", "Norrin", "Oster", "Pell", "Quill", "Rowan", "Sable", "Tarn")
CURRENCIES = ("EUR", "USD", "AUD", "CAD")


def iri(local: str) -> str:
    return f"<{local}>"


def lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def number(value: int | float) -> str:
    return typed(value, "integer") if isinstance(value, int) else typed(f"{value:.4f}".rstrip("0"), "decimal")


@dataclass
class Concept:
    iri: str
    en: str
    fr: str


class Vocabulary:
    """Concepts, periods, countries and note sections read from the project's reference files."""

    def __init__(self, root: Path) -> None:
        store = ox.Store()
        for path in sorted((root / "data").rglob("*.ttl")):
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        self.store = store
        rows = store.query(f"""
            SELECT ?c ?scheme ?en ?fr WHERE {{
              ?c <{SKOS}inScheme> ?scheme ; <{SKOS}prefLabel> ?en , ?fr .
              FILTER (lang(?en) = "en" && lang(?fr) = "fr") }} ORDER BY ?c""")
        self.schemes: dict[str, list[Concept]] = {}
        self.by_iri: dict[str, Concept] = {}
        for r in rows:
            concept = Concept(r["c"].value, r["en"].value, r["fr"].value)
            # keyed by the concept's path segment (concept/indicator/...), as in the prefixes
            self.schemes.setdefault(concept.iri[len(C):].split("/", 1)[0], []).append(concept)
            self.by_iri[concept.iri] = concept
        self.currency_unit = {r["code"].value: r["u"].value for r in store.query(
            f"SELECT ?u ?code WHERE {{ ?u <{SKOS}inScheme> <{C}units> ; <{SCHEMA}currency> ?code }}")}
        self.implied = {r["role"].value: r["p"].value for r in store.query(
            f"SELECT ?role ?p WHERE {{ ?role <{T}impliesProperty> ?p }}")}
        self.sections = {r["slug"].value for r in store.query(
            f"SELECT ?slug WHERE {{ ?s a <{T}SourceSection> ; <{T}sectionSlug> ?slug }}")}

    def concept(self, scheme: str, local: str) -> Concept:
        return self.by_iri[f"{C}{scheme}/{local}"]

    def pick(self, rnd: random.Random, scheme: str, k: int = 1) -> list[Concept]:
        return rnd.sample(self.schemes[scheme], k)


class Quotes:
    """Real sentences of the note, by section: every quote the generator writes passes the quote check."""

    def __init__(self, note: Path, sections: set[str]) -> None:
        text = note_text(note)
        by_section: dict[str, list[str]] = {}
        for s in sentences(note):
            if s.section in sections and 3 <= len(s.text) <= 700 and quote_found(s.text, text):
                by_section.setdefault(s.section, []).append(normalise(s.text))
        self.items = [(slug, q) for slug, qs in sorted(by_section.items()) for q in qs]

    def pick(self, rnd: random.Random) -> tuple[str, str]:
        return self.items[rnd.randrange(len(self.items))]


class Writer:
    """Accumulates N-Triples lines; knows the shapes' conventions (labels, sources, statements)."""

    def __init__(self, vocab: Vocabulary, quotes: Quotes, rnd: random.Random) -> None:
        self.lines: list[str] = []
        self.vocab, self.quotes, self.rnd = vocab, quotes, rnd
        self.count = 0

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    def labels(self, s: str, en: str, fr: str) -> None:
        self.t(s, iri(RDFS + "label"), lit(en, "en"))
        self.t(s, iri(RDFS + "label"), lit(fr, "fr"))

    def sourced(self, s: str) -> None:
        slug, quote = self.quotes.pick(self.rnd)
        self.t(s, iri(PROV + "wasDerivedFrom"), iri(f"{ID}note/{slug}"))
        self.t(s, iri(T + "quote"), lit(quote, "fr"))

    def stated(self, s: str, s_label: str, p: str, p_label: str, o: str, o_label: str) -> None:
        """Assert ``s p o`` and the tkg:SourcedStatement the shapes ask for."""
        self.t(s, iri(p), o)
        self.count += 1
        st = iri(f"{s[1:-1]}-st-{self.count}")
        self.t(st, iri(RDF + "type"), iri(T + "SourcedStatement"))
        self.t(st, iri(RDF + "subject"), s)
        self.t(st, iri(RDF + "predicate"), iri(p))
        self.t(st, iri(RDF + "object"), o)
        self.sourced(st)
        self.labels(st, f"{s_label} — {p_label} — {o_label}", f"{s_label} — {p_label} — {o_label}")

    def figure(self, node: str, about: str, about_label: str, indicator: str, period: str, unit: str,
               qualifier: str, value: int | float | tuple[int, int]) -> None:
        """A tkg:Observation in derived form (qb:dataSet, currency of money, labels)."""
        v = self.vocab
        ind, qual = v.concept("indicator", indicator), v.concept("qualifier", qualifier)
        u = v.by_iri[unit]
        self.t(node, iri(RDF + "type"), iri(T + "Observation"))
        self.t(node, iri(T + "refEntity"), about)
        self.t(node, iri(T + "indicator"), iri(ind.iri))
        self.t(node, iri(SDMXD + "refPeriod"), iri(f"{ID}period/{period}"))
        self.t(node, iri(SDMXA + "unitMeasure"), iri(unit))
        self.t(node, iri(T + "valueQualifier"), iri(qual.iri))
        if isinstance(value, tuple):
            self.t(node, iri(SCHEMA + "minValue"), number(value[0]))
            self.t(node, iri(SCHEMA + "maxValue"), number(value[1]))
            shown = f"{value[0]}–{value[1]}"
        elif qualifier in LOWER_BOUND + UPPER_BOUND:
            self.t(node, iri(SCHEMA + ("minValue" if qualifier in LOWER_BOUND else "maxValue")), number(value))
            shown = f"{'>' if qualifier in LOWER_BOUND else '<'} {value}"
        else:
            self.t(node, iri(SDMXM + "obsValue"), number(value))
            shown = str(value)
        self.t(node, iri(QB + "dataSet"), iri(ID + "figures"))
        code = next((c for c, unit_iri in v.currency_unit.items() if unit_iri == unit), None)
        if code:
            self.t(node, iri(RDF + "type"), iri(SCHEMA + "MonetaryAmount"))
            self.t(node, iri(SCHEMA + "currency"), lit(code))
        self.sourced(node)
        self.labels(node, f"{about_label} — {ind.en} ({period}): {shown} {u.en}",
                    f"{about_label} — {ind.fr} ({period}) : {shown} {u.fr}")


class Generator:
    def __init__(self, root: Path, programmes: int, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.vocab = Vocabulary(root)
        self.quotes = Quotes(root / "data" / "source" / "note-recrutement-competences-numeriques-2019.md",
                             self.vocab.sections)
        self.programmes = programmes
        self.countries = [(f"syn-country-{i:03d}", f"Country {i}", f"Pays {i}")
                          for i in range(min(60, 4 + programmes // 25))]
        self.orgs: list[tuple[str, str, str]] = []  # (iri, label, kind) of organisations written so far
        self.done: list[tuple[str, str]] = []  # top-level programmes written so far, for tkg:inspiredBy

    def countries_ttl(self, w: Writer) -> None:
        for local, en, fr in self.countries:
            s = iri(f"{ID}place/{local}")
            self.t_types(w, s, SCHEMA + "Place", SCHEMA + "Country")
            w.labels(s, en, fr)

    @staticmethod
    def t_types(w: Writer, s: str, *types: str) -> None:
        for t in types:
            w.t(s, iri(RDF + "type"), iri(t))

    def organisation(self, w: Writer, local: str, en: str, fr: str, kind: str, country: str,
                     parent: tuple[str, str] | None, via: str = ORG + "subOrganizationOf") -> str:
        s = iri(ID + local)
        types = {"public": (CV + "PublicOrganisation", ORG + "FormalOrganization"),
                 "unit": (CV + "PublicOrganisation", ORG + "OrganizationalUnit"),
                 "company": (SCHEMA + "Corporation", ORG + "FormalOrganization"),
                 "non-profit": (SCHEMA + "NGO", ORG + "FormalOrganization")}[kind]
        self.t_types(w, s, *types)
        w.labels(s, en, fr)
        w.t(s, iri(ORG + "classification"), iri(f"{C}sector/{'public' if kind == 'unit' else kind}"))
        w.t(s, iri(DCT + "spatial"), iri(f"{ID}place/{country}"))
        w.t(s, iri("http://www.w3.org/2004/02/skos/core#altLabel"), lit(en.split()[0] + str(len(self.orgs))))
        if parent:
            label = "unit of" if via == ORG + "unitOf" else "part of"
            w.stated(s, en, via, label, iri(parent[0]), parent[1])
        self.orgs.append((ID + local, en, kind))
        return s

    def programme_family(self, w: Writer, n: int) -> None:
        rnd, v = self.rnd, self.vocab
        country, c_en, c_fr = self.countries[n % len(self.countries)]
        currency = CURRENCIES[n % len(CURRENCIES)]
        money = v.currency_unit[currency]
        person, ratio = f"{C}unit/person", f"{C}unit/ratio"
        name = f"Programme {n:05d}"
        pid = f"syn-p{n:05d}"
        p = iri(ID + pid)
        start = rnd.randint(2008, 2017)

        # organisations: a ministry, two agencies, units, a partner company, a foundation
        ministry = self.organisation(w, f"syn-o{n:05d}-ministry", f"Ministry {n} of {c_en}",
                                     f"Ministère {n} ({c_fr})", "public", country, None)
        agencies = [self.organisation(w, f"syn-o{n:05d}-agency-{a}", f"Agency {n}.{a}", f"Agence {n}.{a}",
                                      "public", country, (ministry[1:-1], f"Ministry {n} of {c_en}"))
                    for a in range(2)]
        units = [self.organisation(w, f"syn-o{n:05d}-unit-{a}-{u}", f"Digital unit {n}.{a}.{u}",
                                   f"Unité numérique {n}.{a}.{u}", "unit", country,
                                   (agencies[a][1:-1], f"Agency {n}.{a}"), via=ORG + "unitOf")
                 for a in range(2) for u in range(2)]
        partner = self.organisation(w, f"syn-o{n:05d}-company", f"{rnd.choice(CITIES)} Labs {n}",
                                    f"{rnd.choice(CITIES)} Labs {n}", "company", country, None)
        foundation = self.organisation(w, f"syn-o{n:05d}-foundation", f"Civic Foundation {n}",
                                       f"Fondation civique {n}", "non-profit", country, None)

        # the programme and its sub-programmes
        subs = [(f"{pid}-s{k}", f"{name} track {k}", f"{name}, volet {k}") for k in range(2)]
        if n % 4 == 0:
            subs.append((f"{pid}-s0-a", f"{name} track 0 (advanced)", f"{name}, volet 0 (avancé)"))
        for local, en, fr in [(pid, name, f"Programme {n:05d} ({c_fr})")] + subs:
            s = iri(ID + local)
            self.t_types(w, s, T + "Programme", SCHEMA + rnd.choice(
                ("EducationalOccupationalProgram", "WorkBasedProgram", "FundingScheme")))
            w.labels(s, en, fr)
            w.t(s, iri(RDFS + "comment"), lit(f"A programme of {c_en} about {rnd.choice(WORDS)} and "
                                              f"{rnd.choice(WORDS)}.", "en"))
            w.t(s, iri(RDFS + "comment"), lit(f"Un programme ({c_fr}).", "fr"))
            w.stated(s, en, DCT + "spatial", "country", iri(f"{ID}place/{country}"), c_en)
            for m in v.pick(rnd, "programme-model", 1 if local != pid else 2):
                w.stated(s, en, T + "programmeModel", "model", iri(m.iri), m.en)
            slug, _ = self.quotes.pick(rnd)
            w.t(s, iri(PROV + "wasDerivedFrom"), iri(f"{ID}note/{slug}"))
        for local, en, _fr in subs:
            parent = (pid, name) if local.count("-s") == 1 and not local.endswith("-a") else (f"{pid}-s0", f"{name} track 0")
            w.stated(iri(ID + local), en, T + "subProgrammeOf", "sub-programme of", iri(ID + parent[0]), parent[1])
        w.stated(p, name, SCHEMA + "startDate", "launched", typed(start, "gYear"), str(start))
        for scheme, prop, k in (("profile", "recruits", 1), ("skill", "seeksSkill", 2), ("support", "offersSupport", 1),
                                ("project-domain", "projectDomain", 3), ("disclosure", "budgetDisclosure", 1)):
            for c in v.pick(rnd, scheme, k):
                w.stated(p, name, T + prop, prop, iri(c.iri), c.en)
        if self.done and rnd.random() < 0.7:  # chains for property paths: inspiredBy*
            other = self.done[-1] if rnd.random() < 0.6 else rnd.choice(self.done)
            w.stated(p, name, T + "inspiredBy", "inspired by", iri(ID + other[0]), other[1])
        self.done.append((pid, name))

        # roles (qualified) and their shortcuts; every sub-programme has its operator too
        roles = [(pid, name, "operator", agencies[0]), (pid, name, "funder", ministry),
                 (pid, name, "funder", foundation), (pid, name, "partner", partner)]
        roles += [(pid, name, "host-agency", u) for u in rnd.sample(units, 2)]
        roles += [(local, en, "operator", agencies[k % 2]) for k, (local, en, _fr) in enumerate(subs)]
        for k, (local, label, role, agent) in enumerate(roles):
            r = iri(f"{ID}{pid}-role-{k}")
            rc = v.concept("role", role)
            self.t_types(w, r, T + "OrganisationRole")
            w.t(r, iri(T + "programme"), iri(ID + local))
            w.t(r, iri(T + "agent"), agent)
            w.t(r, iri(T + "roleType"), iri(rc.iri))
            w.sourced(r)
            agent_label = next(label for o, label, _ in reversed(self.orgs) if o == agent[1:-1])
            w.labels(r, f"{agent_label} — {rc.en} — {label}", f"{agent_label} — {rc.fr} — {label}")
            if rc.iri in v.implied:
                w.t(iri(ID + local), iri(v.implied[rc.iri]), agent)

        # yearly figures, cohorts
        fellows = rnd.randint(8, 60)
        for year in range(start, 2020):
            fellows = max(1, fellows + rnd.randint(-8, 12))
            w.figure(iri(f"{ID}{pid}-fellows-{year}"), p, name, "fellows-total", str(year), person, "exact",
                     fellows)
            w.figure(iri(f"{ID}{pid}-applicants-{year}"), p, name, "applicants", str(year), person,
                     rnd.choice(("exact", "approximately", "nearly")), fellows * rnd.randint(5, 40))
            w.figure(iri(f"{ID}{pid}-budget-{year}"), p, name, "annual-budget", str(year), money,
                     rnd.choice(("exact", "approximately", "planned")), rnd.randint(2, 400) * 10_000)
            w.figure(iri(f"{ID}{pid}-acceptance-{year}"), p, name, "acceptance-rate", str(year), ratio,
                     "exact", round(rnd.uniform(0.01, 0.4), 3))
            cohort = iri(f"{ID}{pid}-cohort-{year}")
            self.t_types(w, cohort, T + "Cohort")
            w.labels(cohort, f"{name}, cohort {year}", f"{name}, promotion {year}")
            w.stated(cohort, f"{name}, cohort {year}", T + "cohortOf", "cohort of", p, name)
            slug, _ = self.quotes.pick(rnd)
            w.t(cohort, iri(PROV + "wasDerivedFrom"), iri(f"{ID}note/{slug}"))
            w.figure(iri(f"{ID}{pid}-cohort-{year}-size"), cohort, f"{name}, cohort {year}", "cohort-size",
                     str(year), person, "exact", fellows)
        low = rnd.randint(40, 120) * 1000
        w.figure(iri(f"{ID}{pid}-salary"), p, name, "annual-salary", "2019-05", money, "range",
                 (low, low + rnd.randint(5, 40) * 1000))

        # projects and their metrics
        for k in range(6):
            pr_local = f"{pid}-project-{k}"
            pr = iri(ID + pr_local)
            topic, topic2 = rnd.choice(WORDS), rnd.choice(WORDS)
            en = f"{topic.capitalize()} service {n}.{k}"
            self.t_types(w, pr, SCHEMA + "Project")
            w.labels(pr, en, f"Service {n}.{k} ({topic})")
            w.t(pr, iri(RDFS + "comment"), lit(f"A {topic} service for {rnd.choice(CITIES)}, built with "
                                               f"{topic2} and the {rnd.choice(CITIES)} team.", "en"))
            w.t(pr, iri(RDFS + "comment"), lit(f"Un service pour {rnd.choice(CITIES)}.", "fr"))
            via = p if k < 3 else iri(ID + subs[k % 2][0])
            via_label = name if k < 3 else subs[k % 2][1]
            w.stated(pr, en, T + "deliveredThrough", "delivered through", via, via_label)
            if k % 2 == 0:
                w.stated(pr, en, T + "partnerOrganisation", "partner", rnd.choice(units), "unit")
            year = rnd.randint(start, 2019)
            w.stated(pr, en, SCHEMA + "startDate", "launched", typed(year, "gYear"), str(year))
            d = v.pick(rnd, "project-domain")[0]
            w.stated(pr, en, T + "projectDomain", "domain", iri(d.iri), d.en)
            slug, _ = self.quotes.pick(rnd)
            w.t(pr, iri(PROV + "wasDerivedFrom"), iri(f"{ID}note/{slug}"))
            w.figure(iri(f"{ID}{pr_local}-people"), pr, en, "people-helped", str(year), person,
                     rnd.choice(("exact", "more-than", "approximately")), rnd.randint(100, 2_000_000))
            w.figure(iri(f"{ID}{pr_local}-savings"), pr, en, "cost-savings", str(year), money,
                     rnd.choice(("exact", "approximately")), rnd.randint(1, 900) * 10_000)

        # alumni: completions, pathways, organisations they founded
        completed = iri(f"{ID}{pid}-completed")
        w.figure(completed, p, name, "fellows-completed", "2019", person, "exact", fellows * 3)
        for k, dest in enumerate(v.pick(rnd, "destination", 3)):
            measure = iri(f"{ID}{pid}-alumni-{k}")
            w.figure(measure, p, name, "alumni-joined-government" if k == 0 else "public-sector-retention",
                     "2019", person if k == 0 else ratio, "exact",
                     rnd.randint(1, fellows * 3) if k == 0 else round(rnd.uniform(0.1, 0.9), 2))
            pw = iri(f"{ID}{pid}-pathway-{k}")
            self.t_types(w, pw, T + "AlumniPathway")
            w.t(pw, iri(T + "programme"), p)
            w.t(pw, iri(T + "destination"), iri(dest.iri))
            w.t(pw, iri(T + "measuredBy"), measure)
            w.sourced(pw)
            w.labels(pw, f"{name} — alumni → {dest.en}", f"{name} — anciens → {dest.fr}")
        if rnd.random() < 0.3:
            o = self.organisation(w, f"syn-o{n:05d}-alumni-startup", f"Alumni venture {n}", f"Entreprise d'anciens {n}",
                                  "company", country, None)
            w.stated(o, f"Alumni venture {n}", T + "foundedByAlumniOf", "founded by alumni of", p, name)
            founded = rnd.randint(start + 1, 2020)
            w.stated(o, f"Alumni venture {n}", SCHEMA + "foundingDate", "founded", typed(founded, "gYear"), str(founded))

        # findings, channels, selection steps
        for k, topic in enumerate(v.pick(rnd, "topic", 3)):
            f = iri(f"{ID}{pid}-finding-{k}")
            self.t_types(w, f, T + "Finding")
            w.t(f, iri(T + "about"), p)
            w.t(f, iri(T + "topic"), iri(topic.iri))
            w.t(f, iri(RDFS + "comment"), lit(f"{name} reports on {topic.en} in {rnd.choice(WORDS)}.", "en"))
            w.sourced(f)
            w.labels(f, f"{name} — {topic.en}", f"{name} — {topic.fr}")
        for k, platform in enumerate(v.pick(rnd, "platform", 3)):
            ch = iri(f"{ID}{pid}-channel-{k}")
            self.t_types(w, ch, T + "CommunicationChannel")
            w.t(ch, iri(T + "programme"), p)
            w.t(ch, iri(T + "platform"), iri(platform.iri))
            w.t(ch, iri(T + "channelPurpose"), iri(v.pick(rnd, "channel-purpose")[0].iri))
            w.sourced(ch)
            w.labels(ch, f"{name} — {platform.en}", f"{name} — {platform.fr}")
        for k, step in enumerate(v.pick(rnd, "step-type", 3)):
            st = iri(f"{ID}{pid}-step-{k + 1}")
            self.t_types(w, st, T + "SelectionStep")
            w.t(st, iri(T + "programme"), p)
            w.t(st, iri(T + "stepOrder"), typed(k + 1, "integer"))
            w.t(st, iri(T + "stepType"), iri(step.iri))
            w.sourced(st)
            w.labels(st, f"{name} — step {k + 1}: {step.en}", f"{name} — étape {k + 1} : {step.fr}")

    def write(self, folder: Path) -> int:
        folder.mkdir(parents=True, exist_ok=True)
        w = Writer(self.vocab, self.quotes, self.rnd)
        self.countries_ttl(w)
        total, part = 0, 0
        for n in range(self.programmes):
            self.programme_family(w, n)
            if (n + 1) % PROGRAMMES_PER_FILE == 0 or n + 1 == self.programmes:
                (folder / f"part-{part:04d}.ttl").write_text("".join(w.lines), encoding="utf-8")
                total += len(w.lines)
                w.lines.clear()
                part += 1
        return total


def programmes_for(triples: int) -> int:
    """How many top-level programmes make a root of about ``triples`` triples."""
    return max(1, round((triples - FIXED_TRIPLES) / TRIPLES_PER_PROGRAMME))


def make_root(out: Path, triples: int, seed: int = SEED) -> int:
    """Write a project root of about ``triples`` triples; returns the number of synthetic triples."""
    source = find_root()
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    for part in ("ontology", "shapes"):
        shutil.copytree(source / part, out / part)
    for part in REFERENCE:
        src = source / "data" / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, out / "data" / part)
    return Generator(out, programmes_for(triples), seed).write(out / "data" / "synthetic")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=float, required=True, help="about how many triples: 1e4, 1e6, 1e7")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    n = make_root(args.out, int(args.triples), args.seed)
    print(f"{n} synthetic triples in {args.out / 'data' / 'synthetic'}", file=sys.stderr)


if __name__ == "__main__":
    main()
