"""``import_race`` reads a zip as well as a folder, and imports as a draft on
request (published otherwise, as before)."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from editions.models import Edition, Rider
from racing.parsing.sources import files_from_folder
from stages.services import packages
from stages.services.packages import PackageRefused, package_upload_save

pytestmark = pytest.mark.django_db

VUELTA = Path(settings.BASE_DIR) / "races" / "vuelta-a-espana-2023"


def _vuelta_zip(tmp_path: Path, year: int) -> Path:
    files = files_from_folder(VUELTA)
    files["edition.toml"] = (
        files["edition.toml"].decode().replace("2023", str(year)).encode()
    )
    path = tmp_path / f"vuelta-{year}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"vuelta-a-espana-{year}/{name}", data)
    return path


def test_import_race_reads_a_zip_as_a_draft_reusing_known_riders(tmp_path, client):
    riders_before = Rider.objects.count()
    out = io.StringIO()
    call_command("import_race", str(_vuelta_zip(tmp_path, 2031)), "--draft", stdout=out)
    edition = Edition.objects.get(race__slug="vuelta-a-espana", year=2031)
    assert not edition.published
    assert "as a draft" in out.getvalue()
    assert edition.entries.count() == 176
    # Same names and birth dates as the Vuelta 2023: no new rider.
    assert Rider.objects.count() == riders_before
    assert client.get("/races/vuelta-a-espana/2031/").status_code == 404


def test_import_race_without_draft_publishes_as_before(tmp_path, client):
    call_command("import_race", str(_vuelta_zip(tmp_path, 2032)), verbosity=0)
    assert Edition.objects.get(year=2032).published
    assert client.get("/races/vuelta-a-espana/2032/stage-1/").status_code == 200


def test_an_editor_cannot_replace_a_published_edition_with_results(tour):
    files = files_from_folder(Path(settings.BASE_DIR) / "races" / "tour-de-france-2023")
    with pytest.raises(PackageRefused) as refused:
        package_upload_save(files=files, replace=True, protect_results=True)
    assert refused.value.problems == [
        "Tour de France 2023 is published with results: only an administrator can "
        "replace it"
    ]
    with pytest.raises(PackageRefused, match="exists already: choose to replace"):
        package_upload_save(files=files)


def test_an_edition_saved_meanwhile_is_not_taken_for_this_upload(monkeypatch):
    files = files_from_folder(VUELTA)
    files["edition.toml"] = files["edition.toml"].replace(b"2023", b"2033")
    preview = packages.package_preview(files)
    packages.package_save(preview.package)  # another editor, after this preview
    monkeypatch.setattr(packages, "package_preview", lambda _: preview)
    with pytest.raises(PackageRefused, match="just saved by someone else"):
        package_upload_save(files=files)
