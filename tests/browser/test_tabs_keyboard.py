"""The stage page's tabs and filters with a keyboard and the browser's history:
the ARIA tabs pattern, focus after the swap, the name filter replacing its
history entry, Back restoring the filter boxes with the table, Clear, the title
following the table and the team list loading once."""

import re

from playwright.sync_api import expect

STAGE_12 = "/races/tour-de-france/2023/stage-12/"
TITLE = "Stage 12: Roanne – Belleville-en-Beaujolais · Tour de France 2023"


def selected(page):
    return page.locator('[role="tab"][aria-selected="true"]')


def test_arrow_keys_move_and_open_the_tabs(page, tour_live):
    page.goto(tour_live.url + STAGE_12)
    tabs = page.get_by_role("tab")
    expect(page.get_by_role("tablist")).to_be_visible()
    # Roving tabindex: only the selected tab is in the Tab order.
    expect(tabs).to_have_count(7)
    assert [tabs.nth(i).get_attribute("tabindex") for i in range(7)] == [
        "0",
        *["-1"] * 6,
    ]
    expect(tabs.first).to_have_attribute("aria-controls", "table-panel")
    expect(page.get_by_role("tabpanel")).to_have_attribute(
        "aria-labelledby", "tab-stage"
    )
    tabs.first.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#checkpoints-table")).to_be_visible()
    expect(selected(page)).to_have_text("Climbs & sprints")
    expect(selected(page)).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#gc-table")).to_be_visible()
    expect(selected(page)).to_have_text("General")
    expect(selected(page)).to_be_focused()  # after the swap, still on the tab
    expect(page).to_have_url(re.compile(r"/stage-12/gc/$"))
    page.keyboard.press("End")
    expect(page.locator("#teams-table")).to_be_visible()
    expect(selected(page)).to_have_text("Teams")
    expect(selected(page)).to_be_focused()
    page.keyboard.press("ArrowRight")  # wraps round to the first
    expect(page.locator("#stage-table")).to_be_visible()
    expect(selected(page)).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#teams-table")).to_be_visible()
    page.keyboard.press("Home")
    expect(page.locator("#stage-table")).to_be_visible()
    expect(selected(page)).to_be_focused()
    expect(selected(page)).to_have_attribute("tabindex", "0")
    # A key held down: one table, the last tab's, without a page load.
    page.evaluate("() => { window.notReloaded = true; }")
    requests: list[str] = []
    page.on(
        "request", lambda r: requests.append(r.url) if "/stage-12/" in r.url else None
    )
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#youth-table")).to_be_visible()
    assert [r.split("/stage-12/")[1] for r in requests] == ["youth/"]
    expect(selected(page)).to_have_text("Youth")
    expect(selected(page)).to_be_focused()
    expect(page).to_have_url(re.compile(r"/stage-12/youth/$"))
    assert page.evaluate("() => window.notReloaded === true")
    # Tab from the selected tab goes into the panel, not to the footer.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => document.activeElement.closest('#table-panel') !== null"
    )
    assert focused
    assert page.console_errors == []


def test_enter_on_a_tab_keeps_focus_on_it(page, tour_live):
    page.goto(tour_live.url + STAGE_12)
    page.get_by_role("tab", name="Points").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#points-table")).to_be_visible()
    expect(page.get_by_role("tab", name="Points")).to_be_focused()
    expect(page.get_by_role("tab", name="Points")).to_have_attribute(
        "aria-selected", "true"
    )


def test_typing_replaces_the_history_entry(page, tour_live):
    page.goto(tour_live.url + STAGE_12 + "gc/")
    length = page.evaluate("() => history.length")
    box = page.get_by_label("Rider or team name")
    for letters in ("vi", "ng", "e"):  # three pauses, three requests
        box.press_sequentially(letters)
        page.wait_for_timeout(700)
    expect(page.locator("#gc-table tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/stage-12/gc/\?q=vinge$"))
    assert page.evaluate("() => history.length") == length
    expect(box).to_be_focused()
    assert page.console_errors == []


