"""Query evaluation in worker processes that can be killed, so every time limit is real.

pyoxigraph cannot cancel a query, and its parser can crash the whole process on hostile input.
So queries run in worker processes: a query over its time limit gets its worker killed (SIGKILL)
and replaced; a crashing query costs one worker. Workers are forked by a *zygote*, a
single-threaded process forked once, early, from the process that holds the loaded store: forking
from a multi-threaded web server later would be unsafe, and the zygote's memory (the store) is
shared copy-on-write by every worker it forks.

A job and its answer travel as one length-prefixed pickle of a named tuple over a socket pair: the
round trip is paid by every uncached query (measured at 1M, one lookup: 105 µs with
multiprocessing's Connection and pickled dataclasses, 55 µs this way, in a loop in one process).
A job is a query (:class:`QueryJob`) or a chart to draw (:class:`talentkg.charts.ChartJob`), sent
with its kind; the answer is always an :class:`Outcome`.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import signal
import socket
import struct
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import pyoxigraph as ox

from talentkg.sparql.evaluation import Outcome, QueryJob, evaluate

log = logging.getLogger("talentkg.workers")

QUERY, CHART = "query", "chart"  # the kinds of job a worker answers


@dataclass
class Worker:
    pid: int
    conn: socket.socket
    jobs: int = 0


_LENGTH = struct.Struct("!Q")
_SMALL = 64 * 1024  # messages up to this size are sent and usually read in one system call


def send_message(sock: socket.socket, message: tuple) -> None:
    """Send one pickled message, prefixed by its length."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) <= _SMALL:
        sock.sendall(_LENGTH.pack(len(data)) + data)
    else:
        sock.sendall(_LENGTH.pack(len(data)))
        sock.sendall(data)


def receive_message(sock: socket.socket, deadline: float | None = None) -> Any:
    """Read one message; EOFError when the peer has gone, TimeoutError past ``deadline`` (monotonic).

    At most one message is ever in flight each way (a job, then its answer), so reading ahead of
    the current message can never take bytes of the next one.
    """
    chunk = _receive(sock, _SMALL, deadline)
    while len(chunk) < _LENGTH.size:
        chunk += _receive(sock, _LENGTH.size - len(chunk), deadline)
    (size,) = _LENGTH.unpack_from(chunk)
    data = bytearray(chunk[_LENGTH.size:])
    while len(data) < size:
        data += _receive(sock, min(size - len(data), 1 << 20), deadline)
    return pickle.loads(data)


def _receive(sock: socket.socket, most: int, deadline: float | None) -> bytes:
    if deadline is not None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError()
        sock.settimeout(remaining)
    data = sock.recv(most)
    if not data:
        raise EOFError()
    return data


def _worker_loop(conn: socket.socket, store: ox.Store, relay_factory: Callable[[], Any]) -> None:
    """Answer jobs until the web process goes away."""
    relay = None
    while True:
        try:
            kind, fields = receive_message(conn)
        except (EOFError, OSError):
            os._exit(0)
        if kind == CHART:
            _answer(conn, _draw(fields))
            continue
        job = QueryJob(*fields)
        text = None
        if job.services:
            from talentkg.sparql.guard import analyse, rewrite_services

            relay = relay or relay_factory()
            relay.trace.clear()
            shape = analyse(job.text, max_depth=10**9)
            text = rewrite_services(job.text, shape, relay.targets())
        outcome = evaluate(store, job, text=text)
        if relay is not None and job.services:
            outcome = outcome._replace(trace=tuple(relay.trace))
        _answer(conn, outcome)


def _answer(conn: socket.socket, outcome: Outcome) -> None:
    try:
        send_message(conn, tuple(outcome))
    except OSError:
        os._exit(0)


def _draw(fields: tuple) -> Outcome:
    from talentkg.charts import ChartJob, draw

    job = ChartJob(*fields)
    body, error = draw(job)
    if error is not None:
        return Outcome(error="ChartFailed", message=error)
    return Outcome(body=body, media=job.fmt)


