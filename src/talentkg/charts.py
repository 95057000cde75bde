"""Charts of saved-query results: a Vega-Lite specification, rendered to SVG or PNG on the server.

vl-convert renders with an embedded JavaScript engine inside the Python process, so charts need no
network and no browser. It holds the GIL while it draws (~130 ms a chart, measured; 1.2 s for the
first one in a process): drawn in a web worker, every chart stalled every request of that worker, and
a client varying a saved query's parameters could keep doing so. So charts are drawn where queries
are evaluated, in a query worker (:class:`ChartJob`), under the same time limit; vl-convert is
imported there on first use.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from talentkg.catalogue import Chart

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                             "nonNegativeInteger", "positiveInteger", "unsignedInt")}
YEAR = XSD + "gYear"
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def _value(binding: dict[str, Any] | None) -> Any:
    """A SPARQL JSON binding as a plain chart value: numbers and years as numbers, the rest as text."""
    if binding is None:
        return None
    datatype = binding.get("datatype")
    text = binding.get("value", "")
    try:
        if datatype in NUMERIC:
            number = float(text)
            return int(number) if number.is_integer() else number
        if datatype == YEAR:
            return int(text)
    except ValueError:
        return text
    return text


def records(results: dict[str, Any], columns: list[str]) -> list[dict[str, Any]]:
    """Rows of a SPARQL JSON result as chart records holding only ``columns``."""
    rows = []
    for binding in results.get("results", {}).get("bindings", []):
        rows.append({c: _value(binding.get(c)) for c in columns})
    return rows


def _field_type(rows: list[dict[str, Any]], column: str) -> str:
    values = [r[column] for r in rows if r.get(column) is not None]
    if values and all(isinstance(v, (int, float)) for v in values):
        return "quantitative"
    return "nominal"


def spec(chart: Chart, results: dict[str, Any], *, title: str, description: str = "") -> dict[str, Any]:
    """The Vega-Lite specification of ``chart`` over a SPARQL JSON result (rows without y are left out)."""
    columns = [c for c in (chart.x, chart.y, chart.y2, chart.color) if c]
    rows = [r for r in records(results, columns) if r.get(chart.y) is not None and r.get(chart.x) is not None]
    x_type = _field_type(rows, chart.x)
    x: dict[str, Any] = {"field": chart.x, "type": x_type, "title": chart.x,
                         "axis": {"labelAngle": -30, "labelLimit": 220}}
    if x_type == "quantitative":
        x.update(scale={"zero": False}, axis={"format": "d", "tickMinStep": 1})
    else:
        x["sort"] = None  # keep the query's ORDER BY
    y_type = _field_type(rows, chart.y)
    y_title = f"{chart.y} to {chart.y2}" if chart.y2 else chart.y
    encoding: dict[str, Any] = {"x": x, "y": {"field": chart.y, "type": y_type, "title": y_title},
                                "tooltip": [{"field": c} for c in columns]}
    if chart.y2:
        encoding["y2"] = {"field": chart.y2}
    if chart.color:
        encoding["color"] = {"field": chart.color, "type": "nominal", "title": chart.color}
        if chart.mark == "grouped-bar":
            encoding["xOffset"] = {"field": chart.color}
    mark: dict[str, Any] = {"type": "bar" if chart.mark in ("bar", "grouped-bar") else chart.mark}
    if chart.mark == "line":
        mark["point"] = True
    if chart.mark == "point":
        mark.update(filled=True, size=90)
    document: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA, "title": title, "description": description or title,
        "width": 560, "height": 300, "data": {"values": rows}, "encoding": encoding,
        "config": {"font": "sans-serif", "legend": {"labelLimit": 320}}}
    if chart.y2:
        # a range bar: a tick marks each end, so that a single value (low = high) stays visible
        document["layer"] = [{"mark": mark},
                             {"mark": {"type": "tick", "thickness": 3}, "encoding": {"y": {"field": chart.y2,
                                                                                          "type": "quantitative"},
                                                                                    "y2": None}},
                             {"mark": {"type": "tick", "thickness": 3}, "encoding": {"y2": None}}]
    else:
        document["mark"] = mark
    return document


class ChartJob(NamedTuple):
    """A chart for a query worker to draw: the Vega-Lite specification as JSON, and "svg" or "png"."""

    spec: str
    fmt: str


def draw(job: ChartJob) -> tuple[bytes, str | None]:
    """The drawing of ``job``, or an error message (a worker must answer whatever it is sent)."""
    try:
        return render(json.loads(job.spec), job.fmt), None
    except Exception as exc:  # noqa: BLE001  vl-convert raises its own errors for specifications it cannot draw
        return b"", f"the chart could not be drawn: {exc}"


def render(vega_lite: dict[str, Any], fmt: str) -> bytes:
    """SVG (UTF-8 bytes) or PNG of a Vega-Lite specification."""
    import vl_convert

    if fmt == "svg":
        return vl_convert.vegalite_to_svg(vega_lite).encode("utf-8")
    if fmt == "png":
        return vl_convert.vegalite_to_png(vega_lite, scale=2)
    raise ValueError(f"unknown chart format {fmt!r}")
