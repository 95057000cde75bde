"""Joining with Wikidata: the offline extract (data/wikidata/), ROR facts kept apart (data/ror/),
rebuilding the extract from a live endpoint, and proposing links for a person to review.

Modules: ``terms`` (which properties, IRIs and origins), ``extract`` (the extract as RDF and its
provenance), ``seed`` (building it from the reference tables), ``client`` (a polite SPARQL client),
``refresh``, ``reconcile``, ``placement`` (which graph may hold which kind of fact), ``commands`` (CLI).
"""
