"""gzip for responses, by Flask-Compress, except where a view has chosen the coding itself.

The downloads keep their gzip form per data version and serve byte ranges of whichever form was
chosen: compressing them again per request would cost ~40 ms of CPU for 2.5 MB (bundled data), and a
range of the plain bytes sent gzipped (or the other way round) would corrupt a resumed download.
"""

from __future__ import annotations

from flask import Response, g
from flask_compress import Compress


def coding_chosen_by_view() -> None:
    """Mark the response of this request as already encoded as it should be: leave it alone."""
    g.talentkg_coding_chosen = True


class ViewAwareCompress(Compress):
    """Flask-Compress, skipping responses whose view called :func:`coding_chosen_by_view`."""

    def after_request(self, response: Response | None) -> Response:
        if response is not None and g.get("talentkg_coding_chosen"):
            return response
        return super().after_request(response)
