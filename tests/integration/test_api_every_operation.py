"""Every operation, read from the registry the routes are made from: refused without a token, refused with the
wrong kind of token, and (where it takes a body) refusing an unknown field by name, changing nothing."""
import re

import pytest

from mall.api import brand, brand_catalog, consumer, live, partner, sharing  # noqa: F401  (register when imported)
from mall.api.auth import BRAND, PUBLIC
from mall.api.operations import OPERATIONS
from tests.integration.api_support import World, bearer

GUARDED = [op for op in OPERATIONS if op.audience != PUBLIC]


def url_of(op, world) -> str:
    values = {"code": world.product.code, "number": "NOPE", "brand": world.brand.slug, "charge_id": "ch_x"}
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else values[m.group(2)], op.rule)


@pytest.fixture()
def world(make, db):
    return World(make, db.session)


def call(client, op, world, token=None, **kw):
    headers = bearer(token) if token else {}
    return client.open(url_of(op, world), method=op.method, headers=headers, **kw)


@pytest.mark.parametrize("op", GUARDED, ids=lambda op: f"{op.method} {op.rule}")
def test_without_a_token(client, world, op):
    response = call(client, op, world, json={} if op.body else None)
    assert response.status_code == 401
    assert response.get_json()["type"] == "urn:mall:problem:unauthenticated"


@pytest.mark.parametrize("op", GUARDED, ids=lambda op: f"{op.method} {op.rule}")
def test_with_the_wrong_kind_of_token(client, world, op):
    wrong = world.buyer_token if op.audience == BRAND else world.brand_key
    response = call(client, op, world, wrong, json={} if op.body else None)
    assert response.status_code == 403
    assert response.get_json()["type"] == "urn:mall:problem:forbidden"


@pytest.mark.parametrize("op", [op for op in GUARDED if op.body], ids=lambda op: f"{op.method} {op.rule}")
def test_an_unknown_field_is_named(client, world, op):
    token = world.brand_key if op.audience == BRAND else world.sharer_token
    response = call(client, op, world, token, json={"surprise": 1})
    assert response.status_code == 422
    assert {"field": "surprise", "message": "Unknown field."} in response.get_json()["errors"]
