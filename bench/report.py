"""Markdown tables from a result file of run.py: ratios to ``oxigraph serve``, side by side, and the targets;
or, with ``--scale``, from the result files of scale.py: load, memory, throughput and growth with size.

    python bench/report.py bench/results/1m-after.json [--before bench/results/1m-before.json]
    python bench/report.py --scale bench/results/scale-*.json
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

REFERENCE = "oxigraph"
FLOOR = "flask-floor"
HEAVY_MS = 20.0  # a query is heavy when oxigraph serve needs more than this (p50, c=1)


def phase(result: dict, query: str, server: str, c: int) -> dict | None:
    p = result["queries"][query]["phases"].get(server, {}).get(str(c))
    return p if isinstance(p, dict) else None


def fmt(value: float) -> str:
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def cell(value: float | None, ref: float | None, skipped: bool = False) -> str:
    if value is None:
        return "skip" if skipped else "–"
    if ref:
        return f"{fmt(value)} ({value / ref:.2f}×)"
    return fmt(value)


def servers_of(result: dict) -> list[str]:
    return list(result["servers"])


def table(result: dict, c: int, metric: str) -> str:
    servers = servers_of(result)
    head = "| query | rows | " + " | ".join(servers) + " |\n|---|---:|" + "---:|" * len(servers) + "\n"
    lines = []
    for q, entry in result["queries"].items():
        ref = phase(result, q, REFERENCE, c)
        ref_v = value(ref, metric)
        cells = []
        for s in servers:
            p = phase(result, q, s, c)
            skipped = entry["phases"].get(s, {}).get(str(c)) == "skip" or "error" in entry["check"].get(s, {})
            cells.append(cell(value(p, metric), ref_v, skipped) if s != REFERENCE else cell(ref_v, None))
        lines.append(f"| {q} | {entry['rows']} | " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"


def value(p: dict | None, metric: str) -> float | None:
    if p is None:
        return None
    return p["rps"] if metric == "rps" else p[metric] / 1000.0


def geomean(values: list[float]) -> float | None:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def heavy(result: dict, q: str) -> bool:
    ref = phase(result, q, REFERENCE, 1)
    return ref is not None and ref["p50_us"] / 1000 > HEAVY_MS


def ratios(result: dict, server: str, against: str, c: int, which: str = "all") -> dict[str, float]:
    out = {}
    for q in result["queries"]:
        if which != "all" and heavy(result, q) != (which == "heavy"):
            continue
        a, b = phase(result, q, server, c), phase(result, q, against, c)
        if a and b and b["rps"] > 0:
            out[q] = a["rps"] / b["rps"]
    return out


def targets(result: dict) -> str:
    lines = ["| target | c=1 | c=8 |", "|---|---|---|"]

    def row(title: str, server: str, against: str, which: str, goal: float | None, use_min: bool = True) -> None:
        cells = []
        for c in (1, 8):
            r = ratios(result, server, against, c, which)
            if not r:
                cells.append("–")
                continue
            worst = min(r, key=r.get)
            g = geomean(list(r.values()))
            text = f"geomean {g:.2f}×, min {r[worst]:.2f}× ({worst})" if use_min else f"geomean {g:.2f}×"
            if goal is not None:
                text += " ✔" if (r[worst] if use_min else g) >= goal else " ✘"
            cells.append(text)
        lines.append(f"| {title} | " + " | ".join(cells) + " |")

    present = set(servers_of(result))
    if {"talentkg-nocache", REFERENCE} <= present:
        row("heavy queries (oxigraph > 20 ms): talentkg, cache off ÷ oxigraph ≥ 0.9×", "talentkg-nocache",
            REFERENCE, "heavy", 0.9)
    if {"talentkg-nocache", FLOOR} <= present:
        row("light queries: talentkg, cache off ÷ Flask floor ≥ 0.8×", "talentkg-nocache", FLOOR, "light", 0.8)
    if {"talentkg", FLOOR} <= present:
        row("repeated queries, cache on ÷ Flask floor (light)", "talentkg", FLOOR, "light", None)
    if {"talentkg", REFERENCE} <= present:
        row("repeated heavy queries, cache on ÷ oxigraph", "talentkg", REFERENCE, "heavy", None)
    if {"talentkg-nocache", "rdflib-endpoint"} <= present:
        row("the mix: talentkg, cache off ÷ rdflib-endpoint ≥ 10× (geomean)", "talentkg-nocache",
            "rdflib-endpoint", "all", 10, use_min=False)
    return "\n".join(lines) + "\n"


def render(result: dict) -> str:
    out = [f"### {result['size']} ({result['data'].get('triples', '?')} triples), started {result['started']}\n"]
    out.append("| server | start → first answer (s) | RSS at ready (MiB) | peak RSS (MiB) |\n|---|---:|---:|---:|")
    for s, info in result["servers"].items():
        out.append(f"| {s} | {info['ready_s']} | {info['rss_at_ready_mib']} | {info.get('peak_rss_mib', '–')} |")
    out.append("")
    for c in (1, 8):
        for metric, title in (("rps", "throughput, requests/s (ratio to oxigraph; higher is better)"),
                              ("p50_us", "p50 latency, ms (ratio; lower is better)"),
                              ("p99_us", "p99 latency, ms (ratio; lower is better)")):
            out.append(f"**c={c} — {title}**\n")
            out.append(table(result, c, metric))
    out.append("**Targets** (ratios of throughput; heavy = oxigraph p50 > 20 ms at c=1)\n")
    out.append(targets(result))
    other = [p["cores"]["other"] for e in result["queries"].values() for s in e["phases"].values()
             for p in s.values() if isinstance(p, dict)]
    if other:
        other.sort()
        out.append(f"CPU used by other tenants during the phases: median {other[len(other) // 2]:.2f} cores, "
                   f"max {other[-1]:.2f} (of {result['machine']['cpus']}).\n")
    return "\n".join(out)


def compare(before: dict, after: dict, server: str) -> str:
    """Per query and concurrency: throughput ratio to oxigraph before and after a change."""
    lines = [f"| query | c=1 before | c=1 after | c=8 before | c=8 after |", "|---|---:|---:|---:|---:|"]
    for q in after["queries"]:
        cells = []
        for c in (1, 8):
            for r in (before, after):
                a, b = (phase(r, q, server, c), phase(r, q, REFERENCE, c)) if q in r["queries"] else (None, None)
                cells.append(f"{a['rps'] / b['rps']:.2f}×" if a and b else "–")
        lines.append(f"| {q} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# -- the scale benchmark (scale.py): one result per size, backends side by side ---------------------

BACKENDS = {"talentkg-memory-nocache": "memory", "talentkg-nocache": "disk", "talentkg-remote-nocache": "remote",
            "talentkg-remote-union-nocache": "remote, union"}


def _exponent(values: list[tuple[int, float | None]]) -> str:
    """How a cost grows with the number of triples n: the power k in cost ∝ n^k, from the two largest sizes."""
    known = [(n, v) for n, v in values if v]
    if len(known) < 2:
        return "–"
    (n1, v1), (n2, v2) = known[-2], known[-1]
    return f"n^{math.log(v2 / v1) / math.log(n2 / n1):.2f}"


def _geomean_ratio(result: dict, server: str, c: int, which: str = "all") -> float | None:
    r = {q: v for q, v in ratios(result, server, REFERENCE, c, which).items() if v > 0}
    return geomean(list(r.values()))


def _latency(result: dict, server: str, c: int) -> float | None:
    """Geometric mean over the queries of the p50 latency (ms)."""
    values = [p["p50_us"] / 1000 for q in result["queries"] if (p := phase(result, q, server, c)) and p["requests"]]
    return geomean(values) if len(values) == len(result["queries"]) else None


def scale(results: list[dict]) -> str:
    results = sorted(results, key=lambda r: r["data"]["triples"])
    sizes = [(r["size"], r["data"]["triples"]) for r in results]
    out = ["**Data**\n", "| size | triples | N-Quads (MB) |", "|---|---:|---:|"]
    out += [f"| {r['size']} | {r['data']['triples']:,} | {r['data']['nq_bytes'] / 1e6:.0f} |" for r in results]

    out += ["", "**Load: time (s) and ratio to `oxigraph load` + `optimize`; peak RSS of the loading process (MiB)**\n",
            "| size | oxigraph load + optimize | disk: `talentkg load --store DIR` | remote: `talentkg load --store URL` "
            "| remote engine during the load | remote engine `optimize` | memory: `talentkg serve`, start → first answer |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    growth: dict[str, list[tuple[int, float | None]]] = {}
    for r in results:
        d, n = r["data"], r["data"]["triples"]
        ref = d["oxigraph_load"]["s"] + d["oxigraph_load"]["optimize_s"]
        disk, remote = d.get("disk_load"), d.get("remote_load")
        memory = r["servers"].get("talentkg-memory-nocache", {}).get("ready_s")
        cells = [f"{ref:.2f} s, {d['oxigraph_load']['peak_mib']:.0f} MiB"]
        cells.append(f"{disk['s']:.2f} s ({disk['s'] / ref:.1f}×), {disk['peak_mib']:.0f} MiB" if disk else "–")
        cells.append(f"{remote['s']:.2f} s ({remote['s'] / ref:.1f}×), {remote['peak_mib']:.0f} MiB" if remote else "–")
        cells.append(f"{remote['engine_peak_mib']:.0f} MiB" if remote else "–")
        cells.append(f"{remote['optimize_s']:.2f} s" if remote else "–")
        cells.append(f"{memory:.2f} s ({memory / ref:.1f}×)" if memory else "–")
        out.append(f"| {r['size']} | " + " | ".join(cells) + " |")
        growth.setdefault("oxigraph load + optimize", []).append((n, ref))
        growth.setdefault("disk load", []).append((n, disk["s"] if disk else None))
        growth.setdefault("remote load", []).append((n, remote["s"] if remote else None))
        growth.setdefault("memory: start → first answer", []).append((n, memory))

    servers = [REFERENCE] + [s for s in BACKENDS if any(s in r["servers"] for r in results)]
    out += ["", "**Serving: peak memory of the whole process tree (MiB of PSS: pages shared by forked processes "
            "counted once; sampled during start-up and after every phase); ratio to `oxigraph serve`** — talentkg: "
            "HTTP server, web workers, zygote, query workers; remote: plus the engine (its share in brackets)\n",
            "| size | " + " | ".join(BACKENDS.get(s, "oxigraph serve") for s in servers) + " |",
            "|---|" + "---:|" * len(servers)]
    for r in results:
        key = "peak_pss_mib" if "peak_pss_mib" in r["servers"][REFERENCE] else "peak_rss_mib"
        ref = r["servers"][REFERENCE][key]
        cells = []
        for s in servers:
            info = r["servers"].get(s)
            if not info:
                cells.append("–")
                continue
            text = f"{info[key]:.0f}" + (f" ({info[key] / ref:.1f}×)" if s != REFERENCE else "")
            if f"engine_{key}" in info:
                text += f" [{info[f'engine_{key}']:.0f}]"
            cells.append(text)
            growth.setdefault(f"peak memory: {BACKENDS.get(s, 'oxigraph serve')}", []).append(
                (r["data"]["triples"], info[key]))
        out.append(f"| {r['size']} | " + " | ".join(cells) + " |")

    for c in sorted({int(c) for r in results for c in r["settings"]["concurrency"]}):
        out += ["", f"**Throughput at c={c}: geometric mean over the queries of the ratio to `oxigraph serve` "
                "(higher is better); light / heavy (oxigraph p50 ≤ / > 20 ms at c=1) in brackets**\n",
                "| size | " + " | ".join(BACKENDS[s] for s in servers[1:]) + " |", "|---|" + "---:|" * (len(servers) - 1)]
        for r in results:
            cells = []
            for s in servers[1:]:
                g = _geomean_ratio(r, s, c)
                parts = [_geomean_ratio(r, s, c, w) for w in ("light", "heavy")]
                cells.append("–" if g is None else f"{g:.2f}× (" + " / ".join("–" if v is None else f"{v:.2f}×"
                                                                              for v in parts) + ")")
            out.append(f"| {r['size']} | " + " | ".join(cells) + " |")
        for s in servers:
            growth.setdefault(f"latency c={c}: {BACKENDS.get(s, 'oxigraph serve')}", []).extend(
                (r["data"]["triples"], _latency(r, s, c)) for r in results)

    out += ["", "**How the cost grows with size** (k in cost ∝ n^k between the two largest sizes measured; "
            "1 is linear; latency = geometric mean of the queries' p50)\n",
            "| cost | " + " | ".join(dict((n, label) for label, n in reversed(sizes))[n] for n in sorted({n for _, n in sizes}))
            + " | growth |", "|---|" + "---:|" * (len({n for _, n in sizes}) + 1)]
    columns = sorted({n for _, n in sizes})  # a size measured in two runs (a backend on its own) is one column
    for name, values in growth.items():
        by_n = {n: v for n, v in values if v is not None}
        unit = " ms" if name.startswith("latency") else (" MiB" if name.startswith("peak") else " s")
        cells = [("–" if by_n.get(n) is None else f"{fmt(by_n[n])}{unit}") for n in columns]
        out.append(f"| {name} | " + " | ".join(cells) + f" | {_exponent(sorted(by_n.items()))} |")
    other = sorted(p["cores"]["other"] for r in results for e in r["queries"].values() for v in e["phases"].values()
                   for p in v.values() if isinstance(p, dict))
    if other:
        out.append(f"\nCPU used by other tenants during the phases: median {other[len(other) // 2]:.2f} cores, "
                   f"max {other[-1]:.2f} (of {results[0]['machine']['cpus']}).")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("result", type=Path, nargs="+")
    parser.add_argument("--before", type=Path, default=None, help="also compare talentkg with this earlier run")
    parser.add_argument("--scale", action="store_true", help="the results of scale.py, one per size: growth tables")
    args = parser.parse_args(argv)
    if args.scale:
        print(scale([json.loads(path.read_text()) for path in args.result]))
        return
    after = json.loads(args.result[0].read_text())
    print(render(after))
    if args.before:
        before = json.loads(args.before.read_text())
        for server in ("talentkg-nocache", "talentkg"):
            print(f"**{server}: throughput ÷ oxigraph, before → after**\n")
            print(compare(before, after, server))


if __name__ == "__main__":
    main()
