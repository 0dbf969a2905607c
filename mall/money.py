"""Money is integer fen end to end; this module owns parsing, formatting and rounding."""
import re
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache

from babel.numbers import format_decimal

FEN_PER_YUAN = 100
MAX_FEN = 10**12  # ten billion yuan: anything larger is a typo or an attack
# What people type for an amount: "19", "19.9", "1,299.00", "¥19.90" — no exponents, no signs.
AMOUNT_RE = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$|^\d+(\.\d{1,2})?$")


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def yuan_text(fen: int) -> str:
    """str(yuan(fen)) in integer arithmetic: "398.00", "-0.05"; an export writes it for every row."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{cents:02d}"


# A page shows the same few prices many times, and Babel's formatting is costly: kept per (fen, locale).
@lru_cache(maxsize=8192)
def format_fen(fen: int | None, locale: str = "zh_CN") -> str:
    """¥1,234.50 in every locale: the shop sells in yuan whatever the reader's language."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{format_decimal(yuan(abs(fen)), format='#,##0.00', locale=locale)}"


def parse_yuan(text: str) -> int:
    """'19.9' -> 1990 fen. Raises ValueError for anything that is not a plain amount with at most 2 decimals."""
    cleaned = (text or "").strip().removeprefix("¥").strip()
    if not AMOUNT_RE.match(cleaned):
        raise ValueError("not an amount")
    fen = int(Decimal(cleaned.replace(",", "")) * FEN_PER_YUAN)
    if abs(fen) > MAX_FEN:
        raise ValueError("amount too large")
    return fen


def floor_share(base_fen: int, ratio: Decimal) -> int:
    """A beneficiary's share, rounded down to the fen; the remainder stays with the brand."""
    return int((Decimal(base_fen) * ratio).to_integral_value(rounding=ROUND_DOWN))
