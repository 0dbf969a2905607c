"""The roll-up follows every change to what a report counts, in the transaction of that change: payment,
refund, and commission accrued or taken back (also by a re-attribution, which moves the order's keys).

Registered after commission's subscribers (mall.subscribers), so the shares are already accrued or reversed.
The accrual at payment publishes CommissionAccrued while OrderPaid is being handled, after the order became paid:
its refresh already counts the payment, and the payment's own refresh, which runs next (these are the last
subscribers of OrderPaid), would find nothing to change, at two more queries; it is skipped."""
from mall.commission.events import CommissionAccrued, CommissionReversed
from mall.database import for_this_transaction
from mall.events import subscribe
from mall.orders.events import OrderPaid, RefundCompleted
from mall.reporting.rollup import refresh_order

ACCRUED = "mall_rolled_up_accruals"  # orders refreshed after an accrual in this transaction


@subscribe(OrderPaid)
def roll_up_payment(session, event: OrderPaid) -> None:
    if event.order_id in for_this_transaction(session, ACCRUED, set):
        return  # refreshed by roll_up_accrual, after the order became paid
    refresh_order(session, event.order_id)


@subscribe(RefundCompleted)
def roll_up_refund(session, event: RefundCompleted) -> None:
    refresh_order(session, event.order_id)


@subscribe(CommissionAccrued)
def roll_up_accrual(session, event: CommissionAccrued) -> None:
    refresh_order(session, event.order_id)
    for_this_transaction(session, ACCRUED, set).add(event.order_id)


@subscribe(CommissionReversed)
def roll_up_reversal(session, event: CommissionReversed) -> None:
    refresh_order(session, event.order_id)
