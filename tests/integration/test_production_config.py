"""Production (MALL_ENV=production, set by gunicorn.conf.py) never starts on dev secrets or with the mock bank."""
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mall import create_app
from mall.orders.models import Order
from mall.startup import ConfigError
from tests.conftest import IsolatedClient, csrf_from

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "https://shop.example.cn"
SECRETS = {"SECRET_KEY": "prod-" + "k" * 40, "PAYMENT_WEBHOOK_SECRET": "prod-" + "w" * 40}


def production_app(app, **overrides):
    """A second app on the test database, configured as production."""
    prod = create_app({**app.config, "MALL_ENV": "production", **SECRETS, "PUBLIC_BASE_URL": PUBLIC,
                       "ALLOWED_HOSTS": (), "PAYMENT_PROVIDER": None, "TESTING": False, **overrides})
    prod.test_client_class = IsolatedClient  # the test's session commits before each request
    return prod


def test_production_refuses_to_start_without_secrets_and_public_address(app):
    with pytest.raises(ConfigError) as err:
        create_app({**app.config, "MALL_ENV": "production", "SECRET_KEY": None, "PAYMENT_WEBHOOK_SECRET": None,
                    "PUBLIC_BASE_URL": None})
    for name in ("SECRET_KEY", "PAYMENT_WEBHOOK_SECRET", "PUBLIC_BASE_URL"):
        assert name in str(err.value)


def test_production_refuses_the_dev_secrets_even_when_set_literally(app):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        production_app(app, SECRET_KEY="dev-only-change-me")
    with pytest.raises(ConfigError, match="PAYMENT_WEBHOOK_SECRET"):
        production_app(app, PAYMENT_WEBHOOK_SECRET="dev-webhook-secret")


def test_the_environment_alone_decides_a_process_started_for_production_refuses_to_boot(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PAYMENT_WEBHOOK_SECRET", "PUBLIC_BASE_URL")}
    env.update(MALL_ENV="production", MALL_INSTANCE_PATH=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    result = subprocess.run([sys.executable, "-c", "import app"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert "ConfigError" in result.stderr and "SECRET_KEY, PAYMENT_WEBHOOK_SECRET, PUBLIC_BASE_URL" in result.stderr


def test_gunicorn_conf_sets_production_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("MALL_ENV", raising=False)
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert os.environ["MALL_ENV"] == "production"
    monkeypatch.setenv("MALL_ENV", "development")
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert os.environ["MALL_ENV"] == "development"


def test_in_production_the_mock_bank_is_off_and_checkout_says_payment_is_unavailable(app, db, make):
    prod = production_app(app)
    assert "mockpay.pay" not in prod.view_functions
    product = make.product(title="Jasmine Tea", skus=(("250g", 12800, 5),))
    client = prod.test_client()
    assert client.get("/mockpay/ch_anything", base_url=PUBLIC).status_code == 404
    assert client.post("/payments/mock/notify", data=b"{}", base_url=PUBLIC).status_code == 404
    html = client.get(f"/p/{product.code}", headers={"Accept-Language": "en"}, base_url=PUBLIC).get_data(as_text=True)
    key = html.split('name="idempotency_key" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": csrf_from(html), "idempotency_key": key, "sku_id": str(product.skus[0].id),
            "quantity": "1", "contact_name": "王小明", "contact_phone": "13800138000", "delivery": "ship",
            "address": "上海市静安区南京西路 1 号", "note": ""}
    headers = {"Accept-Language": "en", "Referer": f"{PUBLIC}/p/{product.code}"}  # CSRF over HTTPS checks it
    response = client.post(f"/p/{product.code}/buy", data=data, headers=headers, base_url=PUBLIC)
    assert response.status_code == 422
    assert "Online payment is not available" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0  # no stock held for it
    assert client.get("/", base_url="http://127.0.0.1:8000").status_code == 400  # no loopback in production


def test_in_production_the_mock_bank_can_be_enabled_on_purpose(app, db):
    prod = production_app(app, PAYMENT_PROVIDER="mock")
    assert "mockpay.pay" in prod.view_functions
    assert prod.test_client().post("/payments/mock/notify", data=b"{}", base_url=PUBLIC).status_code == 400


def test_paying_an_open_order_without_a_provider_explains_instead_of_failing(app, db, make):
    from tests.integration.payment_support import pending_order

    prod = production_app(app)
    order = pending_order(make, db.session)
    client = prod.test_client()
    page = client.get(f"/o/{order.token}", headers={"Accept-Language": "en"}, base_url=PUBLIC).get_data(as_text=True)
    headers = {"Accept-Language": "en", "Referer": f"{PUBLIC}/o/{order.token}"}
    response = client.post(f"/o/{order.token}/pay", data={"csrf_token": csrf_from(page)}, headers=headers,
                           base_url=PUBLIC, follow_redirects=True)
    assert response.status_code == 200
    assert "Online payment is not available" in response.get_data(as_text=True)
