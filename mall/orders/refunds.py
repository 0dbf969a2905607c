"""After-sale refunds: the buyer asks (whole order, one line, or part of a line), the brand decides once.

requested -> approved -> refunded, or requested -> rejected. Approving publishes RefundApproved, on which
payments queues the provider's refund in the outbox; after the commit the provider is called with no
transaction open, and then book_refund (or refund_refused, which opens the request again) records its
answer in a transaction of its own. Nothing here commits.
"""
from collections import defaultdict
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mall.database import savepoint
from mall.domain import DomainError
from mall.events import Actor, publish
from mall.orders.events import RefundApproved, RefundCompleted
from mall.orders.models import Order, OrderLine, OrderStatus, Refund, RefundItem, RefundStatus
from mall.orders.states import move
from mall.text import clean_text

REFUNDABLE_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)
OPEN_STATUSES = (RefundStatus.REQUESTED, RefundStatus.APPROVED)  # their amounts are spoken for
REASON_MAX = 200


class RefundError(DomainError):
    message = _l("The refund could not be processed.")


class NotRefundable(RefundError):
    message = _l("Only paid orders can be refunded.")


class UnknownLine(RefundError):
    message = _l("That item is not part of this order.")


class RefundTooLarge(RefundError):
    message = _l("That is more than what is left to refund.")


class RefundFailed(RefundError):
    message = _l("The payment provider did not accept the refund. Please try again later.")


def refundable_by_line(session: Session, order: Order, *, lines: list[OrderLine] | None = None) -> dict[int, int]:
    """What may still be asked for on each line: total minus refunded minus amounts in open requests.

    `lines`: the order's lines as this request just loaded them (a page shows what it read); without them
    they are read again, as a decision under the order's lock needs."""
    open_fen = _open_by_line(session, order.id)
    if lines is not None:
        rows = [(line.id, line.total_fen, line.refunded_fen) for line in lines]
    else:
        rows = session.execute(select(OrderLine.id, OrderLine.total_fen, OrderLine.refunded_fen)
                               .where(OrderLine.order_id == order.id).order_by(OrderLine.id))
    return {line_id: total - refunded - open_fen.get(line_id, 0) for line_id, total, refunded in rows}


def request_refund(session: Session, order_id: int, *, items: list[tuple[int, int | None]] | None,
                   reason: str, now: datetime) -> Refund:
    """Open a refund request. items=None asks for everything left; an amount of None means the rest of that line."""
    # Lock the order so two requests arriving together cannot both claim the same remaining amount.
    order = session.scalars(select(Order).where(Order.id == order_id).with_for_update()
                            .execution_options(populate_existing=True)).first()
    if order is None or order.status not in REFUNDABLE_STATUSES:
        raise NotRefundable()
    reason = clean_text(reason)
    if len(reason) > REASON_MAX:
        raise RefundError(_l("The reason can be at most %(max)d characters.", max=REASON_MAX))
    left = refundable_by_line(session, order)
    wanted = _wanted_amounts(items, left)
    if not wanted:
        raise RefundTooLarge(_l("Everything on this order has already been refunded or requested."))
    refund = Refund(order_id=order.id, status=RefundStatus.REQUESTED, reason=reason,
                    amount_fen=sum(wanted.values()), created_at=now)
    refund.items = [RefundItem(line_id=line_id, amount_fen=fen) for line_id, fen in wanted.items()]
    session.add(refund)
    session.flush()
    return refund


def _wanted_amounts(items, left: dict[int, int]) -> dict[int, int]:
    if items is None:
        return {line_id: fen for line_id, fen in left.items() if fen > 0}
    wanted: dict[int, int] = defaultdict(int)
    for line_id, fen in items:
        if line_id not in left:
            raise UnknownLine()
        fen = left[line_id] if fen is None else fen
        if not isinstance(fen, int) or fen <= 0:
            raise RefundTooLarge(_l("Please enter an amount greater than zero."))
        wanted[line_id] += fen
    if any(fen > left[line_id] for line_id, fen in wanted.items()):
        raise RefundTooLarge()
    return dict(wanted)


