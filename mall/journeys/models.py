"""Journey customers, their state history and tags; the brand's journey settings.

A journey customer is a known user of one brand (a binding, a touch or an order under their account): a
guide can only follow up someone they can reach, so a browser that never identified itself is counted
once it is claimed at log-in (mall.referral.events.VisitorClaimed).
"""
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.extensions import db

STATES = ("new", "interested", "purchased", "repeat", "silent")
STATE_CHECK = "state IN ('new','interested','purchased','repeat','silent')"


class JourneySettings(db.Model):
    """One row per brand, made with the defaults on first use."""

    __tablename__ = "journey_settings"
    __table_args__ = (CheckConstraint("silent_days BETWEEN 1 AND 365", name="silent_days_range"),)

    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), primary_key=True)
    silent_days: Mapped[int] = mapped_column(Integer, default=30)


class JourneyCustomer(db.Model):
    """What journeys know of one customer of a brand: the facts the state is derived from, and the state."""

    __tablename__ = "journey_customers"
    __table_args__ = (
        UniqueConstraint("brand_id", "user_id", name="uq_journey_customers_brand_user"),
        CheckConstraint(STATE_CHECK, name="state_known"),
        CheckConstraint("visits >= 0 AND orders >= 0 AND spent_fen >= 0", name="facts_not_negative"),
        # The silent timer scans a brand's customers by their last activity.
        Index("ix_journey_customers_activity", "brand_id", "last_active_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)  # the open guide binding's
    state: Mapped[str] = mapped_column(String(12), default="new")
    # Counts every entry into a state: an enrolment is unique per (sequence, customer, entry), so a state
    # left and entered again enrols again, and the same entry reported twice does not.
    state_entry: Mapped[int] = mapped_column(Integer, default=1)
    state_since: Mapped[datetime] = mapped_column(DateTime)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    booked: Mapped[bool] = mapped_column(Boolean, default=False)  # booked a live room (预约): issue 14 plugs in
    orders: Mapped[int] = mapped_column(Integer, default=0)  # paid and not fully refunded
    spent_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    last_active_at: Mapped[datetime] = mapped_column(DateTime)
    last_order_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    user = relationship("User")


class JourneyStateChange(db.Model):
    """One change of a customer's state, with its time and cause, written with the change."""

    __tablename__ = "journey_state_changes"
    __table_args__ = (Index("ix_journey_state_changes_customer", "customer_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("journey_customers.id"))
    from_state: Mapped[str | None] = mapped_column(String(12))  # None: the customer's first state
    to_state: Mapped[str] = mapped_column(String(12))
    cause: Mapped[str] = mapped_column(String(20))  # bound | visit | booked | order_paid | refunded | silent_timer
    cause_ref: Mapped[str] = mapped_column(String(40), default="")  # e.g. "order:12", "touch:7"
    created_at: Mapped[datetime] = mapped_column(DateTime)


class JourneyTag(db.Model):
    """A brand's tag: manual (a guide or admin sets it) or a rule kept current by events (mall.journeys.tag_rules)."""

    __tablename__ = "journey_tags"
    __table_args__ = (
        UniqueConstraint("brand_id", "name", name="uq_journey_tags_brand_name"),
        CheckConstraint("rule IN ('manual','bought_product','spent_over','live_watched','content_touch')",
                        name="rule_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    name: Mapped[str] = mapped_column(String(30))
    rule: Mapped[str] = mapped_column(String(16), default="manual")
    # The rule's argument: a product code (bought_product), fen (spent_over); empty otherwise.
    rule_value: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class JourneyCustomerTag(db.Model):
    __tablename__ = "journey_customer_tags"
    __table_args__ = (UniqueConstraint("customer_id", "tag_id", name="uq_journey_customer_tags"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("journey_customers.id"))
    tag_id: Mapped[int] = mapped_column(ForeignKey("journey_tags.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(DateTime)

    tag = relationship("JourneyTag")


class JourneyTagChange(db.Model):
    """One tag added to or removed from a customer: by whom (a user) or by which rule and event."""

    __tablename__ = "journey_tag_changes"
    __table_args__ = (
        CheckConstraint("change IN ('added','removed')", name="change_known"),
        Index("ix_journey_tag_changes_customer", "customer_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("journey_customers.id"))
    tag_id: Mapped[int] = mapped_column(ForeignKey("journey_tags.id"))
    change: Mapped[str] = mapped_column(String(8))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cause: Mapped[str] = mapped_column(String(40))  # "manual", or the rule and its event: "rule:order:12"
    created_at: Mapped[datetime] = mapped_column(DateTime)
