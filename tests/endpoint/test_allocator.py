"""``talentkg serve`` runs on mimalloc (see talentkg/allocator.py); TALENTKG_ALLOCATOR chooses otherwise."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="LD_PRELOAD and /proc are Linux's")


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (web workers, the zygote, query workers) that are still running."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:  # it ended meanwhile (a replaced query worker)
            continue
        found.append(current)
    return found


def maps_mimalloc(pid: int) -> bool | None:
    """Whether the process maps libmimalloc; None when it has ended since it was listed."""
    try:
        return "libmimalloc" in Path(f"/proc/{pid}/maps").read_text()
    except FileNotFoundError:
        return None


def test_every_serving_process_runs_on_mimalloc(server):
    health = server.get("healthz").json()
    assert health["allocator"] == "mimalloc"
    server.query("ASK { ?s ?p ?o }")  # a query worker has answered
    tree = process_tree(server.process.pid)
    assert len(tree) >= 4  # the HTTP server, a web worker, the zygote, its query workers
    assert all(maps_mimalloc(pid) is not False for pid in tree), [pid for pid in tree if maps_mimalloc(pid) is False]


def test_the_system_allocator_on_request(make_server):
    server = make_server(allocator="system")
    assert server.get("healthz").json()["allocator"] == "system"
    assert server.query("ASK { ?s ?p ?o }").json()["boolean"] is True
    assert not any(maps_mimalloc(pid) is True for pid in process_tree(server.process.pid))


def test_a_missing_allocator_library_is_refused_before_serving(run_cli, tmp_path):
    missing = tmp_path / "libnothing.so"
    result = run_cli("serve", "--port", "0", env={"TALENTKG_ALLOCATOR": str(missing)}, timeout=120)
    assert result.code == 1
    assert str(missing) in result.err and "mimalloc" in result.err and "system" in result.err
    assert "listening" not in result.err
