"""Domain rules of the indicators service: plain functions, no HTTP, one commit per operation."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.indicators.models import REGION, indicator_table, result_table, target_table
from services.indicators.schemas import (
    CODE_PATTERN,
    AreaEvaluation,
    ComparedWith,
    DeleteAnswer,
    EvaluationItem,
    IndicatorIn,
    IndicatorOut,
    LoadAnswer,
    RowErrorOut,
    TargetIn,
    TargetInForce,
    TargetOut,
)
from services.indicators.targets import (
    COMPARING_KINDS,
    ParsedTarget,
    TargetError,
    evaluate,
    parse_target,
    stricter_or_equal,
)
from shared.bulk import (
    CsvRowError,
    CsvStream,
    LoadMode,
    RowError,
    csv_stream,
    is_ambiguous,
    reject_if_atomic,
    upsert_stream,
)
from shared.errors import (
    BadRequest,
    Forbidden,
    InvalidInput,
    NotFound,
    UnsupportedMediaType,
    field_error,
)
from shared.etag import check_if_match
from shared.keys import Principal
from shared.periods import MIN_YEAR, Period, PeriodError
from shared.reference import check_org_unit, goals, org_units
from shared.store import AuditTrail, ChangeFeed, utcnow

RESULT_RESOURCE = "result"
KEYS = ("indicator", "org_unit", "period", "breakdown")
VALUES = ("value", "numerator", "denominator", "status")
COLUMNS = (*KEYS, *VALUES)
NUMERIC = frozenset({"value", "numerator", "denominator"})
REQUIRED = ("indicator", "org_unit", "period")
STATUSES = frozenset({"final", "preliminary", "missing", "not_available"})
WITH_VALUE = frozenset({"final", "preliminary"})
DEFAULT_BREAKDOWN = "total"
SHARE_PLACES = Decimal("0.0001")
AGGREGATE_PLACES = Decimal("0.0001")
#: Σnumerator/Σdenominator is scaled to the indicator's unit.
UNIT_SCALE = {
    "percent": Decimal(100),
    "per_100_vardplatser": Decimal(100),
    "per_1000_inhabitants": Decimal(1000),
}

_CODE = re.compile(CODE_PATTERN)
_BREAKDOWN = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class Placement:
    goal: str
    area: str
    delmal: str | None


def _place(body: IndicatorIn) -> Placement:
    """Find the area (name or code) and delmål in the goal hierarchy; 422 otherwise."""
    for goal in goals():
        for area in goal.areas:
            if body.area not in (area.name, area.code):
                continue
            if body.goal is not None and body.goal not in (goal.name, goal.code):
                raise InvalidInput(
                    f"Area {area.name!r} belongs to goal {goal.name!r}, not {body.goal!r}.",
                    errors=[field_error(["body", "goal"], f"area is under {goal.name!r}")],
                )
            delmal = None
            if body.delmal is not None:
                found = [d for d in area.delmal if body.delmal in (d.text, d.code)]
                if not found:
                    raise InvalidInput(
                        f"Delmål {body.delmal!r} is not under area {area.name!r}.",
                        errors=[field_error(["body", "delmal"], "not a delmål of the area")],
                    )
                delmal = found[0].text
            return Placement(goal.name, area.name, delmal)
    raise InvalidInput(
        f"Area {body.area!r} is not in the goal hierarchy (shared reference goals).",
        errors=[field_error(["body", "area"], f"unknown area {body.area!r}")],
    )


def check_code(code: str) -> None:
    if not _CODE.match(code):
        raise InvalidInput(
            f"Indicator code {code!r} is malformed; use e.g. ID0069 or EJIB-DIGBOK "
            "(A–Z, 0–9, '-' and '_', 2–40 characters).",
            errors=[field_error(["path", "code"], f"does not match {CODE_PATTERN}")],
        )


def indicator_out(row: Any) -> IndicatorOut:
    not_by = [k for k in (row.not_reportable_by or "").split(",") if k]
    return IndicatorOut(
        code=row.code,
        name=row.name,
        description=row.description,
        unit=row.unit,
        direction=row.direction,
        source=row.source,
        goal=row.goal,
        area=row.area,
        delmal=row.delmal,
        not_reportable_by=not_by,
        reportable_at=[k for k in ("region", "committee", "hospital_board") if k not in not_by],
        updated_at=row.updated_at,
        change_seq=row.change_seq,
    )


#: ETag prefixes, so an indicator's tag is never taken for a target's (``"i12"``, ``"t12"``).
INDICATOR_ETAG = "i"
TARGET_ETAG = "t"


def get_indicator(session: Session, code: str) -> IndicatorOut:
    row = session.execute(sa.select(indicator_table).where(indicator_table.c.code == code)).first()
    if row is None:
        raise NotFound(f"No indicator {code!r}.")
    return indicator_out(row)


def put_indicator(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    code: str,
    body: IndicatorIn,
    if_match: str | None = None,
) -> tuple[IndicatorOut, bool]:
    """Create or replace an indicator; returns it and whether it was created."""
    check_code(code)
    place = _place(body)
    t = indicator_table
    current = session.execute(sa.select(t.c.change_seq).where(t.c.code == code)).first()
    check_if_match(
        if_match,
        current.change_seq if current else None,
        prefix=INDICATOR_ETAG,
        subject=f"indicator {code!r}",
    )
    seq = feed.allocate(session, 1)
    fields = {
        "name": body.name,
        "description": body.description,
        "unit": body.unit,
        "direction": body.direction,
        "source": body.source,
        "goal": place.goal,
        "area": place.area,
        "delmal": place.delmal,
        "not_reportable_by": ",".join(sorted(set(body.not_reportable_by))),
        "updated_at": utcnow(),
        "change_seq": seq,
    }
    if current is None:
        session.execute(sa.insert(t).values(code=code, **fields))
    else:
        session.execute(sa.update(t).where(t.c.code == code).values(**fields))
    audit.record(
        session,
        principal.key_id,
        "create" if current is None else "replace",
        "indicator",
        code,
        body.model_dump(),
    )
    session.commit()
    return get_indicator(session, code), current is None


def indicator_query(area: str | None) -> sa.Select[Any]:
    stmt = sa.select(indicator_table)
    if area:
        names = [a.name for g in goals() for a in g.areas if area in (a.name, a.code)]
        stmt = stmt.where(indicator_table.c.area.in_(names or [area]))
    return stmt


# --------------------------------------------------------------------------- targets


def parse_expression(expression: str, loc: list[str | int]) -> ParsedTarget:
    try:
        return parse_target(expression)
    except TargetError as exc:
        raise InvalidInput(str(exc), errors=[field_error(loc, str(exc))]) from exc


def _target_out(row: Any) -> TargetOut:
    own = row.org_unit != REGION
    return TargetOut(
        indicator=row.indicator,
        year=row.year,
        org_unit=row.org_unit if own else None,
        source="org_unit" if own else "region",
        expression=row.expression,
        parsed=ParsedTarget.model_validate_json(row.parsed),
        updated_at=row.updated_at,
        change_seq=row.change_seq,
    )


def _require_indicator(session: Session, code: str) -> Any:
    row = session.execute(sa.select(indicator_table).where(indicator_table.c.code == code)).first()
    if row is None:
        raise NotFound(f"No indicator {code!r}.")
    return row


def _region_target_in_force(session: Session, code: str, year: int) -> Any:
    t = target_table
    return session.execute(
        sa.select(t)
        .where(t.c.indicator == code, t.c.org_unit == REGION, t.c.year <= year)
        .order_by(t.c.year.desc())
        .limit(1)
    ).first()


def put_target(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    code: str,
    year: int,
    body: TargetIn,
) -> TargetOut:
    """Set the region's (or a committee's own) target for a year."""
    _require_indicator(session, code)
    if not MIN_YEAR <= year <= 2100:
        raise InvalidInput(
            f"Year {year} is outside {MIN_YEAR}–2100.",
            errors=[field_error(["path", "year"], "out of range")],
        )
    parsed = parse_expression(body.expression, ["body", "expression"])
    org_unit = body.org_unit or REGION
    check_org_unit(org_unit, ["body", "org_unit"])
    principal.check_org_unit(org_unit)
    if org_unit != REGION:
        region = _region_target_in_force(session, code, year)
        if region is not None:
            ok, why = stricter_or_equal(parsed, ParsedTarget.model_validate_json(region.parsed))
            if not ok:
                msg = (
                    f"{org_unit}'s target {body.expression!r} for {code} {year} must be at least "
                    f"as strict as the region's {region.expression!r} (set for {region.year}): {why}."
                )
                raise InvalidInput(msg, errors=[field_error(["body", "expression"], why)])
    t = target_table
    seq = feed.allocate(session, 1)
    fields = {
        "expression": body.expression.strip(),
        "parsed": parsed.model_dump_json(),
        "updated_at": utcnow(),
        "change_seq": seq,
    }
    where = (t.c.indicator == code, t.c.year == year, t.c.org_unit == org_unit)
    existing = session.execute(sa.select(t.c.id).where(*where)).first()
    if existing is None:
        session.execute(sa.insert(t).values(indicator=code, year=year, org_unit=org_unit, **fields))
    else:
        session.execute(sa.update(t).where(*where).values(**fields))
    audit.record(
        session,
        principal.key_id,
        "set_target",
        "target",
        f"{code}/{year}/{org_unit}",
        {"expression": body.expression, "parsed": parsed.model_dump(mode="json")},
    )
    session.commit()
    row = session.execute(sa.select(t).where(*where)).one()
    return _target_out(row)


def list_targets(session: Session, code: str) -> list[TargetOut]:
    _require_indicator(session, code)
    t = target_table
    rows = session.execute(
        sa.select(t).where(t.c.indicator == code).order_by(t.c.year, t.c.org_unit)
    ).all()
    return [_target_out(r) for r in rows]


# --------------------------------------------------------------------------- loads


def parse_load_body(content_type: str, body: bytes) -> list[Any] | CsvLoad:
    """The rows of a load: a CSV body to read in batches, or a list of JSON rows.

    CSV (API form or Swedish Excel form, see ``shared.bulk``) is read batch by batch when
    loaded (``CsvLoad``); a JSON list of objects (numbers read exactly, as decimals) gives
    a list of rows, each a list in ``COLUMNS`` order or a per-row problem.
    """
    if not body.strip():
        raise BadRequest("The body is empty; send a JSON list of rows or CSV with a header line.")
    if content_type in ("text/csv", "application/csv"):
        return _csv_load(body)
    if content_type in ("application/json", ""):
        try:
            data = json.loads(body, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest(f"The body is not valid JSON: {exc}.") from exc
        if isinstance(data, dict) and isinstance(data.get("rows"), list):
            data = data["rows"]
        if not isinstance(data, list):
            raise InvalidInput(
                "The body must be a JSON list of rows.",
                errors=[field_error(["body"], "not a list")],
            )
        return [_json_record(item) for item in data]
    raise UnsupportedMediaType(
        f"Content type {content_type!r} is not accepted; use application/json or text/csv."
    )


@dataclass
class Columns:
    """Consecutive rows of a load column by column in ``COLUMNS`` order, plus the lines
    that were broken; ``first`` is the row number of the first of them."""

    columns: list[list[Any]]
    broken: list[CsvRowError]
    first: int = 1

    def rows(self) -> list[Any]:
        out: list[Any] = [list(r) for r in zip(*self.columns, strict=True)]
        for error in self.broken:
            out.insert(error.row - self.first, error)
        return out

    def __len__(self) -> int:
        return len(self.columns[0]) + len(self.broken)


#: Rows of a load in one batch: column by column, or a list of rows (JSON).
Part = Columns | list[Any]


@dataclass
class CsvLoad:
    """A CSV load body, read in batches of lines when it is loaded (never all at once)."""

    stream: CsvStream
    positions: list[int | None]  # for each of COLUMNS, its column in the body (None: absent)
    batch_size: int = 10_000

    def limit(self) -> int:
        return self.stream.limit()

    def parts(self) -> Iterator[Part]:
        # The codes repeat on most rows: one string object each per load, not one per cell.
        interned: dict[str, str] = {}
        coded = {COLUMNS.index(c) for c in ("indicator", "org_unit", "period", "breakdown")}
        coded.add(COLUMNS.index("status"))
        for batch in self.stream.batches(self.batch_size):
            size = len(batch.columns[0]) if batch.columns else 0
            columns: list[list[Any]] = []
            for i, position in enumerate(self.positions):
                if position is None:
                    columns.append([None] * size)
                    continue
                column = batch.columns[position]
                if i in coded:
                    get = interned.setdefault
                    column = [v if v is None else get(v, v) for v in column]
                columns.append(column)
            yield Columns(columns, batch.broken, batch.first)


def _csv_load(body: bytes) -> CsvLoad:
    stream = csv_stream(body, set(NUMERIC))
    header = stream.header
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        problems = [field_error(["header", h], "unknown column") for h in unknown] + [
            field_error(["header", c], "required column missing") for c in missing
        ]
        raise InvalidInput(
            f"The CSV header must name columns of {', '.join(COLUMNS)}"
            f"{'; unknown: ' + ', '.join(unknown) if unknown else ''}"
            f"{'; missing: ' + ', '.join(missing) if missing else ''}.",
            errors=problems,
        )
    return CsvLoad(stream, [header.index(c) if c in header else None for c in COLUMNS])


def _json_record(item: Any) -> Any:
    if not isinstance(item, dict):
        return CsvRowError(0, "a row must be an object")
    unknown = [k for k in item if k not in COLUMNS]
    if unknown:
        return RowError(row=0, errors=[field_error([k], "unknown field") for k in unknown])
    return [item.get(c) for c in COLUMNS]


def _number_text(value: Any) -> str | None:
    """Canonical text of a number, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value if not is_ambiguous(value) and _NUMBER.match(value) else None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    return None


