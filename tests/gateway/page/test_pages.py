"""The pages over the real services (the shared stack): what they show and to whom.

Figures are the seeds' (HSN's 2024 quality annex and economy): the page shows exactly
what the JSON view gives, in Swedish print.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import httpx
import pytest

from gateway.page.session import COOKIE, seal
from gateway.page.swedish import NBSP
from shared.suite import Stack, Stores, new_stack
from tests.gateway.page.conftest import sign_in
from tests.gateway.stack import metric

pytestmark = pytest.mark.slow

VIEW = "/follow-up/HSN?period=2024"
SECRET = "page-tests-" + "s" * 32


def row(html: str, indicator: str, breakdown: str) -> str:
    """The first table row of ``indicator`` / ``breakdown`` in a view page."""
    found = re.search(
        rf'<tr data-indicator="{indicator}" data-breakdown="{breakdown}"[^>]*>(.*?)</tr>',
        html,
        re.S,
    )
    assert found, f"no row {indicator} {breakdown}"
    return found.group(1)


def cells(fragment: str, css_class: str) -> list[str]:
    """The text of each ``<td class="… css_class …">`` in ``fragment``."""
    found = re.findall(rf'<td class="[^"]*\b{css_class}\b[^"]*">(.*?)</td>', fragment, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in found]


def test_without_a_session_every_page_sends_the_person_to_sign_in(
    fresh_client: httpx.Client,
) -> None:
    for path in ("/", VIEW, "/follow-up/HSN/indicators/ID0288?period=2024"):
        answer = fresh_client.get(path)
        assert answer.status_code == 303
        assert (
            answer.headers["location"] == "/sign-in?" + httpx.QueryParams({"next": path}).__str__()
        )
    form = fresh_client.get("/sign-in")
    assert form.status_code == 200 and 'name="key"' in form.text


def test_a_wrong_key_is_refused_without_a_cookie(fresh_client: httpx.Client) -> None:
    answer = fresh_client.post("/sign-in", data={"key": "fu_nope_nope", "next": "/"})
    assert answer.status_code == 401
    assert "Nyckeln gäller inte" in answer.text
    assert COOKIE not in answer.headers.get("set-cookie", "")
    empty = fresh_client.post("/sign-in", data={"key": "  ", "next": "/"})
    assert empty.status_code == 422


def test_signing_in_sets_a_signed_httponly_strict_expiring_cookie(
    fresh_client: httpx.Client, stack: Stack
) -> None:
    answer = fresh_client.post(
        "/sign-in", data={"key": stack.tokens["read"], "next": "https://evil.example/"}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"  # never off the site
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "samesite", "max-age", "path"} <= attributes
    assert "samesite=strict" in cookie.lower()
    assert "secure" not in attributes  # plain HTTP here; see test_session for HTTPS
    assert fresh_client.get("/?period=2024").status_code == 200


def test_a_tampered_cookie_is_no_session(fresh_client: httpx.Client, stack: Stack) -> None:
    sign_in(fresh_client, stack.tokens["read"])
    value = fresh_client.cookies[COOKIE]
    payload, mac = value.split(".")
    fresh_client.cookies.set(
        COOKIE, payload + "." + mac[:-2] + ("AA" if mac[-2:] != "AA" else "BB")
    )
    assert fresh_client.get("/?period=2024").status_code == 303


def test_signing_out_ends_the_session(fresh_client: httpx.Client, stack: Stack) -> None:
    sign_in(fresh_client, stack.tokens["read"])
    assert fresh_client.get("/?period=2024").status_code == 200
    out = fresh_client.post("/sign-out")
    assert out.status_code == 303 and out.headers["location"].startswith("/sign-in")
    assert COOKIE not in fresh_client.cookies
    assert fresh_client.get("/?period=2024").status_code == 303


def test_the_overview_defaults_to_the_latest_complete_year(page_client: httpx.Client) -> None:
    answer = page_client.get("/")
    assert answer.status_code == 303 and answer.headers["location"] == "/?period=2024"


def test_the_overview_lists_each_committee_with_its_standing(
    page_client: httpx.Client, gw: httpx.Client, stack: Stack
) -> None:
    page = page_client.get("/?period=2024")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="sv">' in page.text
    overview = gw.get("/v1/follow-up", params={"period": "2024"}, headers=stack.auth()).json()
    for committee in overview["committees"]:
        assert f'href="/follow-up/{committee["org_unit"]}?period=2024"' in page.text
    hsn = re.search(r'<tr id="namnd-HSN">(.*?)</tr>', page.text, re.S)
    assert hsn
    text = unescape(re.sub(r"<[^>]+>", " ", hsn.group(1)))
    assert "34 av 89" in text  # HSN 2024: 34 of 89 evaluations met
    assert "2 av 9 områden uppfyllda" in text
    assert "85,3" in text  # the outcome result the report states, mnkr


def test_the_overview_page_is_the_apis_overview_kept_for_the_same_key(
    page_client: httpx.Client, gw: httpx.Client, stack: Stack
) -> None:
    """The page signed in with the read key and the API asked with it share one kept
    overview: the page made after the API's is the kept one, nothing asked again."""
    period = {"period": "2024-08"}
    assert gw.get("/v1/follow-up", params=period, headers=stack.auth("read")).status_code == 200
    made = metric(gw, "gateway_follow_up_overviews_total", made="made")
    unchanged = metric(gw, "gateway_follow_up_overviews_total", made="unchanged")
    assert page_client.get("/", params=period).status_code == 200
    assert metric(gw, "gateway_follow_up_overviews_total", made="made") == made
    assert metric(gw, "gateway_follow_up_overviews_total", made="unchanged") == unchanged + 1


