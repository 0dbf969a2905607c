"""The mock provider delivers callbacks over http(s) only: a stored notify URL can never make it open a file."""
import pytest

from mall import create_app
from mall.config import TestConfig
from mall.payments.mock.delivery import DeliveryFailed, _send


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x", "/payments/mock/notify"])
def test_other_schemes_are_refused(url):
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "MOCK_PAY_DELIVERY": "http", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(DeliveryFailed):
        _send(app, url, b"{}")
