"""The roll-up follows every change to what a report counts, in the transaction of that change: payment,
refund, and commission accrued or taken back (also by a re-attribution, which moves the order's keys).

Registered after commission's subscribers (mall.subscribers), so the shares are already accrued or reversed."""
from mall.commission.events import CommissionAccrued, CommissionReversed
from mall.events import subscribe
from mall.orders.events import OrderPaid, RefundCompleted
from mall.reporting.rollup import refresh_order


@subscribe(OrderPaid)
def roll_up_payment(session, event: OrderPaid) -> None:
    refresh_order(session, event.order_id)


@subscribe(RefundCompleted)
def roll_up_refund(session, event: RefundCompleted) -> None:
    refresh_order(session, event.order_id)


@subscribe(CommissionAccrued)
def roll_up_accrual(session, event: CommissionAccrued) -> None:
    refresh_order(session, event.order_id)


@subscribe(CommissionReversed)
def roll_up_reversal(session, event: CommissionReversed) -> None:
    refresh_order(session, event.order_id)
