"""The inline SVG charts: legible without colour, gaps shown, text escaped (pure)."""

from __future__ import annotations

from decimal import Decimal

from gateway.page.charts import (
    SHAPES,
    Bar,
    BarGroup,
    Point,
    Series,
    TargetStep,
    bar_chart,
    line_chart,
    marker,
)


def test_every_series_has_its_own_marker_shape() -> None:
    outlines = {marker(shape, 10, 10, "#000") for shape in SHAPES}
    assert len(outlines) == len(SHAPES)


def test_a_bar_chart_writes_its_values_and_names_its_gaps() -> None:
    svg = bar_chart(
        [
            BarGroup("Tandvård <LOV>", [Bar("Budget", Decimal(-1042)), Bar("Utfall", None)]),
        ],
        ["Budget", "Utfall"],
        "Budget & utfall",
        "mnkr",
        "tabell",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "Tandvård &lt;LOV&gt;" in svg and "Budget &amp; utfall" in svg
    assert "\u22121\u00a0042,0" in svg
    assert "Utfall: saknas" in svg


def test_a_line_chart_breaks_at_a_gap_and_draws_the_target() -> None:
    svg = line_chart(
        ["2022", "2023", "2024"],
        [
            Series(
                "akut",
                [Point("2022", Decimal(66)), Point("2023", None), Point("2024", Decimal(69))],
            )
        ],
        [TargetStep("2024", Decimal(68), "≥68")],
        "ID0288",
        "indexvärde",
        "År",
    )
    assert "<polyline" not in svg  # no two neighbouring values: nothing joins across 2023
    assert svg.count("<circle") == 2 + 1  # two points and the legend
    assert 'class="target"' in svg and "Mål ≥68" in svg
