"""Partner API: memberships, profile with links, balances, ledger by cursor, orders with shares, team, withdrawals."""
import pytest
from sqlalchemy import func, select

from mall.commission.models import Withdrawal
from mall.jobs.settle import settle_due
from tests.integration import dashboard_data as data
from tests.integration.api_support import World, bearer, buy_and_pay, personal_token
from tests.integration.commission_support import T0, days


@pytest.fixture()
def world(make, db):
    return World(make, db.session)


def get(client, world, path, token=None, **kw):
    return client.get(f"/api/v1/partner/brands/{world.brand.slug}{path}", headers=bearer(token or world.sharer_token),
                      **kw)


def test_memberships_and_profile(client, world):
    memberships = client.get("/api/v1/partner/memberships", headers=bearer(world.sharer_token)).get_json()
    assert [(m["brand"], m["code"]) for m in memberships] == [(world.brand.slug, world.sharer.code)]
    profile = get(client, world, "", query_string={"product_code": world.product.code}).get_json()
    assert profile["inviter_code"] == world.books.upline.code
    links = {link["key"]: link for link in profile["links"]}
    assert links[f"p-{world.product.code}"]["url"] == f"http://localhost/p/{world.product.code}/{world.sharer.code}"
    assert links["home"]["qr_url"].startswith("http://localhost/qr.png?u=")


def test_a_consumer_is_no_partner_of_the_brand(client, world):
    response = get(client, world, "/balances", token=world.buyer_token)
    assert response.status_code == 404 and response.get_json()["type"] == "urn:mall:problem:not-found"


def test_another_brands_partner_sees_nothing_of_this_brand(client, make, db, world):
    other = World(make, db.session)
    response = client.get(f"/api/v1/partner/brands/{world.brand.slug}/ledger", headers=bearer(other.sharer_token))
    assert response.status_code == 404


def test_balances_and_orders_after_a_referred_purchase(client, world):
    number = buy_and_pay(client, world)
    assert get(client, world, "/balances").get_json()["pending"] == 1000
    orders = get(client, world, "/orders").get_json()
    card = orders["items"][0]
    assert (card["number"], card["commission_fen"], card["customer_phone"]) == (number, 1000, "138****8000")
    assert card["lines"][0]["shares"] == [{"role": "level1", "ratio_bp": 1000, "amount_fen": 1000,
                                           "reversed_fen": 0, "status": "pending"}]
    upline = get(client, world, "/balances", token=personal_token(world.session, world.session.get(
        type(world.buyer), world.books.upline.user_id)))
    assert upline.get_json()["pending"] == 500


def test_ledger_cursor_pages_and_resumes(client, world):
    buy_and_pay(client, world)
    buy_and_pay(client, world)
    first = get(client, world, "/ledger", query_string={"limit": 1}).get_json()
    assert len(first["items"]) == 1 and first["has_more"] is True
    rest = get(client, world, "/ledger", query_string={"cursor": first["next_cursor"], "limit": 50}).get_json()
    assert [e["amount_fen"] for e in first["items"] + rest["items"]] == [1000, 1000]
    assert rest["has_more"] is False
    empty = get(client, world, "/ledger", query_string={"cursor": rest["next_cursor"]}).get_json()
    assert empty == {"items": [], "next_cursor": rest["next_cursor"], "has_more": False}


@pytest.mark.parametrize("cursor", ["abc", "-1", str(2**31)])
def test_ledger_cursor_is_validated(client, world, cursor):
    response = get(client, world, "/ledger", query_string={"cursor": cursor, "limit": 0})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"cursor", "limit"}


def test_team_lists_the_downline(client, world):
    upline_user = world.session.get(type(world.buyer), world.books.upline.user_id)
    team = get(client, world, "/team", token=personal_token(world.session, upline_user)).get_json()
    assert [(m["level"], m["status"]) for m in team] == [(1, "active")]


@pytest.fixture()
def available(client, db, world):
    """The sharer with ¥10.00 available: a referred purchase, completed and settled."""
    from mall.orders.models import Order, OrderStatus

    number = buy_and_pay(client, world)
    order = db.session.scalars(select(Order).where(Order.number == number)).one()
    order.status, order.completed_at = OrderStatus.COMPLETED, T0
    db.session.commit()
    settle_due(db.session, now=T0 + days(30))
    assert world.books.balances()["available"] == 1000
    return world


