"""Rate limits against a real Redis: two app instances (two hosts) sharing it share the counters.

Runs when RATELIMIT_TEST_REDIS_URL is set (e.g. redis://127.0.0.1:6379/1); skipped otherwise, unless
REQUIRE_REDIS=1 (CI), which makes a missing or unreachable Redis a failure. Each test counts under its
own key prefix and deletes its keys afterwards, so a shared Redis is left as it was found.
"""
import os
import secrets

import pytest
import redis

from mall import create_app
from mall.referral.models import Touch
from tests.conftest import IsolatedClient
from tests.factories import PASSWORD
from tests.integration.ratelimit_support import count, log_in
from tests.integration.referral_data import partner

REDIS_URL = os.environ.get("RATELIMIT_TEST_REDIS_URL")


@pytest.fixture()
def redis_url():
    if not REDIS_URL:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but RATELIMIT_TEST_REDIS_URL is not set")
        pytest.skip("set RATELIMIT_TEST_REDIS_URL=redis://127.0.0.1:6379/1 to run the limiter against Redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as err:  # set but unreachable is a broken setup, not a reason to skip
        pytest.fail(f"Redis at {REDIS_URL} is unreachable: {err}")
    return REDIS_URL


@pytest.fixture()
def hosts(app, db, redis_url):
    """Two app instances, as on two hosts, counting in the same Redis under a prefix of this test's own."""
    prefix = "mall-test-" + secrets.token_hex(4)
    config = {**app.config, "RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": prefix,
              "RATELIMIT_LOGIN_ACCOUNT": "3 per minute", "RATELIMIT_TOUCH": "4 per minute"}
    apps = (create_app(config), create_app(config))
    for each in apps:
        each.test_client_class = IsolatedClient
    yield apps
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def test_failed_logins_on_one_host_count_on_the_other(hosts, make, db):
    first, second = (each.test_client() for each in hosts)
    user = make.user()
    assert log_in(hosts[0].test_client(), user.login, password=PASSWORD).status_code == 302  # does not count
    assert [log_in(first, user.login).status_code for _ in range(2)] == [200, 200]
    assert log_in(second, user.login).status_code == 200  # the third failure, on the other host
    refused = log_in(second, user.login, password=PASSWORD)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert log_in(first, user.login, password=PASSWORD).status_code == 429


def test_touches_are_capped_across_hosts(hosts, make, db):
    first, second = (each.test_client() for each in hosts)
    brand = make.brand()
    product, sharer = make.product(brand), partner(make, brand)
    for client in (first, second, first, second, first, second):
        assert client.get(f"/p/{product.code}/{sharer.code}").status_code == 302
    assert count(db, Touch) == 4