@dataclass
class _Checker:
    """Checks rows one by one; what it learns about periods and codes it keeps."""

    indicators: dict[str, frozenset[str]]  # code -> org-unit kinds that may not report it
    principal: Principal

    def __post_init__(self) -> None:
        self.units = {code: unit.kind for code, unit in org_units().items()}
        self.periods: dict[str, str | Exception] = {}
        self.breakdowns: dict[str, bool] = {}

    def period(self, text: Any) -> str | Exception:
        if not isinstance(text, str):
            return PeriodError("a period is text such as 2024, 2024-Q3 or 2024-01/2024-08")
        found = self.periods.get(text)
        if found is None:
            try:
                found = str(Period.parse(text))
            except PeriodError as exc:
                found = exc
            self.periods[text] = found
        return found

    def check(
        self, row: list[Any]
    ) -> tuple[tuple[Any, ...] | None, list[dict[str, Any]], str | None]:
        """The record to write, the problems, and an org unit the key may not write for."""
        indicator, org_unit, period, breakdown, value, numerator, denominator, status = row
        errors: list[dict[str, Any]] = []
        kinds = self.indicators.get(indicator) if isinstance(indicator, str) else None
        if kinds is None:
            errors.append(field_error(["indicator"], f"unknown indicator {indicator!r}"))
        kind = self.units.get(org_unit) if isinstance(org_unit, str) else None
        forbidden = None
        if kind is None:
            errors.append(field_error(["org_unit"], f"unknown org unit {org_unit!r}"))
        elif not self.principal.may_speak_for(org_unit):
            forbidden = org_unit
        elif kinds is not None and kind in kinds:
            errors.append(
                field_error(
                    ["org_unit"],
                    f"{indicator} has a population denominator; a {kind.replace('_', ' ')} "
                    f"({org_unit}) cannot report it",
                )
            )
        canonical = self.period(period)
        if isinstance(canonical, Exception):
            errors.append(field_error(["period"], str(canonical)))
        if breakdown is None:
            breakdown = DEFAULT_BREAKDOWN
        ok = self.breakdowns.get(breakdown) if isinstance(breakdown, str) else False
        if ok is None:
            ok = self.breakdowns[breakdown] = bool(
                len(breakdown) <= 100 and _BREAKDOWN.match(breakdown)
            )
        if not ok:
            errors.append(
                field_error(
                    ["breakdown"], f"{breakdown!r} is not a lower-case slug such as vardcentraler"
                )
            )
        numbers: list[str | None] = []
        for name, raw in (("value", value), ("numerator", numerator), ("denominator", denominator)):
            if raw is None:
                numbers.append(None)
                continue
            text = _number_text(raw)
            if text is None:
                errors.append(field_error([name], f"{raw!r} is not a number"))
            numbers.append(text)
        value_t, num_t, den_t = numbers
        if status is None:
            status = "final"
        if status not in STATUSES:
            errors.append(
                field_error(["status"], f"{status!r} is not one of {', '.join(sorted(STATUSES))}")
            )
        elif status in WITH_VALUE:
            if value is None:
                errors.append(
                    field_error(
                        ["value"],
                        f"a {status} result needs a value (use status missing or not_available)",
                    )
                )
        elif value is not None:
            errors.append(field_error(["value"], f"a {status} result has no value"))
        if num_t is not None and den_t is not None:
            num, den = Decimal(num_t), Decimal(den_t)
            if num < 0 or den <= 0:
                errors.append(
                    field_error(["denominator"], "numerator must be ≥ 0 and denominator > 0")
                )
            elif num > den:
                errors.append(field_error(["numerator"], "numerator is greater than denominator"))
        else:
            for name, text in (("numerator", num_t), ("denominator", den_t)):
                if text is not None and text.startswith("-"):
                    errors.append(field_error([name], "must not be negative"))
        if errors or forbidden:
            return None, errors, forbidden
        return (indicator, org_unit, canonical, breakdown, value_t, num_t, den_t, status), [], None

    def check_columns(self, columns: list[list[Any]]) -> list[tuple[Any, ...]] | None:
        """Every row at once, set-wise; None when any row has a problem (then check row by row)."""
        ind, unit, per, bd, val, num, den, st = columns
        if not set(ind) <= self.indicators.keys():
            return None
        units = set(unit)
        if not units <= self.units.keys():
            return None
        if self.principal.org_units and not units <= self.principal.org_units:
            return None
        population = {c for c in set(ind) if self.indicators[c]}
        if population and any(
            self.units[u] in self.indicators[i]
            for i, u in zip(ind, unit, strict=True)
            if i in population
        ):
            return None
        canonical: dict[Any, str] = {}
        for p in set(per):
            found = self.period(p)
            if isinstance(found, Exception):
                return None
            canonical[p] = found
        if any(k != v for k, v in canonical.items()):
            per = [canonical[p] for p in per]
        if None in bd:
            bd = [DEFAULT_BREAKDOWN if b is None else b for b in bd]
        for b in set(bd):
            if not (isinstance(b, str) and len(b) <= 100 and _BREAKDOWN.match(b)):
                return None
        if None in st:
            st = ["final" if x is None else x for x in st]
        if not set(st) <= STATUSES:
            return None
        numbers = []
        for column in (val, num, den):
            texts: dict[Any, str | None] = {None: None}
            for v in set(column):
                if v is not None:
                    text = _number_text(v)
                    if text is None:
                        return None
                    texts[v] = text
            if any(type(k) is not str or k != t for k, t in texts.items() if k is not None):
                column = [texts[v] for v in column]
            numbers.append(column)
        val, num, den = numbers
        if any((x in WITH_VALUE) != (v is not None) for x, v in zip(st, val, strict=True)):
            return None
        for n, d in zip(num, den, strict=True):
            if n is not None and d is not None:
                dn, dd = Decimal(n), Decimal(d)
                if dn < 0 or dd <= 0 or dn > dd:
                    return None
            elif (n is not None and n.startswith("-")) or (d is not None and d.startswith("-")):
                return None
        return list(zip(ind, unit, per, bd, val, num, den, st, strict=True))


