"""Shared steps of the media tests: another app instance (another host) on the test database, signing in and
uploading through the admin page."""
import contextlib
import io
import secrets

import pytest

from mall import create_app
from mall.config import TestConfig
from mall.extensions import db as _db
from mall.extensions import talisman
from tests.conftest import IsolatedClient, csrf_from
from tests.factories import PASSWORD
from tests.integration.admin_support import EN

PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def unique_png() -> bytes:
    """Bytes no other test uploads: the stores outlive a test, and dedup would hide a second copy."""
    return PNG_HEAD + secrets.token_bytes(48)


@contextlib.contextmanager
def other_app(app, instance: str, **config):
    """An app as another host would run it: the same database, its own instance folder, its own config."""
    # Talisman is one object for the whole process: another app's init_app would reconfigure the test app's
    # headers too, so its settings are put back afterwards.
    talisman_settings = dict(vars(talisman))
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("MALL_INSTANCE_PATH", instance)
            other = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **config})
        other.test_client_class = IsolatedClient
        try:
            yield other
        finally:
            with other.app_context():
                _db.engine.dispose()  # PostgreSQL counts every pooled connection of every app made here
    finally:
        vars(talisman).update(talisman_settings)


def log_in(client, user) -> None:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"login": user.login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code in (302, 303)


def upload(client, product, data: bytes, filename: str = "photo.png"):
    url = f"/admin/products/{product.id}"
    token = csrf_from(client.get(url, headers=EN).get_data(as_text=True))
    return client.post(url + "/images", data={"csrf_token": token, "image": (io.BytesIO(data), filename, "image/png")},
                       content_type="multipart/form-data", headers=EN)
