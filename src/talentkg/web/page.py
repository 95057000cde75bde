"""Rendering a site page: the base layout's needs (language, navigation, switch links) in one place."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import render_template, request

from talentkg.web.i18n import LANGS, explicit_lang, text
from talentkg.web.links import href as link_for
from talentkg.web.state import state

#: The site's navigation: (endpoint path, word key). Saved queries are served by talentkg.web.queries.
NAVIGATION = (("/", "home"), ("/editor", "editor"), ("/queries", "queries"), ("/downloads", "downloads"),
              ("/ontology", "ontology"), ("/shapes", "shapes"), ("/about", "about"), ("/sparql", "endpoint"))


def switch_url(lang: str) -> str:
    """This page in ``lang``: the same path and arguments, ``lang`` replaced."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
    return request.script_root + request.path + "?" + urlencode(args)


def local(path: str) -> str:
    """A path of this site, keeping the visitor's explicit language choice."""
    chosen = explicit_lang()
    anchor = ""
    if "#" in path:
        path, anchor = path.split("#", 1)
        anchor = "#" + anchor
    full = request.script_root + path
    if chosen:
        full += ("&" if "?" in full else "?") + "lang=" + chosen
    return full + anchor


def render(template: str, lang: str, **context: Any) -> str:
    base = state().config.public_base
    return render_template(
        template, lang=lang, t=lambda key: text(key, lang), langs=LANGS, switch_url=switch_url, local=local,
        link=lambda iri: link_for(iri, base, explicit_lang()), navigation=NAVIGATION,
        current=request.path, version=state().version, **context)