def test_the_hsn_2024_page_shows_id0288_akutmottagningar_met_69_2_against_68_2(
    page_client: httpx.Client,
) -> None:
    page = page_client.get(VIEW)
    assert page.status_code == 200
    akut = row(page.text, "ID0288", "akutmottagningar")
    assert cells(akut, "value") == ["69,2"]
    assert cells(akut, "compared") == ["68,2 (2023)"]
    assert cells(akut, "verdict") == ["● Uppfyllt"]
    assert 'class="mark mark-good"' in akut
    bup = row(page.text, "ID0288", "bup_oppenvard")
    assert cells(bup, "verdict") == ["✕ Ej uppfyllt"] and "mark-bad" in bup
    assert cells(bup, "value") == ["66,0"]


def test_the_view_page_shows_every_evaluation_of_the_json_view(
    page_client: httpx.Client, gw: httpx.Client, stack: Stack
) -> None:
    """Each evaluation the API gives is a row of the page, in the same order, with its value
    and verdict: the page is the view, in Swedish print."""
    view = gw.get("/v1/follow-up/HSN", params={"period": "2024"}, headers=stack.auth()).json()
    expected = [
        (node["indicator"], e["breakdown"], e["status"])
        for goal in view["goals"]
        for area in goal["areas"]
        for delmal in area["delmal"]
        for node in delmal["indicators"]
        for e in node["evaluations"]
    ]
    page = page_client.get(VIEW).text
    shown = re.findall(
        r'<tr data-indicator="([^"]+)" data-breakdown="([^"]+)" class="verdict-([a-z_]+)">', page
    )
    assert expected and shown == expected


def test_coverage_is_a_footnote_with_the_reports_note(page_client: httpx.Client) -> None:
    page = page_client.get(VIEW).text
    svf = row(page, "ID0288", "standardiserade_vardforlopp")
    marker = re.search(r'href="#fotnot-(\d+)"', svf)
    assert marker
    note = re.search(rf'<li id="fotnot-{marker.group(1)}"[^>]*>(.*?)</li>', page, re.S)
    assert note
    text = unescape(note.group(1))
    assert "januari–september 2024" in text
    assert "Resultaten för Q4 är ännu inte färdigbehandlade" in text


def test_the_economy_states_the_committees_own_result_and_draws_the_lines(
    page_client: httpx.Client,
) -> None:
    page = page_client.get(VIEW).text
    section = page[page.index('<section id="ekonomi"') :]
    assert '<dd id="resultat">85,3 mnkr</dd>' in section
    assert f"16{NBSP}074,7 mnkr" in section  # the grant
    assert "Saknas i nämndens redovisning: budget." in section
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert 'role="img"' in svg
    # Läkemedelsförmånen: budget −4 782,7 and outcome −4 705,6 mnkr, both drawn.
    assert f"−4{NBSP}782,7" in svg and f"−4{NBSP}705,6" in svg
    assert "Utfall: saknas" in svg  # a line with a budget and no outcome shows the gap


