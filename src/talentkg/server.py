"""Run the app: granian (the default), gunicorn, or Flask's development server.

Whatever the server, query workers are forked in each web worker process while it is still
single-threaded: after gunicorn's fork (``post_fork``), or in granian's worker before it starts
its Rust threads (the target loader).
"""

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
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address in a URL is bracketed
    print(f"talentkg listening on http://{shown}:{port}/", file=sys.stderr, flush=True)


def run(config: Config, store: GraphStore, *, host: str, port: int, dev: bool = False) -> None:
    from talentkg.web import create_app

    _lighten_logging()
    _raise_open_file_limit()

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
    if config.web_server == "gunicorn":
        _gunicorn(app, config, host, port)
    else:
        _granian(app, config, host, port)


def _lighten_logging() -> None:
    """Skip what a log record gathers that talentkg's log lines never show.

    The logging HOWTO's "Optimization" section: no caller lookup (a stack walk per record), no thread or
    process names. Measured on a lookup, in-process: 0.74 -> 0.67 ms per request. Only the server does
    this: the process is ours, whereas ``create_app`` may live in someone else's.
    """
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def _raise_open_file_limit() -> None:
    """Raise the soft limit on open files to the hard one: every connection is a file.

    Many systems start processes at a soft limit of 1,024 files. Idle and silent connections are
    closed after 30 s, so a client opening a few dozen a second would otherwise hold every descriptor,
    and the server could accept no one else. The hard limit is the system's word; the soft one only a
    default. granian raises it in its own start-up as well; gunicorn and the development server do not.
    """
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError) as exc:  # some containers refuse; the server still runs
            log.warning("could not raise the open-file limit from %d to %d: %s", soft, target, exc)


def _granian(app: Flask, config: Config, host: str, port: int) -> None:
    """Serve with granian: a Rust HTTP server calling the WSGI app from a pool of threads per worker.

    On Linux each granian worker binds its own ``SO_REUSEPORT`` socket, and the kernel spreads new
    connections evenly over them (one shared socket let one worker take every keep-alive connection
    of a benchmark: one core busy of two). So ``--port 0`` is resolved here, by a bound socket that
    never listens and holds the port, and the address is announced once a worker accepts connections.
    Elsewhere granian shares one socket, which is announced as soon as it listens. Both hooks use
    granian internals, hence the pinned minor version in pyproject.toml.
    """
    import multiprocessing
    import socket

    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.server.mp import MPServer

    # the workers are forked (not spawned): they inherit the app and its open store
    multiprocessing.set_start_method("fork", force=True)
    engine = app.extensions["talentkg"].engine
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    reservation = None
    if sys.platform.startswith("linux"):
        if port:
            # SO_REUSEPORT would let this server join another one already on the port and split its
            # connections (a second `serve` started and answered half the requests): refuse instead
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past closed connections' TIME_WAIT
                try:
                    probe.bind((host, port))
                except OSError as exc:
                    raise SystemExit(f"cannot serve on {host}:{port}: {exc.strerror}") from None
        else:
            reservation = socket.socket(family, socket.SOCK_STREAM)
            reservation.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            reservation.bind((host, 0))
            port = reservation.getsockname()[1]

    class Server(MPServer):  # type: ignore[misc]
        def _init_shared_socket(self) -> None:
            super()._init_shared_socket()
            if self._sso is not None:  # one socket for every worker (not Linux)
                self._sso.listen(self.backlog)  # the spec only binds; connections queue from now on
                name = self._sso.getsockname()
                _announce(name[0], name[1])

        def startup(self, spawn_target: Any, target_loader: Any) -> None:
            super().startup(spawn_target, target_loader)
            if self._sso is None:  # per-worker sockets: listening once a worker has started
                _wait_for_listener(host, port)
                _announce(host, port)

    def load_app() -> Flask:
        # runs in each worker process before granian starts its threads: the safe moment to fork
        engine.start_workers()
        return app

    server = Server(
        "talentkg",  # the target: a name only, the loader returns the app
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,
        workers=config.web_workers,
        blocking_threads=config.web_threads,
        backlog=2048,
        http1_settings=HTTP1Settings(
            header_read_timeout=30_000,
            keep_alive=True,
            # the request line and headers together: a 64 KB URL fits (hyper's URI limit), a larger
            # header block gets 431. Bodies stream past it to talentkg's own 413 (checked to 50 MB).
            max_buffer_size=96 * 1024,
        ),
        log_enabled=True,
        log_level="warning",
        log_dictconfig={"handlers": {
            "console": {"formatter": "generic", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
            "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
        }},
        log_access=False,
        respawn_failed_workers=True,
        respawn_interval=1.0,
        workers_kill_timeout=10,
        process_name=None,
    )
    logging.getLogger("_granian").addFilter(_ThreadCountAdvice())
    try:
        server.serve(target_loader=load_app, wrap_loader=False)
    finally:
        if reservation is not None:
            reservation.close()


def _wait_for_listener(host: str, port: int, seconds: float = 120) -> None:
    """Return once a connection to ``host:port`` succeeds (workers bind after loading the app)."""
    import socket
    import time

    target = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((target, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.02)
    log.error("no web worker accepted connections on %s:%s within %g s", host, port, seconds)


class _ThreadCountAdvice(logging.Filter):
    """Drop granian's advice against more Python threads than cores: talentkg's threads mostly wait.

    A web worker's threads wait on query worker sockets (the evaluation runs elsewhere), so they are
    sized for concurrent requests, not for cores.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Configuration allows spawning up to")


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
        # gunicorn's ceiling: "unlimited" (0) rescans the whole buffer after every read, and a 16 MB
        # request line cost 22 s of CPU under the worker's GIL (docs/performance.md); long queries POST
        "limit_request_line": 8190,
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
