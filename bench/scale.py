"""The scale benchmark: memory, disk and remote backends against ``oxigraph serve``, from 10k to 10M triples.

For each size, ``stores.build`` generates the data (``gen_data.py``) and times every load as its own
process (``oxigraph load`` + optimize, ``talentkg load --store DIR``, ``talentkg load --store URL`` into
``oxigraph serve`` + optimize); then ``run.run`` starts the servers side by side (talentkg in memory
loads at start: its start → first answer is its load) and measures every query, checked, at each
concurrency. talentkg's result cache is off (``-nocache``): this compares backends, not the cache.
``report.py --scale`` turns the result files into the tables of docs/performance.md.

    python bench/scale.py --sizes 1e4,1e5,1e6 [--seconds 3]
    TALENTKG_QUERY_TIMEOUT=300 python bench/scale.py --sizes 1e7 --slow-for-c8 4 \
        --servers oxigraph,talentkg-nocache,talentkg-remote-nocache,talentkg-remote-union-nocache
    TALENTKG_QUERY_TIMEOUT=300 python bench/scale.py --sizes 1e7 --slow-for-c8 4 \
        --servers oxigraph,talentkg-memory-nocache --label "memory alone"     # its memory kept apart
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import SLOW_FOR_C8, run  # noqa: E402
from stores import label  # noqa: E402

SERVERS = ["oxigraph", "talentkg-memory-nocache", "talentkg-nocache", "talentkg-remote-nocache",
           "talentkg-remote-union-nocache"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda s: [int(float(x)) for x in s.split(",")], default=[10**4, 10**5, 10**6])
    parser.add_argument("--servers", type=lambda s: s.split(","), default=SERVERS)
    parser.add_argument("--queries", type=lambda s: s.split(","), default=None)
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--max-request-s", type=float, default=300.0)
    parser.add_argument("--slow-for-c8", type=float, default=SLOW_FOR_C8)
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--label", default=None,
                        help='names a run of some backends on their own, e.g. "memory alone": its own rows and file')
    args = parser.parse_args(argv)
    args.results.mkdir(parents=True, exist_ok=True)
    for triples in args.sizes:
        suffix = f"-{args.label.replace(' ', '-')}" if args.label else ""
        args.triples, args.out = triples, args.results / f"scale-{label(triples)}{suffix}.json"
        print(f"· {label(triples)} started {time.strftime('%H:%M:%S')}", file=sys.stderr, flush=True)
        result = run(args)
        if args.label:
            result["size"] = f"{result['size']}, {args.label}"
        args.out.write_text(json.dumps(result, indent=1))
        print(args.out)


if __name__ == "__main__":
    main()
