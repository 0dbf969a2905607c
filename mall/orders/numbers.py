"""Order numbers people can read over the phone, and the unguessable token of a guest's order link."""
import secrets
from datetime import datetime

from mall.clock import china_day
from mall.codes import short_code


def order_number(now: datetime) -> str:
    """'261124-7KQ9XD': the China day it was placed, then 6 random symbols (7e8 per day, so clashes are rare)."""
    return f"{china_day(now):%y%m%d}-{short_code(6)}"


def order_token() -> str:
    """The only key a guest needs to open their order, so it must not be guessable (192 bits)."""
    return secrets.token_urlsafe(24)
