"""The servers under test, started on 127.0.0.1 with the data of one size, and stopped again.

Every server reads the same quads (see stores.py): talentkg its on-disk store (``talentkg``), the
same data in memory (``talentkg-memory``) or in front of ``oxigraph serve`` loaded by ``talentkg load``
(``talentkg-remote``: the engine is started with it, and counted with it; ``talentkg-remote-union``:
the engine's default graph is the union of its graphs and talentkg is told so); the floor app the on-disk
store read-only, ``oxigraph serve`` an ``oxigraph load`` + ``optimize`` of its dump, and rdflib-endpoint
the N-Triples of that dump. ``-nocache`` turns talentkg's result cache off.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
SERVERS = ("oxigraph", "flask-floor", "talentkg", "talentkg-nocache", "rdflib-endpoint", "talentkg-memory",
           "talentkg-memory-nocache", "talentkg-remote", "talentkg-remote-nocache", "talentkg-remote-union",
           "talentkg-remote-union-nocache")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    argv: list[str]
    path: str  # where the SPARQL endpoint answers
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    port: int = 0
    process: subprocess.Popen | None = None
    ready_s: float = 0.0
    log: Path | None = None
    companion: "Server | None" = None  # started first, stopped last, counted in pids() (a remote engine)
    peak_pss: float = 0.0  # MiB, sampled (see sample_memory)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def query_url(self, query: str) -> str:
        return self.url + "?" + urllib.parse.urlencode({"query": query})

    def start(self, log_dir: Path, timeout: float = 900) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        if self.companion is not None:
            self.companion.start(log_dir, timeout)
        self.log = log_dir / f"{self.name}.log"
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [a.replace("{port}", str(self.port)) for a in self.argv], cwd=self.cwd,
            env={**os.environ, **self.env}, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True)
        probe = self.query_url("ASK { ?s ?p ?o }")
        sampled = 0.0
        while True:
            if time.perf_counter() - sampled > 0.25:  # loading at start may be the peak
                self.sample_memory()
                sampled = time.perf_counter()
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(urllib.request.Request(
                        probe, headers={"Accept": "application/sparql-results+json"}), timeout=60) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() - started > timeout:
                self.stop()
                raise RuntimeError(f"{self.name} did not answer within {timeout} s")
            time.sleep(0.02)
        self.ready_s = time.perf_counter() - started

    def pids(self, own: bool = False) -> list[int]:
        """The server's process tree (HTTP server master, web workers, query workers...) and its companion's."""
        if self.process is None:
            return []
        if self.companion is not None and not own:
            return self.pids(own=True) + self.companion.pids()
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry))
        tree, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, ()))
        return tree

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime + stime
            except (OSError, IndexError, ValueError):
                pass
        return total / os.sysconf("SC_CLK_TCK")

    def rss_mib(self, key: str = "VmRSS", own: bool = False) -> float:
        total = 0
        for pid in self.pids(own):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(key + ":"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return round(total / 1024, 1)

    def pss_mib(self, own: bool = False) -> float:
        """Proportional set size of the tree: pages shared by forked processes counted once, not per process."""
        total = 0
        for pid in self.pids(own):
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return round(total / 1024, 1)

    def sample_memory(self) -> None:
        """Keep the largest PSS of the tree (and of the companion) seen so far: the kernel keeps no peak PSS."""
        self.peak_pss = max(self.peak_pss, self.pss_mib())
        if self.companion is not None:
            self.companion.sample_memory()

    def stop(self) -> None:
        if self.process is None:
            if self.companion is not None:
                self.companion.stop()
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process = None
        if self.companion is not None:
            self.companion.stop()


def make(name: str, data: dict[str, Path], cache_dir: Path) -> Server:
    """A server definition for ``data`` (the paths of stores.paths)."""
    port = free_port()
    if name == "oxigraph":  # no --timeout-s: it starts a thread per query and crashed under load (0.5.13)
        return Server(name, [str(BIN / "oxigraph"), "serve", "--location", str(data["oxigraph"]), "--bind",
                             "127.0.0.1:{port}", "--union-default-graph"], "/query", port=port)
    if name == "flask-floor":
        return Server(name, [str(BIN / "gunicorn"), "-w", "2", "-b", "127.0.0.1:{port}", "--log-level", "warning",
                             "flask_floor:app"], "/sparql", env={"FLOOR_STORE": str(data["store"])}, cwd=HERE,
                      port=port)
    if name.startswith("talentkg"):
        env = {"TALENTKG_CACHE_DIR": str(data["cache"])}  # the bench's validated data (see stores.py)
        if name.endswith("-nocache"):
            env["TALENTKG_CACHE_MAX_BYTES"] = "0"
        kind = name.removesuffix("-nocache").removeprefix("talentkg").lstrip("-") or "disk"
        argv = [str(BIN / "talentkg"), "--root", str(data["root"]), "serve", "--port", "{port}"]
        companion = None
        if kind == "disk":
            argv += ["--store", str(data["store"])]
        elif kind in ("remote", "remote-union"):  # -union: the engine's default graph is the union (store_union)
            union = ["--union-default-graph"] if kind == "remote-union" else []
            companion = Server(f"{name}-engine", [str(BIN / "oxigraph"), "serve-read-only", "--location", str(data["remote"]),
                                                  "--bind", "127.0.0.1:{port}", *union], "/query", port=free_port())
            argv += ["--store", f"http://127.0.0.1:{companion.port}/query"]
            if union:
                env["TALENTKG_STORE_UNION"] = "true"
        elif kind != "memory":
            raise ValueError(name)
        return Server(name, argv, "/sparql", env=env, port=port, companion=companion)
    if name == "rdflib-endpoint":
        return Server(name, [str(BIN / "rdflib-endpoint"), "serve", str(data["nt"]), "--host", "127.0.0.1",
                             "--port", "{port}"], "/", port=port)
    raise ValueError(name)
