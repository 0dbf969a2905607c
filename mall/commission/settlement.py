"""Settlement: pending commission of an order past the brand's freeze becomes available (mall.jobs.settle runs it).

Set-based: a batch is a range of a brand's due orders (by order id), and its shares move pending -> available
in a handful of INSERT ... SELECT / UPDATE statements, whatever the number of shares: 1.3 million shares took
90 s of CPU on SQLite instead of hours (bench/RESULTS.md). The books come out exactly as posting each share alone would leave them (the test
tests/integration/test_settlement_batches.py keeps that per-share path as its reference): one ledger
transaction per share under the key "settlement:<share id>", a pending leg, a debt leg paying off what the
beneficiary owes the brand (shares in order of order id, then share id, as one by one) and an available leg.

Safe on several hosts at once: the shares are claimed by row locks (PostgreSQL: FOR UPDATE SKIP LOCKED, so a
second host takes other shares instead of waiting; SQLite has one writer at a time) and re-checked pending
under the lock; the accounts are locked in the ledger's lock_order before their balances are read; every key
is unique. Nothing here commits: the job commits per batch.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    literal,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import CreateTable

from mall.commission.events import CommissionSettled
from mall.commission.ledger import AVAILABLE, DEBT, PENDING, SETTLEMENT, LedgerError, lock_ids
from mall.commission.models import Account, CommissionShare, LedgerEntry, LedgerTransaction
from mall.events import publish_many
from mall.orders.models import Order, OrderStatus, Refund, RefundStatus

# About 70,000 shares: the statements and the commit are amortised over many shares (measured on SQLite: at
# 10,000 orders the commits alone were a tenth of the time); on PostgreSQL the batch's rows stay locked ~1 s.
BATCH_ORDERS = 25_000
# A refund not yet decided, or approved and waiting for the provider, holds the order's commission.
OPEN_REFUND = (RefundStatus.REQUESTED, RefundStatus.APPROVED)

# The batch's shares, per connection (a temporary table): what each statement below reads instead of re-joining
# orders and accounts. amount is what is left to settle; owed what the beneficiary owes the brand (debt).
_work = MetaData()
SETTLING = Table(
    "settling_shares", _work,
    Column("share_id", BigInteger, primary_key=True), Column("order_id", BigInteger, nullable=False),
    Column("owner_kind", String(8), nullable=False), Column("owner_id", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False), Column("owed", BigInteger, nullable=False, default=0),
    Column("to_debt", BigInteger, nullable=False, default=0), Column("tx_id", BigInteger),
    Column("pending_id", BigInteger), Column("available_id", BigInteger), Column("debt_id", BigInteger),
    prefixes=["TEMPORARY"])
S = SETTLING.c


@dataclass(frozen=True)
class Settled:
    shares: int
    orders: int


def settling_brands(session) -> list[int]:
    """Brands with completed orders whose commission is still pending."""
    return session.scalars(select(Order.brand_id).where(Order.status == OrderStatus.COMPLETED,
                                                        _has_pending_share()).distinct()).all()


def _has_pending_share():
    return exists().where(CommissionShare.order_id == Order.id, CommissionShare.status == "pending")


def _due(brand_id: int, cutoff: datetime, after: int, upto: int | None = None) -> list:
    """The rule: the brand's orders completed by `cutoff` with no open refund (ids in (after, upto])."""
    open_refund = exists().where(Refund.order_id == Order.id, Refund.status.in_(OPEN_REFUND))
    conditions = [Order.brand_id == brand_id, Order.status == OrderStatus.COMPLETED, Order.completed_at <= cutoff,
                  Order.id > after, ~open_refund]
    return conditions + ([Order.id <= upto] if upto is not None else [])


def next_range_end(session, brand_id: int, cutoff: datetime, after: int, *, orders: int | None = None) -> int | None:
    """The id ending the next batch: the `orders`-th due order with pending commission after `after` (None: done)."""
    ids = (select(Order.id).where(*_due(brand_id, cutoff, after), _has_pending_share())
           .order_by(Order.id).limit(orders or BATCH_ORDERS).subquery())
    return session.scalar(select(func.max(ids.c.id)))


def due_order_ids(session, brand_id: int, cutoff: datetime, after: int, upto: int) -> list[int]:
    """Each due order with pending commission in (after, upto], for settling a refused batch one order at a time."""
    return session.scalars(select(Order.id).where(*_due(brand_id, cutoff, after, upto), _has_pending_share())
                           .order_by(Order.id)).all()


