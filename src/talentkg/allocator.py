"""Serve on mimalloc: the engine's joins and aggregates allocate heavily, and glibc's malloc slows them.

Measured at 1M triples (docs/performance.md): with mimalloc preloaded, the heavy benchmark queries ran
1.2-1.9x faster in talentkg than on glibc's malloc; ``oxigraph serve`` already outran pyoxigraph on
the same store for that reason. A malloc can only be replaced before the process starts, so
``talentkg serve`` re-executes itself once with ``LD_PRELOAD`` set; the query workers, forked from
it, inherit the allocator. ``TALENTKG_ALLOCATOR=system`` keeps glibc's malloc; a path to a malloc
library uses that library instead (e.g. Debian's libjemalloc.so.2).
"""

from __future__ import annotations

import os
import sys
from importlib import metadata
from pathlib import Path

MARKER = "TALENTKG_ALLOCATOR_EXEC"  # set on the re-executed process: never exec twice


def mimalloc_library() -> Path | None:
    """The libmimalloc shipped by the ``cmeel-mimalloc`` wheel (a dependency on Linux), if installed."""
    try:
        dist = metadata.distribution("cmeel-mimalloc")
    except metadata.PackageNotFoundError:
        return None
    path = Path(str(dist.locate_file("cmeel.prefix/lib/libmimalloc.so")))
    return path if path.is_file() else None


def library_for(choice: str) -> Path | None:
    """The library ``choice`` names: "mimalloc" (the default), "system" (none) or a path."""
    choice = (choice or "mimalloc").strip()
    if choice.lower() == "system":
        return None
    if choice.lower() == "mimalloc":
        return mimalloc_library()
    path = Path(choice)
    if not path.is_file():
        raise FileNotFoundError(f"TALENTKG_ALLOCATOR={choice!r} is neither 'mimalloc', 'system' nor a library file")
    return path


def reexec_with(choice: str, verb: str) -> None:
    """Replace this process by itself with the allocator preloaded; return if nothing is to be done.

    Only on Linux, only once, and only when this process's own command line runs ``verb``: a command
    invoked inside another Python program (a test runner's CliRunner) is left alone.
    """
    if not sys.platform.startswith("linux") or os.environ.get(MARKER) or verb not in sys.argv[1:] \
            or not getattr(sys, "orig_argv", None):
        return
    library = library_for(choice)
    if library is None or in_use(library):
        return
    env = dict(os.environ)
    env["LD_PRELOAD"] = ":".join(p for p in (str(library), env.get("LD_PRELOAD", "")) if p)
    env[MARKER] = "1"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, sys.orig_argv, env)


def in_use(library: Path | None = None) -> bool:
    """Whether ``library`` (by default, any mimalloc) is mapped into this process."""
    name = library.name.split(".so")[0] if library else "libmimalloc"
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            return any(name in line for line in maps)
    except OSError:
        return False


def describe() -> str:
    """A word for logs and /healthz: which malloc this process runs on."""
    preload = os.environ.get("LD_PRELOAD", "")
    for token in preload.split(":"):
        if token and in_use(Path(token)):
            return Path(token).name.split(".so")[0].removeprefix("lib")
    return "system"
