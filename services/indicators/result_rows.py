"""What a good row of a results load is (Kvalitetsapplikationen), and the checks that say so.

A row, a CSV line or a JSON object, is good when

1. each field is well formed: ``ResultRow``, with the suite's boundary types for the org
   unit and the period, so a mistake reads the same as anywhere else in the suite;
2. its fields agree: ``value_problem`` and ``ratio_problem`` (a final result has a value,
   the numerator does not exceed the denominator, …);
3. the store agrees: the indicator exists, the org unit's kind may report it (population
   denominators) and the caller's key may write for the org unit.

``RowChecker.check_batch`` decides set-wise, with the same rule functions over the
distinct values of each column, whether a whole batch is good: the common case of a big
load, at a fraction of the cost of a model per row. Only a batch with a problem goes
row by row through ``RowChecker.check_row``, which names every problem. Pure: no
database, no HTTP.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, NamedTuple, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from services.indicators.schemas import ResultStatus
from shared.boundary import OrgUnitField, PeriodField, check_org_unit_code
from shared.bulk_csv import CsvRowError, is_ambiguous
from shared.errors import field_error
from shared.json_rows import NestedRow
from shared.keys import Principal
from shared.periods import Period, PeriodError
from shared.reference import org_units

KEYS = ("indicator", "org_unit", "period", "breakdown")
VALUES = ("value", "numerator", "denominator", "status")
#: A row's fields in the order of CSV columns, records and the result table's upsert.
COLUMNS = (*KEYS, *VALUES)
NUMERIC = frozenset({"value", "numerator", "denominator"})
REQUIRED = ("indicator", "org_unit", "period")
STATUSES = frozenset(get_args(ResultStatus))
#: Statuses of a result that has a value (the others say why there is none).
WITH_VALUE = frozenset({"final", "preliminary"})
DEFAULT_BREAKDOWN = "total"
DEFAULT_STATUS: ResultStatus = "final"

_BREAKDOWN = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")

#: A good row as it is written: ``COLUMNS`` order, the period canonical, numbers as text.
Record = tuple[Any, ...]


def check_breakdown(value: Any) -> str:
    """A breakdown (uppdelning) is a lower-case slug: ``total``, ``vardcentraler``."""
    if not (isinstance(value, str) and len(value) <= 100 and _BREAKDOWN.match(value)):
        raise ValueError(f"{value!r} is not a lower-case slug such as vardcentraler")
    return value


def number_text(value: Any) -> str:
    """The text of an exact number: a JSON number, or text in the API form (CSV cells in
    the Swedish form arrive converted to it, or marked ambiguous and refused here)."""
    if isinstance(value, str) and not is_ambiguous(value) and _NUMBER.match(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    raise ValueError(f"{value!r} is not a number")


Breakdown = Annotated[str, BeforeValidator(check_breakdown)]
#: An exact number (never a float): ``90.5``, ``181``.
ExactNumber = Annotated[Decimal, BeforeValidator(lambda value: Decimal(number_text(value)))]


class ResultRow(BaseModel):
    """One row of a results load, each field checked on its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: str
    org_unit: OrgUnitField
    period: PeriodField
    breakdown: Breakdown = DEFAULT_BREAKDOWN
    value: ExactNumber | None = None
    numerator: ExactNumber | None = None
    denominator: ExactNumber | None = None
    status: ResultStatus = DEFAULT_STATUS


def value_problem(status: str, has_value: bool) -> str | None:
    """A final or preliminary result has a value; a missing or not available one has none."""
    if status in WITH_VALUE:
        if not has_value:
            return f"a {status} result needs a value (use status missing or not_available)"
    elif has_value:
        return f"a {status} result has no value"
    return None