def _known_indicators(session: Session) -> dict[str, frozenset[str]]:
    t = indicator_table
    return {
        r.code: frozenset(k for k in r.not_reportable_by.split(",") if k)
        for r in session.execute(sa.select(t.c.code, t.c.not_reportable_by)).all()
    }


@dataclass
class _LoadRun:
    """One pass over a load's rows: checks each batch, names the bad rows, gives the good."""

    checker: _Checker
    mode: LoadMode
    parts: Callable[[], Iterable[Part]]

    def __post_init__(self) -> None:
        self.rejected: list[RowError] = []
        self.forbidden: dict[str, int] = {}
        self.total = 0

    def batches(self) -> Iterator[list[tuple[Any, ...]]]:
        """The good rows batch by batch, as records in ``COLUMNS`` order; at the end, in
        atomic mode, 403/422 when any row was bad (no good row is given after the first bad).
        """
        self.rejected, self.forbidden, self.total = [], {}, 0
        atomic = self.mode is LoadMode.atomic
        for part in self.parts():
            good = self._check(part)
            if not atomic or not (self.rejected or self.forbidden):
                yield good
        if self.forbidden and atomic:
            units = ", ".join(f"{u} (first at row {n})" for u, n in sorted(self.forbidden.items()))
            org_units = self.checker.principal.org_units
            raise Forbidden(
                f"This key may not write for {units}; it is bound to "
                f"{', '.join(sorted(org_units))}. Nothing was written.",
                errors=[
                    field_error(["body", n, "org_unit"], f"not allowed: {u}")
                    for u, n in self.forbidden.items()
                ],
            )
        reject_if_atomic(self.mode, self.rejected, self.total)

    def _check(self, part: Part) -> list[tuple[Any, ...]]:
        self.total += len(part)
        first = 1
        listed: list[Any]
        if isinstance(part, Columns):
            first = part.first
            if not part.broken and part.columns[0]:
                fast = self.checker.check_columns(part.columns)
                if fast is not None:
                    return fast
            listed = part.rows()
        else:
            listed = part
            if part and all(type(r) is list for r in part):
                fast = self.checker.check_columns([list(c) for c in zip(*part, strict=True)])
                if fast is not None:
                    return fast
        good: list[tuple[Any, ...]] = []
        check = self.checker.check
        for number, row in enumerate(listed, start=first):
            if isinstance(row, CsvRowError):
                self.rejected.append(RowError(row=number, errors=[field_error([], row.message)]))
                continue
            if isinstance(row, RowError):
                self.rejected.append(RowError(row=number, errors=row.errors))
                continue
            record, errors, other_unit = check(row)
            if record is not None:
                good.append(record)
                continue
            if other_unit is not None:
                self.forbidden.setdefault(other_unit, number)
                errors = [
                    *errors,
                    field_error(
                        ["org_unit"], f"this key may not write for org unit {other_unit!r}"
                    ),
                ]
            self.rejected.append(RowError(row=number, errors=errors))
        return good


