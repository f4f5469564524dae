"""The page in a real browser: headless Chromium (Debian's package) driven by Playwright.

What a person sees: signing in, the overview leading to HSN 2024, ID0288 akutmottagningar
met in green with 69,2 against 2023's 68,2 (the quality annex's figures, seeded from
services/indicators/seed/results.csv), the economy marked unavailable when the budget
service is down, the keyboard reaching the links, and the print layout. Screenshots are
saved under var/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.suite import Stack, Stores, new_stack

pytestmark = pytest.mark.slow

#: Okabe–Ito bluish green as page.css darkens it for text (--good): "met".
GREEN = "rgb(0, 122, 90)"


def signed_in(browser: Any, base_url: str, token: str) -> Any:
    """A new browser page, signed in through the sign-in form, on the overview."""
    context = browser.new_context(base_url=base_url, locale="sv-SE")
    page = context.new_page()
    page.goto("/")
    assert "/sign-in" in page.url
    page.get_by_label("API-nyckel").fill(token)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/?period=2024")
    return page


@pytest.fixture
def page(browser: Any, stack: Stack) -> Iterator[Any]:
    opened = signed_in(browser, stack.gateways[0].base_url, stack.tokens["read"])
    yield opened
    opened.context.close()


def test_signing_in_keeps_the_key_in_an_httponly_strict_cookie(
    browser: Any, stack: Stack, screenshots: Path
) -> None:
    context = browser.new_context(base_url=stack.gateways[0].base_url)
    page = context.new_page()
    page.goto("/follow-up/HSN?period=2024")
    assert "/sign-in" in page.url
    page.get_by_label("API-nyckel").fill("not-a-key")
    page.get_by_role("button", name="Logga in").click()
    assert page.get_by_role("alert").inner_text().startswith("Nyckeln gäller inte")
    page.screenshot(path=str(screenshots / "sign-in-refused.png"))
    page.get_by_label("API-nyckel").fill(stack.tokens["read"])
    page.get_by_role("button", name="Logga in").click()
    # Back where the person was going.
    page.wait_for_url("**/follow-up/HSN?period=2024")
    (cookie,) = context.cookies()
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert cookie["secure"] is False  # plain HTTP on loopback; Secure under HTTPS
    assert page.evaluate("document.cookie") == ""  # no script can read it
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/sign-in**")
    assert context.cookies() == []
    page.goto("/?period=2024")
    assert "/sign-in" in page.url
    context.close()


def test_the_overview_leads_to_hsn_2024_where_id0288_akutmottagningar_is_met_in_green(
    page: Any, screenshots: Path
) -> None:
    assert page.locator("html").get_attribute("lang") == "sv"
    row = page.locator("#namnd-HSN")
    assert "34 av 89" in row.inner_text()  # HSN 2024: 34 of 89 evaluations met
    page.screenshot(path=str(screenshots / "overview-2024.png"), full_page=True)
    row.get_by_role("link", name="Hälso- och sjukvårdsnämnden").click()
    page.wait_for_url("**/follow-up/HSN?period=2024")
    assert (
        page.get_by_role("heading", level=1).inner_text().startswith("Hälso- och sjukvårdsnämnden")
    )

    akut = page.locator('tr[data-indicator="ID0288"][data-breakdown="akutmottagningar"]')
    assert akut.count() == 1
    akut.scroll_into_view_if_needed()
    assert akut.locator("td.value").inner_text() == "69,2"
    assert akut.locator("td.compared").inner_text() == "68,2 (2023)"
    verdict = akut.locator("td.verdict .mark")
    assert verdict.inner_text() == "● Uppfyllt"
    assert verdict.evaluate("e => getComputedStyle(e).color") == GREEN
    # Not met is another colour, another shape and another word.
    bup = page.locator('tr[data-indicator="ID0288"][data-breakdown="bup_oppenvard"] td.verdict')
    assert bup.inner_text() == "✕ Ej uppfyllt"
    assert bup.locator(".mark").evaluate("e => getComputedStyle(e).color") != GREEN
    akut.screenshot(path=str(screenshots / "hsn-2024-id0288.png"))
    page.screenshot(path=str(screenshots / "hsn-2024.png"), full_page=True)

    # The economy: HSN's own result as its report states it, and a chart drawn in the page.
    assert page.locator("#resultat").inner_text() == "85,3 mnkr"
    assert page.locator("#ekonomi svg.chart").count() == 1


def test_an_indicator_link_opens_its_history_chart_and_table(page: Any, screenshots: Path) -> None:
    page.goto("/follow-up/HSN?period=2024")
    page.locator('tr[data-indicator="ID0288"] th a').first.click()
    page.wait_for_url("**/follow-up/HSN/indicators/ID0288?period=2024")
    assert page.locator("svg.chart").count() == 1
    table = page.locator("table.history-table")
    header = table.locator("thead th").all_inner_texts()
    row_2024 = table.locator("tbody tr", has=page.locator("th", has_text="2024")).first
    cells = row_2024.locator("td").all_inner_texts()
    assert cells[header.index("akutmottagningar") - 1] == "69,2"
    page.screenshot(path=str(screenshots / "hsn-id0288-history.png"), full_page=True)


def test_the_keyboard_reaches_the_links(page: Any) -> None:
    """Tab from the top of the overview reaches the committees' links; Enter follows one."""
    reached: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href')")
        reached.append(href or "")
        if href and href.startswith("/follow-up/HSN"):
            break
    assert reached[0] == "#innehall"  # the skip link comes first
    assert reached[-1] == "/follow-up/HSN?period=2024", reached
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url("**/follow-up/HSN?period=2024")


def test_printing_hides_the_navigation_and_breaks_pages_between_goals(
    page: Any, screenshots: Path
) -> None:
    page.goto("/follow-up/HSN?period=2024")
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.locator("nav.toc").is_visible()
    goals = page.locator("section.goal")
    assert goals.count() == 3
    breaks = [goals.nth(i).evaluate("e => getComputedStyle(e).breakBefore") for i in range(3)]
    assert breaks == ["auto", "page", "page"]
    page.pdf(path=str(screenshots / "hsn-2024.pdf"))


@pytest.fixture(scope="module")
def budgetless(stores: Stores, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own whose budget service the test kills (the shared one stays up)."""
    stack = new_stack(stores, tmp_path_factory.mktemp("page-faulty-logs"))
    yield stack
    stack.stop()


def test_with_the_budget_service_down_the_page_says_the_economy_is_unavailable(
    browser: Any, budgetless: Stack, screenshots: Path
) -> None:
    page = signed_in(browser, budgetless.gateways[0].base_url, budgetless.tokens["read"])
    with budgetless.killed("budget"):
        page.goto("/follow-up/HSN?period=2024")
        note = page.locator("#saknas-budget")
        assert note.is_visible()
        assert note.inner_text().startswith("Ekonomi: kunde inte hämtas.")
        assert page.locator("#saknas-sammanfattning").inner_text() == (
            "Sidan är ofullständig: Ekonomi kunde inte hämtas."
        )
        # The rest of the page is there.
        akut = page.locator('tr[data-indicator="ID0288"][data-breakdown="akutmottagningar"]')
        assert akut.locator("td.value").inner_text() == "69,2"
        assert page.locator("#uppdrag table.assignments").is_visible()
        page.locator("#ekonomi").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / "hsn-2024-budget-down.png"), full_page=True)
    page.context.close()
