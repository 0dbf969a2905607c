"""What happens to accounts that other domains react to."""
from dataclasses import dataclass

from mall.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class PhoneVerified(DomainEvent):
    """A user proved, by a code sent to it, that they hold this phone (orders attaches its guest orders)."""

    user_id: int
    phone: str
