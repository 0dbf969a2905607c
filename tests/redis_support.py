"""Tests against a real Redis: reachable or skipped (a failure under REQUIRE_REDIS=1, as in CI), and cleaned up."""
import os

import pytest
import redis


def require_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as err:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis at {url} is unreachable: {err}")
        pytest.skip(f"no Redis at {url}")


def drop_keys(url: str, pattern: str) -> None:
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(pattern):
        client.delete(key)
