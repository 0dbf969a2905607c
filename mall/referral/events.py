"""What referral records, as internal domain events: a touch, a binding, a browser claimed by its user.

Referral publishes them where it writes the rows (mall.referral.visits, bindings) and knows nothing of who
listens: customer journeys (mall.journeys) derive states and rule tags from them in the same transaction.
"""
from dataclasses import dataclass

from mall.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class TouchRecorded(DomainEvent):
    """A shared link, storefront or store code was opened; `ref` is the link's opaque ?j= marker ("" if none)."""

    touch_id: int
    brand_id: int
    partner_id: int | None
    user_id: int | None
    visitor_key: str
    channel: str
    target: str
    ref: str = ""


@dataclass(frozen=True, kw_only=True)
class CustomerBound(DomainEvent):
    """A binding opened: the customer (a user, or only a browser so far) now belongs to this sharer or guide."""

    binding_id: int
    brand_id: int
    kind: str
    partner_id: int
    user_id: int | None
    visitor_key: str | None


@dataclass(frozen=True, kw_only=True)
class VisitorClaimed(DomainEvent):
    """A browser's touches and bindings became a user's (log-in or registration on that browser)."""

    visitor_key: str
    user_id: int
