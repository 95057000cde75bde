"""Markdown tables from a result file of run.py: ratios to ``oxigraph serve``, side by side, and the targets.

    python bench/report.py bench/results/1m-after.json [--before bench/results/1m-before.json]
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
        if a and b:
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("result", type=Path)
    parser.add_argument("--before", type=Path, default=None, help="also compare talentkg with this earlier run")
    args = parser.parse_args(argv)
    after = json.loads(args.result.read_text())
    print(render(after))
    if args.before:
        before = json.loads(args.before.read_text())
        for server in ("talentkg-nocache", "talentkg"):
            print(f"**{server}: throughput ÷ oxigraph, before → after**\n")
            print(compare(before, after, server))


if __name__ == "__main__":
    main()
