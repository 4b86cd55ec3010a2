"""The page of a stage that was not raced (the Vuelta 2025's stage 21): it says so,
has no result and no winner, and its classifications are those after stage 20."""

import re

import pytest

pytestmark = pytest.mark.django_db

STAGE_21 = "/races/vuelta-a-espana/2025/stage-21/"


def test_the_stage_page_says_it_was_not_raced(client):
    response = client.get(STAGE_21)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not raced." in page
    assert "Stage 21 was cancelled: it has no result and no winner." in page
    assert "Stage 21 was not raced: it has no result." in page
    assert 'href="/races/vuelta-a-espana/2025/stage-20/">stage 20</a>' in page
    assert "Winner" not in page.split('id="stage-table"')[0].split("</header>")[1]
    # The route is there.
    assert "Alalpardo" in page
    assert "108.0 km" in page


@pytest.mark.parametrize("table", ["gc", "points", "mountains", "youth", "teams"])
def test_each_table_after_it_is_the_table_after_stage_20(client, table):
    after_21 = client.get(f"{STAGE_21}{table}/", headers={"HX-Request": "true"})
    after_20 = client.get(
        f"/races/vuelta-a-espana/2025/stage-20/{table}/", headers={"HX-Request": "true"}
    )
    assert after_21.status_code == after_20.status_code == 200

    def rows(response) -> list[str]:
        """The links and the numbers of the table's rows, in order (not the
        movement arrows: nobody moved on a stage not raced)."""
        body = response.content.decode().split("<tbody")[1].split("</tbody>")[0]
        return re.findall(r'href="(/[^"]+)"|>(\+?[0-9:]+)<', body)

    assert len(rows(after_21)) > 20
    assert rows(after_21) == rows(after_20)
    assert 'class="move move--up"' not in after_21.content.decode()


def test_the_gc_after_it_is_led_by_vingegaard(client):
    page = client.get(f"{STAGE_21}gc/").content.decode()
    table = page.split("<tbody")[1]
    assert table.index("VINGEGAARD") < table.index("ALMEIDA")


def test_the_stage_csv_of_a_stage_not_raced_has_only_its_header(client):
    response = client.get(f"{STAGE_21}stage.csv")
    assert response.status_code == 200
    assert response.content.decode().strip().count("\n") == 0
