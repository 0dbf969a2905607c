"""Signed callbacks, as Stripe and WeChat Pay sign theirs: HMAC-SHA256 over "<timestamp>.<raw body>".

The header reads "Mall-Signature: t=<unix seconds>,v1=<hex digest>". The timestamp is inside the
signed text, so a captured callback cannot be replayed with a fresh timestamp, and verification
refuses timestamps outside a tolerance, so it cannot be replayed forever either. Several v1 entries
may be present (a provider rotating its secret signs with both). Pure functions: secret and now are
passed in.
"""
import hashlib
import hmac
from datetime import UTC, datetime

HEADER = "Mall-Signature"
SCHEME = "v1"
TOLERANCE_SECONDS = 300
MAX_HEADER_LENGTH = 1000


class InvalidSignature(ValueError):
    """Missing, malformed, stale or wrong signature header."""


def unix_seconds(now: datetime) -> int:
    """Seconds since the epoch of a naive UTC datetime (mall.clock's convention)."""
    return int(now.replace(tzinfo=UTC).timestamp())


def compute_signature(secret: str, body: bytes, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, *, now: datetime) -> str:
    """The value of the Mall-Signature header for `body`, sent at `now`."""
    timestamp = unix_seconds(now)
    return f"t={timestamp},{SCHEME}={compute_signature(secret, body, timestamp)}"


def verify_signature(secret: str, body: bytes, header: str | None, *, now: datetime,
                     tolerance: int = TOLERANCE_SECONDS) -> int:
    """Return the signed timestamp, or raise InvalidSignature (malformed, wrong, too old or too new)."""
    timestamp, signatures = _parse_header(header)
    if abs(unix_seconds(now) - timestamp) > tolerance:
        raise InvalidSignature("timestamp outside the tolerance")
    expected = compute_signature(secret, body, timestamp).encode()
    # compare_digest: the time taken must not tell an attacker how many leading characters matched.
    # (Bytes, because it refuses non-ASCII str and a header may carry anything.)
    if not any(hmac.compare_digest(expected, candidate.encode("utf-8", "replace")) for candidate in signatures):
        raise InvalidSignature("no matching signature")
    return timestamp


def _parse_header(header: str | None) -> tuple[int, list[str]]:
    if not header or len(header) > MAX_HEADER_LENGTH:
        raise InvalidSignature("missing or oversized header")
    timestamp, signatures = None, []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            raise InvalidSignature("malformed header")
        if key == "t":
            if not value.isascii() or not value.isdigit() or timestamp is not None:
                raise InvalidSignature("malformed timestamp")
            timestamp = int(value)
        elif key == SCHEME:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise InvalidSignature("timestamp or signature missing")
    return timestamp, signatures
