"""What happens to orders and refunds, as domain events (published by mall.orders.states and refunds)."""
from dataclasses import dataclass

from mall.events import SYSTEM, Actor, DomainEvent
from mall.orders.models import OrderStatus as S


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(DomainEvent):
    """Checkout created a pending order; internal (the visitor key is the buyer's browser, it stays here)."""

    order_id: int
    brand_id: int
    buyer_user_id: int | None
    visitor_key: str | None
    live_room_id: int | None = None  # placed in a live room (mall.orders.checkout.RoomSale)


@dataclass(frozen=True, kw_only=True)
class OrderMoved(DomainEvent):
    """The state machine moved an order; one subclass per target status."""

    order_id: int
    brand_id: int
    from_status: str
    to_status: str
    actor: Actor = SYSTEM


@dataclass(frozen=True, kw_only=True)
class OrderPaid(OrderMoved):
    topic = "order.paid"


@dataclass(frozen=True, kw_only=True)
class OrderShipped(OrderMoved):
    topic = "order.shipped"


@dataclass(frozen=True, kw_only=True)
class OrderCompleted(OrderMoved):
    topic = "order.completed"


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(OrderMoved):
    topic = "order.cancelled"


@dataclass(frozen=True, kw_only=True)
class OrderRefunded(OrderMoved):
    """Everything paid has gone back (each refund before it also published RefundCompleted)."""

    topic = "order.refunded"


MOVED_EVENTS: dict[str, type[OrderMoved]] = {
    S.PAID: OrderPaid, S.SHIPPED: OrderShipped, S.COMPLETED: OrderCompleted, S.CANCELLED: OrderCancelled,
    S.REFUNDED: OrderRefunded,
}


@dataclass(frozen=True, kw_only=True)
class RefundApproved(DomainEvent):
    """The brand approved a refund: payments queues the provider's refund (it fails this if nothing was paid)."""

    refund_id: int
    order_id: int
    amount_fen: int
    actor: Actor = SYSTEM


@dataclass(frozen=True, kw_only=True)
class RefundCompleted(DomainEvent):
    """The provider gave the money back and the refund is booked on its lines: commission follows it."""

    topic = "refund.completed"
    refund_id: int
    order_id: int
    brand_id: int
    amount_fen: int
