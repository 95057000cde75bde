"""Build, from one generated root, the store each server of the benchmark reads, timing every load.

- ``cache/validated-VERSION.nq``: talentkg's cache of validated data for ROOT, written by the **bench
  loader**: the small reference files go through the project's parser and derivation, the synthetic
  files (written by the generator already in derived form) are taken as they are, without pySHACL
  (which needs hours and tens of GB at 1M triples). With it in ``TALENTKG_CACHE_DIR``, the real
  commands run unchanged: ``talentkg --root ROOT serve`` (in memory), ``talentkg --root ROOT load
  --store DIR`` (on disk) and ``--store URL`` (a remote engine). ``--check`` proves at small scale that
  this is honest: the real pipeline (parse, derive, pySHACL, quote check) accepts the root, and its
  quads are the ones the bench loader's store holds.
- ``talentkg-store/``: ``talentkg load --store DIR``: bulk load, flush, optimize, stamp with the version.
- ``remote-db/``: ``oxigraph serve --location remote-db`` loaded by ``talentkg load --store URL`` (one
  Graph Store Protocol PUT per named graph), then ``oxigraph optimize`` (as the reference is).
- ``all.nq``: the talentkg store's quads, served by every other server; ``oxigraph-db/``: ``oxigraph
  load`` of it, then ``oxigraph optimize`` (the reference); ``all.nt``: the same triples for
  rdflib-endpoint (built on demand).

Each load runs as its own process: its wall time and peak RSS (``ru_maxrss``) are recorded in
``info.json``; for the remote, the engine's peak RSS during the load too.

    python bench/stores.py --triples 1e4 --check     # generate, build, and prove the loader honest
    python bench/stores.py --triples 1e6 --remote    # bench/work/1m/..., with the remote engine's store
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from talentkg.config import load_config
from talentkg.derivation import derive
from talentkg.loading import discover, load_files, version_of
from talentkg.namespaces import GRAPH_DATA
from talentkg.pipeline import PreparedData, prepare, to_nquads, validated_path
from talentkg.store import GraphStore

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
BIN = Path(sys.executable).parent
GNU_TIME = "/usr/bin/time"  # Debian package "time"
MARK = "talentkg-bench-peak-kib"


def label(triples: int) -> str:
    """10000 -> "10k", 1000000 -> "1m"."""
    for size, suffix in ((1_000_000, "m"), (1_000, "k")):
        if triples >= size and triples % size == 0:
            return f"{triples // size}{suffix}"
    return str(triples)


def paths(triples: int) -> dict[str, Path]:
    base = WORK / label(triples)
    return {"base": base, "root": base / "root", "store": base / "talentkg-store", "nq": base / "all.nq",
            "nt": base / "all.nt", "oxigraph": base / "oxigraph-db", "remote": base / "remote-db",
            "cache": base / "cache", "info": base / "info.json", "logs": base / "logs"}


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


def write_cache(root: Path, cache: Path) -> str:
    """The bench loader's quads as talentkg's cache of validated data for ``root``; the data version."""
    version = version_of(discover(load_config({"root": root})))
    target = cache / validated_path(version).name
    if not target.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache, delete=False) as tmp:
            tmp.write(bench_prepare(root).nquads)
        os.replace(tmp.name, target)
    return version


def timed(argv: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run a command to its end: wall seconds and its peak RSS (MiB).

    The peak is GNU time's (``%M``): ``ru_maxrss`` of a child forked from this process would count the
    moment before exec, when it is a copy of this process.
    """
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([GNU_TIME, "-f", f"{MARK} %M", *argv], env={**os.environ, **(env or {})},
                                   stdout=subprocess.DEVNULL, stderr=err)
        status = process.wait()
        seconds = time.perf_counter() - started
        err.seek(0)
        output = err.read().decode(errors="replace")
    if status != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{output[-3000:]}")
    peak_kib = int(next(line for line in reversed(output.splitlines()) if line.startswith(MARK)).split()[1])
    return {"s": round(seconds, 2), "peak_mib": round(peak_kib / 1024, 1)}


