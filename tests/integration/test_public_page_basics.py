"""Issue 16, what Lighthouse found: every public page has one meta description and a favicon, and the
favicon.ico browsers ask for anyway is found (a 404 there is a console error on every page)."""
import re

import pytest

EN = {"Accept-Language": "en"}


@pytest.fixture()
def pages(make, db):
    brand = make.brand(description="Tea from Yunnan's mountains.")
    product = make.product(brand, title="Jasmine Tea", description="Spring picking.")
    return {"home": "/", "brand": f"/b/{brand.slug}", "product": f"/p/{product.code}", "look-up": "/orders/find"}


def test_every_public_page_has_one_description_and_a_favicon(client, pages):
    for name, path in pages.items():
        html = client.get(path, headers=EN).get_data(as_text=True)
        descriptions = re.findall(r'<meta name="description" content="([^"]*)"', html)
        assert len(descriptions) == 1 and descriptions[0].strip(), name
        assert '<link rel="icon" href="/static/favicon.svg"' in html, name
    assert "Spring picking." in client.get(pages["product"]).get_data(as_text=True)
    assert "Tea from Yunnan" in client.get(pages["brand"]).get_data(as_text=True)


def test_favicon_ico_leads_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith("/static/favicon.svg")
    assert client.get("/static/favicon.svg").status_code == 200