def load_results(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    rows: Sequence[Any] | CsvLoad,
    *,
    mode: LoadMode = LoadMode.atomic,
    dry_run: bool = False,
) -> LoadAnswer:
    """Check every row and upsert the good ones, set-based, batch by batch.

    A CSV body is read, checked and written (COPY on Postgres) in batches: batch k+1 is
    checked while the database stores batch k, all in one transaction. Atomic: any bad
    row → 422 naming every bad row; a row of an org unit the key may not write for → 403
    for the whole load; either way the transaction is rolled back, nothing written.
    Partial: bad rows and rows of other org units are rejected (named in ``rejected``),
    the others written.
    """
    if isinstance(rows, CsvLoad):
        parts: Callable[[], Iterable[Part]] = rows.parts
        limit = rows.limit()
    else:
        listed = list(rows)
        parts, limit = (lambda: [listed]), len(listed)
    run = _LoadRun(_Checker(_known_indicators(session), principal), mode, parts)
    try:
        counts = upsert_stream(
            session, result_table, run.batches, keys=KEYS, values=VALUES, feed=feed, limit=limit
        )
    except Exception:
        session.rollback()
        raise
    rejected = run.rejected
    answer = LoadAnswer(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=[RowErrorOut(row=r.row, errors=r.errors) for r in rejected],
        dry_run=dry_run,
    )
    if dry_run:
        session.rollback()
        return answer
    audit.record(
        session,
        principal.key_id,
        "load",
        "results",
        f"{run.total} rows",
        {
            "mode": mode.value,
            "rows": run.total,
            "inserted": counts.inserted,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "rejected": len(rejected),
        },
    )
    session.commit()
    return answer


