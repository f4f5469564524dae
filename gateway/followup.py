"""The follow-up view: one committee's indicators, assignments and economy for a period.

Two halves. ``fetch_view`` / ``fetch_overview`` ask the three services in parallel
through the typed clients and turn each source's fate into a ``Section`` (ok, or
unavailable with a problem object). ``assemble_view`` / ``overview_row`` and the helpers
under them are plain functions over plain data (no I/O, no HTTP), in the order of the goal
hierarchy (``shared.reference.goals()``), which is the order a verksamhetsberättelse prints.

Decisions (documented in the OpenAPI too):
- goals nest goal → area → delmål → indicator → its evaluations (one per breakdown).
  Empty branches are dropped: a goal, area or delmål appears only when an evaluation hangs
  under it (an area also appears when the service gave it a verdict). Evaluations whose
  goal, area or delmål the reference tree does not know are kept, after the known ones.
- HSN and RS answer for the region in their quality annex, so their indicator section is
  REGION's (``GatewaySettings.indicator_org_unit``); the body says so in ``indicator_org_unit``.
- The economy is the year's summary, to the period's last month when the period ends
  before December (``through``); ``null`` when the budget service has no figures for the unit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from gateway.clients import assignments as assignments_client
from gateway.clients import budget as budget_client
from gateway.clients import indicators as indicators_client
from gateway.clients.adapter import Headers, Upstream, UpstreamResponse, UpstreamUnavailable
from gateway.config import UPSTREAMS, GatewaySettings, UpstreamName
from shared.errors import ServiceUnavailable
from shared.periods import Period
from shared.reference import committees, goals, org_units

SourceState = Literal["ok", "unavailable"]
PROBLEM_BASE = "https://follow-up.example/problems/"
ASSIGNMENT_STATUSES = ("ej_startat", "pagar_enligt_plan", "avvikelse", "klart")
_PLACEMENT = ("goal", "area", "delmal")


class UpstreamRefused(Exception):
    """An upstream answered 401 or 403: the caller's key is at fault, not the upstream.

    The gateway passes that answer on as it came instead of calling the source unavailable.
    """

    def __init__(self, upstream: str, response: UpstreamResponse) -> None:
        super().__init__(f"{upstream} answered {response.status}")
        self.upstream = upstream
        self.response = response


@dataclass
class Section:
    """What one upstream contributed: its data, or why there is none."""

    state: SourceState
    data: Any = None
    problem: dict[str, Any] | None = None


@dataclass
class Upstreams:
    """The three upstreams by name, as the app holds them."""

    indicators: Upstream
    assignments: Upstream
    budget: Upstream

    def by_name(self, name: UpstreamName) -> Upstream:
        upstream: Upstream = getattr(self, name)
        return upstream

    def all(self) -> list[Upstream]:
        return [self.by_name(n) for n in UPSTREAMS]


# --- fetching -------------------------------------------------------------------------


def unavailable_problem(exc: UpstreamUnavailable) -> dict[str, Any]:
    problem: dict[str, Any] = {
        "type": PROBLEM_BASE + "upstream-unavailable",
        "title": "Upstream unavailable",
        "status": 503,
        "detail": exc.detail,
        "upstream": exc.upstream,
        "reason": exc.reason,
    }
    return problem


def _answer_problem(upstream: str, response: UpstreamResponse) -> dict[str, Any]:
    """A problem object for an upstream that answered, but not with data."""
    try:
        body = response.json()
    except ValueError:
        body = None
    detail = body.get("detail") if isinstance(body, dict) else None
    return {
        "type": PROBLEM_BASE + "upstream-error",
        "title": "Upstream error",
        "status": 502,
        "detail": f"The {upstream} service answered {response.status}"
        + (f": {detail}" if detail else "."),
        "upstream": upstream,
        "upstream_status": response.status,
    }


def _check(upstream: str, response: UpstreamResponse, *, allow: Iterable[int] = ()) -> None:
    if response.status in (401, 403):
        raise UpstreamRefused(upstream, response)
    if not (200 <= response.status < 300 or response.status in allow):
        raise _BadAnswer(_answer_problem(upstream, response))


class _BadAnswer(Exception):
    def __init__(self, problem: dict[str, Any]) -> None:
        super().__init__(problem["detail"])
        self.problem = problem


async def _section(work: Callable[[], Awaitable[Any]]) -> Section:
    try:
        return Section("ok", await work())
    except UpstreamUnavailable as exc:
        return Section("unavailable", problem=unavailable_problem(exc))
    except _BadAnswer as exc:
        return Section("unavailable", problem=exc.problem)


async def _gather_sections(
    work: Mapping[UpstreamName, Callable[[], Awaitable[Any]]],
) -> dict[UpstreamName, Section]:
    names = list(work)
    results = await asyncio.gather(*(_section(work[n]) for n in names), return_exceptions=True)
    _raise_first(results)
    return {n: r for n, r in zip(names, results, strict=True) if isinstance(r, Section)}


def _raise_first(results: Iterable[object]) -> None:
    """Of the exceptions among gathered results, raise the most telling: a refusal (401/403)
    outranks anything else, since the caller's key, not the upstream, is at fault."""
    errors = [r for r in results if isinstance(r, BaseException)]
    for error in errors:
        if isinstance(error, UpstreamRefused):
            raise error
    if errors:
        raise errors[0]


