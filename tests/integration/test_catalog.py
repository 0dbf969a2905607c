"""Home and brand pages: only published products, newest first, paginated, no N+1 queries."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from mall.clock import utcnow

EN = {"Accept-Language": "en"}


def get(client, url):
    response = client.get(url, headers=EN)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_home_lists_published_products_of_all_brands_newest_first(client, make):
    tea, skin = make.brand("Cloud Tea", slug="cloud-tea"), make.brand("Clear Skin", slug="clear-skin")
    old = make.product(tea, title="Old Oolong", created_at=utcnow() - timedelta(days=2))
    new = make.product(skin, title="New Serum", created_at=utcnow() - timedelta(hours=1))
    make.product(tea, title="Hidden Draft", published=False)
    html = get(client, "/")
    assert "Old Oolong" in html and "New Serum" in html
    assert "Hidden Draft" not in html
    assert html.index("New Serum") < html.index("Old Oolong")
    assert f'href="/p/{old.code}"' in html and f'href="/p/{new.code}"' in html
    assert 'href="/b/cloud-tea"' in html and 'href="/b/clear-skin"' in html  # brand chips


def test_home_tile_shows_from_price_promo_and_sold_out(client, make):
    make.product(title="Promo Tea", skus=(("S", 9900, 5), ("L", 19900, 5)), promo=(7900, timedelta(days=1)))
    make.product(title="Gone Tea", skus=(("S", 5000, 0),))
    html = get(client, "/")
    assert '<span class="price">¥79.00</span> <s class="was">¥99.00</s>' in html
    assert "Limited time" in html
    assert "Sold out" in html


def test_home_is_paginated(client, make):
    brand = make.brand()
    for i in range(23):
        make.product(brand, title=f"Tea number {i:02d}", created_at=utcnow() - timedelta(minutes=i))
    first = get(client, "/")
    assert first.count('class="tile"') == 20
    assert "Tea number 00" in first and "Tea number 22" not in first
    assert 'rel="next" href="/?page=2"' in first and "Page 1 of 2" in first
    second = get(client, "/?page=2")
    assert second.count('class="tile"') == 3 and "Tea number 22" in second
    assert 'rel="prev"' in second


@pytest.mark.parametrize("page", ["0", "-3", "abc", "99999999999999999999999", "5000"])
def test_odd_page_numbers_never_fail(client, make, page):
    make.product(title="Only Tea")
    response = client.get(f"/?page={page}", headers=EN)
    assert response.status_code == 200


def test_home_without_products_says_so(client, db):
    assert "No products here yet." in get(client, "/")


def test_home_query_count_does_not_grow_with_products(client, make, db):
    brand = make.brand()
    make.product(brand)

    def statements():
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            get(client, "/")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = statements()
    for _ in range(8):
        make.product(make.brand(), skus=(("A", 100, 1), ("B", 200, 2)))
    assert statements() == few


def test_brand_page_shows_brand_stores_and_only_its_published_products(client, make):
    tea = make.brand("Cloud Tea", slug="cloud-tea", description="Teas from the mountains")
    other = make.brand("Other Brand")
    make.store(tea, name="Jing'an Store", address="1266 West Nanjing Road")
    make.product(tea, title="Dragon Well")
    make.product(tea, title="Unreleased Tea", published=False)
    make.product(other, title="Foreign Serum")
    html = get(client, "/b/cloud-tea")
    assert "<h1>Cloud Tea</h1>" in html and "Teas from the mountains" in html
    assert "Jing&#39;an Store" in html and "1266 West Nanjing Road" in html
    assert "Dragon Well" in html
    assert "Unreleased Tea" not in html and "Foreign Serum" not in html


def test_brand_slug_is_case_insensitive_and_unknown_brand_is_404(client, make):
    make.brand("Cloud Tea", slug="cloud-tea")
    assert "Cloud Tea" in get(client, "/b/Cloud-Tea")
    response = client.get("/b/no-such-brand", headers=EN)
    assert response.status_code == 404
    assert "could not find" in response.get_data(as_text=True)


def test_brand_names_are_escaped(client, make):
    make.brand('<img src=x onerror="alert(1)">', slug="evil")
    html = get(client, "/b/evil")
    assert "<img src=x" not in html and "&lt;img src=x" in html
