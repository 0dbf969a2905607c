"""Settings that depend on each other, resolved and checked once by create_app.

Development fills in what a laptop needs (dev secrets, the mock provider, http://127.0.0.1:5000).
Production fills in nothing secret: it refuses to start without its own secrets and public address,
so a forgotten variable is a failed deploy, not a mall signing cookies with a key from the repository.
Pure: works on the config mapping, reads no environment and no request.
"""
from collections.abc import MutableMapping
from urllib.parse import urlsplit

ENVIRONMENTS = ("development", "production")
DEV_PUBLIC_BASE_URL = "http://127.0.0.1:5000"  # what `make run` serves
DEV_SECRETS = {"SECRET_KEY": "dev-only-change-me", "PAYMENT_WEBHOOK_SECRET": "dev-webhook-secret"}
# Every secret this repository publishes (dev and test values): a key anyone can read signs nothing.
PUBLISHED_SECRETS = frozenset({*DEV_SECRETS.values(), "test-secret", "test-webhook-secret"})
# Only on a developer's own machine: the names a local browser uses for the dev server.
DEV_HOSTS = ("127.0.0.1", "localhost")
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "PAYMENT_WEBHOOK_SECRET", "PUBLIC_BASE_URL")


class ConfigError(RuntimeError):
    """The configuration is unsafe or inconsistent; the message names the variables to fix."""


def resolve(config: MutableMapping) -> None:
    """Fill in development defaults or refuse production without its secrets; derive TRUSTED_HOSTS."""
    env = config.get("MALL_ENV") or "development"
    if env not in ENVIRONMENTS:  # a typo such as "prod" must not quietly mean "development"
        raise ConfigError(f"MALL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    config["MALL_ENV"] = env
    if env == "production":
        _check_production(config)
        config["PAYMENT_PROVIDER"] = config.get("PAYMENT_PROVIDER") or ""
        config["SMS_PROVIDER"] = config.get("SMS_PROVIDER") or ""
    else:
        for name, value in DEV_SECRETS.items():
            config[name] = config.get(name) or value
        config["PUBLIC_BASE_URL"] = config.get("PUBLIC_BASE_URL") or DEV_PUBLIC_BASE_URL
        config["PAYMENT_PROVIDER"] = config.get("PAYMENT_PROVIDER") or "mock"
        config["SMS_PROVIDER"] = config.get("SMS_PROVIDER") or "mock"
    config["PUBLIC_BASE_URL"] = base_url(config["PUBLIC_BASE_URL"], "PUBLIC_BASE_URL")
    if config.get("PAYMENT_NOTIFY_BASE_URL"):
        config["PAYMENT_NOTIFY_BASE_URL"] = base_url(config["PAYMENT_NOTIFY_BASE_URL"], "PAYMENT_NOTIFY_BASE_URL")
    bases = [config["PUBLIC_BASE_URL"], config.get("PAYMENT_NOTIFY_BASE_URL")]
    config["TRUSTED_HOSTS"] = trusted_hosts(bases, config.get("ALLOWED_HOSTS") or (), development=env == "development")


def _check_production(config) -> None:
    missing = [name for name in REQUIRED_IN_PRODUCTION if not config.get(name)]
    published = [name for name in DEV_SECRETS if config.get(name) in PUBLISHED_SECRETS]
    problems = []
    if missing:
        problems.append("missing " + ", ".join(missing))
    if published:
        problems.append("development values not allowed for " + ", ".join(published))
    if problems:
        raise ConfigError("MALL_ENV=production refuses to start: " + "; ".join(problems)
                          + ". Set them in the environment (see README, Production).")


def base_url(value: str, name: str) -> str:
    """An absolute http(s) URL with a host and no query or fragment, without its trailing slash."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or parts.username is not None:
        raise ConfigError(f"{name} must be an absolute http(s) URL such as https://mall.example.com, not {value!r}")
    return value.strip().rstrip("/")


def trusted_hosts(base_urls, allowed, *, development: bool) -> list[str]:
    """Host names Flask accepts in the Host header (werkzeug answers any other with a 400).

    The hosts of our own base URLs (public, and the provider's callback base) are always among them.
    """
    if isinstance(allowed, str):  # as the environment spells it: "a.example.com,b.example.com"
        allowed = allowed.split(",")
    hosts = [urlsplit(url).hostname for url in base_urls if url]
    hosts += [h.strip().lower() for h in allowed if h.strip()]
    if development:
        hosts += DEV_HOSTS
    return list(dict.fromkeys(hosts))
