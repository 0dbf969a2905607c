"""Journey SOPs: a brand's sequences of steps per state, customers' enrolments and what guides did with each step."""
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
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.extensions import db
from mall.journeys.models import STATE_CHECK

MAX_DAY_OFFSET = 365
ACTIVE = "ended_at IS NULL"


class JourneySequence(db.Model):
    """The follow-up plan for customers in one state, optionally only those with a tag."""

    __tablename__ = "journey_sequences"
    __table_args__ = (
        CheckConstraint(STATE_CHECK, name="state_known"),
        # every_entry: each new entry into the state starts the sequence again at day 0;
        # first_entry: a customer goes through it once in their life, whatever happens later.
        CheckConstraint("reentry IN ('every_entry','first_entry')", name="reentry_known"),
        Index("ix_journey_sequences_brand_state", "brand_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    name: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(12))
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("journey_tags.id"))
    reentry: Mapped[str] = mapped_column(String(12), default="every_entry")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    tag = relationship("JourneyTag")
    steps = relationship("JourneyStep", order_by="JourneyStep.day_offset, JourneyStep.id",
                         back_populates="sequence")


class JourneyStep(db.Model):
    __tablename__ = "journey_steps"
    __table_args__ = (
        CheckConstraint(f"day_offset BETWEEN 0 AND {MAX_DAY_OFFSET}", name="day_offset_range"),
        CheckConstraint("channel IN ('chat','call','in_store')", name="channel_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[int] = mapped_column(ForeignKey("journey_sequences.id"), index=True)
    day_offset: Mapped[int] = mapped_column(Integer)  # days after the customer's own entry into the state
    channel: Mapped[str] = mapped_column(String(10), default="chat")
    template: Mapped[str] = mapped_column(Text)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    # A step inviting into a live room: {link} is the guide's invitation (邀约) link, {live_room} its title.
    live_room_id: Mapped[int | None] = mapped_column(ForeignKey("live_rooms.id"))
    # A step sharing a content item (内容池): {link} is the guide's link to it, {content} its title.
    content_item_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)

    sequence = relationship("JourneySequence", back_populates="steps")
    product = relationship("Product")
    live_room = relationship("LiveRoom")
    content_item = relationship("ContentItem")


class JourneyEnrolment(db.Model):
    """A customer going through a sequence, from one entry into its state until they leave it.

    next_step_id / next_due_at point at the earliest step without an outcome, so the daily list reads only
    enrolments due by the end of the day (ix_journey_enrolments_due) rather than every customer of the guide.
    """

    __tablename__ = "journey_enrolments"
    __table_args__ = (
        # At most once per sequence and state entry, even when two events race (mall.journeys.enrolment).
        UniqueConstraint("sequence_id", "customer_id", "state_entry", name="uq_journey_enrolments_entry"),
        CheckConstraint("end_reason IN ('', 'state_changed','tag_removed','finished','guide_changed')",
                        name="end_reason_known"),
        Index("ix_journey_enrolments_due", "guide_id", "next_due_at",
              sqlite_where=text(ACTIVE), postgresql_where=text(ACTIVE)),
        Index("ix_journey_enrolments_customer", "customer_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[int] = mapped_column(ForeignKey("journey_sequences.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("journey_customers.id"))
    state_entry: Mapped[int] = mapped_column(Integer)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))  # the customer's, kept in step
    started_at: Mapped[datetime] = mapped_column(DateTime)  # day 0
    next_step_id: Mapped[int | None] = mapped_column(ForeignKey("journey_steps.id"))
    next_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    postponed: Mapped[int] = mapped_column(Integer, default=0)  # how often "later" moved the next step
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    end_reason: Mapped[str] = mapped_column(String(14), default="")

    sequence = relationship("JourneySequence")
    customer = relationship("JourneyCustomer")
    next_step = relationship("JourneyStep")


class JourneyStepOutcome(db.Model):
    """What the guide did with one step of one enrolment: done or skipped, once (the unique key)."""

    __tablename__ = "journey_step_outcomes"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "step_id", name="uq_journey_step_outcomes"),
        CheckConstraint("outcome IN ('done','skipped')", name="outcome_known"),
        Index("ix_journey_step_outcomes_step", "step_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("journey_enrolments.id"))
    step_id: Mapped[int] = mapped_column(ForeignKey("journey_steps.id"))
    guide_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class JourneyStepTouch(db.Model):
    """A visit through a step's link (the touch's ?j= marker named the step and the enrolment)."""

    __tablename__ = "journey_step_touches"
    __table_args__ = (
        Index("ix_journey_step_touches_step", "step_id"),
        Index("ix_journey_step_touches_user", "user_id", "created_at"),
        Index("ix_journey_step_touches_visitor", "visitor_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    touch_id: Mapped[int] = mapped_column(ForeignKey("touches.id"), unique=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("journey_steps.id"))
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("journey_enrolments.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    visitor_key: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class JourneyStepOrder(db.Model):
    """An order placed after a visit through a step's link: the step it is credited to (one per order)."""

    __tablename__ = "journey_step_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("journey_steps.id"), index=True)
    step_touch_id: Mapped[int] = mapped_column(ForeignKey("journey_step_touches.id"))
    # Kept current by order events: only paid orders count, and GMV is what the brand kept after refunds.
    paid: Mapped[bool] = mapped_column(Boolean, default=False)
    gmv_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
