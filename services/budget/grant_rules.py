"""The rules of a grant (regionbidrag): its components, its transfers, its build-up.

Pure functions, no session and no I/O: ``grants`` reads the stored components, asks these
what a write means, and writes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from services.budget import schemas as s
from shared.errors import Conflict, InvalidInput, field_error


def grant_id(org_unit: str, year: int) -> str:
    """A grant's id, its natural key written out: ``HSN/2024``."""
    return f"{org_unit}/{year}"


@dataclass(frozen=True)
class Component:
    """One component of a grant as it is stored (its position aside)."""

    kind: str
    label: str
    amount: int
    decision: str | None = None
    used: bool | None = None
    counterparty: str | None = None
    counterparty_text: str | None = None
    #: On the receiving side of a transfer: the org unit whose grant owns the transfer.
    mirrored_from: str | None = None
    #: How a figure not printed in the source was computed; None for stated figures.
    derivation: str | None = None

    @classmethod
    def submitted(cls, c: s.ComponentIn) -> Component:
        """A component as a client sent it (its read-only fields ignored)."""
        return cls(
            kind=c.kind,
            label=c.label,
            amount=c.amount,
            decision=c.decision,
            used=c.used,
            counterparty=c.counterparty,
            counterparty_text=c.counterparty_text,
            derivation=c.derivation,
        )

    def mirror(self, owner: str) -> Component:
        """The other committee's side of this transfer: the opposite sign, owned by ``owner``."""
        return Component(
            kind="transfer",
            label=self.label,
            amount=-self.amount,
            decision=self.decision,
            counterparty=owner,
            mirrored_from=owner,
            derivation=self.derivation,
        )

    def is_transfer_with(self, org_unit: str) -> bool:
        return self.kind == "transfer" and self.counterparty == org_unit


def check_components(org_unit: str, body: s.GrantIn) -> None:
    """422 naming every component field that breaks a rule of its kind."""
    errors: list[dict[str, Any]] = []

    def bad(i: int, field: str, msg: str) -> None:
        errors.append(field_error(["body", "components", i, field], msg))

    for i, c in enumerate(body.components):
        if c.kind == "efficiency" and c.amount >= 0:
            bad(i, "amount", "an efficiency requirement (effektiviseringskrav) is negative")
        if c.kind == "supplementary":
            if not c.decision:
                bad(i, "decision", "a tilläggsbudget names the decision that gave it")
            if c.used is None:
                bad(i, "used", "say whether the tilläggsbudget is used (true) or not (false)")
        elif c.used is not None:
            bad(i, "used", "only a supplementary component is used or not")
        if c.kind == "transfer":
            if c.counterparty == org_unit:
                bad(i, "counterparty", "a transfer goes to or from another committee")
        elif c.counterparty is not None or c.counterparty_text is not None:
            bad(i, "counterparty", "only a transfer has a counterparty")
        if c.derived and not c.derivation:
            bad(i, "derivation", "a derived figure says how it was derived")
        if not c.derived and c.derivation:
            bad(i, "derived", "a derivation is given, so set derived: true")
    if sum(c.kind == "base" for c in body.components) > 1:
        errors.append(field_error(["body", "components"], "at most one base component"))
    eff = body.efficiency_requirement
    if eff and eff.gross_indexation_bp - eff.efficiency_bp != eff.net_indexation_bp:
        errors.append(
            field_error(
                ["body", "efficiency_requirement"],
                "gross_indexation_bp - efficiency_bp must equal net_indexation_bp",
            )
        )
    if errors:
        raise InvalidInput(
            f"The grant for {org_unit} has {len(errors)} invalid component field(s).",
            errors=errors,
        )


@dataclass(frozen=True)
class GrantWrite:
    """What one write of a grant stores."""

    #: The grant's components in order: as submitted, except that a transfer another
    #: committee's grant owns stays as mirrored from there.
    components: list[Component]
    #: By counterparty: the mirrored side of this grant's transfers, where it changes.
    mirrors: dict[str, list[Component]]


