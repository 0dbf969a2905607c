"""A brand's live room with a shelf, its admin, a partner with an invite code, and the steps of a room's life."""
import re
import secrets
from datetime import timedelta

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.codes import short_code
from mall.live.rooms import RoomDetails, end_room, save_room, start_room
from mall.live.shelf import add_to_shelf, pin
from mall.live.streams import parse_stream
from mall.orders.checkout import CheckoutRequest
from mall.referral.models import Partner

EN = {"Accept-Language": "en"}
BILIBILI = "https://www.bilibili.com/video/BV1xx411c7mD"


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]+)"', html).group(1)


class Room:
    """Brand, a product of two SKUs (99.00 with a live price of 79.00, and 59.00 without one), a room on them."""

    def __init__(self, make, session, *, stream: str = BILIBILI, media_hosts=()):
        self.make, self.session = make, session
        self.brand = make.brand(name="Tea House")
        self.store = make.store(self.brand, name="Jing'an")
        self.product = make.product(self.brand, title="Oolong Gift Box", skus=(("250g", 9900, 50), ("100g", 5900, 50)))
        self.other = make.product(self.brand, title="Green Tea", skus=(("Tin", 3900, 50),))
        self.admin = make.user(Role.BRAND_ADMIN, brand=self.brand, name="Admin")
        self.room = save_room(session, self.brand.id, None,
                              RoomDetails(title="Spring Tasting", starts_at=utcnow() + timedelta(hours=2),
                                          stream=parse_stream(stream, media_hosts), host_store_id=self.store.id),
                              actor_id=None, now=utcnow())
        self.live_item = add_to_shelf(session, self.room, self.product.skus[0].id, 7900, actor_id=None, now=utcnow())
        self.plain_item = add_to_shelf(session, self.room, self.product.skus[1].id, None, actor_id=None, now=utcnow())
        self.sharer = self.partner(name="Li Lei")
        session.commit()

    def partner(self, name: str = "Han Meimei", **kw) -> Partner:
        user = self.make.user(Role.PARTNER, name=name)
        partner = Partner(brand_id=self.brand.id, user_id=user.id, code=short_code(7), status="active", **kw)
        self.session.add(partner)
        self.session.commit()
        return partner

    def start(self):
        start_room(self.session, self.room, actor_id=None, now=utcnow())
        self.session.commit()

    def pin(self, item):
        pin(self.session, self.room, item.id, actor_id=None, now=utcnow())
        self.session.commit()

    def end(self):
        end_room(self.session, self.room, actor_id=None, now=utcnow())
        self.session.commit()

    def request(self, item, *, quantity: int = 1, visitor_key: str | None = None) -> CheckoutRequest:
        return CheckoutRequest(sku_id=item.sku_id, quantity=quantity, contact_name="王小明",
                               contact_phone="13800138000", delivery="ship", address="上海市静安区南京西路 1 号",
                               idempotency_key=secrets.token_urlsafe(16), visitor_key=visitor_key)


def buy_form(client, room, item) -> dict:
    """Open the room's buy sheet for a shelf item and fill it as a buyer would."""
    html = client.get(f"/l/{room.code}?buy={item.id}", headers=EN).get_data(as_text=True)
    return {"csrf_token": hidden(html, "csrf_token"), "idempotency_key": hidden(html, "idempotency_key"),
            "sku_id": item.sku_id, "quantity": 1, "contact_name": "王小明", "contact_phone": "13800138000",
            "delivery": "ship", "address": "上海市静安区南京西路 1 号"}