def ratio_problem(numerator: Decimal | None, denominator: Decimal | None) -> tuple[str, str] | None:
    """The field and the problem when the numerator and denominator cannot be a ratio."""
    if numerator is not None and denominator is not None:
        if numerator < 0 or denominator <= 0:
            return "denominator", "numerator must be ≥ 0 and denominator > 0"
        if numerator > denominator:
            return "numerator", "numerator is greater than denominator"
        return None
    if numerator is not None and numerator < 0:
        return "numerator", "must not be negative"
    if denominator is not None and denominator < 0:
        return "denominator", "must not be negative"
    return None


def population_problem(
    indicator: str, org_unit: str, not_reportable_by: frozenset[str]
) -> str | None:
    """An indicator with a population denominator cannot be reported by a hospital board."""
    kind = org_units()[org_unit].kind
    if kind in not_reportable_by:
        return (
            f"{indicator} has a population denominator; a {kind.replace('_', ' ')} "
            f"({org_unit}) cannot report it"
        )
    return None


class Checked(NamedTuple):
    """A row's verdict: its record when good, else its problems, and an org unit the key
    may not write for (which makes an atomic load a 403)."""

    record: Record | None
    problems: list[dict[str, Any]]
    forbidden: str | None


def _column_position(problem: dict[str, Any]) -> int:
    loc = problem["loc"]
    return COLUMNS.index(loc[0]) if loc and loc[0] in COLUMNS else len(COLUMNS)


def _text(number: Decimal | None) -> str | None:
    return None if number is None else format(number, "f")


@dataclass(frozen=True)
class RowChecker:
    """Checks rows against the field rules, their agreement and what the store knows."""

    #: Indicator code → the org-unit kinds that may not report it.
    indicators: Mapping[str, frozenset[str]]
    principal: Principal

    def check_row(self, raw: Any) -> Checked:
        """One row, a list (or tuple) in ``COLUMNS`` order or a JSON object, with every
        problem named."""
        if isinstance(raw, CsvRowError):
            where = [raw.column] if raw.column else []
            return Checked(None, [field_error(where, raw.message)], None)
        if isinstance(raw, NestedRow):
            return Checked(None, [raw.problem()], None)
        if isinstance(raw, list | tuple):
            given = {c: v for c, v in zip(COLUMNS, raw, strict=True) if v is not None}
        elif isinstance(raw, dict):
            given = {k: v for k, v in raw.items() if v is not None}
        else:
            return Checked(None, [field_error([], "a row must be an object")], None)
        row: ResultRow | None = None
        problems: list[dict[str, Any]] = []
        try:
            row = ResultRow.model_validate(given)
        except ValidationError as exc:
            problems = [
                field_error([str(p) for p in e["loc"]], e["msg"])
                for e in exc.errors(include_url=False)
            ]
        wrong = {p["loc"][0] for p in problems if p["loc"]}
        indicator, org_unit = given.get("indicator"), given.get("org_unit")
        kinds = self.indicators.get(indicator) if isinstance(indicator, str) else None
        if kinds is None and "indicator" not in wrong:
            problems.append(field_error(["indicator"], f"unknown indicator {indicator!r}"))
        forbidden = None
        if "org_unit" not in wrong:
            assert isinstance(org_unit, str)  # the row model passed it
            if not self.principal.may_speak_for(org_unit):
                forbidden = org_unit
                problems.append(
                    field_error(["org_unit"], f"this key may not write for org unit {org_unit!r}")
                )
            elif kinds is not None and (why := population_problem(str(indicator), org_unit, kinds)):
                problems.append(field_error(["org_unit"], why))
        if row is not None:
            if why := value_problem(row.status, row.value is not None):
                problems.append(field_error(["value"], why))
            if ratio := ratio_problem(row.numerator, row.denominator):
                problems.append(field_error([ratio[0]], ratio[1]))
        if problems or row is None:
            problems.sort(key=_column_position)
            return Checked(None, problems, forbidden)
        record = (
            row.indicator,
            row.org_unit,
            str(row.period),
            row.breakdown,
            _text(row.value),
            _text(row.numerator),
            _text(row.denominator),
            row.status,
        )
        return Checked(record, [], None)

    def check_batch(self, columns: Sequence[list[Any]]) -> list[Record] | None:
        """Every row of a batch at once (columns in ``COLUMNS`` order): their records, or
        None when any row has a problem (then ``check_row`` names it)."""
        try:
            return self._check_batch(columns)
        except TypeError:  # an unhashable JSON value (a list, an object) in a cell
            return None

    def _check_batch(self, columns: Sequence[list[Any]]) -> list[Record] | None:
        ind, unit, per, bd, val, num, den, st = columns
        if not set(ind) <= self.indicators.keys():
            return None
        units = set(unit)
        try:
            for code in units:
                check_org_unit_code(code)
        except ValueError:
            return None
        if self.principal.org_units and not units <= self.principal.org_units:
            return None
        population = {code for code in set(ind) if self.indicators[code]}
        if population and any(
            population_problem(i, u, self.indicators[i])
            for i, u in set(zip(ind, unit, strict=True))
            if i in population
        ):
            return None
        try:
            canonical = {p: str(Period.parse(p)) for p in set(per)}
        except PeriodError:
            return None
        if any(k != v for k, v in canonical.items()):
            per = [canonical[p] for p in per]
        if None in bd:
            bd = [DEFAULT_BREAKDOWN if b is None else b for b in bd]
        try:
            for b in set(bd):
                check_breakdown(b)
        except ValueError:
            return None
        if None in st:
            st = [DEFAULT_STATUS if s is None else s for s in st]
        if not set(st) <= STATUSES:
            return None
        numbers = []
        for column in (val, num, den):
            found = _number_texts(column)
            if found is None:
                return None
            numbers.append(found)
        val, num, den = numbers
        if _value_problems(st, val) or _ratio_problems(num, den):
            return None
        return list(zip(ind, unit, per, bd, val, num, den, st, strict=True))


