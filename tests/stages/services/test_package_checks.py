"""An uploaded package is checked against what the database stores before anything
is saved: every problem named, never a crash."""

from pathlib import Path

import pytest
from django.conf import settings

from editions.models import Edition, Entry
from racing.parsing.sources import files_from_folder
from stages.services.packages import (
    PackageRefused,
    package_preview,
    package_upload_save,
)

pytestmark = pytest.mark.django_db

VUELTA = Path(settings.BASE_DIR) / "races" / "vuelta-a-espana-2023"


def _vuelta(year: int = 2034, **changes: tuple[str, str]) -> dict[str, bytes]:
    files = files_from_folder(VUELTA)
    files["edition.toml"] = files["edition.toml"].replace(b"2023", str(year).encode())
    for name, (old, new) in changes.items():
        name = name.replace("__", "/").replace("_csv", ".csv").replace("_toml", ".toml")
        assert old.encode() in files[name], (name, old)
        files[name] = files[name].replace(old.encode(), new.encode(), 1)
    return files


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"teams_csv": ("Movistar Team", "M" * 121)},
            "teams.csv: team MOV: name: Ensure this value has at most 120 characters",
        ),
        (
            {"edition_toml": ('slug = "vuelta-a-espana"', 'slug = "../x"')},
            "edition.toml: 'slug' '../x' must be 1 to 100 lower-case letters",
        ),
        (
            {
                "edition_toml": ('slug = "vuelta-a-espana"', 'slug = "la-vuelta"'),
                # Without the Vuelta's preset its rules have no "top" scale.
                "checkpoints_csv": (",top\n", ",\n"),
            },
            "edition.toml: the race 'Vuelta a España' has the address "
            "'vuelta-a-espana' here, not 'la-vuelta'",
        ),
        (
            {"edition_toml": ("[rules]", 'rules = "a"\n[other]')},
            "edition.toml: 'rules' must be a [rules] table",
        ),
        (
            {"riders_csv": ("Kuss", "Ku\x00ss")},
            "riders.csv line",
        ),
    ],
)
def test_a_package_the_database_would_refuse_is_a_problem(changes, problem):
    preview = package_preview(_vuelta(**changes))
    assert any(p.startswith(problem) for p in preview.problems), preview.problems
    with pytest.raises(PackageRefused):
        package_upload_save(files=_vuelta(**changes))
    assert not Edition.objects.filter(year=2034).exists()


def test_a_scale_the_rules_do_not_have_is_refused_naming_the_line():
    # Another race's slug: no Vuelta preset, so no "top" scale.
    files = _vuelta(edition_toml=('slug = "vuelta-a-espana"', 'slug = "vuelta-bis"'))
    files["edition.toml"] = files["edition.toml"].replace(
        "Vuelta a España".encode(), b"Vuelta Bis"
    )
    preview = package_preview(files)
    assert preview.problems == [
        "checkpoints.csv line 45: scale 'top' is not a climb_points scale of the "
        "rules (HC, 1, 2, 3, 4)"
    ]
    # Given in edition.toml, the scale is the edition's.
    files["edition.toml"] += b"climb_points.top = [20, 15, 10, 6, 4, 2]\n"
    assert package_preview(files).problems == []


def test_the_same_rider_on_two_bibs_is_refused():
    # Bib 2's line again as bib 999: the same stored rider twice.
    files = _vuelta()
    line = next(
        ln for ln in files["riders.csv"].decode().splitlines() if ln.startswith("2,")
    )
    files["riders.csv"] += ("999" + line[1:] + "\n").encode()
    preview = package_preview(files)
    assert any("bib 999" in p and "same rider as bib 2" in p for p in preview.problems)


def test_a_decision_for_a_rider_who_is_not_to_decide_is_ignored(vuelta):
    # Bib 24 renamed: a new rider, for whom no decision is asked; bib 1 is known.
    files = _vuelta(riders_csv=("24,Sepp,Kuss", "24,Seppo,Kuss"))
    first = Entry.objects.get(edition=vuelta, bib=1).rider
    other = Entry.objects.get(edition=vuelta, bib=2).rider
    edition = package_upload_save(files=files, decisions={1: other.pk, 24: other.pk})
    assert Entry.objects.get(edition=edition, bib=1).rider == first
    new = Entry.objects.get(edition=edition, bib=24).rider
    assert (new.given_name, new.family_name) == ("Seppo", "Kuss")