def talentkg(root: Path, cache: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    return [str(BIN / "talentkg"), "--root", str(root), *args], {"TALENTKG_CACHE_DIR": str(cache)}


def canonical(nquads: bytes) -> set[str]:
    """The quads as canonical N-Quads lines (blank node labels made comparable)."""
    dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set((ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b"").decode().splitlines())


def check(root: Path, store_path: Path) -> dict[str, object]:
    """Run the real pipeline (parse, derive, pySHACL, quote check) on ``root``; compare with the store."""
    started = time.perf_counter()
    real = prepare(load_config({"root": root}), use_cache=False)  # raises ValidationFailed if invalid
    seconds = time.perf_counter() - started
    served = GraphStore(ox.Store.read_only(str(store_path)), None).export("nquads")  # type: ignore[arg-type]
    # compared as an Oxigraph store holds them: it keeps typed literals by value ("+00:00" reads back "Z")
    if canonical(GraphStore.in_memory(real).export("nquads")) != canonical(served):
        raise SystemExit("the bench loader's store differs from what the real pipeline produces")
    return {"validated": True, "same_quads_as_pipeline": True, "pipeline_seconds": round(seconds, 1),
            "version": real.version}


def build_remote(p: dict[str, Path], info: dict) -> None:
    """``remote-db/``: an ``oxigraph serve`` store loaded by ``talentkg load --store URL``, then optimized."""
    from servers import Server, free_port

    if (p["remote"] / "talentkg-bench.json").is_file():
        return
    shutil.rmtree(p["remote"], ignore_errors=True)
    engine = Server("remote-engine", [str(BIN / "oxigraph"), "serve", "--location", str(p["remote"]),
                                      "--bind", "127.0.0.1:{port}"], "/query", port=free_port())
    engine.start(p["logs"])
    try:
        argv, env = talentkg(p["root"], p["cache"], "load", "--store", engine.url)
        load = timed(argv, env)
        load["engine_peak_mib"] = engine.rss_mib("VmHWM")
    finally:
        engine.stop()
    load["optimize_s"] = timed([str(BIN / "oxigraph"), "optimize", "--location", str(p["remote"])])["s"]
    info["remote_load"] = load
    (p["remote"] / "talentkg-bench.json").write_text(json.dumps(load))


def build(triples: int, *, with_check: bool = False, with_nt: bool = False, with_remote: bool = False,
          force: bool = False) -> dict:
    """Generate (if needed) and build every store for one size; returns what was built and measured."""
    from gen_data import make_root

    p = paths(triples)
    info = json.loads(p["info"].read_text()) if p["info"].is_file() and not force else {}
    if force or not p["root"].is_dir():
        shutil.rmtree(p["base"], ignore_errors=True)
        started = time.perf_counter()
        info = {"synthetic_triples": make_root(p["root"], triples),
                "generate_s": round(time.perf_counter() - started, 1)}
    info["version"] = write_cache(p["root"], p["cache"])
    if not (p["store"] / "talentkg.json").is_file():
        argv, env = talentkg(p["root"], p["cache"], "load", "--store", str(p["store"]))
        info["disk_load"] = timed(argv, env)
        p["nq"].unlink(missing_ok=True)
    if with_check and "check" not in info:
        info["check"] = check(p["root"], p["store"])
    if not p["nq"].is_file():
        store = ox.Store.read_only(str(p["store"]))
        store.dump(output=str(p["nq"]), format=ox.RdfFormat.N_QUADS)
        info["triples"] = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")))[0].value)
        del store
        shutil.rmtree(p["oxigraph"], ignore_errors=True)
        shutil.rmtree(p["remote"], ignore_errors=True)
    if not p["oxigraph"].is_dir():
        info["oxigraph_load"] = timed([str(BIN / "oxigraph"), "load", "--location", str(p["oxigraph"]),
                                       "--file", str(p["nq"])])
        info["oxigraph_load"]["optimize_s"] = timed([str(BIN / "oxigraph"), "optimize", "--location",
                                                     str(p["oxigraph"])])["s"]
    if with_remote:
        build_remote(p, info)
    if with_nt and not p["nt"].is_file():
        triples_iter = (q.triple for q in ox.parse(path=str(p["nq"]), format=ox.RdfFormat.N_QUADS))
        ox.serialize(triples_iter, output=str(p["nt"]), format=ox.RdfFormat.N_TRIPLES)
    info["nq_bytes"] = p["nq"].stat().st_size
    p["info"].write_text(json.dumps(info, indent=2))
    return info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=float, required=True)
    parser.add_argument("--check", action="store_true", help="also validate with the real pipeline and compare")
    parser.add_argument("--nt", action="store_true", help="also write all.nt (for rdflib-endpoint)")
    parser.add_argument("--remote", action="store_true", help="also load the remote engine's store")
    parser.add_argument("--force", action="store_true", help="regenerate from scratch")
    args = parser.parse_args(argv)
    info = build(int(args.triples), with_check=args.check, with_nt=args.nt, with_remote=args.remote,
                 force=args.force)
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