def through_month(period: Period) -> str | None:
    """The ``through`` of the economy summary: the period's last month, unless December."""
    return None if period.last_month == 12 else f"{period.year}-{period.last_month:02d}"


def indicator_unit(org_unit: str, settings: GatewaySettings) -> str:
    return settings.indicator_org_unit.get(org_unit, org_unit)


async def _indicators(
    upstream: Upstream, unit: str, period: str, headers: Headers, *, with_items: bool
) -> dict[str, Any]:
    async def areas() -> list[indicators_client.AreaEvaluation]:
        response, items = await indicators_client.area_evaluations(upstream, unit, period, headers)
        _check("indicators", response)
        return items

    async def evaluations() -> list[indicators_client.Evaluation]:
        if not with_items:
            return []
        response, items = await indicators_client.evaluations(upstream, unit, period, headers)
        _check("indicators", response)
        return items

    area_items, evaluation_items = await asyncio.gather(
        areas(), evaluations(), return_exceptions=True
    )
    _raise_first((area_items, evaluation_items))
    return {"areas": area_items, "evaluations": evaluation_items}


async def _assignments(
    upstream: Upstream, org_unit: str, year: int, headers: Headers
) -> list[assignments_client.Assignment]:
    response, items = await assignments_client.assignments_of(upstream, org_unit, year, headers)
    _check("assignments", response)
    return items


async def _economy(
    upstream: Upstream, org_unit: str, period: Period, headers: Headers
) -> dict[str, Any] | None:
    response, summary = await budget_client.summary(
        upstream, org_unit, period.year, through_month(period), headers
    )
    _check("budget", response, allow=(404,))
    return dict(summary) if summary is not None else None


async def fetch_sections(
    upstreams: Upstreams,
    settings: GatewaySettings,
    org_unit: str,
    period: Period,
    headers: Headers,
    *,
    with_items: bool = True,
) -> dict[UpstreamName, Section]:
    """Ask the three services for one committee at once; never longer than their deadlines."""
    text = str(period)
    unit = indicator_unit(org_unit, settings)

    return await _gather_sections(
        {
            "indicators": lambda: _indicators(
                upstreams.indicators, unit, text, headers, with_items=with_items
            ),
            "assignments": lambda: _assignments(
                upstreams.assignments, org_unit, period.year, headers
            ),
            "budget": lambda: _economy(upstreams.budget, org_unit, period, headers),
        }
    )


def _raise_if_all_down(sections: Mapping[UpstreamName, Section]) -> None:
    if sections and all(s.state == "unavailable" for s in sections.values()):
        raise ServiceUnavailable(
            "None of the indicators, assignments and budget services could answer.",
            extra={"problems": {n: s.problem for n, s in sections.items()}},
            headers={"Retry-After": "5"},
        )


async def fetch_view(
    upstreams: Upstreams,
    settings: GatewaySettings,
    org_unit: str,
    period: Period,
    headers: Headers,
) -> dict[str, Any]:
    sections = await fetch_sections(upstreams, settings, org_unit, period, headers)
    _raise_if_all_down(sections)
    return assemble_view(org_unit, period, indicator_unit(org_unit, settings), sections)


