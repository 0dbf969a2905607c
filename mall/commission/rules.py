"""Pure commission rules: who gets how much of one order line. Data in, data out.

Rounding: each beneficiary gets floor(base x ratio) in fen; the remainder stays with the brand, so
the sum paid out never exceeds base x total ratio.
"""
from dataclasses import dataclass
from decimal import Decimal

from mall.money import floor_share

MAX_LEVELS = 3  # the hard ceiling: deeper chains are pyramid selling (禁止传销条例)
# The most any brand's ratios may add up to, whatever the platform admin sets as the brand's cap (default 25%).
# Distribution that pays high commissions down a chain is what the 禁止传销条例 and WeChat's operating rules on
# distribution (多级分销, 诱导分享) treat as pyramid selling, and WeChat bans accounts for it; the platform's
# compliance review fixed 30% as the line. It is a constant, not a setting, so no admin screen can move it:
# changing it needs a code review (and the database refuses a brand cap above it, ck_commission_settings_cap_ceiling).
MAX_TOTAL_CEILING = Decimal("0.30")
ROLES = ("level1", "level2", "level3", "guide", "store")


@dataclass(frozen=True)
class Ratios:
    """Split ratios as fractions of the line base (Decimal("0.10") is 10%)."""

    level1: Decimal = Decimal("0")
    level2: Decimal = Decimal("0")
    level3: Decimal = Decimal("0")
    guide: Decimal = Decimal("0")
    store: Decimal = Decimal("0")

    def of(self, role: str) -> Decimal:
        return getattr(self, role)

    def total(self, levels: int = MAX_LEVELS) -> Decimal:
        level_sum = sum((self.of(f"level{n}") for n in range(1, levels + 1)), Decimal("0"))
        return level_sum + self.guide + self.store


@dataclass(frozen=True)
class Beneficiary:
    role: str  # one of ROLES
    kind: str  # "partner" | "store"
    id: int


@dataclass(frozen=True)
class Share:
    role: str
    beneficiary: Beneficiary
    ratio: Decimal
    base_fen: int
    amount_fen: int


def split_commission(base_fen: int, ratios: Ratios, beneficiaries: list[Beneficiary]) -> list[Share]:
    """One share per beneficiary present; zero-amount shares are kept out of the ledger."""
    if base_fen < 0:
        raise ValueError("base must not be negative")
    shares = []
    for who in beneficiaries:
        ratio = ratios.of(who.role)
        amount = floor_share(base_fen, ratio)
        if amount > 0:
            shares.append(Share(who.role, who, ratio, base_fen, amount))
    return shares


def validate_ratios(ratios: Ratios, *, levels: int, max_total: Decimal) -> list[str]:
    """Problems with a set of ratios, as codes the settings form turns into messages; empty if fine."""
    problems = []
    if not 1 <= levels <= MAX_LEVELS:
        problems.append("levels_out_of_range")
    for role in ROLES:
        value = ratios.of(role)
        if value < 0 or value > 1:
            problems.append(f"{role}_out_of_range")
    # A cap stored above the ceiling (say, from before it existed) still stops at the ceiling.
    if ratios.total(min(max(levels, 1), MAX_LEVELS)) > min(max_total, MAX_TOTAL_CEILING):
        problems.append("total_above_maximum")
    return problems


def reversal_for_refund(accrued_fen: int, base_fen: int, refunded_before_fen: int, refunded_after_fen: int) -> int:
    """How much of an accrued share a refund takes back.

    Cumulative, so partial refunds add up exactly: after refunding the whole base, everything
    accrued has been reversed, and what remains is floor(accrued x remaining base / base), which
    never exceeds remaining base x ratio.
    """
    if base_fen <= 0:
        return 0
    if not 0 <= refunded_before_fen <= refunded_after_fen <= base_fen:
        raise ValueError("refunded amounts must grow within the base")

    def kept(refunded: int) -> int:
        return accrued_fen * (base_fen - refunded) // base_fen

    return kept(refunded_before_fen) - kept(refunded_after_fen)
