"""What happens in customer journeys, as domain events (internal: the outbox does not publish them)."""
from dataclasses import dataclass

from mall.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class JourneyStateChanged(DomainEvent):
    """A customer entered a state (from_state None: journeys saw them for the first time)."""

    customer_id: int
    brand_id: int
    user_id: int
    from_state: str | None
    to_state: str
    cause: str


@dataclass(frozen=True, kw_only=True)
class CustomerTagChanged(DomainEvent):
    customer_id: int
    brand_id: int
    tag_id: int
    change: str  # added | removed
    cause: str
