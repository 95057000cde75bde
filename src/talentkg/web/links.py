"""Where an IRI lives on this site.

The project mints IRIs under one public base (``https://w3id.org/talentkg/`` by default); w3id
redirects them to whichever host serves the app, so ``<base>id/pif`` is ``/id/pif`` here, whatever
the host. Everything else (schema.org, Wikidata, ...) is linked where it lives.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import request

from talentkg.namespaces import PREFIXES

#: Path prefixes under the public base whose IRIs the resources blueprint answers.
RESOURCE_ROOTS = ("id/", "concept/", "graph/")
_SAFE = "/:@!$&'()*+,;=-._~"
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def local_path(iri: str, base: str) -> str | None:
    """The path on this site that describes ``iri``, or None when the project did not mint it.

    Terms of the ontology (``ontology#Programme``) get their own page at ``/ontology/Programme``;
    shapes are anchors of the shapes documentation.
    """
    if not iri.startswith(base):
        return None
    rest = iri[len(base):]
    if rest in ("ontology", "shapes"):
        return "/" + rest
    if rest.startswith("ontology#") and len(rest) > len("ontology#"):
        return "/ontology/" + quote(rest[len("ontology#"):], safe=_SAFE)
    if rest.startswith("shapes#"):
        return "/shapes#" + quote(rest[len("shapes#"):], safe=_SAFE)
    if rest.startswith(RESOURCE_ROOTS) and not rest.endswith("/"):
        return "/" + quote(rest, safe=_SAFE)
    return None


def public_iri(path: str, base: str) -> str:
    """The minted IRI a local path stands for (the inverse of :func:`local_path` for resources)."""
    return base + path.lstrip("/")


def href(iri: str, base: str, lang: str | None = None) -> str:
    """A link for ``iri``: our own page (keeping an explicit language choice) or the IRI itself."""
    path = local_path(iri, base)
    if path is None:
        return iri
    path = request.script_root + path
    if lang:
        anchor = ""
        if "#" in path:
            path, anchor = path.split("#", 1)
            anchor = "#" + anchor
        path += ("&" if "?" in path else "?") + "lang=" + lang + anchor
    return path


def curie(iri: str) -> str:
    """``tkg:Programme`` for a known namespace, else the IRI in angle brackets."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and len(iri) > len(ns):
            local = iri[len(ns):]
            if all(c.isalnum() or c in "-_." for c in local):
                return f"{prefix}:{local}"
    return f"<{iri}>"
