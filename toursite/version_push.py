"""Data versions kept in each web process between writes: a stored page without a
query.

Every public request needs the data version of what it shows (``toursite.versions``),
one query. With ``REDIS_URL`` set, each process keeps the versions it has read, and
serves them from memory while it is subscribed to the channel on which every write
announces itself once committed (``stages.services.version_channel``). Any
announcement drops everything a process keeps: writes are rare next to reads, an
edition's write changes the site's version too, and dropping some entries only would
save a query per page and edition after a write at the price of care.

Kept versions are exact, as read versions are:

- A version read while an announcement arrives is not kept. Every announcement,
  subscription and loss of the subscription bumps a *generation*; a read notes it
  before its query and keeps its result only if it is unchanged after, checked under
  the lock the listener takes to bump it. (Else a read that saw the old row but ended
  after the announcement would keep the old version for good.)
- A kept version is not used from its ``next_change`` on (a scheduled report goes
  out then, without any write), nor once ``TOURSITE_VERSION_PUSH_MAX_AGE`` seconds
  old: the bound for a write that nobody announced (a shell that did not call
  ``bump_version``, an announcement that failed).
- Kept versions are used only while the subscription is confirmed and a ping came
  back within the last ``LIVENESS`` seconds: Redis answers a ping after every message
  published before it, so an answer proves that no announcement older than the ping
  is waiting. Without ``REDIS_URL``, until the subscription is confirmed, and from
  its loss until it is confirmed again (announcements may have been missed), every
  request reads the database, as without this module.

One listener thread per process, started by the first request of that process: a
gunicorn master that loads the app before it forks hands no thread or connection to
its workers (the listener belongs to the pid that started it). It reconnects with
backoff, never touches the database, and never raises into a request.
"""

import itertools
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

from django.conf import settings

from stages.services import version_channel

logger = logging.getLogger("toursite")

# The listener pings Redis this often (seconds) ...
PING_EVERY = 1.0
# ... and kept versions are used only while a ping sent this recently has come back
# (also the longest wait for a subscription's confirmation or a ping's answer).
LIVENESS = 3.0
# Seconds before reconnecting: doubled after each failed attempt, up to the second.
BACKOFF = (0.5, 10.0)
# Kept versions per process: unknown editions are kept too (a flood of made-up
# addresses must not query), the oldest going first.
MAX_ENTRIES = 1000

_numbers = itertools.count(1)


class Kept(NamedTuple):
    value: Any
    until: float  # time.monotonic(): read again from then on (the maximum age)
    until_wall: float | None  # time.time(): the value's next scheduled change


def _next_change(value: object) -> float | None:
    """The epoch time of ``value.next_change`` (a datetime), if it has one."""
    when = getattr(value, "next_change", None)
    return None if when is None else when.timestamp()


