"""The referral domain's public functions: what checkout, login, admin and the pages call.

Each lives in a small module named for its idea; this is the one place other domains import from.
"""
from mall.referral.codes import normalise_code, partner_by_code, store_by_code
from mall.referral.crediting import credit_for_checkout
from mall.referral.link_facts import Link, link_by_code, links_of_user
from mall.referral.partners import (
                                    PartnerError,
                                    approve_partner,
                                    become_partner,
                                    disable_partner,
                                    enable_partner,
                                    ensure_guide_partner,
                                    partner_of,
                                    partners_of_user,
                                    upline_ids,
)
from mall.referral.spend import spent_with_brand
from mall.referral.visits import claim_visitor, record_link_visit, record_visit

__all__ = [
    "Link", "PartnerError", "approve_partner", "become_partner", "claim_visitor", "credit_for_checkout",
    "disable_partner", "enable_partner", "ensure_guide_partner", "link_by_code", "links_of_user", "normalise_code",
    "partner_by_code", "partner_of", "partners_of_user", "record_link_visit", "record_visit", "spent_with_brand",
    "store_by_code", "upline_ids",
]
