"""The accrual at payment, registered after every other domain's payment subscriber (mall.subscribers).

Every payment of a brand updates the brand's PAYABLE account, one row, locked from that UPDATE to the commit:
the payments of one brand pass that row one at a time (bench/hot_sku.py sees them wait on nothing else). So
the accrual comes last, after content, journeys and live rooms (which read the order's attribution, fixed
when it was placed, never its shares), followed only by the roll-up that needs the accrued shares.
"""
from mall.commission.accrual import accrue_order
from mall.events import subscribe
from mall.orders.events import OrderPaid


def accrue_paid_order(session, event: OrderPaid) -> None:
    accrue_order(session, event.order_id, now=event.now)


def register() -> None:
    """Subscribe the accrual; called by mall.subscribers at its place in the order (idempotent)."""
    subscribe(OrderPaid)(accrue_paid_order)