def delete_result(
    session: Session, feed: ChangeFeed, audit: AuditTrail, principal: Principal, result_id: int
) -> DeleteAnswer:
    r = result_table
    row = session.execute(sa.select(r).where(r.c.id == result_id)).first()
    if row is None:
        raise NotFound(f"No result {result_id}.")
    principal.check_org_unit(row.org_unit)
    return _delete(session, feed, audit, principal, [row], {"id": result_id})


def delete_results(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    *,
    indicator: str | None,
    org_unit: str | None,
    period: Period | None,
    breakdown: str | None,
) -> DeleteAnswer:
    """Delete the results matching every filter given (indicator or org_unit required)."""
    if indicator is None and org_unit is None:
        raise InvalidInput(
            "Name at least the indicator or the org_unit of the results to delete.",
            errors=[field_error(["query", "indicator"], "indicator or org_unit required")],
        )
    r = result_table
    stmt = sa.select(r)
    if indicator is not None:
        stmt = stmt.where(r.c.indicator == indicator)
    if org_unit is not None:
        check_org_unit(org_unit, ["query", "org_unit"])
        principal.check_org_unit(org_unit)
        stmt = stmt.where(r.c.org_unit == org_unit)
    elif principal.org_units:
        stmt = stmt.where(r.c.org_unit.in_(sorted(principal.org_units)))
    if period is not None:
        stmt = stmt.where(r.c.period == str(period))
    if breakdown is not None:
        stmt = stmt.where(r.c.breakdown == breakdown)
    rows = session.execute(stmt).all()
    filters = {
        "indicator": indicator,
        "org_unit": org_unit,
        "period": str(period) if period else None,
        "breakdown": breakdown,
    }
    return _delete(session, feed, audit, principal, rows, filters)