def approve_refund(session: Session, refund_id: int, *, by_user_id: int | None, now: datetime) -> Refund:
    """Approve an open request; the provider refunds it after the commit. A second approval does nothing.

    Raises RefundFailed, changing nothing, when the order has no payment to refund.
    """
    with savepoint(session):  # a subscriber refusing leaves the request as it was
        claimed = session.execute(
            update(Refund).where(Refund.id == refund_id, Refund.status == RefundStatus.REQUESTED)
            .values(status=RefundStatus.APPROVED, decided_at=now, decided_by_id=by_user_id, provider_error="")
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            return _fresh(session, refund_id)
        refund = _fresh(session, refund_id)
        publish(session, RefundApproved(refund_id=refund.id, order_id=refund.order_id, amount_fen=refund.amount_fen,
                                        actor=Actor("admin", by_user_id), now=now))
    return refund


def book_refund(session: Session, refund_id: int, *, now: datetime) -> bool:
    """The provider gave the money back: book it on the lines and the order, once; True if this call did."""
    booked = session.execute(
        update(Refund).where(Refund.id == refund_id, Refund.status == RefundStatus.APPROVED)
        .values(status=RefundStatus.REFUNDED).execution_options(synchronize_session=False)
    ).rowcount
    if booked != 1:
        return False
    refund = _fresh(session, refund_id)
    for item in refund.items:
        _add_refunded(session, OrderLine, item.line_id, item.amount_fen)
    _add_refunded(session, Order, refund.order_id, refund.amount_fen)
    order = session.get(Order, refund.order_id, populate_existing=True)
    # Commission takes back the same fraction of every share (mall.commission.subscribers).
    publish(session, RefundCompleted(refund_id=refund.id, order_id=order.id, brand_id=order.brand_id,
                                     amount_fen=refund.amount_fen, now=now))
    # Everything paid has gone back: the order as a whole is refunded.
    move(session, order.id, OrderStatus.REFUNDED, now=now, actor=Actor("admin", refund.decided_by_id),
         reason="refunded_in_full", where=(Order.refunded_fen == Order.total_fen,))
    return True


def refund_refused(session: Session, refund_id: int, *, reason: str, now: datetime) -> None:
    """The provider would not refund: the request is open again, with the provider's answer, to be decided anew."""
    session.execute(
        update(Refund).where(Refund.id == refund_id, Refund.status == RefundStatus.APPROVED)
        .values(status=RefundStatus.REQUESTED, decided_at=None, decided_by_id=None,
                provider_error=(reason or "refused")[:200])
        .execution_options(synchronize_session=False)
    )


def refund_outcome(session: Session, refund_id: int) -> Refund:
    """The refund as it stands after its approval was delivered; RefundFailed if the provider refused it."""
    refund = _fresh(session, refund_id)
    if refund.status == RefundStatus.REQUESTED and refund.provider_error:
        raise RefundFailed()
    return refund


def reject_refund(session: Session, refund_id: int, *, by_user_id: int | None, reason: str,
                  now: datetime) -> Refund:
    """Close the request without moving money; only an open request can be rejected, once."""
    session.execute(
        update(Refund).where(Refund.id == refund_id, Refund.status == RefundStatus.REQUESTED)
        .values(status=RefundStatus.REJECTED, decided_at=now, decided_by_id=by_user_id,
                reject_reason=clean_text(reason)[:REASON_MAX])
        .execution_options(synchronize_session=False)
    )
    return _fresh(session, refund_id)


def _add_refunded(session: Session, model, row_id: int, fen: int) -> None:
    # Never above the total, even if two approvals for overlapping requests race.
    changed = session.execute(
        update(model).where(model.id == row_id, model.refunded_fen + fen <= model.total_fen)
        .values(refunded_fen=model.refunded_fen + fen).execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:  # the amounts of open requests are reserved, so only a bug gets here
        raise RefundTooLarge()


def _open_by_line(session: Session, order_id: int) -> dict[int, int]:
    rows = session.execute(
        select(RefundItem.line_id, func.sum(RefundItem.amount_fen))
        .join(Refund, Refund.id == RefundItem.refund_id)
        .where(Refund.order_id == order_id, Refund.status.in_(OPEN_STATUSES))
        .group_by(RefundItem.line_id)
    )
    return {line_id: int(total) for line_id, total in rows}


def _fresh(session: Session, refund_id: int) -> Refund:
    refund = session.get(Refund, refund_id)
    if refund is None:
        raise RefundError(_l("That refund does not exist."))
    session.refresh(refund)
    return refund
