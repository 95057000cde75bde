"""gzip for responses, by Flask-Compress, except where a view has chosen the coding itself, or the
client has refused gzip.

Flask-Compress 1.25 sends gzip to ``Accept-Encoding: gzip;q=0``, which says gzip is *not*
acceptable (RFC 9110, 12.4.2); werkzeug's reading of the header decides that case here.

The downloads keep their gzip form per data version and serve byte ranges of whichever form was
chosen: compressing them again per request would cost ~40 ms of CPU for 2.5 MB (bundled data), and a
range of the plain bytes sent gzipped (or the other way round) would corrupt a resumed download.
"""

from __future__ import annotations

from flask import Response, g, request
from flask_compress import Compress


def coding_chosen_by_view() -> None:
    """Mark the response of this request as already encoded as it should be: leave it alone."""
    g.talentkg_coding_chosen = True


def _gzip_refused() -> bool:
    """The client gave gzip (or ``*``, with gzip unnamed) a quality of zero."""
    header = request.headers.get("Accept-Encoding", "")
    return "q=0" in header.lower() and request.accept_encodings["gzip"] <= 0  # the test first: it is cheap


class ViewAwareCompress(Compress):
    """Flask-Compress, skipping responses whose view called :func:`coding_chosen_by_view` or whose client refused gzip."""

    def after_request(self, response: Response | None) -> Response:
        if response is not None and g.get("talentkg_coding_chosen"):
            return response
        if response is not None and _gzip_refused():
            response.vary.add("Accept-Encoding")
            return response
        return super().after_request(response)
