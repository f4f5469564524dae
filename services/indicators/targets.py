"""Target expressions (målnivåer): read as written, kept in a small typed form, evaluated.

Pure functions, no database and no HTTP. Forms read (spaces anywhere, ``,`` or ``.`` as
decimal mark, space / no-break space as thousands separator):

- thresholds: ``>95%``, ``≥80%``, ``>= 80 %``, ``<5%``, ``≤2%``, ``<0,5/100 vpl.``,
  ``<20 000``, ``<250``. A bare number (``50%``, ``100%``) means *at least* that much;
  ``100%`` therefore means *all* (nothing above 100 % exists).
- relative change per year on the last comparable value: ``ökning ≥10%/år``,
  ``≥ 10 % minskning/år``.
- any change: ``Ökning`` (the value went up), ``Minskning`` (it went down).
- the NPE rule "improved by at least 1,0 unit on the last comparable measurement":
  ``NPE: förbättring ≥1,0 enhet`` and natural spellings of it (``förbättring med minst
  1,0 enhet``, ``+1 enhet``, ``minst en (1,0) enhets förbättring``). Improvement follows the
  indicator's direction.
- no target: ``-`` (also ``–``, ``—``, ``ingen``): shown, never green.

Arithmetic is exact (Decimal): 69,2 against 68,2 is an improvement of exactly 1,0.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, ConfigDict

TargetKind = Literal[
    "threshold", "relative_change", "increase", "decrease", "npe_improvement", "none"
]
Operator = Literal[">", ">=", "<", "<=", "="]
Outcome = Literal["met", "not_met", "not_evaluable"]

#: Kinds that compare with the last earlier comparable value.
COMPARING_KINDS = frozenset({"relative_change", "increase", "decrease", "npe_improvement"})


class TargetError(ValueError):
    """An expression that cannot be read; the message says what could not be read."""


class ParsedTarget(BaseModel):
    """The parsed form of a target expression, stored as JSON beside the expression."""

    model_config = ConfigDict(frozen=True)

    kind: TargetKind
    #: For ``threshold``: how the value compares with ``value``; for ``relative_change`` and
    #: ``npe_improvement``: how the change compares with ``value``.
    operator: Operator | None = None
    value: Decimal | None = None
    #: ``percent``, ``per_100_vardplatser``, ``unit`` (NPE index points) or ``None`` (a plain number).
    unit: str | None = None
    #: For ``relative_change``: ``increase`` or ``decrease``.
    change: Literal["increase", "decrease"] | None = None
    #: The change is measured per year (``/år``).
    per_year: bool = False


_OPS: dict[str, Operator] = {
    ">=": ">=",
    "≥": ">=",
    "=>": ">=",
    "<=": "<=",
    "≤": "<=",
    "=<": "<=",
    ">": ">",
    "<": "<",
    "=": "=",
}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_NUMBER = r"(?:\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+|\d+)(?:[.,]\d+)?"
_OP = r"(?P<op>>=|<=|=>|=<|≥|≤|>|<|=)?"
_THRESHOLD = re.compile(
    rf"^{_OP}\s*(?P<num>{_NUMBER})\s*(?P<unit>%|/\s*100\s*(?:vpl|vårdplatser)\.?|per\s+100\s+vårdplatser)?$",
    re.IGNORECASE,
)
_RELATIVE_A = re.compile(
    rf"^(?P<dir>ökning|minskning)\s*(?:med\s+)?(?:minst\s+)?{_OP}\s*(?P<num>{_NUMBER})\s*%\s*(?:/|per\s+)\s*år$",
    re.IGNORECASE,
)
_RELATIVE_B = re.compile(
    rf"^{_OP}\s*(?P<num>{_NUMBER})\s*%\s*(?P<dir>ökning|minskning)\s*(?:/|per\s+)\s*år$",
    re.IGNORECASE,
)
_NPE = re.compile(
    r"^(?:npe\s*:?\s*)?(?:"
    rf"förbättr\w*\s*(?:med\s+)?(?:minst\s+)?(?:en\s+)?\(?{_OP}\s*(?P<num>{_NUMBER})\s*\)?\s*enhet\w*"
    rf"|(?:minst\s+)?(?:en\s+)?\(?\+?\s*(?P<num2>{_NUMBER})\s*\)?\s*enhet\w*\s*(?:förbättring|bättre)?"
    r")$",
    re.IGNORECASE,
)
_AMBIGUOUS_POINT = re.compile(r"\d\.\d{3}(?!\d)")
_NONE = {"-", "–", "—", "ingen", "inget mål", "saknas"}


def _number(text: str) -> Decimal:
    cleaned = _SPACES.sub("", text).replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the patterns only pass numbers
        raise TargetError(f"{text!r} is not a number") from exc


def _unit(raw: str | None) -> str | None:
    if not raw:
        return None
    if raw == "%":
        return "percent"
    return "per_100_vardplatser"


def parse_target(expression: str) -> ParsedTarget:
    """Read a target as written; ``TargetError`` says what could not be read."""
    if not isinstance(expression, str):
        raise TargetError("a target expression is text, such as '≥80%' or 'Ökning'")
    text = _SPACES.sub(" ", expression).strip()
    if not text:
        raise TargetError("the expression is empty; use '-' for no target")
    lowered = text.lower()
    if lowered in _NONE:
        return ParsedTarget(kind="none")
    if lowered in ("ökning", "öka", "ska öka"):
        return ParsedTarget(kind="increase")
    if lowered in ("minskning", "minska", "ska minska"):
        return ParsedTarget(kind="decrease")
    if _AMBIGUOUS_POINT.search(text):
        raise TargetError(
            f"the target {expression!r} could not be read: a point before three digits may be a "
            "thousands separator or a decimal point; write 20 000 or 0,5"
        )
    if m := _THRESHOLD.match(text):
        op = _OPS[m["op"]] if m["op"] else ">="
        return ParsedTarget(
            kind="threshold", operator=op, value=_number(m["num"]), unit=_unit(m["unit"])
        )
    if m := _RELATIVE_A.match(text) or _RELATIVE_B.match(text):
        op = _OPS[m["op"]] if m["op"] else ">="
        if op in ("<", "<="):
            raise TargetError(
                f"{expression!r}: a relative change is read as at least that much ('≥'), not '{m['op']}'"
            )
        return ParsedTarget(
            kind="relative_change",
            operator=op,
            value=_number(m["num"]),
            unit="percent",
            change="increase" if m["dir"].lower() == "ökning" else "decrease",
            per_year=True,
        )
    if m := _NPE.match(text):
        if m["num"] is not None:
            op = _OPS[m["op"]] if m["op"] else ">="
            if op in ("<", "<="):
                raise TargetError(f"{expression!r}: an improvement is at least that much ('≥')")
            number = m["num"]
        else:
            op, number = ">=", m["num2"]
        return ParsedTarget(kind="npe_improvement", operator=op, value=_number(number), unit="unit")
    raise TargetError(_explain(expression, text))


def _explain(expression: str, text: str) -> str:
    if re.search(r"[a-zåäö]", text, re.IGNORECASE):
        hint = "the words are not a known form"
    else:
        hint = "no comparison, number and unit could be read"
    return (
        f"the target {expression!r} could not be read ({hint}); use a form such as '>95%', "
        "'≥80%', '<0,5/100 vpl.', '<20 000', 'ökning ≥10%/år', '≥ 10 % minskning/år', "
        "'Ökning', 'NPE: förbättring ≥1,0 enhet' or '-' for no target"
    )


def _compare(op: Operator, left: Decimal, right: Decimal) -> bool:
    if op == ">":
        return left > right
    if op == ">=":
        return left >= right
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    return left == right


def evaluate(
    target: ParsedTarget,
    value: Decimal,
    previous: Decimal | None,
    *,
    higher_is_better: bool = True,
) -> Outcome:
    """Judge ``value`` against ``target``; ``previous`` is the last earlier comparable value.

    ``none`` targets are never judged (the caller reports ``no_target``); a comparing
    target without a previous value is ``not_evaluable``.
    """
    if target.kind == "none":
        raise ValueError("a target of kind 'none' is never evaluated")
    if target.kind == "threshold":
        assert target.operator is not None and target.value is not None
        return "met" if _compare(target.operator, value, target.value) else "not_met"
    if previous is None:
        return "not_evaluable"
    if target.kind == "increase":
        return "met" if value > previous else "not_met"
    if target.kind == "decrease":
        return "met" if value < previous else "not_met"
    assert target.operator is not None and target.value is not None
    if target.kind == "relative_change":
        # change% = (value - previous) / previous * 100, compared without dividing.
        if previous <= 0:
            return "not_evaluable"
        change = (value - previous) * 100
        wanted = target.value * previous
        if target.change == "decrease":
            change = -change
        return "met" if _compare(target.operator, change, wanted) else "not_met"
    # npe_improvement: improvement in the indicator's better direction, in units.
    improvement = value - previous if higher_is_better else previous - value
    return "met" if _compare(target.operator, improvement, target.value) else "not_met"


def _accepts_lower_bound(op: Operator) -> bool:
    return op in (">", ">=", "=")


def stricter_or_equal(own: ParsedTarget, region: ParsedTarget) -> tuple[bool, str]:
    """Is a committee's ``own`` target at least as strict as the region's?

    At least as strict means: every value that meets ``own`` also meets ``region``.
    Returns ``(ok, reason)``; ``reason`` says why not.
    """
    if region.kind == "none":
        return True, ""
    if own.kind == "none":
        return False, "the region has a target for this year; a committee cannot drop it ('-')"
    if own.kind == "threshold" and region.kind == "threshold":
        assert (
            own.operator and region.operator and own.value is not None and region.value is not None
        )
        if own.unit != region.unit:
            return False, f"the unit differs from the region's target ({own.unit} vs {region.unit})"
        own_low, reg_low = _accepts_lower_bound(own.operator), _accepts_lower_bound(region.operator)
        if own_low != reg_low:
            return False, "it bounds the value from the other side than the region's target"
        if own_low:
            ok = own.value > region.value or (
                own.value == region.value and not (own.operator == ">=" and region.operator == ">")
            )
        else:
            ok = own.value < region.value or (
                own.value == region.value and not (own.operator == "<=" and region.operator == "<")
            )
        return ok, "" if ok else "it is looser than the region's target"
    if own.kind == "relative_change" and region.kind == "relative_change":
        assert own.value is not None and region.value is not None
        if own.change != region.change:
            return False, "it asks for the opposite change of the region's target"
        ok = own.value >= region.value
        return ok, "" if ok else "it asks for a smaller change than the region's target"
    if region.kind in ("increase", "decrease"):
        if own.kind == region.kind:
            return True, ""
        if (
            own.kind == "relative_change"
            and own.change == region.kind
            and own.value
            and own.value > 0
        ):
            return True, ""
        return (
            False,
            f"the region's target asks for {'an increase' if region.kind == 'increase' else 'a decrease'}",
        )
    if own.kind == "npe_improvement" and region.kind == "npe_improvement":
        assert own.value is not None and region.value is not None
        ok = own.value >= region.value
        return ok, "" if ok else "it asks for a smaller improvement than the region's target"
    return False, f"a {own.kind} target cannot be compared with the region's {region.kind} target"
