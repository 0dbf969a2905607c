"""What happens in live rooms, as internal domain events (customer journeys listen: a booking shows interest)."""
from dataclasses import dataclass

from mall.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class RoomBooked(DomainEvent):
    """A viewer asked to be reminded of a scheduled room (预约), once per browser and room."""

    room_id: int
    brand_id: int
    visitor_key: str
    user_id: int | None
    inviter_id: int | None
