"""An edition built in a real browser by an editor (not a superuser): add it, paste
its stages, teams and start list (a known rider matched, a namesake decided), then
a stage result, and see the stage and the GC on the site."""

import time

from playwright.sync_api import expect

from editions.models import Edition, Entry, Rider
from stages.models import Stage
from tests.browser.conftest import screenshot
from tests.browser.test_editor_flow import log_in_as_editor, sideways_overflow

# A spreadsheet copy: tab-separated, no header row.
STAGES = (
    "1\t2024-06-29\tFlorence\tRimini\t206\thilly\n"
    "2\t2024-06-30\tCesenatico\tBologna\t199.2\thilly\n"
    "3\t2024-07-01\tPlaisance\tTurin\t230.8\tflat\n"
)
TEAMS = "code,name,country\nQRA,Red Arrows,NL\nQBL,Blue Lions,FR\n"
# Jonas Vingegaard rode the 2023 Tour (same names and birth date: the same rider);
# Tiesj Benoot did too, born 11 March: the 12th here is a typing slip to decide.
START_LIST = """bib,first_name,last_name,nationality,birth_date,team
1,Jonas,Vingegaard,DK,1996-12-10,QRA
2,Tiesj,Benoot,BE,1994-03-12,QRA
3,Piet,Proefrijder,NL,1999-02-02,QRA
11,Jean,Essayeur,FR,1997-04-04,QBL
12,Luc,Testeur,FR,2000-05-05,QBL
13,Marc,Coureur,FR,2001-06-06,QBL
"""
RESULT = """rank,bib,time
1,1,5:02:40
2,11,+0:05
3,2,s.t.
4,12,+0:31
5,3,+1:10
6,13,+2:45
"""


class Editor:
    """The editor's browser, counting the pages it loads and the forms it sends."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.pages = self.forms = 0

    def visit(self, path: str) -> None:
        self.pages += 1
        self.page.goto(f"{self.base}{path}")

    def send(self, button: str, exact: bool = False) -> None:
        self.pages += 1
        self.forms += 1
        self.page.get_by_role("button", name=button, exact=exact).click()

    def paste(self, path: str, text: str) -> None:
        """Open a paste page, paste the rows and preview them."""
        self.visit(path)
        self.page.get_by_label("Rows").fill(text)
        self.send("Preview")
        expect(self.page.locator(".paste-preview")).to_be_visible()

    def confirm(self, message: str) -> None:
        self.send("Confirm and save")
        expect(self.page.locator(".messagelist")).to_contain_text(message)


def add_the_edition(editor: Editor) -> Edition:
    page = editor.page
    editor.visit("/admin/editions/edition/add/")
    page.get_by_label("Race").select_option(label="Tour de France")
    page.get_by_label("Year").fill("2024")
    editor.send("Save and continue editing")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    return Edition.objects.get(race__slug="tour-de-france", year=2024)


def test_an_editor_builds_an_edition_by_pasting_its_tables(page, tour_live):
    base = tour_live.url
    started = time.perf_counter()
    log_in_as_editor(page, base)
    editor = Editor(page, base)
    editor.pages, editor.forms = 2, 1  # the login form and the admin's index
    edition = add_the_edition(editor)
    admin = f"/admin/editions/edition/{edition.pk}"

    editor.paste(f"{admin}/paste-stages/", STAGES)
    rows = page.locator(".build-rows tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Florence")
    editor.confirm("Pasted stages saved: 3 new.")

    editor.paste(f"{admin}/paste-teams/", TEAMS)
    editor.confirm("Pasted teams saved: 2 new.")

    editor.paste(f"{admin}/paste-riders/", START_LIST)
    known = page.locator(".build-rows tbody tr").first
    expect(known).to_contain_text("Known rider (born 1996-12-10)")
    choice = page.get_by_role("group", name="Bib 2: who is BENOOT Tiesj")
    expect(choice).to_be_visible()
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"admin-build-start-list-preview-{width}")
        assert sideways_overflow(page) <= 1  # the wide table scrolls in its box
    page.set_viewport_size({"width": 1280, "height": 900})
    choice.get_by_label("The same rider as BENOOT Tiesj, born 1994-03-11").check()
    editor.confirm("Pasted start list saved: 6 new.")
    vingegaard = Rider.objects.get(slug="jonas-vingegaard")
    assert Entry.objects.get(edition=edition, bib=1).rider == vingegaard
    assert Entry.objects.get(edition=edition, bib=2).rider.birth_date.day == 11

    stage = Stage.objects.get(edition=edition, number=1)
    editor.visit(f"/admin/stages/stage/{stage.pk}/change/")
    page.get_by_role("link", name="Paste results").click()
    editor.pages += 1
    page.get_by_label("Rows").fill(RESULT)
    editor.send("Preview")
    expect(page.locator(".paste-changes")).to_contain_text(
        "Stage winner: VINGEGAARD Jonas"
    )
    editor.confirm("Standings updated after stage 1")

    editor.visit("/races/tour-de-france/2024/stage-1/")
    expect(page.locator("#stage-table tbody tr").first).to_contain_text(
        "VINGEGAARD Jonas"
    )
    editor.visit("/races/tour-de-france/2024/stage-1/gc/")
    leader = page.locator("#gc-table tbody tr").first
    expect(leader).to_contain_text("VINGEGAARD Jonas")
    seconds = time.perf_counter() - started
    print(
        f"\nedition built by pasting (3 stages, 2 teams, 6 riders, 1 result): "
        f"{seconds:.1f} s, {editor.pages} pages, {editor.forms} forms sent"
    )
    assert page.console_errors == []
