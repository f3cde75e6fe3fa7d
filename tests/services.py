"""The external services some tests need, and the one way they skip, saying why, where one is absent."""
from __future__ import annotations

import pytest


def redis_or_skip(url: str, untested: str = ""):
    """A connection to the Redis at `url`, or skip the test naming the address, the error and what goes untested."""
    redis = pytest.importorskip("redis")
    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1)
        connection.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis does not answer at {url} ({exc})" + (f"; {untested} not tested" if untested else ""))
    return connection
