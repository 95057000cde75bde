"""What a client sends is not kept beyond a bound: many long, distinct requests cannot fill memory.

Each test sends ~30 MB of distinct text through something that remembers, and measures (tracemalloc)
what is still held afterwards.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable

from talentkg.sparql.execution import Answer, ResultCache, mentioned_prefixes
from talentkg.sparql.guard import analyse
from talentkg.sparql.negotiation import BY_NAME, choose_for_header

MIB = 1024 * 1024


def retained_after(work: Callable[[int], object], times: int = 300) -> int:
    """Bytes still allocated after ``work(i)`` ran ``times`` times and its results were dropped."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(times):
            work(i)
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def long_query(i: int) -> str:
    return f"ASK {{}} # {i} " + "x" * 100_000  # 100 KB, answered in 26 bytes


def test_the_result_cache_does_not_keep_query_texts():
    cache = ResultCache(64 * MIB)
    answer = Answer(b'{"head":{},"boolean":true}', BY_NAME["json"], rows=1)

    def work(i: int) -> None:
        key = ResultCache.key(long_query(i), "json", (), (), ())
        cache.put(key, answer)
        assert cache.get(key) is answer

    assert retained_after(work) < 2 * MIB  # 300 texts of 100 KB: 30 MB if the keys held them


def test_long_queries_are_not_remembered_by_the_guard():
    def work(i: int) -> None:
        text = long_query(i)
        assert analyse(text, max_depth=100, max_bytes=256 * 1024).form == "ASK"
        mentioned_prefixes(text)

    assert retained_after(work, times=100) < 2 * MIB  # 10 MB of queries


def test_short_queries_are_still_remembered():
    text = "SELECT * WHERE { ?s a tkg:Programme }"
    assert analyse(text, max_depth=100) is analyse(text, max_depth=100)
    assert mentioned_prefixes(text) is mentioned_prefixes(text)


def test_long_accept_headers_are_not_remembered():
    def work(i: int) -> None:
        accept = f"application/x-{i}-" + "y" * 20_000 + ", application/sparql-results+json"
        assert choose_for_header(accept, graph_result=False).name == "json"

    assert retained_after(work, times=150) < 1 * MIB  # 3 MB of headers
