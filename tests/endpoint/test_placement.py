"""CPU placement: each web worker on a CPU of its own, with its first query worker beside it."""

from __future__ import annotations

import os
import signal
import sys
import time

import pyoxigraph as ox
import pytest
import requests

from talentkg.placement import available_cpus, plan
from talentkg.sparql.evaluation import QueryJob
from talentkg.sparql.workers import WorkerCrashed, WorkerPool

CPUS = available_cpus()
needs_two_cpus = pytest.mark.skipif(not sys.platform.startswith("linux") or len(CPUS) < 2,
                                    reason="pinning needs Linux and at least two CPUs")


def test_web_workers_are_spread_and_their_query_workers_start_beside_them():
    assert plan(0, 2, 2, [0, 1]) == [0, 1]
    assert plan(1, 2, 2, [0, 1]) == [1, 0]
    assert [plan(i, 2, 2, [0, 1, 2, 3]) for i in range(2)] == [[], []], "fewer web workers than CPUs: not pinned"
    assert [plan(i, 4, 2, [2, 3, 5, 7])[0] for i in range(4)] == [2, 3, 5, 7]
    assert [plan(i, 8, 1, [0, 1, 2, 3]) for i in range(8)] == [[0], [0], [1], [1], [2], [2], [3], [3]]
    assert plan(0, 1, 2, [0]) == [] and plan(0, 4, 2, []) == []


def _store() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")))
    return store


ASK = QueryJob(text="ASK { ?s ?p ?o }", media="json", form="ASK")


@needs_two_cpus
def test_query_workers_are_pinned_and_the_one_beside_the_web_worker_answers_first():
    home, other = CPUS[0], CPUS[1]
    pool = WorkerPool(_store(), 2, lambda: None, cpus=[home, other])
    try:
        by_cpu = {w.cpu: w for w in pool._all.values()}
        assert set(by_cpu) == {home, other}
        for cpu, worker in by_cpu.items():
            assert os.sched_getaffinity(worker.pid) == {cpu}
        for _ in range(20):  # one client at a time: always the worker on the web worker's own CPU
            assert pool.run(ASK, 30).body
        assert (by_cpu[home].jobs, by_cpu[other].jobs) == (20, 0)

        dead = by_cpu[home].pid
        os.kill(dead, signal.SIGKILL)  # the next job meets the dead worker: it is replaced on the same CPU
        with pytest.raises(WorkerCrashed):
            pool.run(ASK, 30)
        deadline = time.monotonic() + 60
        while not [w for w in pool._all.values() if w.cpu == home and w.pid != dead]:
            assert time.monotonic() < deadline, "no replacement worker"
            time.sleep(0.05)
        (replacement,) = [w for w in pool._all.values() if w.cpu == home]
        assert os.sched_getaffinity(replacement.pid) == {home}
        for _ in range(5):
            assert pool.run(ASK, 30).body
        assert replacement.jobs == 5
    finally:
        pool.close()


def test_unpinned_pool_hands_out_the_most_recently_used_worker():
    pool = WorkerPool(_store(), 2, lambda: None)
    try:
        assert all(w.cpu is None for w in pool._all.values())
        for _ in range(10):
            pool.run(ASK, 30)
        assert sorted(w.jobs for w in pool._all.values()) == [0, 10]
    finally:
        pool.close()


def _every_web_worker(server, count: int) -> dict[int, dict]:
    seen: dict[int, dict] = {}
    for _ in range(64):  # a new connection each time: the kernel spreads them over the workers
        with requests.Session() as session:
            health = session.get(server.url + "healthz", timeout=60).json()
        seen[health["web_worker_pid"]] = health
        if len(seen) == count:
            break
    assert len(seen) == count, f"only {len(seen)} of {count} web workers answered"
    return seen


@needs_two_cpus
def test_a_server_owning_the_machine_pins_each_web_worker_beside_its_first_query_worker(make_server):
    workers = min(len(CPUS), 4)
    if workers < len(CPUS):
        pytest.skip("more than four CPUs: the default server does not cover them all")
    server = make_server(web_workers=workers)
    seen = _every_web_worker(server, workers)
    homes = set()
    for pid, health in seen.items():
        (cpu,) = health["cpus"]["web_worker"]
        assert os.sched_getaffinity(pid) == {cpu}
        assert cpu in health["cpus"]["query_workers"]
        homes.add(cpu)
    assert len(homes) == workers, "two web workers share a CPU"
    assert server.query("ASK { ?s ?p ?o }").json()["boolean"] is True


@needs_two_cpus
def test_pinning_can_be_turned_off(make_server):
    server = make_server(web_workers=len(CPUS), cpu_affinity="false")
    for pid, health in _every_web_worker(server, len(CPUS)).items():
        assert health["cpus"]["web_worker"] == CPUS
        assert health["cpus"]["query_workers"] == [None, None]
        assert os.sched_getaffinity(pid) == set(CPUS)
