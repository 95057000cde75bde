"""``/healthz``: is the server up, which data version does it serve, how big, since when."""

from __future__ import annotations

import os
import time

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from talentkg import __version__, allocator
from talentkg.errors import StoreUnavailable
from talentkg.web.state import state

bp = Blueprint("health", __name__)


@bp.route("/healthz", methods=["GET", "HEAD"])
def healthz() -> ResponseReturnValue:
    st = state()
    pool = st.engine.pool
    if st.store.is_remote:  # this server is only as healthy as the engine holding its data
        try:
            st.store.ox.ping()
        except StoreUnavailable as exc:
            response = jsonify({"status": "store-unavailable", "message": exc.message, "store": "remote",
                                "data_version": st.version})
            response.status_code = 503
            response.headers["Cache-Control"] = "no-store"
            return response
    response = jsonify({
        "status": "ok",
        "software": f"talentkg {__version__}",
        "data_version": st.version,
        "store": st.store.backend,
        "triples": st.triple_count(),
        "uptime_s": round(time.time() - st.started, 1),
        "allocator": st.remember("allocator", allocator.describe),
        "http_server": request.environ.get("SERVER_SOFTWARE", "unknown"),
        "web_worker_pid": os.getpid(),
        "query_workers": len(pool.pids()) if pool else 0,
        "workers_replaced": pool.replaced if pool else 0,
        "cache": {"hits": st.engine.cache.hits, "misses": st.engine.cache.misses},
    })
    response.headers["Cache-Control"] = "no-store"
    return response
