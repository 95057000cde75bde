"""Build, from one generated root, the store each server of the benchmark reads.

- ``talentkg-store/``: an on-disk Oxigraph store exactly as ``talentkg --root ROOT serve --store PATH``
  reopens it: built by ``GraphStore.on_disk`` (bulk load, flush, optimize, stamp with the data version
  of ROOT's files). Only the preparation differs: the **bench loader** parses and derives the small
  reference files with the project's loader, and bulk-loads the synthetic files as written, without
  pySHACL (which needs hours and tens of GB at 1M triples). ``--check`` proves at small scale that this
  is the same data the real pipeline produces, and that the real pipeline finds it valid.
- ``all.nq``: the store's quads, served by every other server; ``oxigraph-db/``: ``oxigraph load`` of it,
  then ``oxigraph optimize``; ``all.nt``: the same triples for rdflib-endpoint (built on demand).

    python bench/stores.py --triples 1e4 --check     # generate, build, and prove the loader honest
    python bench/stores.py --triples 1e6             # bench/work/1m/...
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from talentkg.config import load_config
from talentkg.derivation import derive
from talentkg.loading import discover, load_files, version_of
from talentkg.namespaces import GRAPH_DATA
from talentkg.pipeline import PreparedData, prepare, to_nquads
from talentkg.store import GraphStore

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
BIN = Path(sys.executable).parent


def label(triples: int) -> str:
    """10000 -> "10k", 1000000 -> "1m"."""
    for size, suffix in ((1_000_000, "m"), (1_000, "k")):
        if triples >= size and triples % size == 0:
            return f"{triples // size}{suffix}"
    return str(triples)


def paths(triples: int) -> dict[str, Path]:
    base = WORK / label(triples)
    return {"base": base, "root": base / "root", "store": base / "talentkg-store", "nq": base / "all.nq",
            "nt": base / "all.nt", "oxigraph": base / "oxigraph-db", "info": base / "info.json"}


def synthetic_files(root: Path) -> list[Path]:
    return sorted((root / "data" / "synthetic").glob("*.ttl"))


def bench_prepare(root: Path) -> PreparedData:
    """What ``pipeline.prepare`` returns for ``root``, without the SHACL gate (see the module docstring)."""
    config = load_config({"root": root})
    files = discover(config)
    synthetic = set(synthetic_files(root))
    loaded = load_files([f for f in files if f.path not in synthetic])
    derive(loaded)
    graph = f" <{GRAPH_DATA}> .\n".encode()
    parts = [to_nquads(loaded)]
    for path in sorted(synthetic):  # N-Triples lines: end each with the graph name
        parts.append(path.read_bytes().replace(b" .\n", graph))
    return PreparedData(version_of(files), b"".join(parts), None)


def build_talentkg_store(root: Path, store: Path) -> GraphStore:
    config = load_config({"root": root, "store_path": store})
    version = version_of(discover(config))
    return GraphStore.on_disk(store, version, lambda: bench_prepare(root))


def canonical(nquads: bytes) -> set[str]:
    """The quads as canonical N-Quads lines (blank node labels made comparable)."""
    dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set((ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b"").decode().splitlines())


def check(root: Path, store: GraphStore) -> dict[str, object]:
    """Run the real pipeline (parse, derive, pySHACL, quote check) on ``root``; compare with the store."""
    started = time.perf_counter()
    real = prepare(load_config({"root": root}), use_cache=False)  # raises ValidationFailed if invalid
    seconds = time.perf_counter() - started
    served = store.export("nquads")
    # compared as an Oxigraph store holds them: it keeps typed literals by value ("+00:00" reads back "Z")
    same = canonical(GraphStore.in_memory(real).export("nquads")) == canonical(served)
    if not same:
        raise SystemExit("the bench loader's store differs from what the real pipeline produces")
    return {"validated": True, "same_quads_as_pipeline": True, "pipeline_seconds": round(seconds, 1),
            "version": real.version}


def build(triples: int, *, with_check: bool = False, with_nt: bool = False, force: bool = False) -> dict:
    """Generate (if needed) and build every store for one size; returns what was built."""
    from gen_data import make_root

    p = paths(triples)
    info = json.loads(p["info"].read_text()) if p["info"].is_file() and not force else {}
    if force or not p["root"].is_dir():
        shutil.rmtree(p["base"], ignore_errors=True)
        started = time.perf_counter()
        info = {"synthetic_triples": make_root(p["root"], triples),
                "generate_s": round(time.perf_counter() - started, 1)}
    started = time.perf_counter()
    store = build_talentkg_store(p["root"], p["store"])
    if not store.info.reused:
        info["talentkg_store_s"] = round(time.perf_counter() - started, 1)
    info["version"] = store.info.version
    if with_check and "check" not in info:
        info["check"] = check(p["root"], store)
    if not p["nq"].is_file() or not store.info.reused:
        store.ox.dump(output=str(p["nq"]), format=ox.RdfFormat.N_QUADS)
        info["triples"] = store.triple_count()
        shutil.rmtree(p["oxigraph"], ignore_errors=True)
    if not p["oxigraph"].is_dir():
        started = time.perf_counter()
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(p["oxigraph"]), "--file", str(p["nq"])],
                       check=True, capture_output=True)
        info["oxigraph_load_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        subprocess.run([str(BIN / "oxigraph"), "optimize", "--location", str(p["oxigraph"])],
                       check=True, capture_output=True)
        info["oxigraph_optimize_s"] = round(time.perf_counter() - started, 1)
    if with_nt and not p["nt"].is_file():
        triples_iter = (q.triple for q in ox.parse(path=str(p["nq"]), format=ox.RdfFormat.N_QUADS))
        ox.serialize(triples_iter, output=str(p["nt"]), format=ox.RdfFormat.N_TRIPLES)
    info["nq_bytes"] = p["nq"].stat().st_size
    p["info"].write_text(json.dumps(info, indent=2))
    del store
    return info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=float, required=True)
    parser.add_argument("--check", action="store_true", help="also validate with the real pipeline and compare")
    parser.add_argument("--nt", action="store_true", help="also write all.nt (for rdflib-endpoint)")
    parser.add_argument("--force", action="store_true", help="regenerate from scratch")
    args = parser.parse_args(argv)
    info = build(int(args.triples), with_check=args.check, with_nt=args.nt, force=args.force)
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
