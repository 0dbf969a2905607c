"""Schemathesis against the served OpenAPI document: generated requests to every operation, in process.

No 5xx, and every response conforms to the document (status code, content type, body schema). Consumer and
partner operations run with a partner's personal token, brand operations with a brand key of the same brand.
"""
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integration.api_support import World, bearer, buy_and_pay

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture()
def world(app, client, make, db):
    original, app.config["RATELIMIT_API"] = app.config["RATELIMIT_API"], "100000 per minute"
    world = World(make, db.session)
    buy_and_pay(client, world)  # something to find: an order, shares, ledger entries
    yield world
    app.config["RATELIMIT_API"] = original


def test_api_conforms_to_its_document(app, world):
    """Each operation of the served document gets its own hypothesis run (schemathesis's pytest plugin is not
    used: it does not run under this pytest)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    statuses: Counter = Counter()
    for operation in operations:
        conforms(operation, world.brand_key if operation.path.startswith("/api/v1/brand") else world.sharer_token,
                 statuses)
    assert sum(statuses.values()) >= 5 * len(operations)
    assert sum(n for code, n in statuses.items() if code < 300) >= len(operations)  # not only refusals
    assert not [code for code in statuses if code >= 500]


def conforms(operation, token: str, statuses: Counter) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def generated(case):
        response = case.call_and_validate(headers=bearer(token), checks=CHECKS)
        statuses[response.status_code] += 1

    generated()
