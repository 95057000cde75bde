"""A remote SPARQL 1.1 engine as talentkg's store: queries through the SPARQL Protocol, loading
through the Graph Store Protocol, and a small record graph saying which validated data it holds.

Any engine that speaks both protocols can hold the data (``oxigraph serve``, Fuseki, GraphDB,
Virtuoso, QLever...). :class:`~talentkg.remote.store.RemoteStore` offers the part of the pyoxigraph
``Store`` API the rest of the code uses, so evaluation, row caps, query workers, saved queries and the
site run unchanged on it.
"""