def test_assignments_show_their_status_in_words(
    page_client: httpx.Client, gw: httpx.Client, stack: Stack
) -> None:
    """Every assignment of the view, in its order, with its status as a mark and a word
    (not reported when no report counts for the period)."""
    view = gw.get("/v1/follow-up/HSN", params={"period": "2024"}, headers=stack.auth()).json()
    expected = [
        (a["id"], a["latest_status"] if a["reported"] else "ingen_rapport")
        for a in view["assignments"]
    ]
    page = page_client.get(VIEW).text
    rows = re.findall(r'<tr id="uppdrag-([^"]+)" data-status="([a-z_]+)">(.*?)</tr>', page, re.S)
    assert expected and [(i, status) for i, status, _ in rows] == expected
    words = {"avvikelse": "▲ Avvikelse", "ingen_rapport": "– Ingen rapport", "klart": "● Klart"}
    for _, status, cells_html in rows:
        if status in words:
            assert words[status] in unescape(re.sub(r"<[^>]+>", "", cells_html))


def test_what_is_late_is_listed_as_the_overview_counts_it(
    page_client: httpx.Client, gw: httpx.Client, stack: Stack
) -> None:
    """The due section lists the items of 2024's reporting occasions (the follow-up cycle),
    late ones first; as many are late as the overview (JSON and page) says."""
    overview = gw.get("/v1/follow-up", params={"period": "2024"}, headers=stack.auth()).json()
    (hsn,) = [c for c in overview["committees"] if c["org_unit"] == "HSN"]
    assert hsn["late"]
    page = page_client.get(VIEW).text
    section = page[page.index('<section id="forfallet"') :]
    states = re.findall(r'<tr data-kind="[a-z_]+" data-state="([a-z]+)">', section)
    assert states.count("late") == hsn["late"]
    assert "done" not in states  # what was delivered is counted, not listed
    assert states == sorted(states, key=["late", "due", "unavailable"].index)
    assert f"{hsn['late']} sena" in section
    assert 'id="forfallet-inlamnat"' in section
    listing = page_client.get("/?period=2024").text
    row_html = re.search(r'<tr id="namnd-HSN">(.*?)</tr>', listing, re.S)
    assert row_html and f"{hsn['late']} sena" in row_html.group(1)


def test_the_indicator_page_shows_the_history_as_chart_and_table(
    page_client: httpx.Client,
) -> None:
    page = page_client.get("/follow-up/HSN/indicators/ID0288?period=2024")
    assert page.status_code == 200
    text = page.text
    assert "ID0288 Information och kunskap (NPE)" in text
    assert "värdena är REGION:s" in text
    assert text.count("<svg") == 1  # yearly results only in the seed
    table = text[text.index('<table class="history-table"') :]
    assert re.search(r"<th scope=\"row\">2023</th><td class=\"num\">68,2</td>", table)
    assert re.search(r"<th scope=\"row\">2024</th><td class=\"num\">69,2</td>", table)
    assert "NPE: förbättring ≥1,0 enhet" in text


def test_a_threshold_target_is_drawn_as_a_line(
    page_client: httpx.Client, gw: httpx.Client, stack: Stack
) -> None:
    view = gw.get("/v1/follow-up/HSN", params={"period": "2024"}, headers=stack.auth()).json()
    code = next(
        e["indicator"]
        for goal in view["goals"]
        for area in goal["areas"]
        for delmal in area["delmal"]
        for node in delmal["indicators"]
        for e in node["evaluations"]
        if e["target"] and e["target"]["kind"] == "threshold" and e["value"] is not None
    )
    page = page_client.get(f"/follow-up/HSN/indicators/{code}?period=2024").text
    assert 'class="target"' in page and "Mål 2024:" in page


def test_an_unknown_indicator_is_a_404_page_and_a_bad_code_or_period_a_422(
    page_client: httpx.Client,
) -> None:
    unknown = page_client.get("/follow-up/HSN/indicators/ID9999?period=2024")
    assert unknown.status_code == 404 and "Okänd indikator" in unknown.text
    bad_code = page_client.get("/follow-up/HSN/indicators/id%2E%2E?period=2024")
    assert bad_code.status_code == 422 and "code" in bad_code.text
    bad_period = page_client.get("/follow-up/HSN?period=2024-13")
    assert bad_period.status_code == 422
    assert bad_period.headers["content-type"] == "application/problem+json"
    assert "period" in bad_period.text
    unit = page_client.get("/follow-up/NOPE?period=2024")
    assert unit.status_code == 422 and "org_unit" in unit.text


