"""mall.startup.resolve: development fills in laptop defaults; production refuses to start without its own."""
import pytest

from mall.startup import DEV_SECRETS, ConfigError, resolve

PRODUCTION = {"MALL_ENV": "production", "SECRET_KEY": "k" * 40, "PAYMENT_WEBHOOK_SECRET": "w" * 40,
              "PUBLIC_BASE_URL": "https://shop.example.cn/"}


def resolved(**config) -> dict:
    resolve(config)
    return config


def test_development_runs_with_no_setup_on_the_make_run_address():
    config = resolved(MALL_ENV=None, SECRET_KEY=None, PAYMENT_WEBHOOK_SECRET=None, PUBLIC_BASE_URL=None,
                      PAYMENT_PROVIDER=None, ALLOWED_HOSTS=())
    assert config["MALL_ENV"] == "development"
    assert config["SECRET_KEY"] == DEV_SECRETS["SECRET_KEY"]
    assert config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    assert config["PAYMENT_PROVIDER"] == "mock"
    assert config["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_production_names_every_missing_variable():
    with pytest.raises(ConfigError) as err:
        resolved(MALL_ENV="production")
    assert "SECRET_KEY" in str(err.value) and "PAYMENT_WEBHOOK_SECRET" in str(err.value)
    assert "PUBLIC_BASE_URL" in str(err.value)


@pytest.mark.parametrize("name, value", [("SECRET_KEY", "dev-only-change-me"), ("SECRET_KEY", "test-secret"),
                                         ("PAYMENT_WEBHOOK_SECRET", "dev-webhook-secret")])
def test_production_refuses_the_published_dev_values_set_literally(name, value):
    with pytest.raises(ConfigError, match=name):
        resolved(**{**PRODUCTION, name: value})


def test_production_trusts_only_its_own_hosts_and_has_no_provider_unless_named():
    config = resolved(**PRODUCTION, ALLOWED_HOSTS="www.example.cn, .cdn.example.cn")
    assert config["PUBLIC_BASE_URL"] == "https://shop.example.cn"
    assert config["TRUSTED_HOSTS"] == ["shop.example.cn", "www.example.cn", ".cdn.example.cn"]
    assert config["PAYMENT_PROVIDER"] == ""
    assert resolved(**PRODUCTION, PAYMENT_PROVIDER="mock")["PAYMENT_PROVIDER"] == "mock"


@pytest.mark.parametrize("url", ["shop.example.cn", "ftp://shop.example.cn", "https://", "https://a.cn/?x=1",
                                 "https://user@a.cn"])
def test_a_public_base_url_that_is_not_an_absolute_http_url_is_refused(url):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        resolved(**{**PRODUCTION, "PUBLIC_BASE_URL": url})


def test_a_misspelt_environment_is_refused_rather_than_taken_for_development():
    with pytest.raises(ConfigError, match="MALL_ENV"):
        resolved(**{**PRODUCTION, "MALL_ENV": "prod"})


def test_the_callback_base_host_is_trusted_so_the_provider_is_not_refused():
    config = resolved(**PRODUCTION, PAYMENT_NOTIFY_BASE_URL="http://mall-internal:8000/")
    assert config["PAYMENT_NOTIFY_BASE_URL"] == "http://mall-internal:8000"
    assert config["TRUSTED_HOSTS"] == ["shop.example.cn", "mall-internal"]
