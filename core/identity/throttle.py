"""Sign-in throttle: every attempt is counted, atomically, BEFORE a password or code is checked.

One fixed-window counter per (kind, key) in the limiter's storage (Redis when
REDIS_URL is set, else process memory), with LOGIN_LIMIT as the limit. The
increment itself is the check (`limits`' `hit` is one INCR on Redis, a locked
add in memory), so N concurrent attempts get the numbers 1..N and only those
up to the limit go on to be checked: no read-then-write window to race.

A successful attempt gives its count back (`Attempt.succeeded`), so only
failures use up the limit, as before: twelve good sign-ins in a row are fine.

With Redis configured but unreachable the counters move to process memory
(per server, as with Flask-Limiter's in_memory_fallback) with a logged
warning, and Redis is tried again after FALLBACK_RETRY_SECONDS: sign-in keeps
working and keeps being throttled.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from flask import current_app
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger("regioplatform.security")
FALLBACK_RETRY_SECONDS = 30


class Throttle:
    """The app's attempt counters: the limiter's storage, with an in-process fallback."""

    def __init__(self, storage):
        self.storage = storage
        self.counter = FixedWindowRateLimiter(storage)
        self.fallback = FixedWindowRateLimiter(MemoryStorage())
        self._dead_until = 0.0
        self._lock = threading.Lock()

    def _errors(self) -> tuple[type[BaseException], ...]:
        errors = self.storage.base_exceptions
        return errors if isinstance(errors, tuple) else (errors,)

    def _run(self, action):
        """`action(counter)` on the main storage, or on the fallback while the main one is down."""
        if time.monotonic() < self._dead_until:
            return action(self.fallback)
        try:
            return action(self.counter)
        except self._errors() as exc:
            with self._lock:
                if time.monotonic() >= self._dead_until:
                    log.warning("Rate limit storage unreachable (%s): counting sign-in attempts in process memory "
                                "for %d s", exc.__class__.__name__, FALLBACK_RETRY_SECONDS)
                self._dead_until = time.monotonic() + FALLBACK_RETRY_SECONDS
            return action(self.fallback)

    def hit(self, item, *identifiers: str) -> bool:
        return self._run(lambda counter: counter.hit(item, *identifiers))

    def give_back(self, item, *identifiers: str) -> None:
        key = item.key_for(*identifiers)
        self._run(lambda counter: counter.storage.incr(key, item.get_expiry(), amount=-1)
                  if counter.storage.get(key) > 0 else None)

    def clear(self, item, *identifiers: str) -> None:
        self._run(lambda counter: counter.clear(item, *identifiers))


@dataclass
class Attempt:
    """One counted attempt: `allowed` when every counter was within the limit."""

    allowed: bool
    _counted: list[tuple[str, str]] = field(default_factory=list)

    def succeeded(self) -> None:
        """The attempt was right: give its count back, so only failures use up the limit."""
        throttle, item = _throttle(), _item()
        for kind, key in self._counted:
            throttle.give_back(item, kind, key)
        self._counted = []


def install(app, limiter) -> Throttle:
    """Attach the attempt counters to `app`, on the storage of its Flask-Limiter `limiter`."""
    throttle = Throttle(limiter.storage)
    app.extensions["regioplatform.throttle"] = throttle
    return throttle


def _throttle() -> Throttle:
    return current_app.extensions["regioplatform.throttle"]


def _item():
    return parse(current_app.config["LOGIN_LIMIT"])


def count_attempt(*counters: tuple[str, str]) -> Attempt:
    """Count one attempt on each (kind, key) counter, before anything is checked; see `Attempt`.

    Every counter is incremented, also when an earlier one is already over, so
    an attempt refused on its address still counts against its account.
    """
    throttle, item = _throttle(), _item()
    allowed = True
    for kind, key in counters:
        if not throttle.hit(item, kind, key):
            allowed = False
    return Attempt(allowed, list(counters))
