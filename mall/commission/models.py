"""Commission settings, each order's frozen attribution and shares, and the double-entry ledger.

Ratios are stored as integer basis points (1 bp = 0.01%) so they are exact on SQLite and
PostgreSQL alike; code turns them into Decimal with mall.commission.settings.ratio().
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
    column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.clock import utcnow
from mall.commission.rules import MAX_TOTAL_CEILING
from mall.extensions import db

CAP_CEILING_BP = int(MAX_TOTAL_CEILING * 10000)
DEFAULT_CAP_BP = 2500  # a new brand's cap on its total commission (25%) until the platform admin changes it


class CommissionSettings(db.Model):
    """One brand's commission rules: the split, its levels, self purchase, the freeze and the platform's cap.

    Its other rules live with their domains: binding and partners in mall.referral.settings, order completion in
    mall.orders.settings, withdrawals in mall.commission.withdrawal_settings."""

    __tablename__ = "commission_settings"
    __table_args__ = (
        CheckConstraint("levels BETWEEN 1 AND 3", name="levels_range"),
        CheckConstraint("level1_bp BETWEEN 0 AND 10000 AND level2_bp BETWEEN 0 AND 10000 AND "
                        "level3_bp BETWEEN 0 AND 10000 AND guide_bp BETWEEN 0 AND 10000 AND "
                        "store_bp BETWEEN 0 AND 10000 AND max_total_bp BETWEEN 0 AND 10000", name="ratios_range"),
        # The brand's cap (set by the platform admin) never goes above the legal ceiling, whoever writes it.
        CheckConstraint(f"max_total_bp <= {CAP_CEILING_BP}", name="cap_ceiling"),
    )

    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), primary_key=True)
    levels: Mapped[int] = mapped_column(Integer, default=2)
    level1_bp: Mapped[int] = mapped_column(Integer, default=1000)
    level2_bp: Mapped[int] = mapped_column(Integer, default=500)
    level3_bp: Mapped[int] = mapped_column(Integer, default=0)
    guide_bp: Mapped[int] = mapped_column(Integer, default=300)
    store_bp: Mapped[int] = mapped_column(Integer, default=200)
    # The brand's cap on the total of all ratios: the platform admin's to set (mall.commission.cap), 25% at first.
    max_total_bp: Mapped[int] = mapped_column(Integer, default=DEFAULT_CAP_BP)
    self_purchase: Mapped[bool] = mapped_column(Boolean, default=False)
    freeze_days: Mapped[int] = mapped_column(Integer, default=7)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ProductRatio(db.Model):
    """Per-product overrides of the brand's split ratios; a NULL keeps the brand's value."""

    __tablename__ = "product_ratios"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    level1_bp: Mapped[int | None] = mapped_column(Integer)
    level2_bp: Mapped[int | None] = mapped_column(Integer)
    level3_bp: Mapped[int | None] = mapped_column(Integer)
    guide_bp: Mapped[int | None] = mapped_column(Integer)
    store_bp: Mapped[int | None] = mapped_column(Integer)


class OrderAttribution(db.Model):
    """The snapshot fixed when an order is created; later rule or binding changes never touch it."""

    __tablename__ = "order_attributions"
    __table_args__ = (
        # Reports group an order's sales by these; carried in the index, they are read without the table
        # (PostgreSQL; SQLite gets a plain index).
        Index("ix_order_attributions_dimensions", "order_id",
              postgresql_include=["store_id", "guide_id", "sharer_id", "channel"]),
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    sharer_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    touch_id: Mapped[int | None] = mapped_column(ForeignKey("touches.id"))
    binding_id: Mapped[int | None] = mapped_column(ForeignKey("bindings.id"))
    channel: Mapped[str] = mapped_column(String(12), default="direct")
    # The live room the order was placed in (channel "live"); a string key: commission never imports mall.live.
    live_room_id: Mapped[int | None] = mapped_column(ForeignKey("live_rooms.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20), default="no_sharer")
    excluded: Mapped[str] = mapped_column(String(120), default="")  # comma-separated reasons
    levels: Mapped[int] = mapped_column(Integer, default=2)
    binding_mode: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reattributed_at: Mapped[datetime | None] = mapped_column(DateTime)


REVERSED = text("reversed_fen > 0")  # literal, not a bound 0: SQLite matches a partial index only to the same text


class CommissionShare(db.Model):
    """One beneficiary's share of one order line, planned at checkout with the ratio in force."""

    __tablename__ = "commission_shares"
    __table_args__ = (
        # One share per line, role and attribution generation: a re-attribution adds generation n+1.
        UniqueConstraint("line_id", "role", "generation", name="uq_commission_shares_line_role_generation"),
        CheckConstraint("amount_fen >= 0 AND reversed_fen >= 0 AND reversed_fen <= amount_fen", name="amounts"),
        CheckConstraint("(partner_id IS NULL) <> (store_id IS NULL)", name="one_beneficiary"),
        CheckConstraint("status IN ('planned','pending','available','void','replaced')", name="status_known"),
        Index("ix_commission_shares_partner", "partner_id", "order_id"),
        # The partner's own orders newest first (order list pages, CSV export): walked in index order, never
        # sorted; status and reversal ride along so the list's filters need not visit the table (PostgreSQL).
        Index("ix_commission_shares_partner_time", "partner_id", "order_created_at", "order_id",
              postgresql_include=["status", "reversed_fen"]),
        # The few reversed shares of a beneficiary (what refunds took back, on the dashboard), without reading
        # every share they ever had. Queries must spell the condition as REVERSED for the planner to match it.
        Index("ix_commission_shares_partner_reversed", "partner_id", sqlite_where=REVERSED, postgresql_where=REVERSED),
        Index("ix_commission_shares_store_reversed", "store_id", sqlite_where=REVERSED, postgresql_where=REVERSED),
        Index("ix_commission_shares_store", "store_id", "order_id"),
        # An order's shares; the amounts ride along so reports sum commission by index-only scans (PostgreSQL).
        Index("ix_commission_shares_order_id", "order_id",
              postgresql_include=["status", "amount_fen", "reversed_fen"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    role: Mapped[str] = mapped_column(String(8))  # level1 | level2 | level3 | guide | store
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    ratio_bp: Mapped[int] = mapped_column(Integer)
    base_fen: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reversed_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # planned (order unpaid) -> pending (accrued) -> available (settled); void if cancelled unpaid or
    # re-planned before payment; replaced when a re-attribution reversed it after payment.
    status: Mapped[str] = mapped_column(String(10), default="planned")
    generation: Mapped[int] = mapped_column(Integer, default=1)
    # A copy of orders.created_at (which never changes), so one index orders a partner's shares by their order's
    # time; the planner passes it, and a writer that does not gets it looked up.
    order_created_at: Mapped[datetime] = mapped_column(DateTime, default=lambda ctx: _order_time(ctx))

    partner = relationship("Partner")
    store = relationship("Store")


_ORDERS = table("orders", column("id", Integer), column("created_at", DateTime))


def _order_time(context) -> datetime:
    order_id = context.get_current_parameters()["order_id"]
    return context.connection.scalar(select(_ORDERS.c.created_at).where(_ORDERS.c.id == order_id))


# The ledger's vocabulary lives beside the Account model so its CHECK constraints are built from the same
# tuples the code posts with (mall.commission.ledger re-exports them). A migration freezes the SQL it
# creates; tests/integration/test_ledger_guards.py compares the migrated database with these tuples.
# Beneficiary accounts; assets may never go negative, debt never positive (negative = owed to the brand).
PENDING, AVAILABLE, WITHDRAWING, WITHDRAWN, DEBT = "pending", "available", "withdrawing", "withdrawn", "debt"
BENEFICIARY_KINDS = (PENDING, AVAILABLE, WITHDRAWING, WITHDRAWN, DEBT)
# The brand's accounts: payable goes negative as it owes commission; fees collects withdrawal fees.
PAYABLE, FEES = "payable", "fees"
ACCOUNT_KINDS = BENEFICIARY_KINDS + (PAYABLE, FEES)
OWNER_KINDS = ("partner", "store", "brand")  # the brand's own accounts have owner_id = brand id


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL `column IN ('a','b')` for a CHECK constraint, from our own constants (plain words: no quoting)."""
    assert all(value.isidentifier() for value in values), values
    return f"{column} IN (" + ",".join(f"'{value}'" for value in values) + ")"


class Account(db.Model):
    """A ledger account; the balance is a cache of its entries, updated in the same transaction."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("brand_id", "owner_kind", "owner_id", "kind", name="uq_accounts_owner_kind"),
        CheckConstraint(one_of("kind", ACCOUNT_KINDS), name="kind_known"),
        CheckConstraint(one_of("owner_kind", OWNER_KINDS), name="owner_kind_known"),
        CheckConstraint("kind NOT IN ('pending','available','withdrawing','withdrawn') OR balance_fen >= 0",
                        name="asset_not_negative"),
        CheckConstraint("kind <> 'debt' OR balance_fen <= 0", name="debt_not_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    owner_kind: Mapped[str] = mapped_column(String(8))  # one of OWNER_KINDS
    owner_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))  # one of ACCOUNT_KINDS
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class LedgerTransaction(db.Model):
    """A balanced movement; `key` makes each cause post once however often it is replayed.

    Append-only, like its entries: the database refuses UPDATE and DELETE of either (migration
    12b0ledger02), and on PostgreSQL refuses at commit a transaction whose entries do not sum to zero.
    """

    __tablename__ = "ledger_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # accrual|settlement|reversal|withdrawal|...
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    withdrawal_id: Mapped[int | None] = mapped_column(ForeignKey("withdrawals.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    entries = relationship("LedgerEntry", back_populates="transaction")


class LedgerEntry(db.Model):
    """One leg of a LedgerTransaction: an amount on an account, never changed once written."""

    __tablename__ = "ledger_entries"
    __table_args__ = (CheckConstraint("amount_fen <> 0", name="amount_not_zero"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    share_id: Mapped[int | None] = mapped_column(ForeignKey("commission_shares.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)

    transaction = relationship("LedgerTransaction", back_populates="entries")
    account = relationship("Account")


class Withdrawal(db.Model):
    __tablename__ = "withdrawals"
    __table_args__ = (
        CheckConstraint("amount_fen > 0 AND fee_fen >= 0 AND fee_fen < amount_fen", name="amounts"),
        CheckConstraint("status IN ('requested','approved','paid','rejected','failed')", name="status_known"),
        Index("ix_withdrawals_partner_created", "partner_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(10), default="requested")
    request_key: Mapped[str] = mapped_column(String(64), unique=True)
    reject_reason: Mapped[str] = mapped_column(String(200), default="")
    failure_reason: Mapped[str] = mapped_column(String(200), default="")
    payout_ref: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)

    partner = relationship("Partner")
