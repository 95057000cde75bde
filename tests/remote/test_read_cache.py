"""The site's reads from a remote store are cached by weight, and a read's key counts in its weight."""

from __future__ import annotations

from talentkg.remote.store import KEY_CHARS_PER_QUAD, RemoteStore


def store(cache_quads: int) -> RemoteStore:
    # nothing is fetched: every read below is computed by the test
    return RemoteStore("http://127.0.0.1:9/query", ["urn:g"], user_agent="test", timeout=1, cache_quads=cache_quads)


def test_reads_are_remembered():
    remote, calls = store(1000), []
    for _ in range(3):
        assert remote._remember(("subject", "https://w3id.org/talentkg/id/pif"), lambda: calls.append(1) or ()) == ()
    assert calls == [1]


def test_made_up_long_subjects_cannot_crowd_the_cache():
    """Page URLs name the subjects: 100 empty reads under 60 KB IRIs would hold 6 MB of keys at one
    quad each. Weighed by their keys, at most a few stay."""
    remote = store(2000)
    for i in range(100):
        remote._remember(("subject", f"https://w3id.org/talentkg/id/{i}-" + "x" * 60_000), lambda: ())
    _lock, cache = remote._cached()
    assert cache.currsize <= 2000
    assert len(cache) <= 2000 // (60_000 // KEY_CHARS_PER_QUAD)
