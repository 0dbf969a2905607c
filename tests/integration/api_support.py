"""Shared steps of the API tests: tokens made by the real service, a brand with a sharer chain, a purchase."""
import secrets

from mall.accounts.api_tokens import BRAND, PERSONAL, READ, WRITE, create_token
from mall.clock import utcnow
from tests.integration.commission_support import Books

GOOD_CARD = "4242 4242 4242 4242"


def personal_token(session, user) -> str:
    _token, secret = create_token(session, kind=PERSONAL, name="phone", user_id=user.id, now=utcnow())
    session.commit()
    return secret


def brand_key(session, brand, scopes=(READ, WRITE)) -> str:
    _token, secret = create_token(session, kind=BRAND, name="crm", brand_id=brand.id, scopes=scopes, now=utcnow())
    session.commit()
    return secret


def bearer(secret: str, **extra) -> dict:
    return {"Authorization": f"Bearer {secret}", **extra}


def key() -> str:
    return secrets.token_hex(12)


class World:
    """A brand (Books: product, sharer with an upline, a buyer) and the tokens of its people."""

    def __init__(self, make, session):
        self.books = Books(make, session, withdraw_min_fen=100)
        self.session = session
        self.brand, self.product, self.sharer = self.books.brand, self.books.product, self.books.sharer
        self.buyer = self.books.buyer
        self.buyer_token = personal_token(session, self.buyer)
        self.sharer_token = personal_token(session, session.get(type(self.buyer), self.sharer.user_id))
        self.brand_key = brand_key(session, self.brand)

    @property
    def sku_id(self) -> int:
        return self.product.skus[0].id


def order_body(world: World, **overrides) -> dict:
    return {"sku_id": world.sku_id, "quantity": 1, "contact_name": "王小明", "contact_phone": "13800138000",
            "delivery": "ship", "address": "上海市静安区南京西路 1 号", **overrides}


def place(client, world: World, idem: str | None = None, **overrides):
    return client.post("/api/v1/orders", json=order_body(world, **overrides),
                       headers=bearer(world.buyer_token, **{"Idempotency-Key": idem or key()}))


def buy_and_pay(client, world: World, *, referral: bool = True) -> str:
    """Through the API only: touch, order, payment, mock card. Returns the order number."""
    if referral:
        touched = client.post("/api/v1/touches", json={"referral_code": world.sharer.code,
                                                       "product_code": world.product.code},
                              headers=bearer(world.buyer_token))
        assert touched.status_code == 201 and touched.get_json() == {"recorded": True}
    placed = place(client, world)
    assert placed.status_code == 201, placed.get_json()
    number = placed.get_json()["number"]
    payment = client.post(f"/api/v1/orders/{number}/payment", headers=bearer(world.buyer_token))
    assert payment.status_code == 201, payment.get_json()
    paid = client.post(f"/api/v1/mockpay/{payment.get_json()['charge_id']}", json={"card_number": GOOD_CARD},
                       headers=bearer(world.buyer_token))
    assert paid.get_json() == {"outcome": "succeeded"}
    return number
