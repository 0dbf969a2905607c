"""What a customer has spent with a brand, for the "spend" partner-enrolment rule.

Orders know the figure, and referral sits below orders: referral declares the question here and the
orders domain answers it, wired once at start-up by mall.subscribers (a port, so that referral never
imports orders). An app that forgot the wiring fails loudly instead of letting everyone in.
"""
from collections.abc import Callable

from sqlalchemy.orm import Session

SpendSource = Callable[..., int]  # (session, *, user_id, brand_id) -> fen kept by the brand
_source: SpendSource | None = None


def provide(source: SpendSource) -> None:
    global _source
    _source = source


def spent_with_brand(session: Session, *, user_id: int, brand_id: int) -> int:
    if _source is None:
        raise RuntimeError("no spend source: mall.subscribers.register() wires the orders domain's")
    return _source(session, user_id=user_id, brand_id=brand_id)
