"""Validation enforces the conventions of the dataset review: bounds, ranges, qualifiers, operators."""

from __future__ import annotations

from conftest import FIXTURES


def test_bounds_ranges_and_qualifiers_are_enforced(run_cli):
    result = run_cli("validate", "--with", str(FIXTURES / "invalid" / "figure-qualifiers.ttl"))
    report = result.out + result.err
    assert result.code == 1, report
    for resource, message in (
        ("tkgr:fixture-bound-as-value", "never in sdmxm:obsValue"),
        ("tkgr:fixture-range-without-range", "add tkg:valueQualifier qual:range"),
        ("tkgr:fixture-two-wordings", "Two qualifiers are allowed only for a range"),
        ("tkgr:fixture-lone-bound", "A single bound needs its qualifier"),
    ):
        block = report.split(resource, 1)
        assert len(block) == 2, resource
        assert message in block[1].split("tkgr:fixture-", 1)[0], (resource, message)


def test_a_programme_needs_an_operator(run_cli):
    result = run_cli("validate", "--with", str(FIXTURES / "invalid" / "programme-without-operator.ttl"))
    report = result.out + result.err
    assert result.code == 1, report
    assert "tkgr:fixture-orphan-programme" in report and "needs its operator" in report
