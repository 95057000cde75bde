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
