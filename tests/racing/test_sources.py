"""A race package from a folder, a zip or uploaded files: the same files, and a
clear message for a zip that is not a package (no 500, no zip bomb)."""

import io
import random
import zipfile
from pathlib import Path

import pytest

from racing.parsing import sources
from racing.parsing.csvrows import PackageError
from racing.parsing.package import read_package

VUELTA = Path(__file__).resolve().parents[2] / "races" / "vuelta-a-espana-2023"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _problems(call, *args) -> list[str]:
    with pytest.raises(PackageError) as caught:
        call(*args)
    return caught.value.problems


def test_a_zip_of_the_folder_reads_as_the_folder():
    folder = sources.files_from_folder(VUELTA)
    inside = _zip({f"vuelta-a-espana-2023/{n}": d for n, d in folder.items()})
    at_top = _zip(folder)
    assert sources.files_from_zip(inside) == folder
    assert sources.files_from_zip(at_top) == folder
    package = read_package(sources.files_from_zip(inside))
    assert (len(package.stages), len(package.teams), len(package.riders)) == (
        21,
        22,
        176,
    )


def test_read_package_takes_a_zip_file_path(tmp_path):
    path = tmp_path / "vuelta.zip"
    path.write_bytes(_zip(sources.files_from_folder(VUELTA)))
    assert read_package(path).race_name == "Vuelta a España"


def test_what_computers_add_to_a_zip_is_ignored():
    files = {"edition.toml": b"x", "__MACOSX/._edition.toml": b"junk", ".DS_Store": b""}
    assert sources.files_from_zip(_zip(files)) == {"edition.toml": b"x"}


def test_a_zip_with_names_outside_the_package_is_refused():
    problems = _problems(sources.files_from_zip, _zip({"../evil.csv": b"x"}), "p.zip")
    assert problems == ["p.zip: ../evil.csv: a name outside the package"]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 1000)
    data = _zip({"results/stage-01.csv": b"0" * 5000})
    assert len(data) < 1000
    (problem,) = _problems(sources.files_from_zip, data, "big.zip")
    assert "once unpacked" in problem


def test_something_that_is_not_a_zip_is_named():
    problems = _problems(sources.files_from_zip, b"PK\x03\x04 not really", "x.zip")
    assert problems == ["x.zip: not a readable .zip file"]


def test_uploaded_files_find_their_folders():
    files = sources.files_from_uploads(
        [
            ("edition.toml", b"t"),
            ("teams.csv", b"c"),
            ("stage-01.csv", b"r"),
            ("stage-01.md", b"m"),
            ("crossings-stage-01.csv", b"x"),
        ]
    )
    assert files == {
        "edition.toml": b"t",
        "teams.csv": b"c",
        "results/stage-01.csv": b"r",
        "reports/stage-01.md": b"m",
        "crossings/stage-01.csv": b"x",
    }


def test_a_single_uploaded_zip_is_unpacked():
    assert sources.files_from_uploads([("race.zip", _zip({"teams.csv": b"c"}))]) == {
        "teams.csv": b"c"
    }


def test_an_uploaded_file_that_is_no_part_of_a_package_is_named():
    problems = _problems(sources.files_from_uploads, [("photo.jpg", b"")])
    assert problems[0].startswith("photo.jpg: not a file of a race package")


def test_a_damaged_zip_is_a_problem_never_a_crash():
    good = _zip({"teams.csv": b"code,name,country\n" * 50, "edition.toml": b"x"})
    rng = random.Random(11)
    for _ in range(3000):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            sources.files_from_zip(bytes(data), "x.zip")
        except PackageError:
            pass
