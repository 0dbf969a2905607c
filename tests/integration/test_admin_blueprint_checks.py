"""The admin console's access check runs once per request, from the blueprints, not from each view.

Every admin blueprint runs mall.admin.access.require_brand_admin (registered on the "admin" blueprint, whose
before_request Flask runs for all the blueprints nested in it), exactly once. A view added to an area that
calls nothing at all is still closed to guests and to every role but the admins; one added to the brands
area is closed to brand admins too. The authorization walk checks every route the app has; this checks the
mechanism with a route the app does not have.
"""
import pytest

from mall import create_app
from mall.accounts.models import Role
from mall.admin.access import admin_brand_id, require_brand_admin
from mall.config import TestConfig
from mall.extensions import db as _db
from tests.conftest import IsolatedClient, csrf_from
from tests.factories import PASSWORD
from tests.integration.admin_support import EN, checks_of, platform_only


def admin_blueprints(app) -> list[str]:
    return [name for name in app.blueprints if name == "admin" or name.startswith("admin.")]


def test_every_admin_blueprint_and_route_runs_the_brand_admin_check_once(app):
    areas = admin_blueprints(app)
    assert len(areas) >= 11, areas  # the console and its ten areas, when this was written
    for name in areas:
        assert checks_of(app, f"{name}.any_view").count(require_brand_admin) == 1, name
    endpoints = [rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]
    assert endpoints
    for endpoint in endpoints:
        assert checks_of(app, endpoint).count(require_brand_admin) == 1, endpoint


def test_the_brand_pages_are_the_platform_s_alone(app):
    brands = [rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.brands.")]
    assert brands and all(platform_only(app, endpoint) for endpoint in brands)
    assert not platform_only(app, "admin.orders.index")


def test_the_brand_is_not_read_where_nobody_checked_who_is_asking(app):
    with app.test_request_context("/"), pytest.raises(RuntimeError):
        admin_brand_id()


def _says_which_brand():
    """A view as a careless change would add it: no decorator, no check, it just shows what it has."""
    return f"brand {admin_brand_id()}"


@pytest.fixture()
def throwaway(app, db):
    """An app of its own (routes cannot be added once one has served), on the same database, with one view
    added in the products area and one in the brands area."""
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    fresh = create_app({**config, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    fresh.add_url_rule("/admin/products/throwaway", endpoint="admin.products.throwaway", view_func=_says_which_brand)
    fresh.add_url_rule("/admin/brands/throwaway", endpoint="admin.brands.throwaway", view_func=_says_which_brand)
    fresh.test_client_class = IsolatedClient
    yield fresh
    with fresh.app_context():
        _db.engine.dispose()


def _client_as(app, user=None):
    client = app.test_client()
    if user is not None:
        token = csrf_from(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"login": user.login, "password": PASSWORD, "csrf_token": token})
        assert response.status_code in (302, 303)
    return client


def test_a_view_added_without_a_check_sends_guests_to_log_in(throwaway):
    client = _client_as(throwaway)
    for url in ("/admin/products/throwaway", "/admin/brands/throwaway"):
        response = client.get(url, headers=EN)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
        # As under @login_required: OPTIONS gets Flask's own answer, which runs no view.
        assert client.options(url).status_code == 200, url


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.PARTNER, Role.GUIDE, Role.STORE_MANAGER])
def test_a_view_added_without_a_check_refuses_everyone_but_admins(throwaway, make, role):
    staff = {"store": make.store(make.brand())} if role in (Role.GUIDE, Role.STORE_MANAGER) else {}
    client = _client_as(throwaway, make.user(role, **staff))
    for url in ("/admin/products/throwaway", "/admin/brands/throwaway"):
        assert client.get(url, headers=EN).status_code == 403, url


def test_a_view_added_without_a_check_knows_the_admin_s_brand(throwaway, make):
    brand = make.brand()
    client = _client_as(throwaway, make.user(Role.BRAND_ADMIN, brand=brand))
    response = client.get("/admin/products/throwaway", headers=EN)
    assert response.status_code == 200 and response.get_data(as_text=True) == f"brand {brand.id}"
    assert client.get("/admin/brands/throwaway", headers=EN).status_code == 403  # the platform's area


def test_a_view_added_without_a_check_opens_for_a_platform_admin(throwaway, make):
    client = _client_as(throwaway, make.user(Role.PLATFORM_ADMIN))
    for url in ("/admin/products/throwaway", "/admin/brands/throwaway"):
        response = client.get(url, headers=EN)
        assert response.status_code == 200 and response.get_data(as_text=True) == "brand None", url
