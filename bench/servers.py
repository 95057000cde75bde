"""The servers under test, started on 127.0.0.1 with the data of one size, and stopped again.

Every server reads the same quads (see stores.py): talentkg its own on-disk store, the floor app the
same store read-only, ``oxigraph serve`` an ``oxigraph load`` + ``optimize`` of its dump, and
rdflib-endpoint the N-Triples of that dump.
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
SERVERS = ("oxigraph", "flask-floor", "talentkg", "talentkg-nocache", "rdflib-endpoint")


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

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def query_url(self, query: str) -> str:
        return self.url + "?" + urllib.parse.urlencode({"query": query})

    def start(self, log_dir: Path, timeout: float = 900) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log = log_dir / f"{self.name}.log"
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [a.replace("{port}", str(self.port)) for a in self.argv], cwd=self.cwd,
            env={**os.environ, **self.env}, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True)
        probe = self.query_url("ASK { ?s ?p ?o }")
        while True:
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

    def pids(self) -> list[int]:
        """The server's process tree (gunicorn master, web workers, query workers...)."""
        if self.process is None:
            return []
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

    def rss_mib(self, key: str = "VmRSS") -> float:
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(key + ":"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return round(total / 1024, 1)

    def stop(self) -> None:
        if self.process is None:
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
        env = {"TALENTKG_CACHE_DIR": str(cache_dir)}
        if name == "talentkg-nocache":
            env["TALENTKG_CACHE_MAX_BYTES"] = "0"
        return Server(name, [str(BIN / "talentkg"), "--root", str(data["root"]), "serve", "--store", str(data["store"]),
                             "--port", "{port}"], "/sparql", env=env, port=port)
    if name == "rdflib-endpoint":
        return Server(name, [str(BIN / "rdflib-endpoint"), "serve", str(data["nt"]), "--host", "127.0.0.1",
                             "--port", "{port}"], "/", port=port)
    raise ValueError(name)
