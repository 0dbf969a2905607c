"""What an example order would pay under a set of rules, by the same pure split the checkout uses."""
from dataclasses import dataclass

from mall.commission.rules import MAX_LEVELS, ROLES, Beneficiary, Ratios, split_commission, validate_ratios
from mall.commission.settings import limit_context, message, ratio


@dataclass(frozen=True)
class Preview:
    base_fen: int
    shares: list[tuple[str, int]]  # (role, fen) in the order the sentence reads: L1, L2, (L3), guide, store
    paid_fen: int
    problems: list[str]  # translated messages; a preview with problems cannot be saved as it is

    @property
    def brand_keeps_fen(self) -> int:
        return self.base_fen - self.paid_fen


def preview(values: dict, base_fen: int) -> Preview:
    """Shares of an order of base_fen with every beneficiary present; values as CommissionSettings names them
    (with max_total_bp, the brand's cap, which the page adds: the brand admin does not edit it)."""
    levels = min(max(int(values["levels"]), 1), MAX_LEVELS)
    roles = [f"level{n}" for n in range(1, levels + 1)] + ["guide", "store"]
    ratios = Ratios(**{role: ratio(values[f"{role}_bp"]) for role in ROLES})
    codes = validate_ratios(ratios, levels=int(values["levels"]), max_total=ratio(values["max_total_bp"]))
    if codes:
        context = limit_context({role: values[f"{role}_bp"] for role in ROLES}, levels, values["max_total_bp"])
        return Preview(base_fen, [], 0, list(dict.fromkeys(message(code, context) for code in codes)))
    paid = {share.role: share.amount_fen
            for share in split_commission(base_fen, ratios, [Beneficiary(role, "partner", 0) for role in roles])}
    shares = [(role, paid.get(role, 0)) for role in roles]
    return Preview(base_fen, shares, sum(fen for _role, fen in shares), [])
