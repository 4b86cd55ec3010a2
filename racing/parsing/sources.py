"""Where a race package's files come from: a folder, a ``.zip`` of the folder, or
files uploaded one by one. Each becomes the same plain mapping of the package's
relative file names (``teams.csv``, ``results/stage-12.csv``) to their bytes, which
``racing.parsing.package`` reads.

A zip is checked before anything is read from it: no names outside the package,
and limits on the number of files and on their size once unpacked, so that a
"zip bomb" is refused with a message instead of filling the memory.
"""

import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from racing.parsing.csvrows import PackageError

PackageFiles = Mapping[str, bytes]

# A Grand Tour package is some 70 files and 1 MB; these leave room for any race.
MAX_FILES = 500
MAX_BYTES = 32 * 1024 * 1024

TOP_FILES = frozenset(
    {"edition.toml", "teams.csv", "riders.csv", "stages.csv", "checkpoints.csv"}
)
STAGE_FOLDERS = frozenset({"results", "crossings", "reports"})
# Uploaded one by one, stage files lose their folder: a name says which it is.
_LOOSE_STAGE_FILE = re.compile(
    r"^(?:(results|crossings|reports)[-_])?(stage-\d{2,3}(?:\.[a-z]{2})?\.(?:csv|md))$"
)
# What a damaged or unusual zip raises while it is opened or unpacked.
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    OSError,
    UnicodeDecodeError,
)
# What a computer adds to a folder or a zip without anyone asking.
_IGNORED = re.compile(r"(^|/)(__MACOSX|\.[^/]*|Thumbs\.db|desktop\.ini)(/|$)")


def package_files(path: str | Path) -> dict[str, bytes]:
    """The files of the package at ``path``: a folder or a ``.zip`` file."""
    root = Path(path)
    if root.is_dir():
        return files_from_folder(root)
    if root.is_file() and zipfile.is_zipfile(root):
        return files_from_zip(root.read_bytes(), root.name)
    raise PackageError([f"{root.name}: not a folder or a .zip file"])


def files_from_folder(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its name relative to it."""
    files = {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
    return {name: path.read_bytes() for name, path in files.items() if _kept(name)}


def files_from_zip(data: bytes, label: str = "the zip file") -> dict[str, bytes]:
    """The files of a zipped package. The zip may hold the package's files at its
    top or inside one folder (``tour-de-france-2023/edition.toml``)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except _UNREADABLE:
        raise PackageError([f"{label}: not a readable .zip file"]) from None
    _check_zip(infos, label)
    infos = [i for i in infos if _kept(i.filename)]
    prefix = _common_folder([i.filename for i in infos])
    files: dict[str, bytes] = {}
    try:
        for info in infos:
            files[info.filename[len(prefix) :]] = archive.read(info)
    except _UNREADABLE as exc:
        raise PackageError([f"{label}: cannot be unpacked ({exc})"]) from None
    return files


def files_from_uploads(uploads: Iterable[tuple[str, bytes]]) -> dict[str, bytes]:
    """Files uploaded one by one (or a single ``.zip``): ``edition.toml``,
    ``teams.csv``…, and stage files named ``stage-NN.csv`` (results),
    ``stage-NN.md`` (reports; ``stage-NN.fr.md`` in French) or
    ``crossings-stage-NN.csv``."""
    uploads = list(uploads)
    if len(uploads) == 1 and uploads[0][0].lower().endswith(".zip"):
        return files_from_zip(uploads[0][1], uploads[0][0])
    files: dict[str, bytes] = {}
    problems: list[str] = []
    for raw_name, data in uploads:
        name = PurePosixPath(raw_name.replace("\\", "/")).name
        if name.lower().endswith(".zip"):
            problems.append(f"{name}: upload a .zip on its own, not beside other files")
        elif name in TOP_FILES:
            files[name] = data
        elif m := _LOOSE_STAGE_FILE.match(name):
            folder = m.group(1) or ("reports" if name.endswith(".md") else "results")
            files[f"{folder}/{m.group(2)}"] = data
        elif _kept(name):
            problems.append(
                f"{name}: not a file of a race package (edition.toml, teams.csv, "
                "riders.csv, stages.csv, checkpoints.csv, stage-NN.csv, "
                "stage-NN.md, crossings-stage-NN.csv)"
            )
    if problems:
        raise PackageError(problems)
    return files


def _kept(name: str) -> bool:
    return not _IGNORED.search(name)


def _check_zip(infos: list[zipfile.ZipInfo], label: str) -> None:
    problems = [
        f"{label}: {i.filename}: a name outside the package"
        for i in infos
        if i.filename.startswith("/") or ".." in PurePosixPath(i.filename).parts
    ]
    if len(infos) > MAX_FILES:
        problems.append(
            f"{label}: {len(infos)} files; a package has at most {MAX_FILES}"
        )
    if sum(i.file_size for i in infos) > MAX_BYTES:
        problems.append(
            f"{label}: more than {MAX_BYTES // 2**20} MB once unpacked; "
            "a race package is far smaller"
        )
    if problems:
        raise PackageError(problems)


def _common_folder(names: list[str]) -> str:
    """``folder/`` when every name is inside the same top folder that is not one
    of the package's own folders, else ``""``."""
    tops = {name.split("/", 1)[0] for name in names if "/" in name}
    if len(tops) != 1 or any("/" not in name for name in names):
        return ""
    top = tops.pop()
    return "" if top in STAGE_FOLDERS else f"{top}/"