def plan_transfers(
    org_unit: str,
    year: int,
    submitted: Sequence[Component],
    stored: Sequence[tuple[str, Component]],
) -> GrantWrite:
    """Keep a transfer the same on both committees' grants; 409 where a write contradicts it.

    ``stored`` holds, with the org unit of the grant each is on, the components of this
    grant and those of the year's other grants that name ``org_unit`` as counterparty.
    The grant that wrote a transfer owns it: the other side carries its mirror (opposite
    sign, ``mirrored_from`` the owner) and may only say the same sum again.
    """
    mine = [c for owner, c in stored if owner == org_unit]
    theirs: dict[str, list[Component]] = defaultdict(list)
    for owner, c in stored:
        if owner != org_unit:
            theirs[owner].append(c)
    parties = {c.counterparty for c in [*submitted, *mine] if c.kind == "transfer"}
    parties |= set(theirs)

    owned_elsewhere: dict[str, list[Component]] = {}
    mirrors: dict[str, list[Component]] = {}
    for other in sorted(p for p in parties if p):
        said = [c for c in submitted if c.is_transfer_with(other)]
        mirrored_here = [c for c in mine if c.mirrored_from == other]
        if mirrored_here:
            here = sum(c.amount for c in mirrored_here)
            sum_said = sum(c.amount for c in said)
            if sum_said != here:
                raise Conflict(
                    f"The transfer between {org_unit} and {other} in {year} is recorded on "
                    f"{other}'s grant and mirrored here as {here} kr; this write says "
                    f"{sum_said} kr. Change the transfer on {other}'s grant: {org_unit}'s "
                    "side follows it.",
                    errors=[
                        field_error(
                            ["body", "components"],
                            f"transfers with {other} must sum to {here} kr (mirrored from {other})",
                        )
                    ],
                )
            owned_elsewhere[other] = mirrored_here
            continue
        if any(c.mirrored_from != org_unit for c in theirs.get(other, [])):
            raise Conflict(
                f"{other}'s grant for {year} records its own transfer with {org_unit}; "
                "change it there.",
                errors=[field_error(["body", "components"], f"transfer with {other}")],
            )
        wanted = [c.mirror(org_unit) for c in said]
        if wanted != theirs.get(other, []):
            mirrors[other] = wanted

    components: list[Component] = []
    placed: set[str] = set()
    for c in submitted:
        party = c.counterparty if c.kind == "transfer" else None
        if party is None or party not in owned_elsewhere:
            components.append(c)
        elif party not in placed:
            # The owner's figures stand in for what was sent, where the first of them was.
            components.extend(owned_elsewhere[party])
            placed.add(party)
    return GrantWrite(components, mirrors)


def build_up(components: Iterable[Component]) -> tuple[int, s.GrantSubtotals]:
    """The grant's total (every component, the whole tilläggsbudget included) and its
    subtotals; ``total_excluding_supplementary`` is the ingoing regionbidrag."""
    by_kind: dict[str, int] = defaultdict(int)
    used = unused = 0
    for c in components:
        by_kind[c.kind] += c.amount
        if c.kind == "supplementary":
            if c.used:
                used += c.amount
            else:
                unused += c.amount
    ingoing = sum(by_kind.values()) - by_kind["supplementary"]
    subtotals = s.GrantSubtotals(
        base=by_kind["base"],
        indexation=by_kind["indexation"],
        efficiency=by_kind["efficiency"],
        transfer=by_kind["transfer"],
        other=by_kind["other"],
        total_excluding_supplementary=ingoing,
        increase=ingoing - by_kind["base"],
        supplementary=by_kind["supplementary"],
        supplementary_used=used,
        supplementary_unused=unused,
        total_with_used_supplementary=ingoing + used,
    )
    return sum(by_kind.values()), subtotals
