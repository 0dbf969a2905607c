"""A live mall on a free loopback port and Debian's Chromium driven by Playwright.

The live server is a second app on the same test database, with payment callbacks delivered over
HTTP by a background thread, exactly as in production.
"""
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from mall import create_app

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[2] / "test-results"
# Chromium's own background traffic is refused by closed networks; these flags keep it quiet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def live_server(app, db):
    live = create_app({**app.config, "MOCK_PAY_DELIVERY": "http", "SERVER_NAME": None})
    server = make_server("127.0.0.1", 0, live, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    # Known once the port is bound; URLs are built per request, so setting it now is in time. The
    # browser and the callback thread both reach the mall at this one address, as in production.
    live.config.update(PUBLIC_BASE_URL=base, TRUSTED_HOSTS=["127.0.0.1"])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=5)


def open_phone(browser, locale: str = "zh-CN"):
    """A phone-sized browser context (390x844, touch): one person's phone, with its own cookies."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale=locale)
    context.set_default_timeout(15_000)
    return context


@pytest.fixture()
def phone(browser):
    context = open_phone(browser)
    yield context
    context.close()


@pytest.fixture()
def screenshot_path():
    OUTPUT.mkdir(exist_ok=True)
    return lambda name: str(OUTPUT / f"{name}.png")
