"""The events a brand can subscribe to, named as the domain events' topics."""
from flask_babel import lazy_gettext as _l

TOPICS = {
    "order.paid": _l("Order paid"),
    "order.completed": _l("Order completed"),
    "order.refunded": _l("Order refunded"),
    "commission.accrued": _l("Commission accrued"),
    "commission.settled": _l("Commission settled"),
    "commission.reversed": _l("Commission reversed"),
    "withdrawal.requested": _l("Withdrawal requested"),
    "withdrawal.paid": _l("Withdrawal paid"),
    "live_room.started": _l("Live room started"),
    "live_room.ended": _l("Live room ended"),
}


def sequence_key(topic: str, payload: dict, event_id: str) -> str:
    """Deliveries with the same key reach an endpoint in the order they happened: one order's, one
    withdrawal's, one live room's events. Others need no order among themselves."""
    for field in ("order_id", "withdrawal_id", "live_room_id"):
        if payload.get(field) is not None:
            return f"{field[:-3]}:{payload[field]}"
    return f"event:{event_id}"
