"""Documents about the endpoint and the data, built from the live store: Service Description and VoID."""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from talentkg import __version__
from talentkg.namespaces import DATASET, PREFIXES, TKG, VOID
from talentkg.sparql.negotiation import RDF_TYPES, RESULT_TYPES
from talentkg.web.state import AppState

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
FORMAT_IRIS = {
    "json": FORMATS.SPARQL_Results_JSON, "xml": FORMATS.SPARQL_Results_XML, "csv": FORMATS.SPARQL_Results_CSV,
    "tsv": FORMATS.SPARQL_Results_TSV, "turtle": FORMATS.Turtle, "ntriples": FORMATS["N-Triples"],
    "rdfxml": FORMATS.RDF_XML, "jsonld": FORMATS["JSON-LD"], "nquads": FORMATS["N-Quads"], "trig": FORMATS.TriG,
}


def _bind(g: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("sd", SD)
    g.bind("formats", FORMATS)
    return g


def service_description(st: AppState, endpoint: str) -> Graph:
    """A SPARQL 1.1 Service Description of this endpoint (formats, features, dataset, limits)."""
    g = _bind(Graph())
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, RDFS.label, Literal("talentkg SPARQL endpoint", lang="en")))
    g.add((service, RDFS.label, Literal("point d'accès SPARQL talentkg", lang="fr")))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for feature in (SD.UnionDefaultGraph, SD.BasicFederatedQuery):
        g.add((service, SD.feature, feature))
    for media in RESULT_TYPES + RDF_TYPES:
        g.add((service, SD.resultFormat, FORMAT_IRIS[media.name]))
    cfg = st.config
    g.add((service, DCTERMS.description, Literal(
        "Read-only SPARQL 1.1 endpoint. The default graph is the union of the named graphs. "
        f"Each query may run for {cfg.query_timeout:g} s; results are cut at {cfg.max_rows} rows "
        "(signalled by the X-Talentkg-Truncated header). SERVICE may only call: "
        + (", ".join(cfg.service_allowlist) or "nothing (federation is off)") + ". "
        "Common prefixes (tkg:, tkgr:, schema:, org:, prov:, skos:, wd:, ...) are predeclared.", lang="en")))
    g.add((service, TKG.queryTimeLimitSeconds, Literal(cfg.query_timeout, datatype=XSD.decimal)))
    g.add((service, TKG.maxResultRows, Literal(cfg.max_rows, datatype=XSD.integer)))
    for allowed in cfg.service_allowlist:
        g.add((service, TKG.federatesWith, URIRef(allowed)))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.source, DATASET))
    default_graph = BNode()
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    counts = st.store.triples_per_graph()
    g.add((default_graph, VOID.triples, Literal(sum(counts.values()), datatype=XSD.integer)))
    for name, n in counts.items():
        named = BNode()
        inner = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, inner))
        g.add((inner, RDF.type, SD.Graph))
        g.add((inner, VOID.triples, Literal(n, datatype=XSD.integer)))
    return g


def _statistics(store: Any) -> dict[str, Any]:
    """The store-wide counts VoID reports: computed once per process (they scan the whole store), while
    the document around them names the host it was asked on."""
    def one(query: str) -> int:
        return int(next(iter(store.query(query)))[0].value)

    return {
        "triples": store.triple_count(),
        "distinctSubjects": one("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"),
        "distinctObjects": one("SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }"),
        "properties": one("SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }"),
        "classes": one("SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }"),
        "entities": one(
            "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/talentkg/')) }"),
        "class_partitions": [(row["c"].value, int(row["n"].value)) for row in store.query(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c } GROUP BY ?c ORDER BY ?c")],
        "property_partitions": [(row["p"].value, int(row["n"].value)) for row in store.query(
            "SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")],
        "graphs": dict(store.triples_per_graph()),
    }


def void_description(st: AppState, base: str) -> Graph:
    """VoID statistics computed from the store: triples, entities, class and property partitions."""
    g = _bind(Graph())
    ds = DATASET
    store = st.store
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDFS.label, Literal("talentkg", lang="en")))
    g.add((ds, DCTERMS.title, Literal("talentkg: digital-talent programmes in public administrations", lang="en")))
    g.add((ds, DCTERMS.title, Literal("talentkg : programmes de talents numériques dans l'administration", lang="fr")))
    g.add((ds, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    for dump in ("talentkg.trig", "talentkg.nq", "talentkg.jsonld", "talentkg.ttl", "talentkg.nt"):  # /downloads
        g.add((ds, VOID.dataDump, URIRef(base + "downloads/" + dump)))
    g.add((ds, VOID.uriSpace, Literal("https://w3id.org/talentkg/id/")))
    g.add((ds, DCTERMS.hasVersion, Literal(st.version)))
    g.add((ds, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    for ns in ("https://schema.org/", "http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#",
               "http://purl.org/linked-data/cube#", "http://www.w3.org/2004/02/skos/core#",
               "http://purl.org/dc/terms/", "http://www.w3.org/2006/time#", str(TKG)):
        g.add((ds, VOID.vocabulary, URIRef(ns)))

    stats = st.remember("void-statistics", lambda: _statistics(store))
    g.add((ds, VOID.triples, Literal(stats["triples"], datatype=XSD.integer)))
    for name in ("distinctSubjects", "distinctObjects", "properties", "classes", "entities"):
        g.add((ds, VOID[name], Literal(stats[name], datatype=XSD.integer)))
    for i, (cls, n) in enumerate(stats["class_partitions"]):
        part = URIRef(f"{base}.well-known/void#class-{i}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for i, (prop, n) in enumerate(stats["property_partitions"]):
        part = URIRef(f"{base}.well-known/void#property-{i}")
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))
    for name, n in stats["graphs"].items():
        subset = URIRef(name)
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(n, datatype=XSD.integer)))
    g.add((ds, DCTERMS.creator, Literal(f"talentkg {__version__}")))
    return g