def settle_range(session, brand_id: int, cutoff: datetime, after: int, upto: int, *, now: datetime) -> Settled:
    """Settle the pending shares of the brand's due orders with ids in (after, upto] (does not commit).

    Raises LedgerError, leaving nothing changed, if the books refuse it (an asset would go negative).
    """
    savepoint = session.begin_nested()
    try:
        settled = _settle(session, brand_id, cutoff, after, upto, now=now)
        savepoint.commit()
    except IntegrityError as exc:  # a CHECK refused a negative asset, or a key was posted already
        savepoint.rollback()
        raise LedgerError(f"settling orders {after + 1}..{upto} of brand {brand_id}: {exc.orig}") from exc
    except BaseException:
        savepoint.rollback()
        raise
    return settled


def _settle(session, brand_id: int, cutoff: datetime, after: int, upto: int, *, now: datetime) -> Settled:
    _empty_work_table(session)
    claimed = _claim(session, brand_id, cutoff, after, upto)
    if not claimed:
        return Settled(0, 0)
    _find_accounts(session, brand_id)
    lock_ids(session, union_all(select(S.pending_id), select(S.available_id), select(S.debt_id.label("pending_id"))
                                .where(S.debt_id.is_not(None))))
    _split_debt(session)
    moved = session.execute(update(CommissionShare).where(CommissionShare.id.in_(select(S.share_id)),
                                                          CommissionShare.status == "pending")
                            .values(status="available").execution_options(synchronize_session=False)).rowcount
    if moved != claimed:  # the claim's locks make this impossible; refuse rather than post twice
        raise LedgerError(f"settling orders {after + 1}..{upto}: {claimed} shares claimed, {moved} still pending")
    _post(session, brand_id, now=now)
    return Settled(claimed, _publish(session, brand_id, now=now))


def _empty_work_table(session) -> None:
    """The connection's work table, made if needed and emptied. On PostgreSQL by TRUNCATE: a DELETE leaves every
    row of every batch behind as a dead tuple (autovacuum never visits temporary tables), and each statement's
    scan of the table grew with all the batches the connection had settled before."""
    session.execute(CreateTable(SETTLING, if_not_exists=True))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"TRUNCATE {SETTLING.name}"))
    else:
        session.execute(delete(SETTLING))  # SQLite empties a table by its truncate optimisation


def _claim(session, brand_id: int, cutoff: datetime, after: int, upto: int) -> int:
    share = CommissionShare
    pending = (select(share.id, share.order_id,
                      case((share.partner_id.is_not(None), "partner"), else_="store"),
                      func.coalesce(share.partner_id, share.store_id), share.amount_fen - share.reversed_fen)
               .join(Order, Order.id == share.order_id)
               .where(share.status == "pending", *_due(brand_id, cutoff, after, upto))
               # A share another host holds is its to settle: skip it rather than wait and find it settled.
               .with_for_update(of=share, skip_locked=True))
    session.execute(SETTLING.insert().from_select(["share_id", "order_id", "owner_kind", "owner_id", "amount"],
                                                  pending))
    if session.get_bind().dialect.name == "postgresql":
        # Autovacuum never analyzes a temporary table: the statements that follow are planned for the batch's
        # real size instead of a guess from the table's pages.
        session.execute(text(f"ANALYZE {SETTLING.name}"))
    return session.scalar(select(func.count()).select_from(SETTLING))


def _find_accounts(session, brand_id: int) -> None:
    """Each beneficiary's pending, available and debt account; available is created on first settlement."""
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[session.get_bind().dialect.name]
    owners = (select(literal(brand_id), S.owner_kind, S.owner_id, literal(AVAILABLE), literal(0)).where(S.amount > 0)
              .distinct().order_by(S.owner_kind, S.owner_id))
    # Another host may create the same account meanwhile: the unique (brand, owner, kind) keeps one, and the
    # second waits for the first's commit. Created in key order, so two hosts never wait for each other: in the
    # order DISTINCT happened to give, two batches with new owners in common deadlocked (bench/RESULTS.md).
    session.execute(dialect.insert(Account).from_select(
        ["brand_id", "owner_kind", "owner_id", "kind", "balance_fen"], owners).on_conflict_do_nothing())
    # One pass over the batch for all three, joined rather than looked up share by share: each owner's accounts
    # are one range of the (brand, owner, kind) key, read once however many of their shares the batch holds.
    beneficiaries = select(S.owner_kind, S.owner_id).distinct().subquery()
    kinds = (PENDING, AVAILABLE, DEBT)
    ids = (select(beneficiaries.c.owner_kind, beneficiaries.c.owner_id,
                  *[func.max(case((Account.kind == kind, Account.id))).label(kind) for kind in kinds])
           .join(Account, and_(Account.brand_id == brand_id, Account.owner_kind == beneficiaries.c.owner_kind,
                               Account.owner_id == beneficiaries.c.owner_id, Account.kind.in_(kinds)))
           .group_by(beneficiaries.c.owner_kind, beneficiaries.c.owner_id).subquery())
    session.execute(update(SETTLING).where(S.owner_kind == ids.c.owner_kind, S.owner_id == ids.c.owner_id)
                    .values(pending_id=ids.c[PENDING], available_id=ids.c[AVAILABLE], debt_id=ids.c[DEBT]))


