"""A database made by the code before the re-layering (commit 87cb1ad: races,
editions, teams and riders in the stages, teams and riders apps) migrates to the
new layout with nothing lost.

The old code is taken from git, runs ``migrate`` and ``load_demo`` on a fresh
database of the suite's kind (SQLite file, or a new PostgreSQL database on the
suite's server); the new code then migrates that database. Standings, results,
start lists, reports and the Editors group's permissions must read the same before
and after, and the exits the migration stores must equal a fresh recompute's.
"""

import json
import os
import subprocess
import sys
import tarfile
import uuid
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BEFORE = "87cb1ad"
# What the Editors group gains after the old layout (stages 0008).
SET_UP = ("race", "edition", "team", "rider", "entry")
ADDED = ("add", "change", "delete")

# Runs inside ``manage.py shell`` of both the old and the new code: only ORM
# lookups that mean the same thing in both layouts.
DUMP = """
import json
from django.contrib.auth.models import Group
from stages.models import RaceReport, StageResult, Standing
standings = list(Standing.objects.order_by(
    "stage__edition__race__slug", "stage__edition__year", "stage__number",
    "classification", "rank").values_list(
    "stage__edition__race__slug", "stage__edition__year", "stage__number",
    "classification", "rank", "entry__bib", "team__code", "value", "gap",
    "previous_rank"))
results = list(StageResult.objects.order_by("stage_id", "entry__bib").values_list(
    "stage__edition__year", "stage__edition__race__slug", "stage__number",
    "entry__bib", "entry__rider__slug", "entry__team__code", "rank", "time_s",
    "status", "bonus", "points", "kom_points"))
reports = list(RaceReport.objects.order_by("pk").values_list(
    "stage__number", "headline", "status"))
editors = sorted(Group.objects.get(name="Editors").permissions.values_list(
    "content_type__model", "codename"))
print(json.dumps({"standings": standings, "results": results, "reports": reports,
    "editors": editors}, default=str))
"""

EXITS = """
import json
from editions.models import Entry
print(json.dumps(sorted(Entry.objects.filter(exit_stage__isnull=False).values_list(
    "edition__race__slug", "bib", "exit_stage", "exit_status"))))
"""


def _old_code(into: Path) -> Path:
    try:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", BEFORE],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        if os.environ.get("CI"):
            pytest.fail(f"commit {BEFORE} is not in this clone's history")
        pytest.skip(f"needs the git history with commit {BEFORE}")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _database_url(tmp_path: Path):
    """A new, empty database of the kind the suite runs on, and how to drop it."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{tmp_path / 'carried.sqlite3'}", lambda: None
    name = f"carry_{uuid.uuid4().hex[:12]}"
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{params['host']}:{params['port']}/{name}", drop


def _manage(code: Path, url: str, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "toursite.settings",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_database_of_the_previous_layout_migrates_with_nothing_lost(tmp_path):
    old = _old_code(tmp_path / "before")
    url, drop = _database_url(tmp_path)
    try:
        _manage(old, url, "migrate", "--no-input", "-v", "0")
        _manage(old, url, "load_demo")
        before = json.loads(_manage(old, url, "shell", "-v", "0", "-c", DUMP))
        _manage(ROOT, url, "migrate", "--no-input", "-v", "0")
        after = json.loads(_manage(ROOT, url, "shell", "-v", "0", "-c", DUMP))
        migrated_exits = json.loads(_manage(ROOT, url, "shell", "-v", "0", "-c", EXITS))
        _manage(ROOT, url, "recompute_standings")
        recomputed = json.loads(_manage(ROOT, url, "shell", "-v", "0", "-c", DUMP))
        recomputed_exits = json.loads(
            _manage(ROOT, url, "shell", "-v", "0", "-c", EXITS)
        )
    finally:
        drop()
    # The three 2023 Grand Tours: 10,034 results, 21,606 classification rows.
    assert (len(before["results"]), len(before["standings"])) == (10_034, 21_606)
    # Editors set editions up from stages 0008 on: the group gains those rights.
    gained = {(model, f"{action}_{model}") for model in SET_UP for action in ADDED}
    gained -= {("race", "delete_race")}
    editors = {tuple(p) for p in before.pop("editors")}
    assert {tuple(p) for p in after.pop("editors")} == editors | gained
    assert {tuple(p) for p in recomputed.pop("editors")} == editors | gained
    assert after == before
    assert recomputed == before
    # The migration stores the exits the services store from now on.
    assert migrated_exits == recomputed_exits
    assert any(status == "DNF" for *_, status in migrated_exits)