def withdraw(client, world, amount, idem):
    return client.post(f"/api/v1/partner/brands/{world.brand.slug}/withdrawals", json={"amount_fen": amount},
                       headers=bearer(world.sharer_token, **{"Idempotency-Key": idem}))


def test_withdrawal_with_idempotency_key(client, db, available):
    first = withdraw(client, available, 600, "withdraw-0001")
    again = withdraw(client, available, 600, "withdraw-0001")
    assert first.status_code == again.status_code == 201 and first.get_json() == again.get_json()
    assert db.session.scalar(select(func.count()).select_from(Withdrawal)) == 1
    assert available.books.balances()["withdrawing"] == 600
    other = withdraw(client, available, 300, "withdraw-0001")
    assert other.status_code == 422 and other.get_json()["type"] == "urn:mall:problem:idempotency-key-reused"
    listed = get(client, available, "/withdrawals").get_json()
    assert [(w["amount_fen"], w["status"]) for w in listed] == [(600, "requested")]


def test_withdrawal_above_available_is_refused(client, db, available):
    response = withdraw(client, available, 5000, "withdraw-0002")
    assert response.status_code == 422 and response.get_json()["type"] == "urn:mall:problem:refused"
    assert db.session.scalar(select(func.count()).select_from(Withdrawal)) == 0


def test_withdrawal_validation(client, available):
    response = withdraw(client, available, "10", "withdraw-0003")
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "amount_fen"


def test_a_product_link_carries_a_poster_url_that_serves_the_partners_poster(client, world):
    from io import BytesIO

    from PIL import Image

    from tests.integration.sharing_support import qr_texts

    profile = get(client, world, "", query_string={"product_code": world.product.code}).get_json()
    links = {link["key"]: link for link in profile["links"]}
    assert links["home"]["poster_url"] is None
    url = links[f"p-{world.product.code}"]["poster_url"]
    assert url == f"http://localhost/api/v1/partner/brands/{world.brand.slug}/posters/products/{world.product.code}"
    poster = client.get(url.removeprefix("http://localhost"), headers=bearer(world.sharer_token))
    assert poster.status_code == 200 and poster.mimetype == "image/png"
    assert Image.open(BytesIO(poster.data)).width == 750
    assert qr_texts(poster.data) == [f"http://localhost/p/{world.product.code}/{world.sharer.code}"]
    assert client.get(url.removeprefix("http://localhost")).status_code == 401  # the token, never a cookie
    other = get(client, world, "/posters/products/NOSUCH1")
    assert other.status_code == 404 and other.mimetype == "application/problem+json"


def test_orders_page_by_keyset_cursor_newest_first_without_gaps_or_repeats(client, world, db):
    # Ties on the order's time straddle the page boundary (20 a page): the id breaks them.
    made = []
    for n in range(45):
        row = data.order(db.session, world.product, created_at=T0 - days(n // 4))
        data.attribution(db.session, row, sharer=world.sharer)
        data.share(db.session, row.lines[0], "level1", partner=world.sharer)
        made.append((row.created_at, row.id, row.number))
    expected = [number for _at, _id, number in sorted(made, reverse=True)]
    seen, sizes, after = [], [], None
    while True:
        page = get(client, world, "/orders", query_string={"after": after} if after else {}).get_json()
        seen += [card["number"] for card in page["items"]]
        sizes.append(len(page["items"]))
        after = page["next"]
        if after is None:
            break
    assert seen == expected and sizes == [20, 20, 5]


@pytest.mark.parametrize("cursor", ["abc", "2026-13-01T00:00:00_1", "x" * 100, "2026-01-01T00:00:00_x"])
def test_an_orders_cursor_the_api_never_gave_is_refused(client, world, cursor):
    response = get(client, world, "/orders", query_string={"after": cursor})
    assert response.status_code == 422


def test_the_orders_cursor_is_documented(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/partner/brands/{brand}/orders"]["get"]
    assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == ["after"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    spec = client.get("/api/v1/openapi.json").get_json()
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert "next" in schema["properties"] and "page" not in schema["properties"]
