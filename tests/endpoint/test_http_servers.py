"""``talentkg serve`` runs granian by default and gunicorn on request; either keeps its web workers alive."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
import requests
from conftest import send_endless_request_line
from SPARQLWrapper import JSON, SPARQLWrapper

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread that ended between the listing and the read (granian's do)
            pass
    return found


def wait_until(check, what: str, seconds: float = 90) -> None:
    """A liveness bound, not a speed requirement: fail only if ``check`` never holds."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {seconds} s")
        time.sleep(0.2)


def test_granian_is_the_default(server):
    assert server.get("healthz").json()["http_server"].lower().startswith("granian")


def test_new_connections_are_spread_over_the_web_workers(make_server):
    """Each granian worker listens on its own SO_REUSEPORT socket and the kernel spreads connections:
    with one shared socket, one worker took every keep-alive connection of a benchmark."""
    server = make_server(web_workers=2)
    pids = set()
    for _ in range(32):  # a new connection each time; all on one worker by chance: 2 in 2**32
        with requests.Session() as session:
            pids.add(session.get(server.url + "healthz", timeout=60).json()["web_worker_pid"])
    assert len(pids) == 2


def test_gunicorn_on_request(make_server):
    server = make_server("--server", "gunicorn")
    assert server.get("healthz").json()["http_server"].startswith("gunicorn")
    client = SPARQLWrapper(server.sparql)
    client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s a tkg:Programme }")
    client.setReturnFormat(JSON)
    assert int(client.query().convert()["results"]["bindings"][0]["n"]["value"]) >= 8
    # gunicorn reads request lines up to 8,190 bytes (its largest limit short of none): longer GETs get 414
    reply, sent = send_endless_request_line(server)
    assert reply == b"" or reply.startswith(b"HTTP/1.1 414 "), reply[:100]
    assert sent < 20_000_000, "the server read the whole 20 MB line before answering"
    long_get = requests.get(server.sparql, params={"query": "ASK {} # " + "x" * 20_000})
    assert long_get.status_code == 414 and "too large" in long_get.text
    assert server.get("healthz").status_code == 200


def test_an_unknown_server_is_refused(run_cli):
    result = run_cli("serve", "--port", "0", env={"TALENTKG_WEB_SERVER": "tornado"}, timeout=120)
    assert result.code != 0
    assert "tornado" in result.err and "granian" in result.err and "gunicorn" in result.err
    assert "listening" not in result.err


@linux_only
@pytest.mark.parametrize("http_server", ["granian", "gunicorn"])
def test_a_killed_web_worker_is_replaced_and_its_query_workers_end(make_server, http_server):
    server = make_server("--server", http_server)
    assert server.query("ASK { ?s ?p ?o }").json()["boolean"] is True
    master = server.process.pid
    (worker,) = children(master)  # the tests run one web worker
    query_side = children(worker)  # its zygote (whose children are the query workers)
    assert query_side
    os.kill(worker, signal.SIGKILL)
    wait_until(lambda: children(master) and children(master) != [worker], "no replacement web worker")
    wait_until(lambda: _answers(server), "the server did not answer again")
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() and _state(pid) != "Z" for pid in query_side),
               "the killed worker's query processes did not end")
    assert server.query("ASK { ?s ?p ?o }").json()["boolean"] is True


def _answers(server) -> bool:
    try:
        return server.get("healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "Z"


def test_the_address_is_announced_as_a_url(capsys):
    from talentkg.server import _announce

    _announce("::", 8000)
    _announce("127.0.0.1", 8001)
    err = capsys.readouterr().err
    assert "listening on http://[::]:8000/" in err and "listening on http://127.0.0.1:8001/" in err


def test_a_port_in_use_is_refused_not_shared(server, run_cli):
    """granian's workers bind with SO_REUSEPORT, which would let a second server join the first one's
    port and take half its connections: a second `serve` on a port in use must stop instead."""
    port = server.url.rstrip("/").rsplit(":", 1)[1]
    result = run_cli("serve", "--port", port, timeout=120)
    assert result.code != 0 and "already in use" in result.err.lower(), result.err[-500:]
    assert "listening" not in result.err
    assert server.get("healthz").status_code == 200


def test_serve_raises_the_open_file_limit_to_the_hard_limit():
    """Every connection is a file: at a soft limit of 1,024 a flood of connections would exhaust it."""
    import resource

    from talentkg.server import _raise_open_file_limit

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
    try:
        _raise_open_file_limit()
        raised, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        assert raised == (hard if hard != resource.RLIM_INFINITY else max(256, 1 << 20))
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.parametrize("http_server", ["gunicorn", "granian"])
def test_the_served_process_runs_at_the_hard_open_file_limit(make_server, http_server):
    """Started from a shell whose soft limit is low, ``talentkg serve`` lifts it for its web workers
    (granian's own start-up does it as well; gunicorn's does not)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))  # the server inherits it
    try:
        server = make_server("--server", http_server)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    pid = server.get("healthz").json()["web_worker_pid"]
    limits = Path(f"/proc/{pid}/limits").read_text()
    worker_soft, worker_hard = next(line for line in limits.splitlines() if line.startswith("Max open files")).split()[3:5]
    assert worker_soft == worker_hard != "256", limits
