"""A visit to a storefront: a touch for each brand on show, crediting the owner's partner row of that brand.

The view (mall.storefront.routes) and the answer given in front of Flask (mall.page_front) record it alike.
Callers own the transaction (and declare it visits_only when nothing else is written)."""
from mall.referral.service import Link, record_link_visit


def record_storefront_visit(session, links: tuple[Link, ...], visitor_key: str, user_id: int | None, now) -> None:
    for link in links:
        record_link_visit(session, link=link, brand_id=link.brand_id, channel="storefront", target="storefront",
                          visitor_key=visitor_key, user_id=user_id, now=now)
