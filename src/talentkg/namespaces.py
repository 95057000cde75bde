"""IRIs the code refers to: our own namespaces, named graphs and the vocabularies we reuse."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/talentkg/"

TKG = Namespace(BASE + "ontology#")
TKGR = Namespace(BASE + "id/")
TKGC = Namespace(BASE + "concept/")
SH_TKG = Namespace(BASE + "shapes#")

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMXD = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMXM = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMXA = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
TIME = Namespace("http://www.w3.org/2006/time#")
CV = Namespace("http://data.europa.eu/m8g/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

GRAPH_ONTOLOGY = URIRef(BASE + "graph/ontology")
GRAPH_DATA = URIRef(BASE + "graph/data")
GRAPH_SHAPES = URIRef(BASE + "graph/shapes")
GRAPH_WIKIDATA = URIRef(BASE + "graph/wikidata")
GRAPH_ROR = URIRef(BASE + "graph/ror")  # facts read from ROR records: never Wikidata's
GRAPH_WIKIDATA_SHAPES = URIRef(BASE + "graph/wikidata-shapes")  # shapes/wikidata.ttl, for the two graphs above
GRAPH_META = URIRef(BASE + "graph/meta")

DATASET = TKGR["dataset"]
FIGURES = TKGR["figures"]

#: Prefixes offered to users (query editor, saved queries, serialisations).
PREFIXES: dict[str, str] = {
    "tkg": str(TKG),
    "tkgr": str(TKGR),
    "tkgc": str(TKGC),
    "src": BASE + "id/note/",
    "period": BASE + "id/period/",
    "place": BASE + "id/place/",
    "ind": BASE + "concept/indicator/",
    "unit": BASE + "concept/unit/",
    "qual": BASE + "concept/qualifier/",
    "role": BASE + "concept/role/",
    "model": BASE + "concept/programme-model/",
    "profile": BASE + "concept/profile/",
    "skill": BASE + "concept/skill/",
    "support": BASE + "concept/support/",
    "domain": BASE + "concept/project-domain/",
    "platform": BASE + "concept/platform/",
    "purpose": BASE + "concept/channel-purpose/",
    "step": BASE + "concept/step-type/",
    "dest": BASE + "concept/destination/",
    "topic": BASE + "concept/topic/",
    "disclosure": BASE + "concept/disclosure/",
    "conflict": BASE + "concept/conflict-type/",
    "sector": BASE + "concept/sector/",
    "funding": BASE + "concept/funding-model/",
    "origin": BASE + "concept/fact-origin/",
    "schema": str(SCHEMA),
    "org": str(ORG),
    "prov": str(PROV),
    "qb": str(QB),
    "sdmxd": str(SDMXD),
    "sdmxm": str(SDMXM),
    "sdmxa": str(SDMXA),
    "time": str(TIME),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "dcat": str(DCAT),
    "void": str(VOID),
    "foaf": str(FOAF),
    "cv": str(CV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "wd": str(WD),
    "wdt": str(WDT),
}

__all__ = [name for name in dir() if name.isupper()]