def _zygote_loop(sock: socket.socket, store: ox.Store, relay_factory: Callable[[], Any]) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps our children
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            message, fds, _flags, _addr = socket.recv_fds(sock, 16, 1)
        except OSError:
            os._exit(0)
        if not message or not fds:
            os._exit(0)  # the web process has gone
        pid = os.fork()
        if pid == 0:
            sock.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                _worker_loop(socket.socket(fileno=fds[0]), store, relay_factory)
            finally:
                os._exit(0)
        os.close(fds[0])
        try:
            sock.sendall(f"{pid}\n".encode())
        except OSError:
            os._exit(0)


class Zygote:
    """A single-threaded process that forks workers on request."""

    def __init__(self, store: ox.Store, relay_factory: Callable[[], Any]) -> None:
        parent, child = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the zygote
            parent.close()
            try:
                _zygote_loop(child, store, relay_factory)
            finally:
                os._exit(0)
        child.close()
        self.pid = pid
        self._sock = parent
        self._lock = threading.Lock()

    def spawn(self) -> Worker:
        ours, theirs = socket.socketpair()
        with self._lock:
            socket.send_fds(self._sock, [b"spawn"], [theirs.fileno()])
            theirs.close()
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = self._sock.recv(64)
                if not chunk:
                    raise RuntimeError("the query worker factory has stopped")
                reply += chunk
        return Worker(int(reply), ours)

    def close(self) -> None:
        try:
            self._sock.close()
        finally:
            try:
                os.kill(self.pid, signal.SIGTERM)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


class WorkerTimeout(Exception):
    """The job ran past its deadline; its worker was killed."""


class WorkerCrashed(Exception):
    """The worker died while running the job."""


class NoWorkerAvailable(Exception):
    """Every worker stayed busy until the deadline."""


class TooManyWaiting(Exception):
    """Every worker is busy and as many jobs as allowed are already waiting for one."""


class WorkerPool:
    """A fixed number of query workers; each job gets one, or an exception."""

    def __init__(self, store: ox.Store, size: int, relay_factory: Callable[[], Any], max_waiting: int = 8) -> None:
        self.size = max(1, size)
        # jobs waiting for a busy worker hold a web thread each; past this many, refuse at once, so that
        # threads stay free for cache hits, pages and /healthz (32 slow queries had held them all for 30 s)
        self.max_waiting = max(0, max_waiting)
        self._waiting = 0
        self._zygote = Zygote(store, relay_factory)
        self._idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        self._all: dict[int, Worker] = {}
        self._lock = threading.Lock()
        self.replaced = 0
        for _ in range(self.size):
            self._add(self._zygote.spawn())

    def _add(self, worker: Worker) -> None:
        with self._lock:
            self._all[worker.pid] = worker
        self._idle.put(worker)

    def _replace(self, worker: Worker) -> None:
        with self._lock:
            self._all.pop(worker.pid, None)
            self.replaced += 1
        try:
            os.kill(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        worker.conn.close()
        try:
            self._add(self._zygote.spawn())
        except (OSError, RuntimeError):
            log.exception("could not start a replacement query worker")

    def run(self, job: QueryJob | tuple, timeout: float, kind: str = QUERY) -> Outcome:
        """``job`` answered by a worker within ``timeout`` seconds (``kind``: QUERY or CHART)."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            worker = self._wait_for_worker(timeout)
        try:
            worker.conn.settimeout(max(0.001, deadline - time.monotonic()))
            send_message(worker.conn, (kind, tuple(job)))
            outcome = Outcome(*receive_message(worker.conn, deadline))
        except TimeoutError:
            threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
            raise WorkerTimeout() from None
        except (EOFError, OSError, pickle.UnpicklingError):
            threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
            raise WorkerCrashed() from None
        worker.jobs += 1
        self._idle.put(worker)
        return outcome

    def _wait_for_worker(self, timeout: float) -> Worker:
        with self._lock:
            if self._waiting >= self.max_waiting:
                raise TooManyWaiting()
            self._waiting += 1
        try:
            return self._idle.get(timeout=max(0.0, timeout))
        except queue.Empty:
            raise NoWorkerAvailable() from None
        finally:
            with self._lock:
                self._waiting -= 1

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(self._all)

    def close(self) -> None:
        with self._lock:
            workers = list(self._all.values())
            self._all.clear()
        for w in workers:
            try:
                os.kill(w.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            w.conn.close()
        self._zygote.close()
