"""The page's marks: colour, shape and word together; the overview's traffic lights (pure)."""

from __future__ import annotations

from gateway.page.marks import (
    areas_mark,
    assignments_mark,
    economy_mark,
    evaluation_mark,
    late_mark,
    status_mark,
)


def test_met_and_not_met_differ_in_shape_and_word_not_only_in_colour() -> None:
    met, not_met = evaluation_mark("met"), evaluation_mark("not_met")
    assert (met.tone, met.symbol, met.text) == ("good", "●", "Uppfyllt")
    assert met.symbol != not_met.symbol and met.text != not_met.text
    assert str(met.html) == (
        '<span class="mark mark-good"><span class="symbol" aria-hidden="true">●</span> '
        "Uppfyllt</span>"
    )


def test_a_status_the_page_does_not_know_is_shown_escaped() -> None:
    unknown = status_mark("<script>x</script>")
    assert "<script>" not in unknown.html and "&lt;script&gt;" in unknown.html


def test_the_overviews_traffic_lights() -> None:
    assert areas_mark(9, 9, 40).tone == "good"
    assert areas_mark(2, 9, 89).text == "2 av 9 områden uppfyllda"
    assert areas_mark(0, 9, 40).tone == "bad"
    assert areas_mark(0, 9, 0).tone == "none"  # nothing judged is not a failure
    assert assignments_mark(3, 44).tone == "bad"
    assert assignments_mark(0, 44).tone == "warn"
    assert assignments_mark(0, 0).tone == "good"
    assert economy_mark(None).text == "Avvikelse okänd"  # HSN 2024 states no budget
    assert economy_mark(0).tone == "good" and economy_mark(-1).tone == "bad"
    assert economy_mark(None, stated=False).text == "Inget resultat redovisat"
    assert late_mark(126).text == "126 sena" and late_mark(0).tone == "good"
