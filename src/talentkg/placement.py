"""CPU placement: each web worker on a CPU of its own, its first query worker on the same CPU.

An uncached query crosses from a web worker's thread to a query worker process and back. When the
two run on different CPUs, each crossing wakes an idle CPU (an interrupt to another core, a slow exit
from idle under a hypervisor) and the work lands on cold caches. On a quiet 2-core machine, 1M
triples, one client: a lookup answered 0.59x then 0.70x the Flask floor, and a 13-row provenance
query 0.74x then 1.05x, once each web worker and its first query worker shared a CPU
(docs/performance.md). The other query workers go to the next CPUs in turn, so that one web worker's
concurrent queries still run in parallel; the pool hands a query to a worker on its web worker's CPU
first (workers.WorkerPool).

Only a server whose web workers cover every CPU it may use is pinned (the default: one web worker per
CPU, up to four): that server owns the machine. One with fewer web workers than CPUs may share the
machine with other servers, which would pile onto the same first CPUs; it is left to the kernel, as
is everything on a platform without ``os.sched_setaffinity``, or with ``cpu_affinity`` off.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger("talentkg.placement")


def available_cpus() -> list[int]:
    """The CPUs this process may run on, in order (empty where that cannot be known or set)."""
    if not hasattr(os, "sched_getaffinity") or not hasattr(os, "sched_setaffinity"):
        return []
    return sorted(os.sched_getaffinity(0))


def plan(web_index: int, web_workers: int, executors: int, cpus: list[int]) -> list[int]:
    """The CPU of each query worker of web worker ``web_index``: its own CPU first, then the next ones.

    Web worker ``i`` lives on ``plan(i, ...)[0]``; web workers are spread evenly over ``cpus``. An empty
    list means: do not pin.
    """
    if len(cpus) < 2 or web_workers < len(cpus):
        return []
    home = (web_index % web_workers) * len(cpus) // web_workers
    return [cpus[(home + k) % len(cpus)] for k in range(max(1, executors))]


def pin(cpu: int, pid: int = 0) -> bool:
    """Run process ``pid`` (0: this one; and the threads it starts from now on) on ``cpu`` only."""
    try:
        os.sched_setaffinity(pid, {cpu})
    except (OSError, ValueError) as exc:  # a CPU taken away meanwhile, or a sandbox refusing
        log.warning("could not pin process %d to CPU %d: %s", pid or os.getpid(), cpu, exc)
        return False
    return True
