"""Fixtures that start the real thing: the CLI as a subprocess, servers on ephemeral ports."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private validation cache, so tests never depend on what an earlier run left behind."""
    return tmp_path_factory.mktemp("talentkg-cache")


@pytest.fixture(scope="session")
def cli_env(cache_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALENTKG_")}
    env["TALENTKG_CACHE_DIR"] = str(cache_dir)
    # one web worker: tests count per-process state (cache hits, busy workers, /healthz); the default
    # (one per CPU) has a test of its own in tests/endpoint/test_http.py
    env["TALENTKG_WEB_WORKERS"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture(scope="session")
def run_cli(cli_env: dict[str, str]):
    """Run ``talentkg ARGS...`` as a real subprocess."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> CliResult:
        proc = subprocess.run([sys.executable, "-m", "talentkg.cli", *args], capture_output=True, text=True,
                              env={**cli_env, **(env or {})}, timeout=timeout, cwd=ROOT)
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


@dataclass
class Server:
    """A running ``talentkg serve`` process."""

    url: str
    process: subprocess.Popen
    log: list[str] = field(default_factory=list)

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url + path.lstrip("/"), timeout=kwargs.pop("timeout", 60), **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(self.url + path.lstrip("/"), timeout=kwargs.pop("timeout", 60), **kwargs)

    def query(self, text: str, accept: str = "application/sparql-results+json", **kwargs) -> requests.Response:
        headers = {"Accept": accept, **kwargs.pop("headers", {})}
        return self.get("sparql", params={"query": text}, headers=headers, **kwargs)

    def alive(self) -> bool:
        return self.process.poll() is None and self.get("healthz", timeout=10).status_code == 200


def start_server(env: dict[str, str], *args: str, timeout: float = 180) -> Server:
    process = subprocess.Popen([sys.executable, "-m", "talentkg.cli", "serve", "--port", "0", *args],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log: list[str] = []
    found: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            match = re.search(r"listening on (http://\S+)", line)
            if match and not found:
                found.append(match.group(1))

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while not found:
        if process.poll() is not None:
            raise RuntimeError("talentkg serve exited:\n" + "".join(log))
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("talentkg serve did not start in time:\n" + "".join(log))
        time.sleep(0.05)
    return Server(found[0], process, log)


def send_endless_request_line(server: Server, limit: int = 20_000_000) -> tuple[bytes, int]:
    """Send a GET whose URL never ends (up to ``limit`` bytes); return the server's first bytes and how
    many bytes of URL went out before it answered and closed (``limit`` if it read them all)."""
    host, port = server.url.split("//")[1].rstrip("/").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=60) as conn:
        conn.sendall(b"GET /sparql?query=ASK%7B%7D%23")
        sent = 0
        try:
            while sent < limit:
                conn.sendall(b"x" * 65536)
                sent += 65536
        except OSError:  # the server answered and closed while the line was still arriving
            pass
        try:
            reply = conn.recv(4096)
        except ConnectionResetError:  # the reset of a close with unread input may overtake the answer
            reply = b""
    return reply, min(sent, limit)


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()


# -- backends: the tests of these folders run against every store talentkg can serve from ---------

EVERY_BACKEND = ("endpoint", "queries")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``backend`` is "embedded" everywhere, and also "remote" for the endpoint and saved-query tests."""
    if "backend" in metafunc.fixturenames:
        folder = Path(str(metafunc.definition.path)).resolve().relative_to(ROOT / "tests").parts[0]
        backends = ["embedded", "remote"] if folder in EVERY_BACKEND else ["embedded"]
        metafunc.parametrize("backend", backends, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """Where the servers of a test keep the data: "embedded" (in memory) or "remote" (see remote_store)."""
    return request.param


@dataclass
class RemoteStore:
    """``oxigraph serve`` on loopback, loaded by ``talentkg load``, behind a recording proxy."""

    engine: object  # oxigraph_serve.Oxigraph
    recorder: object  # recording_proxy.RecordingProxy

    @property
    def url(self) -> str:
        """The query endpoint talentkg is given (through the recorder)."""
        return self.recorder.query_url  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def remote_store(run_cli) -> Iterator[RemoteStore]:
    from oxigraph_serve import start_engine, stop_oxigraph
    from recording_proxy import start_proxy, stop_proxy

    engine = start_engine()
    try:
        loaded = run_cli("load", "--store", engine.query_url)
        assert loaded.code == 0, loaded.err
        recorder = start_proxy(engine.url)
        yield RemoteStore(engine, recorder)
        stop_proxy(recorder)
    finally:
        stop_oxigraph(engine)


def _serve(env: dict[str, str], backend: str, request: pytest.FixtureRequest, *args: str) -> Server:
    if backend == "remote":
        args = ("--store", request.getfixturevalue("remote_store").url, *args)
    s = start_server(env, *args)
    store = s.get("healthz").json()["store"]
    assert (store == "remote") == (backend == "remote"), store  # never silently another backend
    return s


@pytest.fixture(scope="session")
def embedded_server(cli_env: dict[str, str], request: pytest.FixtureRequest) -> Iterator[Server]:
    s = _serve(cli_env, "embedded", request)
    yield s
    stop_server(s)


@pytest.fixture(scope="session")
def remote_server(cli_env: dict[str, str], request: pytest.FixtureRequest) -> Iterator[Server]:
    s = _serve(cli_env, "remote", request)
    yield s
    stop_server(s)


@pytest.fixture(scope="session")
def server(backend: str, request: pytest.FixtureRequest) -> Server:
    """The endpoint as users run it (granian, default limits), on the bundled data, on each backend."""
    return request.getfixturevalue(f"{backend}_server")


@pytest.fixture
def make_server(cli_env: dict[str, str], backend: str, request: pytest.FixtureRequest):
    """Start a server with extra settings (environment TALENTKG_* and CLI options), on the test's backend."""
    started: list[Server] = []

    def make(*args: str, **settings: str) -> Server:
        env = dict(cli_env)
        env.update({f"TALENTKG_{k.upper()}": str(v) for k, v in settings.items()})
        s = _serve(env, backend, request, *args)
        started.append(s)
        return s

    yield make
    for s in started:
        stop_server(s)


# -- the site: a real headless Chromium, and a project root with a saved query of our own ----------
# (here rather than in tests/site/conftest.py: tests import this module as `conftest`)

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run")

EXAMPLE_QUERY = """#+ summary: Programmes by country (site test example)
#+ tags: [test]
SELECT ?programme ?country WHERE {
  ?programme a tkg:Programme ; dct:spatial ?country .
}
ORDER BY ?programme
"""


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Chromium driven by Selenium, with a fresh profile; skipped only when Chromium is absent."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("headless Chromium is not installed (Debian packages chromium and chromium-driver; "
                    ".ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1280,1600")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots are kept for people to look at (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def root_with_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's data with one saved query of our own, so the editor's examples can be checked."""
    root = tmp_path_factory.mktemp("site-root")
    for name in ("ontology", "data", "shapes"):
        (root / name).symlink_to(ROOT / name, target_is_directory=True)
    shutil.copy(ROOT / "CITATION.cff", root / "CITATION.cff")
    (root / "queries").mkdir()
    (root / "queries" / "programmes-by-country.rq").write_text(EXAMPLE_QUERY, encoding="utf-8")
    return root
