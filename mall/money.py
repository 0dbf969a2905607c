"""Money is integer fen end to end; this module owns parsing, formatting and rounding."""
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from babel.numbers import format_decimal

FEN_PER_YUAN = 100
MAX_FEN = 10**12  # ten billion yuan: anything larger is a typo or an attack


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def format_fen(fen: int | None, locale: str = "zh_CN") -> str:
    """¥1,234.50 in every locale: the shop sells in yuan whatever the reader's language."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{format_decimal(yuan(abs(fen)), format='#,##0.00', locale=locale)}"


def parse_yuan(text: str) -> int:
    """'19.9' -> 1990 fen. Raises ValueError for anything that is not a plain amount with at most 2 decimals."""
    try:
        amount = Decimal(text.strip().replace(",", "").lstrip("¥"))
    except (InvalidOperation, AttributeError) as exc:
        raise ValueError("not an amount") from exc
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValueError("not an amount in fen")
    fen = int(amount * FEN_PER_YUAN)
    if abs(fen) > MAX_FEN:
        raise ValueError("amount too large")
    return fen


def floor_share(base_fen: int, ratio: Decimal) -> int:
    """A beneficiary's share, rounded down to the fen; the remainder stays with the brand."""
    return int((Decimal(base_fen) * ratio).to_integral_value(rounding=ROUND_DOWN))
