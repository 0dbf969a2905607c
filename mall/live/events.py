"""What happens to live rooms, as public domain events (the outbox keeps them for webhooks)."""
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
