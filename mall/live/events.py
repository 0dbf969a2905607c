"""What happens to live rooms, as domain events: public ones (with a topic) the outbox keeps for webhooks;
RoomBooked stays inside (customer journeys listen: a booking shows interest)."""
from dataclasses import dataclass

from mall.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class LiveRoomStarted(DomainEvent):
    topic = "live_room.started"
    live_room_id: int
    brand_id: int
    code: str


@dataclass(frozen=True, kw_only=True)
class LiveRoomEnded(DomainEvent):
    topic = "live_room.ended"
    live_room_id: int
    brand_id: int
    code: str


@dataclass(frozen=True, kw_only=True)
class RoomBooked(DomainEvent):
    """A viewer asked to be reminded of a scheduled room (预约), once per browser and room."""

    room_id: int
    brand_id: int
    visitor_key: str
    user_id: int | None
    inviter_id: int | None
