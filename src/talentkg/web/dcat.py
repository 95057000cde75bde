"""The DCAT catalogue of the downloads and the endpoint: what a harvester or a citation manager reads.

Sizes and SHA-256 checksums come from the files as served, so a citation can name the exact bytes.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import pyoxigraph as ox

from talentkg import __version__
from talentkg.namespaces import BASE, DATASET, DCAT, DCTERMS, FOAF, RDF, RDFS, VOID, XSD
from talentkg.web.state import AppState

SPDX = "http://spdx.org/rdf/terms#"
IANA = "http://www.iana.org/assignments/media-types/"
LICENCE = ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")


def _n(iri: object) -> ox.NamedNode:
    return iri if isinstance(iri, ox.NamedNode) else ox.NamedNode(str(iri))


def _text(value: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


def _typed(value: object, datatype: object) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(datatype))


def catalogue(st: AppState, root: str, dumps: Mapping[str, Any], build: Callable[[str], Any]) -> list[ox.Triple]:
    """Triples of the catalogue for the site at ``root`` (``http://host/``)."""
    triples: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: object, o: ox.Term) -> None:
        triples.append(ox.Triple(s, _n(p), o))

    catalog = _n(root + "downloads#catalog")
    dataset = _n(DATASET)
    service = _n(root + "sparql")
    add(catalog, RDF.type, _n(DCAT.Catalog))
    add(catalog, DCTERMS.title, _text("talentkg downloads and services", "en"))
    add(catalog, DCTERMS.title, _text("Téléchargements et services de talentkg", "fr"))
    add(catalog, DCTERMS.license, LICENCE)
    add(catalog, DCAT.dataset, dataset)
    add(catalog, DCAT.service, service)
    add(catalog, FOAF.homepage, _n(root))

    add(dataset, RDF.type, _n(DCAT.Dataset))
    add(dataset, RDF.type, _n(VOID.Dataset))
    add(dataset, DCTERMS.title, _text("talentkg: programmes that bring digital talent into public administrations", "en"))
    add(dataset, DCTERMS.title, _text("talentkg : programmes qui font entrer des talents du numérique dans l'administration", "fr"))
    add(dataset, DCTERMS.description, _text(
        "A linked-data knowledge graph of programmes that bring digital talent into public administrations "
        "(Presidential Innovation Fellows, Code for America, the DTA's programmes, Code for Australia, Code for "
        "Canada, Team Digitale, Prototype Fund, Entrepreneurs d'intérêt général). Every fact comes from one French "
        "note (Etalab, May 2019), or from Wikidata for Wikidata's own facts; every figure carries the section of "
        "the note and the French phrase that states it.", "en"))
    add(dataset, DCTERMS.license, LICENCE)
    add(dataset, DCTERMS.source, _n(BASE + "id/note"))
    add(dataset, DCTERMS.hasVersion, _text(st.version))
    add(dataset, _n(str(DCAT) + "version"), _text(st.version))
    add(dataset, DCTERMS.conformsTo, _n(BASE + "ontology"))
    add(dataset, DCTERMS.conformsTo, _n(BASE + "shapes#"))
    add(dataset, DCAT.landingPage, _n(root))
    add(dataset, VOID.sparqlEndpoint, service)
    add(dataset, RDFS.seeAlso, _n(root + ".well-known/void"))
    for word in ("linked data", "public administration", "digital talent", "fellowship", "civic tech"):
        add(dataset, DCAT.keyword, _text(word, "en"))
    for lang in ("http://id.loc.gov/vocabulary/iso639-1/en", "http://id.loc.gov/vocabulary/iso639-1/fr"):
        add(dataset, DCTERMS.language, _n(lang))

    for name, dump in dumps.items():
        built = build(name)
        url = _n(root + "downloads/" + name)
        media = dump.media
        add(dataset, DCAT.distribution, url)
        add(dataset, VOID.dataDump, url)
        add(url, RDF.type, _n(DCAT.Distribution))
        add(url, DCTERMS.title, _text(f"talentkg ({dump.title})", "en"))
        add(url, DCAT.downloadURL, url)
        add(url, DCAT.accessURL, url)
        add(url, DCAT.mediaType, _n(IANA + media.mime))
        add(url, DCAT.byteSize, _typed(len(built.body), XSD.nonNegativeInteger))
        add(url, DCTERMS.license, LICENCE)
        add(url, DCTERMS.hasVersion, _text(st.version))
        checksum = ox.BlankNode()
        add(url, SPDX + "checksum", checksum)
        add(checksum, RDF.type, _n(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", _n(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", _typed(built.sha256, XSD.hexBinary))

    add(service, RDF.type, _n(DCAT.DataService))
    add(service, DCTERMS.title, _text("talentkg SPARQL 1.1 endpoint", "en"))
    add(service, DCAT.endpointURL, service)
    add(service, DCAT.endpointDescription, service)
    add(service, DCAT.servesDataset, dataset)
    add(service, DCTERMS.conformsTo, _n("https://www.w3.org/TR/sparql11-protocol/"))
    add(service, DCTERMS.license, LICENCE)
    add(service, RDFS.comment, _text(f"Served by talentkg {__version__}.", "en"))
    return triples
