"""The endpoint benchmark: every server, the same data, the same queries, side by side in one run.

For one data size, all servers are started (start → first answer is timed), then query by query:
1. one checked request per server: status 200, the body parses (JSON results with ``json``, RDF with
   pyoxigraph), rows are counted and must be equal on every server; the body becomes the reference;
2. for concurrency 1 then 8, each server in turn (the order rotates from query to query, so drift on the
   shared machine hits every server alike) gets a phase of ``wrk`` (C, epoll: the driver itself is no
   bottleneck) with a Lua script that compares every response with the reference body; the rare body
   that differs is saved and parsed afterwards, and must hold the same number of rows.
CPU used by the server, by wrk and by everything else is recorded per phase, to expose noise.

    python bench/run.py --triples 1e6 [--servers oxigraph,flask-floor,talentkg,talentkg-nocache]
        [--queries q01,q05] [--seconds 3] [--out bench/results/NAME.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from servers import SERVERS, Server, make  # noqa: E402
from stores import build, label, paths  # noqa: E402

RESULTS = "application/sparql-results+json"
TURTLE = "text/turtle"
SLOW_FOR_C8 = 15.0  # seconds per request: beyond this a server is not run at c=8 (said as "skip")
LONGEST_PHASE = 12.0  # seconds


def baseline_source(rev: str) -> Path:
    """``src/`` of an earlier commit, so that it can be served beside the working tree (``talentkg@REV``)."""
    target = HERE / "work" / f"src-{rev}"
    if not (target / "src" / "talentkg").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", rev, "src"], cwd=HERE.parent, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target / "src"


def queries(selected: list[str] | None) -> dict[str, str]:
    found = {p.stem: p.read_text() for p in sorted((HERE / "queries").glob("*.rq"))}
    if selected:
        found = {k: v for k, v in found.items() if any(k.startswith(s) for s in selected)}
    return found


def is_graph_query(text: str) -> bool:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().upper().startswith(("PREFIX", "#")))
    return body.lstrip().upper().startswith(("CONSTRUCT", "DESCRIBE"))


def count_rows(body: bytes, graph: bool, content_type: str) -> int:
    """Rows of a SPARQL JSON result or triples of an RDF document; raises if it does not parse."""
    if graph:
        fmt = ox.RdfFormat.from_media_type(content_type.split(";")[0].strip()) or ox.RdfFormat.TURTLE
        return sum(1 for _ in ox.parse(body, format=fmt))
    doc = json.loads(body)
    return 1 if "boolean" in doc else len(doc["results"]["bindings"])


def fetch(server: Server, text: str, accept: str, timeout: float) -> tuple[int, bytes, str, float]:
    started = time.perf_counter()
    request = urllib.request.Request(server.query_url(text), headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            body, status, ctype = r.read(), r.status, r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        body, status, ctype = exc.read(), exc.code, exc.headers.get("Content-Type", "")
    return status, body, ctype, time.perf_counter() - started


def machine_busy() -> float:
    """Busy CPU seconds of the whole machine so far (all cores)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wrk_phase(server: Server, text: str, accept: str, reference: Path, connections: int, seconds: float,
              timeout: float, scratch: Path) -> dict:
    report = scratch / "wrk.json"
    report.unlink(missing_ok=True)
    mismatch = scratch / f"mismatch-{server.name}-"
    for old in scratch.glob(mismatch.name + "*"):
        old.unlink()
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", f"--timeout={int(timeout)}s",
            "-s", str(HERE / "check.lua"), server.query_url(text), "--", accept, str(reference), str(mismatch)]
    busy0, server0 = machine_busy(), server.cpu_seconds()
    started = time.perf_counter()
    process = subprocess.Popen(argv, env={**os.environ, "WRK_REPORT": str(report)},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    output = process.stdout.read().decode() if process.stdout else ""
    if status != 0 or not report.is_file():
        raise RuntimeError(f"wrk failed on {server.name}: {output}")
    result = json.loads(report.read_text())
    server_cpu = server.cpu_seconds() - server0
    driver_cpu = usage.ru_utime + usage.ru_stime
    result["cores"] = {"server": round(server_cpu / wall, 2), "driver": round(driver_cpu / wall, 2),
                       "other": round(max(0.0, machine_busy() - busy0 - server_cpu - driver_cpu) / wall, 2)}
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["mismatch_files"] = sorted(str(p) for p in scratch.glob(mismatch.name + "*"))
    return result


def run(args: argparse.Namespace) -> dict:
    triples = int(args.triples)
    data = paths(triples)
    info = build(triples, with_nt="rdflib-endpoint" in args.servers,
                 with_remote=any(s.startswith("talentkg-remote") for s in args.servers))
    scratch = Path(tempfile.mkdtemp(prefix="talentkg-bench-"))
    cache_dir = scratch / "cache"
    log_dir = HERE / "work" / label(triples) / "logs"
    servers = []
    for name in args.servers:
        # "talentkg-nocache@REV": the same server with the code of commit REV;
        # "talentkg-nocache+web_workers=2": with a setting (TALENTKG_WEB_WORKERS=2)
        base, *settings = name.split("+")
        base, _, rev = base.partition("@")
        server = make(base, data, cache_dir)
        server.name = name
        if rev:
            server.env["PYTHONPATH"] = str(baseline_source(rev))
        for setting in settings:
            key, _, value = setting.partition("=")
            server.env[f"TALENTKG_{key.upper()}"] = value
        servers.append(server)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the servers are stopped
    out: dict = {"size": label(triples), "data": info, "servers": {}, "queries": {},
                 "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                             "python": platform.python_version()},
                 "settings": {"seconds": args.seconds, "concurrency": args.concurrency},
                 "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    save = (lambda: args.out.write_text(json.dumps(out, indent=1))) if args.out else (lambda: None)
    try:
        for s in servers:
            s.start(log_dir)
            s.sample_memory()
            out["servers"][s.name] = {"ready_s": round(s.ready_s, 2), "rss_at_ready_mib": s.rss_mib(),
                                      "pss_at_ready_mib": s.pss_mib()}
            if s.companion is not None:  # the remote engine: counted in the totals, and on its own
                out["servers"][s.name]["engine_rss_at_ready_mib"] = s.companion.rss_mib()
            print(f"· {s.name} ready in {s.ready_s:.2f} s", file=sys.stderr, flush=True)
        for qi, (name, text) in enumerate(queries(args.queries).items()):
            graph = is_graph_query(text)
            accept = TURTLE if graph else RESULTS
            entry: dict = {"graph": graph, "check": {}, "phases": {}}
            out["queries"][name] = entry
            for s in servers:  # 1. one checked request each; the body becomes the reference
                try:
                    status, body, ctype, seconds = fetch(s, text, accept, args.max_request_s)
                except (TimeoutError, OSError) as exc:
                    entry["check"][s.name] = {"error": f"no answer within {args.max_request_s:g} s ({exc})"}
                    continue
                check = {"status": status, "seconds": round(seconds, 4), "bytes": len(body)}
                if status == 200:
                    check["rows"] = count_rows(body, graph, ctype)
                    reference = scratch / f"{name}-{s.name}.body"
                    reference.write_bytes(body)
                    check["reference"] = str(reference)
                entry["check"][s.name] = check
            rows = {c["rows"] for c in entry["check"].values() if "rows" in c}
            entry["rows"] = next(iter(rows)) if len(rows) == 1 else sorted(rows)
            if len(rows) > 1:
                print(f"! {name}: servers disagree on row counts: {entry['check']}", file=sys.stderr)
            order = servers[qi % len(servers):] + servers[: qi % len(servers)]
            for c in args.concurrency:  # 2. measured phases, interleaved
                for s in order:
                    check = entry["check"].get(s.name, {})
                    if check.get("status") != 200:
                        continue
                    if c > 1 and check["seconds"] > args.slow_for_c8:
                        entry["phases"].setdefault(s.name, {})[str(c)] = "skip"
                        continue
                    # long enough for a few answers even when one takes longer than the longest phase
                    seconds = max(args.seconds, min(LONGEST_PHASE, 4 * check["seconds"] * max(1, c / 2)),
                                  3 * check["seconds"] * max(1, c / 2))
                    phase = wrk_phase(s, text, accept, Path(check["reference"]), c, seconds,
                                      max(60.0, args.max_request_s), scratch)
                    for path in phase.pop("mismatch_files"):  # differing bodies must still be right
                        got = count_rows(Path(path).read_bytes(), graph, accept)
                        if got != check["rows"]:
                            raise RuntimeError(f"{s.name} {name}: a response had {got} rows, not {check['rows']}")
                    bad = phase["bad_status"] + sum(phase["errors"].values())
                    if bad:
                        print(f"! {s.name} {name} c={c}: {bad} failed requests {phase['errors']}", file=sys.stderr)
                    entry["phases"].setdefault(s.name, {})[str(c)] = phase
                    s.sample_memory()
                    print(f"· {name} c={c} {s.name}: {phase['rps']:.1f} req/s p50 {phase['p50_us'] / 1000:.2f} ms "
                          f"(cores: {phase['cores']})", file=sys.stderr, flush=True)
            save()  # a partial result survives an interrupted run
        for s in servers:
            s.sample_memory()
            out["servers"][s.name]["peak_rss_mib"] = s.rss_mib("VmHWM")  # a sum of per-process peaks
            out["servers"][s.name]["peak_pss_mib"] = s.peak_pss  # the tree's memory, shared pages once
            if s.companion is not None:
                out["servers"][s.name]["engine_peak_rss_mib"] = s.companion.rss_mib("VmHWM")
                out["servers"][s.name]["engine_peak_pss_mib"] = s.companion.peak_pss
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=float, default=1e6)
    parser.add_argument("--servers", type=lambda s: s.split(","), default=list(SERVERS[:4]))
    parser.add_argument("--queries", type=lambda s: s.split(","), default=None)
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8])
    parser.add_argument("--seconds", type=float, default=3.0, help="shortest measured phase")
    parser.add_argument("--max-request-s", type=float, default=120.0, help="give up on a single request after this")
    parser.add_argument("--slow-for-c8", type=float, default=SLOW_FOR_C8,
                        help="a query slower than this (s, one request) is not run at c=8")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    args.out = args.out or HERE / "results" / f"{label(int(args.triples))}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = run(args)
    args.out.write_text(json.dumps(result, indent=1))
    print(args.out)


if __name__ == "__main__":
    main()
