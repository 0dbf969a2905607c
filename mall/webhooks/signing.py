"""The signature on every webhook delivery (documented for receivers in docs/api.md).

    Mall-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

The timestamp is inside the signed text, so a captured delivery cannot be replayed later with a fresh
time; receivers should refuse a t more than five minutes away from their clock and compare in constant time.
"""
import hashlib
import hmac
from datetime import datetime, timezone

HEADER = "Mall-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, *, now: datetime) -> str:
    timestamp = int(now.replace(tzinfo=timezone.utc).timestamp())
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify(secret: str, body: bytes, header: str | None, *, now: datetime) -> bool:
    """What a receiver does (the tests' receiver uses this): the right MAC, made recently."""
    try:
        parts = dict(item.split("=", 1) for item in (header or "").split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs(now.replace(tzinfo=timezone.utc).timestamp() - timestamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(parts.get("v1", ""), _mac(secret, timestamp, body))


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