def _delete(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    rows: Sequence[Any],
    what: dict[str, Any],
) -> DeleteAnswer:
    if not rows:
        return DeleteAnswer(deleted=0)
    ids = [row.id for row in rows]
    first = feed.allocate(session, len(ids))
    r = result_table
    for start in range(0, len(ids), 5000):
        session.execute(sa.delete(r).where(r.c.id.in_(ids[start : start + 5000])))
    feed.bury(session, RESULT_RESOURCE, [str(i) for i in ids], first)
    audit.record(
        session,
        principal.key_id,
        "delete",
        "results",
        ",".join(str(i) for i in ids[:20]),
        {**what, "deleted": len(ids)},
    )
    session.commit()
    return DeleteAnswer(deleted=len(ids))


RESULT_COLUMNS = (
    "id",
    "indicator",
    "org_unit",
    "period",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "status",
    "updated_at",
    "change_seq",
)


def results_query(
    *,
    indicator: str | None,
    org_unit: str | None,
    period: Period | None,
    breakdown: str | None,
) -> sa.Select[Any]:
    r = result_table
    stmt = sa.select(*[r.c[c].label(c) for c in RESULT_COLUMNS])
    if indicator is not None:
        stmt = stmt.where(r.c.indicator == indicator)
    if org_unit is not None:
        stmt = stmt.where(r.c.org_unit == org_unit)
    if period is not None:
        stmt = stmt.where(r.c.period == str(period))
    if breakdown is not None:
        stmt = stmt.where(r.c.breakdown == breakdown)
    return stmt