async def fetch_overview(
    upstreams: Upstreams, settings: GatewaySettings, period: Period, headers: Headers
) -> dict[str, Any]:
    """Every committee's row, ``overview_concurrency`` committees at a time."""
    gate = asyncio.Semaphore(settings.overview_concurrency)

    async def one(code: str) -> tuple[str, dict[UpstreamName, Section]]:
        async with gate:
            return code, await fetch_sections(
                upstreams, settings, code, period, headers, with_items=False
            )

    results = await asyncio.gather(*(one(c) for c in committees()))
    every = [s for _, secs in results for s in secs.values()]
    if all(s.state == "unavailable" for s in every):
        _raise_if_all_down(results[0][1])
    rows = [overview_row(code, secs) for code, secs in results]
    return {
        "period": str(period),
        "committees": rows,
        "partial": any(r["partial"] for r in rows),
    }


# --- assembling (pure) ----------------------------------------------------------------


def _tree_order() -> tuple[
    dict[str, int], dict[str, tuple[int, int, str]], dict[tuple[str, str], tuple[int, str]]
]:
    goal_pos: dict[str, int] = {}
    area_pos: dict[str, tuple[int, int, str]] = {}
    delmal_pos: dict[tuple[str, str], tuple[int, str]] = {}
    for gi, goal in enumerate(goals()):
        goal_pos[goal.name] = gi
        for ai, area in enumerate(goal.areas):
            area_pos.setdefault(area.name, (gi, ai, area.code))
            for di, delmal in enumerate(area.delmal):
                delmal_pos.setdefault((area.name, delmal.text), (di, delmal.code))
    return goal_pos, area_pos, delmal_pos


_GOAL_POS, _AREA_POS, _DELMAL_POS = _tree_order()
_GOAL_CODES = {g.name: g.code for g in goals()}
_UNKNOWN = 10_000


def _area_key(area: str | None) -> tuple[int, int]:
    pos = _AREA_POS.get(area or "")
    return (pos[0], pos[1]) if pos else (_UNKNOWN, _UNKNOWN)


def goal_of_area(area: str | None) -> str | None:
    """The övergripande mål an area serves, by the reference tree."""
    pos = _AREA_POS.get(area or "")
    return goals()[pos[0]].name if pos else None


def _goal_of(item: Mapping[str, Any]) -> str | None:
    goal = item.get("goal")
    return str(goal) if goal else goal_of_area(item.get("area"))


