"""Derived documents (dumps, ontology pages, counts) are computed once per process, not per request."""

from talentkg.web.state import AppState


def test_a_remembered_value_is_computed_once_per_key():
    st = AppState(config=None, store=None, engine=None)  # type: ignore[arg-type]
    calls: list[str] = []

    def compute(key: str):
        return lambda: calls.append(key) or f"value of {key}"

    assert st.remember("a", compute("a")) == "value of a"
    assert st.remember("a", compute("a")) == "value of a"
    assert st.remember("b", compute("b")) == "value of b"
    assert calls == ["a", "b"]


def test_documents_naming_the_host_are_kept_for_a_bounded_number_of_hosts():
    """The Host header is the client's: a thousand made-up hosts must not mean a thousand documents kept."""
    from talentkg.web.state import HOST_VARIANTS

    st = AppState(config=None, store=None, engine=None)  # type: ignore[arg-type]
    calls: list[str] = []
    for i in range(1000):
        host = f"http://h{i}.example/"
        assert st.remember_for_host("void:turtle", host, lambda: calls.append(host) or f"doc for {host}") \
            == f"doc for {host}"
    assert len(calls) == 1000 and len(st.by_host) == HOST_VARIANTS
    st.remember_for_host("void:turtle", "http://h999.example/", lambda: calls.append("again") or "x")
    assert calls[-1] != "again"  # the most recent hosts are still remembered
