"""Ids no record can have (2^31 and more: beyond PostgreSQL's integer) are "not found", never a database error.

The routes are read from app.url_map, so a route added tomorrow with an <int:> variable is covered too.
"""
import re

import pytest
from sqlalchemy import func, select

from mall.accounts.models import Role
from mall.catalog.models import Sku
from mall.ids import MAX_ID, IdConverter, parse_id
from tests.conftest import csrf_from
from tests.integration.admin_support import EN

VARIABLE = re.compile(r"<(?:(\w+)(?:\((.*?)\))?:)?(\w+)>")
HUGE = ["2147483648", "18446744073709551616", "0"]


def int_routes(app):
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IdConverter) for c in rule._converters.values()):
            yield rule


def url_of(rule, number: str) -> str:
    """The rule's URL with every id set to `number` and other variables set to something plausible."""

    def replace(match):
        converter, args, variable = match.groups()
        if converter == "int":
            return number
        if converter == "any":
            return args.split(",")[0].strip().strip("'\"")
        return "ABC123"

    return VARIABLE.sub(replace, rule.rule)


def test_every_id_route_is_bounded_to_a_database_id(app):
    rules = list(int_routes(app))
    assert len(rules) >= 20  # the admin console names records by id in most of its URLs
    for rule in rules:
        bounds = {(c.min, c.max) for c in rule._converters.values() if isinstance(c, IdConverter)}
        assert bounds == {(1, MAX_ID)}, rule.rule


@pytest.mark.parametrize("role", [Role.PLATFORM_ADMIN, Role.BRAND_ADMIN])
@pytest.mark.parametrize("number", HUGE)
def test_impossible_ids_answer_404_on_every_route(app, client, make, login_as, role, number):
    brand = make.brand()
    login_as(make.user(role, brand=brand if role is Role.BRAND_ADMIN else None))
    token = csrf_from(client.get("/admin/orders", headers=EN).get_data(as_text=True))
    for rule in int_routes(app):
        url = url_of(rule, number)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None,
                                   headers=EN)
            assert response.status_code in (404, 405), f"{method} {url}: {response.status_code}"


@pytest.mark.parametrize("number", HUGE + ["-1", "1e9", "²"])
def test_a_platform_admin_choosing_an_impossible_brand_gets_404(client, make, login_as, number):
    login_as(make.user(Role.PLATFORM_ADMIN))
    for page in ("/admin/rules", "/admin/stores"):  # the pages where a platform admin picks a brand
        assert client.get(f"{page}?brand={number}", headers=EN).status_code == 404, page


@pytest.mark.parametrize("text, expected", [
    ("17", 17), (" 17 ", 17), ("2147483647", 2147483647), ("2147483648", None), ("0", None), ("-3", None),
    ("", None), (None, None), ("²", None), ("١٢", None), ("1.0", None), ("0x10", None),
])
def test_parse_id(text, expected):
    assert parse_id(text) == expected


def test_a_sku_row_naming_an_impossible_id_is_a_new_sku_not_a_database_error(client, make, login_as, db):
    brand = make.brand()
    login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    product = make.product(brand, skus=(("S", 1000, 1),))
    page = client.get(f"/admin/products/{product.id}", headers=EN).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "title": "Tea", "skus-0-id": "2147483648", "skus-0-name": "S",
            "skus-0-price": "10.00", "skus-0-stock": "1"}
    response = client.post(f"/admin/products/{product.id}", data=data, headers=EN)
    assert response.status_code in (200, 303)
    assert db.session.scalar(select(func.count()).select_from(Sku).where(Sku.product_id == product.id)) >= 1
