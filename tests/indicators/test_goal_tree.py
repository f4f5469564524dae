"""An indicator's place in the goal hierarchy, without a database."""

from __future__ import annotations

import pytest

from services.indicators.goal_tree import Placement, area_names, place, tree_position
from shared.errors import InvalidInput

ACCESS = "God tillgänglighet"
SAFE = "Säker hälso- och sjukvård"


def test_an_area_and_delmal_are_found_by_name_or_code_and_stored_by_name() -> None:
    expected = Placement("Tillgänglighet och kvalitet", ACCESS, "Följsamhet till vårdgarantin")
    assert place(ACCESS, delmal="Följsamhet till vårdgarantin") == expected
    assert place("G2.A1", goal="G2", delmal="G2.A1.D1") == expected


@pytest.mark.parametrize(
    ("area", "goal", "delmal", "field"),
    [
        ("Bra vård", None, None, "area"),
        (ACCESS, "Bättre liv och hälsa för fler", None, "goal"),
        (ACCESS, None, "Minska onödig antibiotikaförskrivning", "delmal"),
    ],
)
def test_a_place_outside_the_hierarchy_is_a_422_naming_the_field(
    area: str, goal: str | None, delmal: str | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        place(area, goal, delmal)
    assert caught.value.errors is not None
    assert caught.value.errors[0]["loc"] == ["body", field]


def test_an_area_filter_by_code_stands_for_the_areas_name() -> None:
    assert area_names("G2.A1") == [ACCESS]
    assert area_names(ACCESS) == [ACCESS]
    assert area_names("Bra vård") == ["Bra vård"]


def test_indicators_sort_in_the_hierarchys_order_then_by_code() -> None:
    goal = "Tillgänglighet och kvalitet"
    ordered = sorted(
        [
            ("ID3", goal, SAFE, None),
            ("ID2", goal, ACCESS, "Öka tillgänglighet till specialistvård"),
            ("ID1", goal, ACCESS, "Följsamhet till vårdgarantin"),
            ("ID0", "Okänt mål", "Okänt område", None),
        ],
        key=lambda x: tree_position(x[1], x[2], x[3], x[0]),
    )
    assert [code for code, *_ in ordered] == ["ID1", "ID2", "ID3", "ID0"]