def goal_tree(
    evaluations: Sequence[Mapping[str, Any]], area_verdicts: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """goal → area → delmål → indicator → evaluations, in reference order, empty branches dropped."""
    # Insertion-ordered grouping keeps the service's order where the tree says nothing.
    grouped: dict[
        str | None, dict[str | None, dict[str | None, dict[str, list[dict[str, Any]]]]]
    ] = {}
    names: dict[str, str] = {}
    for item in evaluations:
        goal, area, delmal = _goal_of(item), item.get("area"), item.get("delmal")
        code = str(item.get("indicator"))
        if item.get("name"):
            names.setdefault(code, str(item["name"]))
        entry = {k: v for k, v in item.items() if k not in _PLACEMENT}
        grouped.setdefault(goal, {}).setdefault(area, {}).setdefault(delmal, {}).setdefault(
            code, []
        ).append(entry)
    verdicts = {v.get("area"): dict(v) for v in area_verdicts}
    for area_name in verdicts:
        goal = _goal_of({"area": area_name})
        grouped.setdefault(goal, {}).setdefault(area_name, {})

    first_seen = {g: i for i, g in enumerate(grouped)}
    tree = []
    for goal in sorted(grouped, key=lambda g: (_GOAL_POS.get(g or "", _UNKNOWN), first_seen[g])):
        areas = grouped[goal]
        area_seen = {a: i for i, a in enumerate(areas)}
        area_nodes = []
        for area in sorted(areas, key=lambda a: (*_area_key(a), area_seen[a])):
            delmals = areas[area]
            seen = {d: i for i, d in enumerate(delmals)}

            def delmal_key(
                d: str | None, area: str | None = area, seen: dict[str | None, int] = seen
            ) -> tuple[int, int]:
                pos = _DELMAL_POS.get((area or "", d or ""))
                return (pos[0] if pos else (_UNKNOWN + 1 if d is None else _UNKNOWN), seen[d])

            delmal_nodes = [
                {
                    "code": (_DELMAL_POS.get((area or "", d or "")) or (None, None))[1],
                    "delmal": d,
                    "indicators": [
                        {"indicator": code, "name": names.get(code), "evaluations": evals}
                        for code, evals in delmals[d].items()
                    ],
                }
                for d in sorted(delmals, key=delmal_key)
            ]
            area_pos = _AREA_POS.get(area or "")
            area_nodes.append(
                {
                    "code": area_pos[2] if area_pos else None,
                    "area": area,
                    "verdict": verdicts.get(area),
                    "delmal": delmal_nodes,
                }
            )
        tree.append({"code": _GOAL_CODES.get(goal or ""), "goal": goal, "areas": area_nodes})
    return tree


def ordered_areas(area_verdicts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    items = list(area_verdicts)
    return [
        dict(a)
        for _, a in sorted(enumerate(items), key=lambda p: (*_area_key(p[1].get("area")), p[0]))
    ]


def ordered_assignments(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Assignments in the tree order of their area, the service's order within an area."""
    listed = list(items)
    return [
        dict(a)
        for _, a in sorted(enumerate(listed), key=lambda p: (*_area_key(p[1].get("area")), p[0]))
    ]


def latest_report(item: Mapping[str, Any]) -> dict[str, Any]:
    """``{status, explanation, period}`` of an assignment's latest report, whatever its shape.

    The assignments service gives ``latest_status`` either as the status code or as the
    latest report object; an assignment nobody has reported on has none.
    """
    latest = item.get("latest_status")
    if isinstance(latest, Mapping):
        return {
            "status": latest.get("status"),
            "explanation": latest.get("explanation"),
            "period": latest.get("period"),
        }
    report = item.get("latest_report")
    report = report if isinstance(report, Mapping) else {}
    return {
        "status": latest if latest is not None else report.get("status"),
        "explanation": item.get("latest_explanation", report.get("explanation")),
        "period": item.get("latest_period", report.get("period")),
    }


def assemble_view(
    org_unit: str, period: Period, indicator_org_unit: str, sections: Mapping[UpstreamName, Section]
) -> dict[str, Any]:
    ind, asg, eco = sections["indicators"], sections["assignments"], sections["budget"]
    indicators = ind.data or {"evaluations": [], "areas": []}
    return {
        "org_unit": org_unit,
        "name": org_units()[org_unit].name,
        "period": str(period),
        "indicator_org_unit": indicator_org_unit,
        "goals": goal_tree(indicators["evaluations"], indicators["areas"]),
        "areas": ordered_areas(indicators["areas"]),
        "assignments": ordered_assignments(asg.data or []),
        "economy": eco.data,
        "sources": {name: s.state for name, s in sections.items()},
        "partial": any(s.state != "ok" for s in sections.values()),
        "problems": {name: s.problem for name, s in sections.items() if s.problem},
    }


def assignment_counts(items: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys((*ASSIGNMENT_STATUSES, "ingen_rapport"), 0)
    for item in items:
        status = latest_report(item)["status"]
        key = status if status in counts else "ingen_rapport"
        counts[key] += 1
    return counts


def overview_row(code: str, sections: Mapping[UpstreamName, Section]) -> dict[str, Any]:
    ind, asg, eco = sections["indicators"], sections["assignments"], sections["budget"]
    indicators = None
    if ind.state == "ok":
        areas = ind.data["areas"]
        indicators = {
            "met": sum(int(a.get("met") or 0) for a in areas),
            "evaluated": sum(int(a.get("evaluated") or 0) for a in areas),
            "areas_met": sum(1 for a in areas if a.get("verdict") == "met"),
            "areas": len(areas),
        }
    economy = None
    if eco.state == "ok" and eco.data is not None:
        economy = {
            k: eco.data.get(k)
            for k in ("grant", "budget_result", "outcome_result", "deviation", "forecast_result")
        }
    return {
        "org_unit": code,
        "name": org_units()[code].name,
        "indicators": indicators,
        "assignments": assignment_counts(asg.data) if asg.state == "ok" else None,
        "economy": economy,
        "sources": {name: s.state for name, s in sections.items()},
        "partial": any(s.state != "ok" for s in sections.values()),
        "problems": {name: s.problem for name, s in sections.items() if s.problem},
    }