def test_back_and_forward_restore_the_filter_boxes(page, tour_live):
    page.goto(tour_live.url + STAGE_12 + "gc/")
    page.get_by_label("Team", exact=True).select_option("UAD")
    expect(page).to_have_url(re.compile(r"/gc/\?team=UAD$"))
    expect(page.locator("#gc-table tbody tr")).to_have_count(8)
    page.get_by_label("Rider or team name").press_sequentially("yates")
    expect(page).to_have_url(re.compile(r"/gc/\?team=UAD&q=yates$"))
    expect(page.locator("#gc-table tbody tr")).to_have_count(1)
    page.get_by_role("tab", name="Youth").click()
    expect(page).to_have_url(re.compile(r"/youth/\?team=UAD&q=yates$"))
    page.locator("#table-clear").click()
    expect(page).to_have_url(re.compile(r"/stage-12/youth/$"))
    expect(page.get_by_label("Rider or team name")).to_have_value("")
    expect(page.get_by_label("Team", exact=True)).to_have_value("")

    page.go_back()  # youth, filtered
    expect(page).to_have_url(re.compile(r"/youth/\?team=UAD&q=yates$"))
    expect(page.get_by_label("Rider or team name")).to_have_value("yates")
    expect(page.get_by_label("Team", exact=True)).to_have_value("UAD")
    page.go_back()  # GC, both filters: typing replaced the entry
    expect(page).to_have_url(re.compile(r"/gc/\?team=UAD&q=yates$"))
    expect(page.locator("#gc-table tbody tr")).to_have_count(1)
    expect(page.get_by_label("Rider or team name")).to_have_value("yates")
    page.go_back()  # GC before any filter
    expect(page).to_have_url(re.compile(r"/stage-12/gc/$"))
    expect(page.locator("#gc-table tbody tr")).to_have_count(20)
    expect(page.get_by_label("Rider or team name")).to_have_value("")
    expect(page.get_by_label("Team", exact=True)).to_have_value("")
    page.go_forward()
    expect(page).to_have_url(re.compile(r"/gc/\?team=UAD&q=yates$"))
    expect(page.get_by_label("Team", exact=True)).to_have_value("UAD")
    expect(page.get_by_label("Rider or team name")).to_have_value("yates")
    assert page.console_errors == []


def test_clear_shows_with_a_filter_and_focuses_the_name_box(page, tour_live):
    page.goto(tour_live.url + STAGE_12 + "gc/")
    clear = page.locator("#table-clear")
    expect(clear).to_be_hidden()
    page.get_by_label("Rider or team name").press_sequentially("pog")
    expect(clear).to_be_visible()
    expect(page.locator("#gc-table tbody tr")).to_have_count(1)
    clear.click()
    expect(page.locator("#gc-table tbody tr")).to_have_count(20)
    expect(page).to_have_url(re.compile(r"/stage-12/gc/$"))
    expect(page.get_by_label("Rider or team name")).to_be_focused()
    expect(clear).to_be_hidden()


def test_clear_is_a_link_without_javascript(browser, tour_live):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(tour_live.url + STAGE_12 + "gc/?q=pog")
    page.get_by_role("link", name="Clear").click()
    expect(page).to_have_url(re.compile(r"/stage-12/gc/$"))
    expect(page.locator("#gc-table tbody tr")).to_have_count(20)
    # The tabs are links too.
    page.get_by_role("tab", name="Points").click()
    expect(page).to_have_url(re.compile(r"/stage-12/points/#tables-heading$"))
    context.close()


def test_the_title_follows_the_table(page, tour_live):
    page.goto(tour_live.url + STAGE_12)
    expect(page).to_have_title(TITLE)
    page.get_by_role("tab", name="General").click()
    expect(page.locator("#gc-table")).to_be_visible()
    expect(page).to_have_title(f"{TITLE} · General")
    page.get_by_role("tab", name="Mountains").click()
    expect(page).to_have_title(f"{TITLE} · Mountains")
    page.go_back()
    expect(page).to_have_title(f"{TITLE} · General")


def test_arrowing_through_teams_loads_one_table(page, tour_live):
    page.goto(tour_live.url + STAGE_12 + "gc/")
    requests: list[str] = []
    page.on(
        "request",
        lambda r: requests.append(r.url) if r.headers.get("hx-request") else None,
    )
    select = page.get_by_label("Team", exact=True)
    select.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(100)
    expect(page).to_have_url(re.compile(r"/gc/\?team=\w+$"), timeout=5_000)
    page.wait_for_timeout(1_000)
    assert len(requests) == 1, requests
    chosen = select.input_value()
    assert requests[0].endswith(f"?team={chosen}")
    expect(page.locator("#gc-table tbody tr").first).to_be_visible()
    assert page.console_errors == []
