"""The goal trees (``GET /v1/goal-trees``): the 2021 hierarchy and the 2026 Strategi för
Framtidens hälsosystem (seed 003), where each comes from, and the indicators linked to the
2026 tree with why; an indicator sits in both trees and under several 2026 nodes."""

from __future__ import annotations

from typing import Any

from tests.harness import ServiceHarness


def links(h: ServiceHarness, tree: str) -> list[dict[str, Any]]:
    r = h.client.get(f"/v1/goal-trees/{tree}/links", headers=h.auth("read"))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_two_trees_each_saying_where_it_comes_from(indicators: ServiceHarness) -> None:
    r = indicators.client.get("/v1/goal-trees", headers=indicators.auth("read"))
    assert r.status_code == 200
    trees = {t["id"]: t for t in r.json()["items"]}
    assert list(trees) == ["2021", "2026"]
    assert trees["2021"]["default"] and not trees["2026"]["default"]
    assert "Seed 000" in trees["2021"]["source"] and "Seed 003" in trees["2026"]["source"]
    groups = trees["2026"]["groups"]
    # Seed 003: "sju insatsområden" in three groups, and "Fem förflyttningar".
    insatsomraden = [a["name"] for g in groups if g["code"] != "FHS.F" for a in g["areas"]]
    assert len(insatsomraden) == 7 and "Nära vård" in insatsomraden
    assert len(next(g for g in groups if g["code"] == "FHS.F")["areas"]) == 5


def test_an_indicator_sits_in_both_trees_and_under_several_2026_nodes(
    seeded: ServiceHarness,
) -> None:
    in_2026 = links(seeded, "2026")
    nodes = {link["node"] for link in in_2026 if link["indicator"] == "ID0291"}
    assert nodes == {"FHS.I1", "FHS.F1"}
    assert all(link["reason"] for link in in_2026)
    in_2021 = [link for link in links(seeded, "2021") if link["indicator"] == "ID0291"]
    assert [link["node"] for link in in_2021] == ["G1.A1.D1"]
    # The research volumes are linked to Nivåstrukturering och profilering (forskning).
    research = {link["indicator"] for link in in_2026 if link["node"] == "FHS.I4"}
    assert "FOU-ARTIKLAR" in research


def test_links_name_their_node_and_group(seeded: ServiceHarness) -> None:
    digital = [link for link in links(seeded, "2026") if link["indicator"] == "EJIB-DIGBOK"]
    assert {(link["group"], link["node_name"]) for link in digital} == {
        ("Möjliggörare", "Digitalisering"),
        ("Fokusförflyttningar", "Från invånare som passiv mottagare till aktiv medskapare"),
    }


def test_an_unknown_tree_is_a_422_naming_it(indicators: ServiceHarness) -> None:
    r = indicators.client.get("/v1/goal-trees/2030/links", headers=indicators.auth("read"))
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["path", "tree"]
    assert indicators.client.get("/v1/goal-trees").status_code == 401