def _split_debt(session) -> None:
    """What of each share pays off debt: the beneficiary's debt is consumed share by share, in order."""
    owes = select(-Account.balance_fen).where(Account.id == S.debt_id, Account.balance_fen < 0).scalar_subquery()
    session.execute(update(SETTLING).where(S.debt_id.is_not(None), S.amount > 0).values(owed=func.coalesce(owes, 0)))
    before = (func.sum(S.amount).over(partition_by=(S.owner_kind, S.owner_id), order_by=(S.order_id, S.share_id))
              - S.amount)
    queue = select(S.share_id.label("share_id"), before.label("before")).where(S.owed > 0, S.amount > 0).subquery()
    left = S.owed - queue.c.before
    session.execute(update(SETTLING).where(S.share_id == queue.c.share_id).values(
        to_debt=case((left >= S.amount, S.amount), (left > 0, left), else_=0)))


def _post(session, brand_id: int, *, now: datetime) -> None:
    """One balanced transaction per share, its legs, and each account's balance moved by one aggregated UPDATE."""
    key = literal("settlement:") + cast(S.share_id, String)
    session.execute(LedgerTransaction.__table__.insert().from_select(
        ["brand_id", "key", "kind", "order_id", "created_at"],
        select(literal(brand_id), key, literal(SETTLEMENT), S.order_id, literal(now, DateTime))
        .where(S.amount > 0).order_by(S.share_id)))
    session.execute(update(SETTLING).where(S.amount > 0).values(
        tx_id=select(LedgerTransaction.id).where(LedgerTransaction.key == key).scalar_subquery()))
    legs = union_all(
        select(S.tx_id, S.pending_id.label("account_id"), S.share_id, (-S.amount).label("fen")).where(S.amount > 0),
        select(S.tx_id, S.debt_id, S.share_id, S.to_debt).where(S.to_debt > 0),
        select(S.tx_id, S.available_id, S.share_id, S.amount - S.to_debt).where(S.amount > S.to_debt)).subquery()
    session.execute(LedgerEntry.__table__.insert().from_select(
        ["transaction_id", "account_id", "share_id", "amount_fen"],
        select(legs.c.tx_id, legs.c.account_id, legs.c.share_id, legs.c.fen)))
    deltas = (select(legs.c.account_id, func.sum(legs.c.fen).label("fen")).group_by(legs.c.account_id).subquery())
    accounts = Account.__table__
    # The rows were locked in lock_order (_settle); this one statement then moves every balance of the batch.
    session.execute(update(accounts).where(accounts.c.id == deltas.c.account_id)
                    .values(balance_fen=accounts.c.balance_fen + deltas.c.fen))


def _publish(session, brand_id: int, *, now: datetime) -> int:
    """One CommissionSettled per order, as before: the event is public (webhooks), keyed and ordered per order.

    Per order, not per batch, because its subscribers need it so: the outbox keeps it for the brand's webhook
    endpoints, whose payload and delivery order are per order (mall.webhooks.topics.sequence_key). Made cheap
    instead: published together (publish_many), so the outbox writes the batch's rows in one INSERT.
    """
    settled = case((S.amount > 0, S.amount), else_=0)
    rows = session.execute(select(S.order_id, func.count(), func.sum(settled)).group_by(S.order_id)
                           .order_by(S.order_id)).all()
    publish_many(session, [CommissionSettled(order_id=order_id, brand_id=brand_id, shares=shares,
                                             amount_fen=int(amount), now=now) for order_id, shares, amount in rows])
    return len(rows)
