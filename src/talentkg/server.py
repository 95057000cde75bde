"""Run the app: gunicorn (threads per worker, query workers forked after gunicorn's fork) or Flask's dev server."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from flask import Flask

from talentkg.config import Config
from talentkg.store import GraphStore

log = logging.getLogger("talentkg.server")


def _announce(host: str, port: int) -> None:
    print(f"talentkg listening on http://{host}:{port}/", file=sys.stderr, flush=True)


def run(config: Config, store: GraphStore, *, host: str, port: int, dev: bool = False) -> None:
    from talentkg.web import create_app

    app = create_app(config, store=store, start_workers=dev)
    if dev:
        from werkzeug.serving import make_server

        server = make_server(host, port, app, threaded=True)
        _announce(host, server.server_port)
        try:
            server.serve_forever()
        finally:
            app.extensions["talentkg"].engine.close()
        return
    _gunicorn(app, config, host, port)


def _gunicorn(app: Flask, config: Config, host: str, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    def post_fork(_server: Any, _worker: Any) -> None:
        # still single-threaded here: the safe moment to fork the query workers
        app.extensions["talentkg"].engine.start_workers()

    def when_ready(server: Any) -> None:
        for listener in server.LISTENERS:
            name = listener.sock.getsockname()
            _announce(name[0], name[1])

    def worker_exit(_server: Any, _worker: Any) -> None:
        app.extensions["talentkg"].engine.close()

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": config.web_workers,
        "worker_class": "gthread",
        "threads": config.web_threads,
        "timeout": int(config.query_timeout) + 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "limit_request_line": 0,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "post_fork": post_fork,
        "when_ready": when_ready,
        "worker_exit": worker_exit,
        "proc_name": "talentkg",
    }
    if os.path.isdir("/dev/shm"):
        # gunicorn's heartbeat touches a file on every loop of every worker; on a disk file system that
        # costs a journalled metadata write each time (gunicorn's docs advise a tmpfs)
        options["worker_tmp_dir"] = "/dev/shm"

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    Application().run()
