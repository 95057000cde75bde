"""The site's two languages: which one a request gets, and the interface's words in each.

Data labels come from the graph (``@en`` / ``@fr``); only the words of the interface live here.
"""

from __future__ import annotations

from flask import request

from talentkg.errors import BadRequest

LANGS = ("en", "fr")
DEFAULT = "en"


def choose_lang() -> str:
    """``?lang=`` when given (and then it must be one we offer), else the best of Accept-Language."""
    asked = request.args.get("lang")
    if asked is not None:
        if asked not in LANGS:
            raise BadRequest(f"lang={asked!r} is not offered; use one of: {', '.join(LANGS)}")
        return asked
    return request.accept_languages.best_match(LANGS) or DEFAULT


def explicit_lang() -> str | None:
    """The language the visitor picked with ``?lang=`` (kept in the site's links), if any."""
    asked = request.args.get("lang")
    return asked if asked in LANGS else None


TEXT: dict[str, dict[str, str]] = {
    "site": {"en": "talentkg", "fr": "talentkg"},
    "tagline": {"en": "Programmes that bring digital talent into public administrations",
                "fr": "Les programmes qui font entrer des talents du numérique dans l'administration"},
    "skip": {"en": "Skip to content", "fr": "Aller au contenu"},
    "nav": {"en": "Site", "fr": "Site"},
    "home": {"en": "Home", "fr": "Accueil"},
    "editor": {"en": "Query editor", "fr": "Éditeur de requêtes"},
    "queries": {"en": "Saved queries", "fr": "Requêtes enregistrées"},
    "downloads": {"en": "Downloads", "fr": "Téléchargements"},
    "ontology": {"en": "Ontology", "fr": "Ontologie"},
    "shapes": {"en": "Shapes", "fr": "Formes SHACL"},
    "about": {"en": "About & citation", "fr": "À propos et citation"},
    "endpoint": {"en": "SPARQL endpoint", "fr": "Point d'accès SPARQL"},
    "language": {"en": "Language", "fr": "Langue"},
    "in_english": {"en": "English", "fr": "English"},
    "in_french": {"en": "Français", "fr": "Français"},
    "iri": {"en": "IRI", "fr": "IRI"},
    "types": {"en": "Types", "fr": "Types"},
    "as_data": {"en": "This resource as data", "fr": "Cette ressource en données"},
    "query_it": {"en": "Query it in the editor", "fr": "L'interroger dans l'éditeur"},
    "properties": {"en": "Properties", "fr": "Propriétés"},
    "property": {"en": "Property", "fr": "Propriété"},
    "value": {"en": "Value", "fr": "Valeur"},
    "values": {"en": "Values", "fr": "Valeurs"},
    "incoming": {"en": "Incoming links", "fr": "Liens entrants"},
    "incoming_help": {"en": "Resources that point to this one, grouped by property.",
                      "fr": "Les ressources qui pointent vers celle-ci, par propriété."},
    "figures": {"en": "Figures", "fr": "Chiffres"},
    "figure": {"en": "Figure", "fr": "Chiffre"},
    "indicator": {"en": "Indicator", "fr": "Indicateur"},
    "period": {"en": "Period", "fr": "Période"},
    "unit": {"en": "Unit", "fr": "Unité"},
    "qualifier": {"en": "Qualifier", "fr": "Qualificatif"},
    "quote": {"en": "The note says (French)", "fr": "La note dit"},
    "section": {"en": "Section of the note", "fr": "Section de la note"},
    "source": {"en": "Source", "fr": "Source"},
    "sources": {"en": "Sources", "fr": "Sources"},
    "about_this": {"en": "About", "fr": "À propos de"},
    "equivalent": {"en": "Stated equivalent", "fr": "Équivalent indiqué"},
    "out_of": {"en": "out of", "fr": "sur"},
    "category": {"en": "Category", "fr": "Catégorie"},
    "wikidata": {"en": "Wikidata", "fr": "Wikidata"},
    "wikidata_help": {"en": "The same thing in Wikidata.", "fr": "La même chose dans Wikidata."},
    "statements": {"en": "Sourced statements", "fr": "Affirmations sourcées"},
    "findings": {"en": "Findings", "fr": "Constats"},
    "conflicts": {"en": "Data conflicts", "fr": "Incohérences de la source"},
    "show_all": {"en": "show all", "fr": "tout afficher"},
    "resources": {"en": "resources", "fr": "ressources"},
    "graph": {"en": "named graph", "fr": "graphe nommé"},
    "provenance": {"en": "Everything this section sources", "fr": "Tout ce que cette section source"},
    "provenance_help": {
        "en": "Every figure, statement, finding and other node of the graph whose prov:wasDerivedFrom is this section.",
        "fr": "Chaque chiffre, affirmation, constat ou autre nœud du graphe dont prov:wasDerivedFrom est cette section."},
    "note_text": {"en": "The text of this section", "fr": "Le texte de cette section"},
    "note_text_help": {
        "en": "The note's sentences in this section (French). A sentence that some node of the graph quotes links to it.",
        "fr": "Les phrases de la note dans cette section. Une phrase citée par un nœud du graphe renvoie vers lui."},
    "not_quoted": {"en": "not quoted by the graph", "fr": "non citée par le graphe"},
    "quoted_by": {"en": "quoted by", "fr": "citée par"},
    "subsections": {"en": "Sub-sections", "fr": "Sous-sections"},
    "nodes": {"en": "nodes", "fr": "nœuds"},
    "term_doc": {"en": "In the ontology documentation", "fr": "Dans la documentation de l'ontologie"},
    "instances": {"en": "instances", "fr": "instances"},
    "programmes": {"en": "The programmes", "fr": "Les programmes"},
    "country": {"en": "Country", "fr": "Pays"},
    "launched": {"en": "Launched", "fr": "Lancé en"},
    "key_figures": {"en": "Key figures", "fr": "Chiffres clés"},
    "sub_programmes": {"en": "Sub-programmes", "fr": "Sous-programmes"},
    "figures_count": {"en": "figures", "fr": "chiffres"},
    "explore": {"en": "Explore and query", "fr": "Explorer et interroger"},
    "cite": {"en": "How to cite", "fr": "Comment citer"},
    "where_from": {"en": "Where the data comes from", "fr": "D'où viennent les données"},
    "what": {"en": "What this dataset is", "fr": "Ce qu'est ce jeu de données"},
    "data_version": {"en": "Data version", "fr": "Version des données"},
    "triples": {"en": "triples", "fr": "triplets"},
    "licence": {"en": "Licence", "fr": "Licence"},
    "not_found": {"en": "Not found", "fr": "Introuvable"},
    "error": {"en": "Error", "fr": "Erreur"},
    "examples": {"en": "Example queries", "fr": "Exemples de requêtes"},
    "examples_help": {"en": "Open one in a new tab of the editor.", "fr": "Ouvrir dans un nouvel onglet de l'éditeur."},
    "prefixes": {"en": "Predeclared prefixes", "fr": "Préfixes prédéclarés"},
    "editor_missing": {
        "en": "The editor's files are not installed on this server (run bash .ci/setup, which installs them with npm). Use the plain form below.",
        "fr": "Les fichiers de l'éditeur ne sont pas installés sur ce serveur (lancer bash .ci/setup, qui les installe avec npm). Utilisez le formulaire ci-dessous."},
    "run": {"en": "Run the query", "fr": "Exécuter la requête"},
    "share": {"en": "Share a link to this query", "fr": "Partager un lien vers cette requête"},
    "query": {"en": "Query", "fr": "Requête"},
    "format": {"en": "Format", "fr": "Format"},
    "file": {"en": "File", "fr": "Fichier"},
    "size": {"en": "Size", "fr": "Taille"},
    "media_type": {"en": "Media type", "fr": "Type de média"},
    "catalogue": {"en": "The catalogue as data (DCAT)", "fr": "Le catalogue en données (DCAT)"},
    "void": {"en": "Statistics (VoID)", "fr": "Statistiques (VoID)"},
    "shape": {"en": "Shape", "fr": "Forme"},
    "targets": {"en": "Applies to", "fr": "S'applique à"},
    "path": {"en": "Path", "fr": "Chemin"},
    "constraints": {"en": "Constraints", "fr": "Contraintes"},
    "message": {"en": "What to fix", "fr": "Quoi corriger"},
    "severity": {"en": "Severity", "fr": "Gravité"},
    "sparql_check": {"en": "SPARQL check", "fr": "Vérification SPARQL"},
    "contents": {"en": "Contents", "fr": "Sommaire"},
    "bibtex": {"en": "BibTeX", "fr": "BibTeX"},
    "cff": {"en": "Citation File Format", "fr": "Citation File Format"},
    "graphs": {"en": "Named graphs", "fr": "Graphes nommés"},
}


def text(key: str, lang: str) -> str:
    """The interface word ``key`` in ``lang`` (the key itself when missing, so a gap shows)."""
    entry = TEXT.get(key)
    return entry.get(lang) or entry[DEFAULT] if entry else key