class Listener:
    """A process's subscription to the channel, and the versions it keeps."""

    def __init__(self, url: str, max_age: float):
        self.url = url
        self.max_age = max_age
        # Shows in Redis's CLIENT LIST.
        self.name = f"toursite-version-push-{os.getpid()}-{next(_numbers)}"
        self.lock = threading.Lock()
        self.generation = 0
        self.subscribed = False
        # time.monotonic() when the latest answered ping (or the subscription) was
        # sent: every announcement published before it has been handled.
        self.heard_at = float("-inf")
        self.entries: dict[Hashable, Kept] = {}
        self.stopped = False
        self.confirmations = 0
        self.failing = False

    # What the listener thread reports

    def _reset(self, subscribed: bool, heard_at: float | None = None) -> None:
        with self.lock:
            self.generation += 1
            self.entries = {}
            self.subscribed = subscribed
            if heard_at is not None:
                self.heard_at = heard_at

    def confirmed(self, sent_at: float) -> None:
        """The subscription sent at ``sent_at`` is confirmed: from now on no
        announcement is missed."""
        self._reset(subscribed=True, heard_at=sent_at)
        self.confirmations += 1

    def announced(self) -> None:
        """A write announced a new version: drop everything."""
        self._reset(subscribed=self.subscribed)

    def lost(self) -> None:
        """The subscription is gone: drop everything, keep nothing until it is
        confirmed again."""
        self._reset(subscribed=False)

    def heard(self, sent_at: float) -> None:
        """The ping sent at ``sent_at`` came back."""
        self.heard_at = max(self.heard_at, sent_at)

    # What requests do

    def usable(self, now: float) -> bool:
        return self.subscribed and now - self.heard_at <= LIVENESS

    def get[T](self, key: Hashable, read: Callable[[], T]) -> T:
        """The value kept under ``key``, or ``read()``'s, kept when it may be."""
        now = time.monotonic()
        if not self.usable(now):
            return read()
        kept = self.entries.get(key)
        if (
            kept is not None
            and now < kept.until
            and (kept.until_wall is None or time.time() < kept.until_wall)
        ):
            return kept.value
        generation = self.generation
        value = read()
        self._keep(key, value, generation, now)
        return value

    def _keep(self, key: Hashable, value: Any, generation: int, read_at: float) -> None:
        """Keep ``value``, read from ``read_at`` on, unless anything was announced
        (or the subscription changed) since the read began."""
        until_wall = _next_change(value)
        with self.lock:
            if generation != self.generation or not self.subscribed:
                return
            if until_wall is not None and time.time() >= until_wall:
                return
            entries = self.entries
            entries.pop(key, None)
            entries[key] = Kept(value, read_at + self.max_age, until_wall)
            while len(entries) > MAX_ENTRIES:
                del entries[next(iter(entries))]

    # The thread

    def run(self) -> None:
        """Listen until stopped, reconnecting with backoff."""
        delay = BACKOFF[0]
        while not self.stopped:
            confirmations = self.confirmations
            try:
                self._listen()
            except Exception as exc:  # any failure: drop everything, reconnect
                self._failed(exc)
            self.lost()
            if self.stopped:
                break
            if self.confirmations > confirmations:
                delay = BACKOFF[0]
            time.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, BACKOFF[1])

    def _listen(self) -> None:
        connection = version_channel.client(self.url, self.name)
        pubsub = connection.pubsub()
        try:
            subscribed_at = time.monotonic()
            pubsub.subscribe(version_channel.channel(connection))
            ping_sent: float | None = None
            while not self.stopped:
                message = pubsub.get_message(timeout=PING_EVERY / 2)
                kind = message and message["type"]
                if kind == "subscribe":
                    self.confirmed(subscribed_at)
                    self._recovered()
                elif kind == "message":
                    self.announced()
                elif kind == "pong" and ping_sent is not None:
                    self.heard(ping_sent)
                    ping_sent = None
                now = time.monotonic()
                if not self.subscribed and now - subscribed_at > LIVENESS:
                    raise TimeoutError("the subscription was not confirmed")
                if ping_sent is not None and now - ping_sent > LIVENESS:
                    raise TimeoutError("a ping was not answered")
                if ping_sent is None and now - self.heard_at >= PING_EVERY:
                    ping_sent = now
                    pubsub.ping()
        finally:
            pubsub.close()
            connection.close()

    def _failed(self, exc: Exception) -> None:
        if not self.failing and not self.stopped:
            self.failing = True
            logger.warning(
                "Data version channel unavailable (%s: %s): reading data versions "
                "from the database until it is back.",
                type(exc).__name__,
                exc,
            )

    def _recovered(self) -> None:
        if self.failing:
            self.failing = False
            logger.warning("Data version channel back: versions kept again.")


# This process's listener, and the pid that started it.
_current: Listener | None = None
_current_pid = 0
_start_lock = threading.Lock()


def _forget_after_fork() -> None:
    """In a forked child, the parent's listener thread does not exist."""
    global _current, _current_pid, _start_lock
    _current, _current_pid, _start_lock = None, 0, threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)


def listener() -> Listener | None:
    """This process's listener, started by the first call of the process (or after
    the settings changed); None without ``REDIS_URL`` or with a maximum age of 0."""
    url = version_channel.redis_url()
    max_age = getattr(settings, "TOURSITE_VERSION_PUSH_MAX_AGE", 60)
    if not url or max_age <= 0:
        return None
    current = _current
    if (
        current is None
        or _current_pid != os.getpid()
        or current.url != url
        or current.max_age != max_age
    ):
        current = _start(url, max_age)
    return current


def _start(url: str, max_age: float) -> Listener:
    global _current, _current_pid
    with _start_lock:
        current = _current
        if (
            current is not None
            and _current_pid == os.getpid()
            and (current.url, current.max_age) == (url, max_age)
        ):
            return current  # another thread started it meanwhile
        if current is not None and _current_pid == os.getpid():
            current.stopped = True
        fresh = Listener(url, max_age)
        thread = threading.Thread(target=fresh.run, name=fresh.name, daemon=True)
        try:
            thread.start()
        except RuntimeError as exc:  # no thread to be had: never subscribed
            logger.warning("Data version listener not started: %s", exc)
        _current, _current_pid = fresh, os.getpid()
        return fresh


def stop() -> None:
    """Stop this process's listener (its thread ends within a second); the next
    use starts another."""
    global _current
    with _start_lock:
        if _current is not None and _current_pid == os.getpid():
            _current.stopped = True
        _current = None


def kept[T](key: Hashable, read: Callable[[], T]) -> T:
    """``read()``, or the value it returned before for ``key`` while no write has
    been announced since (see the module's docstring)."""
    current = listener()
    return read() if current is None else current.get(key, read)
