"""The page's marks (trafikljus): a verdict or status as colour, shape AND words (pure).

Colour alone fails the reader who cannot tell green from red and the one who prints in
black and white, so every mark carries a shape of its own (● met, ✕ not met, ▲ a
deviation, ◐ under way, ○ not judged) and a word; the colour is the Okabe–Ito one of
``page.css``'s ``.mark-<tone>``.

The overview's traffic lights are rules of the page, not of the services:
- indicators: green when every area with a verdict is met (områden uppfyllda), red when
  none is, yellow between; grey when no indicator was evaluated;
- assignments: red when one reports a deviation (avvikelse), yellow when one has no
  report for the period (ingen rapport), else green;
- economy: green at or above the budgeted result (deviation ≥ 0), red below, grey when
  the committee's report states no budget to compare with (the deviation is unknown) or
  no result at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from markupsafe import Markup


@dataclass(frozen=True)
class Mark:
    tone: str  # good | warn | bad | none | info
    symbol: str
    text: str

    @cached_property
    def html(self) -> Markup:
        """The mark as the page shows it; the shape is hidden from screen readers, which
        read the word."""
        return Markup(
            '<span class="mark mark-{}"><span class="symbol" aria-hidden="true">{}</span> {}</span>'
        ).format(self.tone, self.symbol, self.text)


MET = Mark("good", "●", "Uppfyllt")
NOT_MET = Mark("bad", "✕", "Ej uppfyllt")

EVALUATION_MARKS = {
    "met": MET,
    "not_met": NOT_MET,
    "not_evaluable": Mark("none", "○", "Ej bedömbart"),
    "no_target": Mark("none", "–", "Mål saknas"),
    "no_data": Mark("none", "–", "Värde saknas"),
}

STATUS_MARKS = {
    "klart": Mark("good", "●", "Klart"),
    "pagar_enligt_plan": Mark("info", "◐", "Pågår enligt plan"),
    "avvikelse": Mark("bad", "▲", "Avvikelse"),
    "ej_startat": Mark("none", "○", "Ej startat"),
    "ingen_rapport": Mark("none", "–", "Ingen rapport"),
    "green": Mark("good", "●", "Grön"),
    "yellow": Mark("warn", "◆", "Gul"),
    "orange": Mark("bad", "▲", "Orange"),
}


def evaluation_mark(status: str) -> Mark:
    return EVALUATION_MARKS.get(status, Mark("none", "?", status))


def status_mark(status: str) -> Mark:
    return STATUS_MARKS.get(status, Mark("none", "?", status))


def areas_mark(areas_met: int, areas: int, evaluated: int) -> Mark:
    """The indicators' light: share of areas met (områden uppfyllda); none without a
    single evaluated indicator (nothing was judged, so nothing failed)."""
    if areas == 0 or evaluated == 0:
        return Mark("none", "○", "Inget bedömt")
    if areas_met == areas:
        return Mark("good", "●", "Alla områden uppfyllda")
    if areas_met == 0:
        return Mark("bad", "✕", "Inget område uppfyllt")
    return Mark("warn", "◆", f"{areas_met} av {areas} områden uppfyllda")


def assignments_mark(deviations: int, not_reported: int) -> Mark:
    if deviations:
        return Mark("bad", "▲", f"{deviations} med avvikelse")
    if not_reported:
        return Mark("warn", "◆", f"{not_reported} utan rapport")
    return Mark("good", "●", "Alla enligt plan eller klara")


def economy_mark(deviation: int | None, stated: bool = True) -> Mark:
    """``stated``: the committee's result is stated at all (else there is nothing to judge)."""
    if not stated:
        return Mark("none", "○", "Inget resultat redovisat")
    if deviation is None:
        return Mark("none", "○", "Avvikelse okänd")
    if deviation >= 0:
        return Mark("good", "●", "I balans eller bättre än budget")
    return Mark("bad", "✕", "Sämre än budget")


def late_mark(late: int) -> Mark:
    """The overview's count of late items (sena) of the period's reporting occasions."""
    if late:
        return Mark("bad", "▲", f"{late} sena")
    return Mark("good", "●", "Inget sent")
