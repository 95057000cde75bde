"""Where a server's CPU goes, per request and per process: a diagnosis tool beside run.py's throughput.

For each server and concurrency, one ``wrk`` phase of one query; around it, ``/proc`` of every process
of the server's tree is read, and the difference is divided by the requests answered: CPU time (user
and system), minor page faults, and voluntary and involuntary context switches of every thread.
Phases are interleaved (every server, then every server again), so that the other tenants of a shared
machine disturb every server alike; CPU per request is what they disturb least.

    python bench/cpu_per_request.py --triples 1e6 --query q02_lookup_label \\
        --servers flask-floor,talentkg,talentkg-nocache [--rounds 2] [--seconds 3] [--per-process]

A server name takes settings as in run.py (``talentkg-nocache+executors=1``). The stores are built
as run.py builds them.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import RESULTS, TURTLE, is_graph_query, queries
from servers import Server, make
from stores import build, label, paths

TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Usage:
    """What ``/proc`` says one process (all its threads) has used so far."""

    command: str
    cpu: float  # seconds, user + system
    system: float
    faults: int  # minor page faults
    switches: int  # voluntary context switches, every thread
    preempted: int  # involuntary context switches, every thread


def usage(pid: int) -> Usage | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        command = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ").strip()
        switches = preempted = 0
        for task in Path(f"/proc/{pid}/task").iterdir():
            for line in (task / "status").read_text().splitlines():
                if line.startswith("voluntary_ctxt_switches:"):
                    switches += int(line.split()[1])
                elif line.startswith("nonvoluntary_ctxt_switches:"):
                    preempted += int(line.split()[1])
    except (OSError, IndexError, ValueError):
        return None  # the process ended meanwhile
    return Usage(command, (int(fields[11]) + int(fields[12])) / TICK, int(fields[12]) / TICK, int(fields[7]),
                 switches, preempted)


def snapshot(server: Server) -> dict[int, Usage]:
    return {pid: u for pid in server.pids() if (u := usage(pid)) is not None}


def phase(server: Server, text: str, accept: str, connections: int, seconds: int) -> tuple[int, dict[int, dict]]:
    """Requests answered in a ``wrk`` phase, and each process's use per request during it."""
    before = snapshot(server)
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-H", f"Accept: {accept}",
                          server.query_url(text)], capture_output=True, text=True, check=True).stdout
    after = snapshot(server)
    requests = int(out.split(" requests in")[0].split()[-1])
    if "Non-2xx" in out:
        raise RuntimeError(f"{server.name} answered errors:\n{out}")
    per: dict[int, dict] = {}
    for pid, end in after.items():
        start = before.get(pid)
        if start is None or requests == 0:
            continue
        per[pid] = {"command": end.command, "cpu_us": (end.cpu - start.cpu) / requests * 1e6,
                    "system_us": (end.system - start.system) / requests * 1e6,
                    "faults": (end.faults - start.faults) / requests,
                    "switches": (end.switches - start.switches) / requests,
                    "preempted": (end.preempted - start.preempted) / requests}
    return requests, per


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", default="1e6")
    parser.add_argument("--query", default="q02_lookup_label")
    parser.add_argument("--servers", default="flask-floor,talentkg,talentkg-nocache")
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--per-process", action="store_true", help="a line for every process that used CPU")
    args = parser.parse_args(argv)
    triples = int(float(args.triples))
    build(triples)
    query_name, text = next(iter(queries([args.query]).items()))
    accept = TURTLE if is_graph_query(text) else RESULTS
    data = paths(triples)
    cache_dir = Path(tempfile.mkdtemp(prefix="talentkg-cpu-"))
    servers = []
    for name in args.servers.split(","):
        base, *settings = name.split("+")
        server = make(base, data, cache_dir)
        server.name = name
        for setting in settings:
            key, _, value = setting.partition("=")
            server.env[f"TALENTKG_{key.upper()}"] = value
        servers.append(server)
    print(f"{label(triples)}, {query_name}; per request: CPU µs (of it system), page faults, context "
          "switches (voluntary + involuntary)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the servers are stopped
    try:
        for server in servers:
            server.start(HERE / "work" / label(triples) / "logs")
        for round_ in range(args.rounds):
            for c in (int(c) for c in args.concurrency.split(",")):
                for server in servers:
                    requests, per = phase(server, text, accept, c, args.seconds)
                    total = {k: sum(p[k] for p in per.values()) for k in ("cpu_us", "system_us", "faults",
                                                                          "switches", "preempted")}
                    print(f"round {round_ + 1} c={c} {server.name:34} {requests / args.seconds:7.0f} req/s "
                          f"{total['cpu_us']:6.0f} µs ({total['system_us']:4.0f}) {total['faults']:5.2f} faults "
                          f"{total['switches']:5.2f} + {total['preempted']:4.2f} switches", flush=True)
                    if args.per_process:
                        for pid, p in sorted(per.items(), key=lambda item: -item[1]["cpu_us"]):
                            if p["cpu_us"] > 0:
                                print(f"    {pid:>7} {p['cpu_us']:6.0f} µs {p['switches']:5.2f} + "
                                      f"{p['preempted']:4.2f} switches  {p['command'][:70]}")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
