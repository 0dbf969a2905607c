"""Buy now: turn one confirmed product-page form into one pending order, with prices from the server."""
import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mall.catalog.models import Product, Sku, Store
from mall.catalog.pricing import unit_price_fen
from mall.database import savepoint
from mall.domain import DomainError
from mall.events import Actor, publish
from mall.orders import states
from mall.orders.contact import ADDRESS_MAX, ADDRESS_MIN, NAME_MAX, NOTE_MAX
from mall.orders.events import OrderPlaced
from mall.orders.models import Delivery, Order, OrderLine
from mall.orders.numbers import order_number, order_token
from mall.phones import normalize_phone
from mall.text import clean_text

MAX_LINE_QUANTITY = 99  # a line larger than this is a typo or an attack
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class CheckoutRequest:
    sku_id: int
    quantity: int
    contact_name: str
    contact_phone: str
    delivery: str  # "ship" | "pickup"
    idempotency_key: str  # rendered with the form: the same submit arriving twice is the same order
    address: str = ""
    pickup_store_id: int | None = None
    note: str = ""
    user_id: int | None = None
    visitor_key: str | None = None  # the browser's signed visitor id: its touches and bindings credit the order


@dataclass(frozen=True)
class RoomSale:
    """An order placed in a live room, as the room (mall.live) decided it: the room, the SKU it sells, and the
    room's own price for it (None: the normal price). Orders checks it, never trusts it: the SKU must be the one
    bought and the price may only lower what the product page charges right now."""

    live_room_id: int
    sku_id: int
    unit_price_fen: int | None = None


class CheckoutError(DomainError):
    """A reason the order cannot be placed, in words for the buyer."""

    message = _l("The order could not be placed. Please try again.")


class SkuUnavailable(CheckoutError):
    message = _l("This option is no longer available.")
    field = "sku_id"


class OutOfStock(CheckoutError):
    message = _l("Sorry, there is not enough stock left for this option.")
    field = "sku_id"


class InvalidQuantity(CheckoutError):
    message = _l("Please choose a quantity between 1 and %(max)d.", max=MAX_LINE_QUANTITY)
    field = "quantity"


class InvalidContact(CheckoutError):
    """Name or phone number missing or malformed."""


class InvalidDelivery(CheckoutError):
    """No usable address, or a pickup store that is not the brand's."""


