"""千人千面, first step: the order of a brand's products for one returning customer, deterministic.

The rule, in order of precedence (the catalogue has no categories yet, so a customer's interest is the
products they opened, and their tags that name products):
  1. products the customer opened through links, the most recently opened first;
  2. products named by their bought_product tags that they did not just buy (a re-buy of a consumable);
  3. every other product in the page's own order (newest first);
  4. last, the product of their latest order: they have it, so it moves down rather than vanishing.
Ties keep the page's order, so the same customer sees the same page twice. Nobody known, nothing known:
the page's order unchanged.
"""
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select

from mall.journeys.models import JourneyCustomer, JourneyCustomerTag, JourneyTag
from mall.orders.queries import last_bought_product_id
from mall.referral.history import recent_product_codes

T = TypeVar("T")


def arrange(products: Sequence[T], *, code_of, id_of, opened: list[str], tagged: set[str],
            last_bought_id: int | None) -> list[T]:
    """The products reordered by the rule above (pure)."""
    rank_opened = {code: i for i, code in enumerate(opened)}

    def key(item):
        position, product = item
        if id_of(product) == last_bought_id:
            return (3, 0, position)
        code = code_of(product)
        if code in rank_opened:
            return (0, rank_opened[code], position)
        if code in tagged:
            return (1, 0, position)
        return (2, 0, position)

    return [product for _pos, product in sorted(enumerate(products), key=key)]


def history_of(session, *, brand_id: int, user_id: int) -> dict:
    """What arrange() needs to know of the customer, in three small queries."""
    tagged = set(session.scalars(
        select(JourneyTag.rule_value).join(JourneyCustomerTag, JourneyCustomerTag.tag_id == JourneyTag.id)
        .where(JourneyTag.brand_id == brand_id, JourneyTag.rule == "bought_product")
        .where(JourneyCustomerTag.customer_id.in_(_customer_ids(session, brand_id, user_id)))))
    return dict(opened=recent_product_codes(session, brand_id=brand_id, user_id=user_id), tagged=tagged,
                last_bought_id=last_bought_product_id(session, user_id=user_id, brand_id=brand_id))


def personal_order(session, products: Sequence[T], *, brand_id: int, user_id: int | None) -> list[T]:
    """The brand's products (model rows with .code and .id) in the customer's order; unchanged for a guest."""
    if user_id is None or not products:
        return list(products)
    return arrange(products, code_of=lambda p: p.code, id_of=lambda p: p.id,
                   **history_of(session, brand_id=brand_id, user_id=user_id))


def _customer_ids(session, brand_id: int, user_id: int):
    return select(JourneyCustomer.id).where(JourneyCustomer.brand_id == brand_id, JourneyCustomer.user_id == user_id)