# --------------------------------------------------------------------------- evaluations


@dataclass(frozen=True)
class _Value:
    value: Decimal | None
    status: str
    aggregated: bool = False


def _tree_order() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    goal_ix: dict[str, int] = {}
    area_ix: dict[str, int] = {}
    delmal_ix: dict[str, int] = {}
    for g in goals():
        goal_ix.setdefault(g.name, len(goal_ix))
        for a in g.areas:
            area_ix.setdefault(a.name, len(area_ix))
            for d in a.delmal:
                delmal_ix.setdefault(d.text, len(delmal_ix))
    return goal_ix, area_ix, delmal_ix


def comparable_periods(period: Period) -> list[str]:
    """The period itself, then the same span in every earlier year, newest first."""
    return [str(period)] + [
        str(Period(y, period.first_month, period.last_month, period.kind))
        for y in range(period.year - 1, MIN_YEAR - 1, -1)
    ]


def _aggregate(rows: Iterable[Any], units: dict[str, str]) -> dict[tuple[str, str, str], _Value]:
    """Region values from the units: Σnumerator / Σdenominator, scaled to the unit."""
    sums: dict[tuple[str, str, str], list[Any]] = {}
    for row in rows:
        key = (row.indicator, row.breakdown, row.period)
        acc = sums.setdefault(key, [Decimal(0), Decimal(0), "final"])
        acc[0] += row.numerator
        acc[1] += row.denominator
        if row.status == "preliminary":
            acc[2] = "preliminary"
    out: dict[tuple[str, str, str], _Value] = {}
    for key, (num, den, status) in sums.items():
        if den <= 0:
            continue
        scale = UNIT_SCALE.get(units.get(key[0], ""), Decimal(1))
        value = (num * scale / den).quantize(AGGREGATE_PLACES)
        out[key] = _Value(value, status, aggregated=True)
    return out


def evaluations(
    session: Session,
    org_unit: str,
    period: Period,
    *,
    indicator: str | None = None,
    breakdown: str | None = None,
) -> list[EvaluationItem]:
    """Every indicator (× breakdown with results) judged for one org unit and period.

    Four queries whatever the number of indicators: indicators, targets, the unit's
    results for the period and the same span in earlier years, and (for ``REGION``) the
    units' numerators and denominators where the region has no stored value.
    """
    check_org_unit(org_unit, ["query", "org_unit"])
    i, t, r = indicator_table, target_table, result_table
    ind_stmt = sa.select(i)
    if indicator is not None:
        ind_stmt = ind_stmt.where(i.c.code == indicator)
    indicators = session.execute(ind_stmt).all()
    if indicator is not None and not indicators:
        raise NotFound(f"No indicator {indicator!r}.")

    tgt_stmt = sa.select(t.c.indicator, t.c.year, t.c.org_unit, t.c.expression, t.c.parsed).where(
        t.c.year <= period.year, t.c.org_unit.in_({REGION, org_unit})
    )
    if indicator is not None:
        tgt_stmt = tgt_stmt.where(t.c.indicator == indicator)
    region_t: dict[str, Any] = {}
    own_t: dict[str, Any] = {}
    for row in session.execute(tgt_stmt).all():
        into = region_t if row.org_unit == REGION else own_t
        if row.indicator not in into or into[row.indicator].year < row.year:
            into[row.indicator] = row

    periods = comparable_periods(period)
    res_stmt = sa.select(r.c.indicator, r.c.period, r.c.breakdown, r.c.value, r.c.status).where(
        r.c.org_unit == org_unit, r.c.period.in_(periods)
    )
    agg_stmt = sa.select(
        r.c.indicator, r.c.period, r.c.breakdown, r.c.numerator, r.c.denominator, r.c.status
    ).where(
        r.c.org_unit != REGION,
        r.c.period.in_(periods),
        r.c.numerator.is_not(None),
        r.c.denominator.is_not(None),
        r.c.status.in_(sorted(WITH_VALUE)),
    )
    if indicator is not None:
        res_stmt = res_stmt.where(r.c.indicator == indicator)
        agg_stmt = agg_stmt.where(r.c.indicator == indicator)
    if breakdown is not None:
        res_stmt = res_stmt.where(r.c.breakdown == breakdown)
        agg_stmt = agg_stmt.where(r.c.breakdown == breakdown)
    values: dict[tuple[str, str], dict[str, _Value]] = defaultdict(dict)
    if org_unit == REGION:
        units = {row.code: row.unit for row in indicators}
        for (code, bd, per), v in _aggregate(session.execute(agg_stmt), units).items():
            values[(code, bd)][per] = v
    for row in session.execute(res_stmt):
        values[(row.indicator, row.breakdown)][row.period] = _Value(row.value, row.status)
    by_indicator: dict[str, list[str]] = defaultdict(list)
    for code, bd in values:
        by_indicator[code].append(bd)

    goal_ix, area_ix, delmal_ix = _tree_order()
    ordered = sorted(
        indicators,
        key=lambda x: (
            goal_ix.get(x.goal, 99),
            area_ix.get(x.area, 999),
            delmal_ix.get(x.delmal or "", -1),
            x.code,
        ),
    )
    here = str(period)
    items: list[EvaluationItem] = []
    for ind in ordered:
        region, own = region_t.get(ind.code), own_t.get(ind.code)
        chosen, source = (
            (own, "org_unit")
            if own is not None and (region is None or own.year >= region.year)
            else (region, "region")
        )
        parsed = ParsedTarget.model_validate_json(chosen.parsed) if chosen is not None else None
        target = (
            TargetInForce(
                expression=chosen.expression,
                year=chosen.year,
                source=source,
                org_unit=chosen.org_unit if source == "org_unit" else None,
                kind=parsed.kind if parsed else "none",
            )
            if chosen is not None
            else None
        )
        if breakdown is not None:
            breakdowns = [breakdown]
        else:
            breakdowns = sorted(
                by_indicator.get(ind.code) or [DEFAULT_BREAKDOWN],
                key=lambda b: (b != DEFAULT_BREAKDOWN, b),
            )
        for bd in breakdowns:
            series = values.get((ind.code, bd), {})
            current = series.get(here)
            value = current.value if current else None
            status: str
            compared: ComparedWith | None = None
            if parsed is None or parsed.kind == "none":
                status = "no_target"
            elif current is None or current.status not in WITH_VALUE or value is None:
                status = "no_data"
            else:
                previous: tuple[str, Decimal] | None = None
                if parsed.kind in COMPARING_KINDS:
                    for p in periods[1:]:
                        earlier = series.get(p)
                        if earlier and earlier.status in WITH_VALUE and earlier.value is not None:
                            previous = (p, earlier.value)
                            break
                    if previous is not None:
                        compared = ComparedWith(period=previous[0], value=previous[1])
                status = evaluate(
                    parsed,
                    value,
                    previous[1] if previous else None,
                    higher_is_better=ind.direction != "lower_is_better",
                )
            items.append(
                EvaluationItem(
                    indicator=ind.code,
                    name=ind.name,
                    goal=ind.goal,
                    area=ind.area,
                    delmal=ind.delmal,
                    unit=ind.unit,
                    direction=ind.direction,
                    org_unit=org_unit,
                    period=here,
                    breakdown=bd,
                    value=value,
                    result_status=current.status if current else None,
                    aggregated=bool(current and current.aggregated),
                    target=target,
                    status=status,
                    compared_with=compared,
                )
            )
    return items


