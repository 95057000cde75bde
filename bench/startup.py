"""Start-up time of ``talentkg serve`` on the bundled data: process start → first answered query.

Cold: an empty validation cache, so the data is parsed, derived and validated (pySHACL + quote check).
Warm: the validated N-Quads are in the cache (the usual restart). Each is run ``--repeat`` times.

    python bench/startup.py [--repeat 5] [--out bench/results/startup.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from servers import BIN, Server, free_port  # noqa: E402


def once(cache: Path, log_dir: Path) -> float:
    server = Server("talentkg-startup", [str(BIN / "talentkg"), "serve", "--port", "{port}"], "/sparql",
                    env={"TALENTKG_CACHE_DIR": str(cache)}, port=free_port())
    try:
        server.start(log_dir, timeout=300)
        return server.ready_s
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    runs: dict[str, list[float]] = {"cold": [], "warm": []}
    with tempfile.TemporaryDirectory(prefix="talentkg-startup-") as tmp:
        for i in range(args.repeat):
            cache = Path(tmp) / f"cache-{i}"
            runs["cold"].append(once(cache, Path(tmp)))  # fills the cache ...
            runs["warm"].append(once(cache, Path(tmp)))  # ... which the warm start then uses
    summary = {k: {"median_s": round(statistics.median(v), 2), "min_s": round(min(v), 2), "max_s": round(max(v), 2),
                   "runs": [round(x, 2) for x in v]} for k, v in runs.items()}
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
