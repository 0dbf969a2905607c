"""Orders, their lines (prices frozen at checkout) and refunds."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.clock import utcnow
from mall.extensions import db


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"  # everything paid has been refunded


class Delivery(StrEnum):
    SHIP = "ship"
    PICKUP = "pickup"


class RefundStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"  # approved, the provider's refund not confirmed yet (mall.orders.refunds)
    REFUNDED = "refunded"
    REJECTED = "rejected"


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total_fen > 0", name="total_positive"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= total_fen", name="refund_within_total"),
        CheckConstraint("delivery <> 'pickup' OR pickup_store_id IS NOT NULL", name="pickup_has_store"),
        # The cancel job scans unpaid orders by age; "my orders" lists by user and time.
        Index("ix_orders_status_created", "status", "created_at"),
        Index("ix_orders_user_created", "user_id", "created_at"),
        Index("ix_orders_brand_created", "brand_id", "created_at"),
        # Keyset pages of a partner's orders walk this newest first and probe the partner's shares per order.
        Index("ix_orders_created_id", "created_at", "id"),
        # A guest finds their orders again by phone (mall.orders.guest_orders); verifying a phone attaches them.
        Index("ix_orders_contact_phone", "contact_phone", "user_id"),
        # Reports sum paid orders of one brand by the day they were paid (mall.admin.reports.queries); on
        # PostgreSQL the amounts ride in the index, so a month of a million-order brand is an index-only scan.
        Index("ix_orders_brand_paid", "brand_id", "paid_at", postgresql_include=["id", "total_fen", "refunded_fen"]),
        # Settlement's due orders: one brand's completed orders by when they completed (mall.commission.settlement).
        Index("ix_orders_brand_status_completed", "brand_id", "status", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    # Unguessable: a guest opens their order with it, so it is the only key they need.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # One submit of the checkout form creates at most one order, however often it arrives.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.PENDING_PAYMENT)
    delivery: Mapped[str] = mapped_column(String(10), default=Delivery.SHIP)
    contact_name: Mapped[str] = mapped_column(String(40))
    contact_phone: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200), default="")
    pickup_store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    total_fen: Mapped[int] = mapped_column(BigInteger)
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)

    brand = relationship("Brand")
    user = relationship("User")
    pickup_store = relationship("Store")
    lines = relationship("OrderLine", back_populates="order", order_by="OrderLine.id")
    refunds = relationship("Refund", back_populates="order", order_by="Refund.id")
    history = relationship("OrderHistory", order_by="OrderHistory.id", viewonly=True)


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_fen > 0", name="unit_price_positive"),
        CheckConstraint("total_fen = unit_price_fen * quantity", name="total_is_price_times_qty"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= total_fen", name="refund_within_line"),
        # Social proof reads the latest orders of one product.
        Index("ix_order_lines_product", "product_id", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    title: Mapped[str] = mapped_column(String(120))  # snapshots: later edits never change an order
    sku_name: Mapped[str] = mapped_column(String(60))
    unit_price_fen: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)

    order = relationship("Order", back_populates="lines")
    product = relationship("Product")


class Refund(db.Model):
    """An after-sale request: whole order, one line, or part of a line."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=RefundStatus.REQUESTED)
    reason: Mapped[str] = mapped_column(String(200), default="")
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reject_reason: Mapped[str] = mapped_column(String(200), default="")
    # Why the provider refused the last approval (the request is open again); cleared by the next approval.
    provider_error: Mapped[str] = mapped_column(String(200), default="")

    order = relationship("Order", back_populates="refunds")
    items = relationship("RefundItem", back_populates="refund", order_by="RefundItem.id")


class RefundItem(db.Model):
    """The part of one order line a refund covers; commission reversal works per item."""

    __tablename__ = "refund_items"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)

    refund = relationship("Refund", back_populates="items")
    line = relationship("OrderLine")


class OrderHistory(db.Model):
    """One change of an order's status, written by mall.orders.states in the transaction of the change."""

    __tablename__ = "order_history"
    __table_args__ = (Index("ix_order_history_order", "order_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))  # None: the order was placed
    to_status: Mapped[str] = mapped_column(String(20))
    # Who: a user (actor_user_id, actor "user", "buyer"), or a party without an account ("job:settle", "payment").
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    actor_user = relationship("User")