def counted(items: Sequence[EvaluationItem]) -> list[EvaluationItem]:
    """The evaluations an area verdict counts.

    An indicator with a ``total`` evaluation counts once, through it; an indicator
    without a total (the NPE indicators exist only per care setting) counts each of its
    breakdowns once, as the annex shows each setting as its own line.
    """
    with_total = {it.indicator for it in items if it.breakdown == DEFAULT_BREAKDOWN}
    return [
        it for it in items if it.indicator not in with_total or it.breakdown == DEFAULT_BREAKDOWN
    ]


def area_evaluations(session: Session, org_unit: str, period: Period) -> list[AreaEvaluation]:
    """Per area: evaluations counted, met, share and the ≥ half-met verdict (000, footnote 6)."""
    items = evaluations(session, org_unit, period)
    areas: dict[str, dict[str, Any]] = {}
    for it in items:
        acc = areas.setdefault(
            it.area, {"goal": it.goal, "codes": set(), "with": 0, "evaluated": 0, "met": 0}
        )
        acc["codes"].add(it.indicator)
    for it in counted(items):
        acc = areas[it.area]
        if it.status != "no_target":
            acc["with"] += 1
        if it.status in ("met", "not_met"):
            acc["evaluated"] += 1
            acc["met"] += it.status == "met"
    out: list[AreaEvaluation] = []
    for area, acc in areas.items():
        evaluated, met = acc["evaluated"], acc["met"]
        share = (Decimal(met) / Decimal(evaluated)).quantize(SHARE_PLACES) if evaluated else None
        verdict = "not_evaluable" if not evaluated else "met" if 2 * met >= evaluated else "not_met"
        out.append(
            AreaEvaluation(
                goal=acc["goal"],
                area=area,
                indicators=len(acc["codes"]),
                with_target=acc["with"],
                evaluated=evaluated,
                met=met,
                share=share,
                verdict=verdict,
            )
        )
    return out
