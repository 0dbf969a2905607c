"""After-sale refunds: the buyer asks (whole order, one line, or part of a line), the brand decides once."""
from collections import defaultdict
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mall.commission.reversal import reverse_refund
from mall.domain import DomainError
from mall.orders.models import Order, OrderLine, OrderStatus, Refund, RefundItem, RefundStatus
from mall.orders.states import move
from mall.payments.provider import RefundRefused
from mall.payments.service import PaymentError, refund_payment
from mall.text import clean_text

REFUNDABLE_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)
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


def refundable_by_line(session: Session, order: Order) -> dict[int, int]:
    """What may still be asked for on each line: total minus refunded minus amounts in open requests."""
    open_fen = _open_by_line(session, order.id)
    lines = session.execute(select(OrderLine.id, OrderLine.total_fen, OrderLine.refunded_fen)
                            .where(OrderLine.order_id == order.id).order_by(OrderLine.id))
    return {line_id: total - refunded - open_fen.get(line_id, 0) for line_id, total, refunded in lines}


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
    session.commit()
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
    """Refund the money through the provider and book it on the lines; a second approval does nothing."""
    claimed = session.execute(
        update(Refund).where(Refund.id == refund_id, Refund.status == RefundStatus.REQUESTED)
        .values(status=RefundStatus.REFUNDED, decided_at=now, decided_by_id=by_user_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return _fresh(session, refund_id)
    refund = _fresh(session, refund_id)
    for item in refund.items:
        _add_refunded(session, OrderLine, item.line_id, item.amount_fen)
    _add_refunded(session, Order, refund.order_id, refund.amount_fen)
    # Everything paid has gone back: the order as a whole is refunded.
    move(session, refund.order_id, OrderStatus.REFUNDED, now=now, where=(Order.refunded_fen == Order.total_fen,))
    reverse_refund(session, refund.id, now=now)  # the same fraction of every share, in this transaction
    order = session.get(Order, refund.order_id)
    session.refresh(order)
    try:
        refund_payment(session, order, amount_fen=refund.amount_fen, refund_key=f"refund-{refund.id}")
    except (PaymentError, RefundRefused) as exc:  # keep the request open so it can be approved again
        session.rollback()
        raise RefundFailed() from exc
    session.commit()
    return _fresh(session, refund_id)


def reject_refund(session: Session, refund_id: int, *, by_user_id: int | None, reason: str,
                  now: datetime) -> Refund:
    """Close the request without moving money; only an open request can be rejected, once."""
    session.execute(
        update(Refund).where(Refund.id == refund_id, Refund.status == RefundStatus.REQUESTED)
        .values(status=RefundStatus.REJECTED, decided_at=now, decided_by_id=by_user_id,
                reject_reason=clean_text(reason)[:REASON_MAX])
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return _fresh(session, refund_id)


def _add_refunded(session: Session, model, row_id: int, fen: int) -> None:
    # Never above the total, even if two approvals for overlapping requests race.
    changed = session.execute(
        update(model).where(model.id == row_id, model.refunded_fen + fen <= model.total_fen)
        .values(refunded_fen=model.refunded_fen + fen).execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        session.rollback()
        raise RefundTooLarge()


def _open_by_line(session: Session, order_id: int) -> dict[int, int]:
    rows = session.execute(
        select(RefundItem.line_id, func.sum(RefundItem.amount_fen))
        .join(Refund, Refund.id == RefundItem.refund_id)
        .where(Refund.order_id == order_id, Refund.status == RefundStatus.REQUESTED)
        .group_by(RefundItem.line_id)
    )
    return {line_id: int(total) for line_id, total in rows}


def _fresh(session: Session, refund_id: int) -> Refund:
    refund = session.get(Refund, refund_id)
    if refund is None:
        raise RefundError(_l("That refund does not exist."))
    session.refresh(refund)
    return refund
