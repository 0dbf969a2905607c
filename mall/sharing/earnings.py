"""What a partner earns when a product sells through their own link ("赚 ¥X").

The commission domain's own planning decides: the ratios in force for the product (its override or the brand's),
the beneficiaries a sale through this partner's link would have (level 1, and the guide share if they are a
shop guide), and split_commission's rounding. Nothing here repeats that arithmetic.
"""
from mall.commission.plan import beneficiaries, partner_fact
from mall.commission.rules import split_commission
from mall.commission.settings import ratios_for_product, settings_for
from mall.referral.attribution import Credit
from mall.referral.models import Partner


def earning_fen(session, partner: Partner, product_id: int, price_fen: int | None) -> int:
    """fen the partner is credited on one unit sold at price_fen through their link (0 without a price)."""
    if not price_fen:
        return 0
    fact = partner_fact(partner)
    settings = settings_for(session, partner.brand_id)
    credit = Credit(sharer_id=partner.id, channel="link", levels={1: partner.id},
                    guide_id=partner.id if fact.guide_store_id is not None else None)
    shares = split_commission(price_fen, ratios_for_product(session, settings, product_id),
                              beneficiaries(credit, settings.levels))
    return sum(s.amount_fen for s in shares if s.beneficiary.kind == "partner" and s.beneficiary.id == partner.id)
