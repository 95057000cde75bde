"""Drop the ``Accept`` parameters that every talentkg representation satisfies, before negotiation.

werkzeug matches a media range's parameters against those of the offered type. So
``Accept: application/sparql-results+json; charset=utf-8`` matched no offered type and got 406, on
every negotiated resource, although every document talentkg writes is UTF-8. ``text/csv;
header=present`` had the same fate, and CSV always has its header line. Only those two
parameter values are dropped: any other value must still match, so ``charset=iso-8859-1`` still
gets 406.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from talentkg.web.header_limits import WSGIApp

# anchored on the ";": a leading \s* would make a long run of spaces cost quadratic time (226 ms for 8 KB)
_SATISFIED = re.compile(r';[ \t]*(?:charset[ \t]*=[ \t]*"?utf-?8"?|header[ \t]*=[ \t]*"?present"?)[ \t]*(?=[;,]|$)',
                        re.IGNORECASE)


@lru_cache(maxsize=256)
def satisfied_parameters_dropped(accept: str) -> str:
    """``accept`` without ``charset=utf-8`` and ``header=present`` parameters."""
    return _SATISFIED.sub("", accept)


def drop_satisfied_accept_parameters(app: WSGIApp) -> WSGIApp:
    """Wrap ``app`` so that it negotiates on the ``Accept`` header without the parameters above."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        accept = environ.get("HTTP_ACCEPT")
        if accept and "=" in accept:  # most headers carry only q-values: one regex search, remembered
            lowered = accept.lower()
            if "charset" in lowered or "header" in lowered:
                environ["HTTP_ACCEPT"] = satisfied_parameters_dropped(accept) if len(accept) <= 1024 \
                    else _SATISFIED.sub("", accept)
        return app(environ, start_response)

    return wrapped