def place_order(session: Session, req: CheckoutRequest, *, now: datetime,
                max_quantity: int = MAX_LINE_QUANTITY, room_sale: RoomSale | None = None) -> Order:
    """Create a pending-payment order and take its stock; the same idempotency key returns the same order.

    `room_sale`: the order is placed in a live room, at the room's price if it has one (see RoomSale)."""
    if not IDEMPOTENCY_KEY.fullmatch(req.idempotency_key or ""):
        raise CheckoutError(_l("Your form expired. Please reload the page and try again."))
    existing = _order_with_key(session, req.idempotency_key)
    if existing is not None:
        return existing

    sku, product = _published_sku(session, req.sku_id)
    if not isinstance(req.quantity, int) or not 1 <= req.quantity <= max_quantity:
        raise InvalidQuantity(_l("Please choose a quantity between 1 and %(max)d.", max=max_quantity))
    name, phone = _contact(req)
    address, store_id = _delivery(session, req, product)
    note = clean_text(req.note)
    if len(note) > NOTE_MAX:
        raise CheckoutError(_l("The note can be at most %(max)d characters.", max=NOTE_MAX), field="note")

    unit_fen = _room_price(room_sale, sku, product, now) if room_sale else unit_price_fen(sku, product, now)
    # One savepoint around all the writes: an order that cannot be placed (no stock, a subscriber failing)
    # leaves the caller's transaction as it was.
    with savepoint(session):
        order, created = _insert_order(session, req, product, name=name, phone=phone, address=address,
                                       store_id=store_id, note=note, total_fen=unit_fen * req.quantity, now=now)
        if not created:
            return order  # the same form, placed by a concurrent submit
        session.add(OrderLine(order_id=order.id, product_id=product.id, sku_id=sku.id, title=product.title,
                              sku_name=sku.name, unit_price_fen=unit_fen, quantity=req.quantity,
                              total_fen=unit_fen * req.quantity, refunded_fen=0))
        session.flush()
        states.placed(session, order, actor=Actor("buyer", req.user_id), now=now)
        # Commission plans the order's shares from its attribution (mall.commission.subscribers).
        publish(session, OrderPlaced(order_id=order.id, brand_id=product.brand_id, buyer_user_id=req.user_id,
                                     visitor_key=req.visitor_key, now=now,
                                     live_room_id=room_sale.live_room_id if room_sale else None))
        # The stock last: on PostgreSQL the conditional UPDATE locks the SKU's row until commit, and every
        # buyer of a hot SKU queues on it; taken after attribution and planning, it is held only to commit.
        taken = session.execute(
            update(Sku).where(Sku.id == sku.id, Sku.stock >= req.quantity)
            .values(stock=Sku.stock - req.quantity).execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            raise OutOfStock()
    return order


def _room_price(sale: RoomSale, sku: Sku, product: Product, now: datetime) -> int:
    normal = unit_price_fen(sku, product, now)
    if sale.sku_id != sku.id:
        raise SkuUnavailable()
    if sale.unit_price_fen is None:
        return normal
    if not isinstance(sale.unit_price_fen, int) or not 0 < sale.unit_price_fen:
        raise CheckoutError()
    # A room's price only ever lowers the price: a promotion elsewhere that undercuts it wins.
    return min(sale.unit_price_fen, normal)


def _insert_order(session: Session, req: CheckoutRequest, product: Product, *, name: str, phone: str, address: str,
                  store_id: int | None, note: str, total_fen: int, now: datetime) -> tuple[Order, bool]:
    """The new order row (True), or the one a concurrent submit of the same form created (False)."""
    for _attempt in range(5):
        order = Order(number=order_number(now), token=order_token(), idempotency_key=req.idempotency_key,
                      brand_id=product.brand_id, user_id=req.user_id, delivery=req.delivery,
                      contact_name=name, contact_phone=phone, address=address, pickup_store_id=store_id,
                      note=note, total_fen=total_fen, refunded_fen=0, created_at=now)
        try:
            # The order row goes first: a concurrent submit of the same form blocks here on the unique
            # key until the first commits, and then gets that order instead of taking stock twice.
            with session.begin_nested():
                session.add(order)
            return order, True
        except IntegrityError:
            existing = _order_with_key(session, req.idempotency_key)
            if existing is not None:
                return existing, False
            # Otherwise the random order number clashed with another one: draw again.
    raise CheckoutError()


def _order_with_key(session: Session, key: str) -> Order | None:
    return session.scalars(select(Order).where(Order.idempotency_key == key)).first()


def _published_sku(session: Session, sku_id) -> tuple[Sku, Product]:
    sku = session.get(Sku, sku_id) if isinstance(sku_id, int) else None
    if sku is None or not sku.product.published:
        raise SkuUnavailable()
    return sku, sku.product


def _contact(req: CheckoutRequest) -> tuple[str, str]:
    name = clean_text(req.contact_name)
    if not name or len(name) > NAME_MAX:
        raise InvalidContact(_l("Please enter a name of at most %(max)d characters.", max=NAME_MAX),
                             field="contact_name")
    phone = normalize_phone(req.contact_phone)
    if phone is None:
        raise InvalidContact(_l("Please enter a mobile number such as 13800138000."), field="contact_phone")
    return name, phone


def _delivery(session: Session, req: CheckoutRequest, product: Product) -> tuple[str, int | None]:
    if req.delivery == Delivery.SHIP:
        address = clean_text(req.address)
        if not ADDRESS_MIN <= len(address) <= ADDRESS_MAX:
            raise InvalidDelivery(_l("Please enter the delivery address (%(min)d to %(max)d characters).",
                                     min=ADDRESS_MIN, max=ADDRESS_MAX), field="address")
        return address, None
    if req.delivery == Delivery.PICKUP:
        store = session.get(Store, req.pickup_store_id) if isinstance(req.pickup_store_id, int) else None
        if store is None or store.brand_id != product.brand_id or not store.active:
            raise InvalidDelivery(_l("Please choose one of the stores listed."), field="pickup_store_id")
        return "", store.id
    raise InvalidDelivery(_l("Please choose delivery or store pickup."), field="delivery")