_NONE = type(None)


def _number_texts(column: list[Any]) -> list[Any] | None:
    """A numeric column as number texts (None kept), or None when a cell is not a number.
    Plain text cells (CSV) are matched at C speed; others (JSON numbers) one distinct
    value at a time."""
    types = set(map(type, column))
    if types <= {str, _NONE}:
        present = [v for v in column if v is not None] if _NONE in types else column
        return column if all(map(_NUMBER.match, present)) else None
    if bool in types:
        return None  # True == 1 in a set: let the row model refuse it
    try:
        texts = {v: number_text(v) for v in set(column) if v is not None}
    except ValueError:
        return None
    if any(type(k) is not str or k != t for k, t in texts.items()):
        column = [None if v is None else texts[v] for v in column]
    return column


def _value_problems(statuses: list[str], values: list[Any]) -> bool:
    """Whether any row breaks ``value_problem`` (set-wise when the statuses agree)."""
    kinds = set(statuses)
    if kinds <= WITH_VALUE:
        return None in values
    if not kinds & WITH_VALUE:
        return values.count(None) != len(values)
    return any(value_problem(s, v is not None) for s, v in zip(statuses, values, strict=True))


def _ratio_problems(numerators: list[Any], denominators: list[Any]) -> bool:
    """Whether any row breaks ``ratio_problem``. Where every row has both terms, compared
    as floats at C speed; a pair the floats cannot tell apart is compared exactly."""
    if None in numerators or None in denominators:
        return any(
            ratio_problem(None if n is None else Decimal(n), None if d is None else Decimal(d))
            for n, d in zip(numerators, denominators, strict=True)
            if n is not None or d is not None
        )
    if not numerators:
        return False
    nf, df = list(map(float, numerators)), list(map(float, denominators))
    if min(nf) < 0 or min(df) <= 0 or any(map(operator.gt, nf, df)):
        return True
    close = [i for i, same in enumerate(map(operator.eq, nf, df)) if same]
    return any(ratio_problem(Decimal(numerators[i]), Decimal(denominators[i])) for i in close)
