"""gunicorn.conf.py as gunicorn reads it: what a deployer relies on.

Workers are not recycled by request count unless asked (each replacement stalls the
requests queued behind it), the project is preloaded in the master unless asked not to
be, and the environment's settings are honoured. The file is loaded through gunicorn's
own configuration loader, which ignores names it does not know: a misspelt setting
would pass a test reading the module but fail these.
"""

import os
import re
from pathlib import Path

import pytest
from django.db import connection
from gunicorn.app.base import Application

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


class Probe(Application):
    """gunicorn's application, reading only gunicorn.conf.py (no command line)."""

    def init(self, parser, opts, args):
        return None

    def load_config(self):
        self.load_config_from_file(str(CONF))

    def load(self):
        raise AssertionError("the configuration alone is under test")


@pytest.fixture
def gunicorn_config(monkeypatch):
    """The configuration gunicorn builds from gunicorn.conf.py in an environment
    holding only the given GUNICORN_* variables."""

    def load(**env: str):
        for name in [n for n in os.environ if n.startswith("GUNICORN_")]:
            monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return Probe().cfg

    return load


def test_workers_are_not_recycled_by_request_count_by_default(gunicorn_config):
    cfg = gunicorn_config()
    assert cfg.max_requests == 0
    assert cfg.max_requests_jitter == 0


def test_the_project_is_preloaded_by_default(gunicorn_config):
    assert gunicorn_config().preload_app is True


def test_a_deployer_may_still_recycle_workers(gunicorn_config):
    cfg = gunicorn_config(GUNICORN_MAX_REQUESTS="200000")
    assert cfg.max_requests == 200000
    # Jittered by default, so that the workers are not all replaced at once.
    assert cfg.max_requests_jitter == 20000
    cfg = gunicorn_config(
        GUNICORN_MAX_REQUESTS="200000", GUNICORN_MAX_REQUESTS_JITTER="7"
    )
    assert cfg.max_requests_jitter == 7


@pytest.mark.parametrize("value", ["0", "false", "off", "no"])
def test_preloading_can_be_turned_off(gunicorn_config, value):
    assert gunicorn_config(GUNICORN_PRELOAD=value).preload_app is False


@pytest.mark.parametrize("value", ["1", "true", "on", ""])
def test_preloading_stays_on(gunicorn_config, value):
    assert gunicorn_config(GUNICORN_PRELOAD=value).preload_app is True


def test_worker_settings_from_the_environment(gunicorn_config):
    cfg = gunicorn_config(
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="12",
        GUNICORN_BIND="127.0.0.1:9123",
    )
    assert cfg.workers == 3
    assert cfg.threads == 4
    assert cfg.worker_class_str == "gthread"
    assert cfg.timeout == 12
    assert cfg.bind == ["127.0.0.1:9123"]
    assert gunicorn_config(GUNICORN_THREADS="1").worker_class_str == "sync"


def test_every_variable_read_is_documented():
    text = CONF.read_text()
    docstring = text.split('"""')[1]
    read = set(re.findall(r"""environ\.get\(\s*["'](GUNICORN_\w+)""", text))
    read |= set(re.findall(r"""_flag\(\s*["'](GUNICORN_\w+)""", text))
    assert read >= {"GUNICORN_MAX_REQUESTS", "GUNICORN_PRELOAD"}
    assert not {name for name in read if name not in docstring}


@pytest.mark.django_db(transaction=True)
def test_no_worker_inherits_the_masters_database_connection(gunicorn_config):
    # With preloading, anything the master opened would be shared by every forked
    # worker: the master closes it before each fork.
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is never closed (see PostgreSQL)")
    cfg = gunicorn_config()
    connection.ensure_connection()
    assert connection.connection is not None
    cfg.pre_fork(server=None, worker=None)
    assert connection.connection is None
