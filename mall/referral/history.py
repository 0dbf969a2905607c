"""What a customer looked at: the products their touches opened, most recent first (for personalisation)."""
from sqlalchemy import select

from mall.referral.models import Touch

PRODUCT_TARGET = "product:"


def recent_product_codes(session, *, brand_id: int, user_id: int, limit: int = 20) -> list[str]:
    """Codes of products the user opened through links of the brand, newest first, each once."""
    targets = session.scalars(select(Touch.target).where(Touch.brand_id == brand_id, Touch.user_id == user_id,
                                                         Touch.target.startswith(PRODUCT_TARGET))
                              .order_by(Touch.created_at.desc(), Touch.id.desc()).limit(limit * 3))
    codes: list[str] = []
    for target in targets:
        code = target[len(PRODUCT_TARGET):]
        if code and code not in codes:
            codes.append(code)
    return codes[:limit]