def test_a_key_bound_to_sus_sees_only_sus(stack: Stack) -> None:
    with httpx.Client(base_url=stack.gateways[0].base_url, timeout=30) as client:
        assert sign_in(client, stack.tokens["read_sus"]).status_code == 303
        overview = client.get("/?period=2024").text
        assert re.findall(r'<tr id="namnd-([A-Z]+)">', overview) == ["SUS"]
        refused = client.get(VIEW)
        assert refused.status_code == 403
        assert "Din nyckel får inte läsa" in refused.text
        assert "ID0288" not in refused.text
        assert client.get("/follow-up/SUS?period=2024").status_code == 200


def test_a_key_bound_to_hsn_reads_hsns_page(stack: Stack) -> None:
    with httpx.Client(base_url=stack.gateways[0].base_url, timeout=30) as client:
        sign_in(client, stack.tokens["read_hsn"])
        page = client.get(VIEW).text
        assert cells(row(page, "ID0288", "akutmottagningar"), "value") == ["69,2"]


def test_pages_carry_their_own_policy_and_are_never_cached(page_client: httpx.Client) -> None:
    page = page_client.get(VIEW)
    policy = page.headers["content-security-policy"]
    assert "style-src 'self'" in policy and "script-src" not in policy
    assert "default-src 'none'" in policy
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text
    css_link = re.search(r'<link rel="stylesheet" href="([^"]+)">', page.text)
    assert css_link
    css = page_client.get(css_link.group(1))
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "@media print" in css.text
    # Nothing the page loads comes from elsewhere.
    assert not re.search(r'(src|href)="(https?:)?//', page.text)


def test_pages_only_read(page_client: httpx.Client) -> None:
    for path in ("/", VIEW):
        assert page_client.post(path).status_code == 405
        assert page_client.delete(path).status_code == 405


def test_a_hostile_sign_in_is_refused_cleanly(fresh_client: httpx.Client) -> None:
    """What no key can be, a form too large, a way off the site: each a clear answer, never
    a 500, never a redirect elsewhere."""
    for key in ("fu_a\r\nX-Injected: 1", "ключ", "a b"):
        answer = fresh_client.post("/sign-in", data={"key": key, "next": "/"})
        assert answer.status_code == 401, key
    too_large = fresh_client.post("/sign-in", data={"key": "x" * 5000, "next": "/"})
    assert too_large.status_code == 413
    assert too_large.headers["content-type"] == "application/problem+json"
    # A control character is refused at the edge, before any route (the shared check).
    injected = fresh_client.get("/sign-in", params={"next": "/\r\nSet-Cookie: x=1"})
    assert injected.status_code == 422
    form = fresh_client.get(
        "/sign-in", params={"next": "//evil.example/", "message": "Mejla din nyckel till oss"}
    )
    assert form.status_code == 200
    assert 'name="next" value="/"' in form.text
    assert "Mejla" not in form.text  # the page says only its own messages


@pytest.fixture(scope="module")
def keyed_stack(stores: Stores, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A gateway whose session secret the test knows (GATEWAY_SESSION_SECRET)."""
    stack = new_stack(stores, tmp_path_factory.mktemp("page-keyed-logs"), session_secret=SECRET)
    yield stack
    stack.stop()


def test_a_session_whose_key_the_services_refuse_ends_at_sign_in(keyed_stack: Stack) -> None:
    """A key revoked after sign-in: the services answer 401, so the session ends and the
    person is asked to sign in again."""
    revoked = seal("fu_revoked_0000000000", SECRET.encode(), max_age=600)
    with httpx.Client(base_url=keyed_stack.gateways[0].base_url, timeout=30) as client:
        client.cookies.set(COOKIE, revoked)
        answer = client.get(VIEW)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/sign-in?")
        assert "message=expired" in answer.headers["location"]
        assert (
            f'{COOKIE}=""' in answer.headers["set-cookie"]
            or "Max-Age=0" in answer.headers["set-cookie"]
        )
        form = client.get(answer.headers["location"])
        assert "Nyckeln gäller inte längre" in form.text
        # The same secret signs a real key's session: that one reads.
        client.cookies.set(COOKIE, seal(keyed_stack.tokens["read"], SECRET.encode(), max_age=600))
        assert client.get(VIEW).status_code == 200
