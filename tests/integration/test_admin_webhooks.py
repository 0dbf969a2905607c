"""The admin's webhooks and API keys pages: register, secrets shown once, refusals in words, replay, revoke."""
import pytest
from sqlalchemy import select

from mall.accounts.api_tokens import ApiToken
from mall.accounts.models import Role
from mall.clock import utcnow
from mall.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.integration.admin_support import EN, follow, post, text
from tests.integration.api_support import bearer


@pytest.fixture()
def admin(make, login_as):
    brand = make.brand()
    return login_as(make.user(Role.BRAND_ADMIN, brand=brand))


def test_register_an_endpoint_shows_its_secret_once(client, db, admin):
    response = post(client, "/admin/webhooks", {"url": "http://127.0.0.1:9999/hook",
                                                "topics": ["order.paid", "withdrawal.paid"]},
                    token_from="/admin/webhooks")
    page = response.get_data(as_text=True)
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    assert response.status_code == 200 and endpoint.secret in page
    assert (endpoint.brand_id, endpoint.topics) == (admin.brand_id, ["order.paid", "withdrawal.paid"])
    assert endpoint.secret not in client.get("/admin/webhooks", headers=EN).get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"url": "ftp://example.com/x", "topics": ["order.paid"]}, "Please enter an http:// or https:// address"),
    ({"url": "https://example.com/x"}, "Please choose at least one event."),
])
def test_refusals_in_words_and_nothing_saved(client, db, admin, data, message):
    response = post(client, "/admin/webhooks", data, token_from="/admin/webhooks")
    assert response.status_code == 422 and message in text(response.get_data(as_text=True))
    assert db.session.scalars(select(WebhookEndpoint)).first() is None


def test_replay_and_attempt_log(client, db, admin):
    post(client, "/admin/webhooks", {"url": "http://127.0.0.1:9/hook", "topics": ["order.paid"]},
         token_from="/admin/webhooks")
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    delivery = WebhookDelivery(endpoint_id=endpoint.id, brand_id=endpoint.brand_id, event_id="a" * 32,
                               topic="order.paid", payload={"order_id": 1}, sequence_key="order:1",
                               occurred_at=utcnow(), status="failed", attempts=150, next_attempt_at=utcnow())
    db.session.add(delivery)
    db.session.commit()
    page = follow(client, post(client, f"/admin/webhooks/deliveries/{delivery.id}/replay",
                               token_from="/admin/webhooks"))
    assert "The delivery will be sent again" in page
    db.session.refresh(delivery)
    assert (delivery.status, delivery.attempts) == ("pending", 0)


def test_switch_off_an_endpoint(client, db, admin):
    post(client, "/admin/webhooks", {"url": "http://127.0.0.1:9/hook", "topics": ["order.paid"]},
         token_from="/admin/webhooks")
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    follow(client, post(client, f"/admin/webhooks/{endpoint.id}/disable", token_from="/admin/webhooks"))
    db.session.refresh(endpoint)
    assert endpoint.active is False


def test_api_key_created_with_scopes_shown_once_and_revoked(client, db, admin):
    response = post(client, "/admin/api-keys", {"name": "Data platform", "scopes": ["read"]},
                    token_from="/admin/api-keys")
    page = response.get_data(as_text=True)
    secret = page.split('<code class="secret">', 1)[1].split("<", 1)[0]
    assert secret.startswith("mall_key_")
    key = db.session.scalars(select(ApiToken)).one()
    assert (key.kind, key.brand_id, key.scopes) == ("brand", admin.brand_id, "read")
    assert client.get("/api/v1/brand/products", headers=bearer(secret)).status_code == 200
    assert secret not in client.get("/admin/api-keys", headers=EN).get_data(as_text=True)
    follow(client, post(client, f"/admin/api-keys/{key.id}/revoke", token_from="/admin/api-keys"))
    assert client.get("/api/v1/brand/products", headers=bearer(secret)).status_code == 401


def test_platform_admin_chooses_the_brand_first(client, db, make, login_as):
    brand = make.brand(name="Chosen Teas")
    login_as(make.user(Role.PLATFORM_ADMIN))
    for page in ("/admin/webhooks", "/admin/api-keys"):
        choose = client.get(page, headers=EN).get_data(as_text=True)
        assert "Choose a brand" in choose and f"?brand={brand.id}" in choose
    created = post(client, f"/admin/api-keys?brand={brand.id}", {"name": "Platform-made", "scopes": ["read"]},
                   token_from=f"/admin/api-keys?brand={brand.id}")
    assert created.status_code == 200
    assert db.session.scalars(select(ApiToken)).one().brand_id == brand.id
