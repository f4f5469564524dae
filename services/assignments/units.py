"""The responsible org units of an assignment (ansvariga nämnder och styrelser), as rules.

Pure functions over the reference data: no session, no I/O beyond the cached YAML.

- **Group tokens.** ``ALL_HOSPITAL_BOARDS`` ("Samtliga sjukhusstyrelser") expands to the eight
  hospital boards, ``ALL_COMMITTEES`` ("Samtliga styrelser och nämnder") to every nämnd and
  styrelse, the boards included, not ``REGION``. The expanded units are stored; the token is not.
- **A group as lead.** ``lead_org_unit`` is null and ``lead_text`` keeps the group's name: no
  single unit leads, and picking one would invent a fact the source does not state.
- **The lead is responsible.** The units of an assignment are every responsible unit, the lead
  (expanded) included, in the reference order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared.boundary import check_org_unit_code
from shared.reference import committees, hospital_boards, org_units

#: Group token → the name the documents use for the group (kept as ``lead_text``).
GROUP_NAMES = {
    "ALL_HOSPITAL_BOARDS": "Samtliga sjukhusstyrelser",
    "ALL_COMMITTEES": "Samtliga styrelser och nämnder",
}


def check_org_unit_or_group(value: str) -> str:
    """One rule for a unit a client names as responsible: a group token or a reference unit."""
    return value if value in GROUP_NAMES else check_org_unit_code(value)


def expand(code: str) -> list[str]:
    """A unit code, or a group token expanded to its units."""
    if code == "ALL_HOSPITAL_BOARDS":
        return hospital_boards()
    if code == "ALL_COMMITTEES":
        return committees()
    return [code]


def in_reference_order(units: Iterable[str]) -> list[str]:
    """Each unit once, in the order of the reference list (region, committees, boards)."""
    order = {code: n for n, code in enumerate(org_units())}
    return sorted(set(units), key=lambda u: order.get(u, len(order)))


@dataclass(frozen=True)
class ResponsibleUnits:
    """Who answers for an assignment: the lead (a unit, or a group's name) and every unit."""

    lead_org_unit: str | None
    lead_text: str | None
    units: list[str]

    @property
    def lead_code(self) -> str:
        """The lead as a client would send it: the unit, or the group's token."""
        if self.lead_org_unit is not None:
            return self.lead_org_unit
        return next(token for token, name in GROUP_NAMES.items() if name == self.lead_text)


def resolve(lead: str, others: Sequence[str]) -> ResponsibleUnits:
    """The responsible units from a lead and the other units, each a unit or a group token."""
    units = in_reference_order(u for code in (lead, *others) for u in expand(code))
    if lead in GROUP_NAMES:
        return ResponsibleUnits(None, GROUP_NAMES[lead], units)
    return ResponsibleUnits(lead, None, units)


def after_patch(
    current: ResponsibleUnits, lead: str | None, others: Sequence[str] | None
) -> ResponsibleUnits:
    """The responsible units once a patch sets a new lead and/or replaces the other units.

    What the patch leaves out stays: the current lead (a group lead stays the group), or the
    current units, the old lead among them."""
    return resolve(lead or current.lead_code, current.units if others is None else others)
