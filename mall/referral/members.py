"""Who belongs to a brand as far as its admin is concerned: its own accounts (staff, admins) and its partners."""
from sqlalchemy import and_, or_, select

from mall.accounts.models import Role, User
from mall.referral.models import Partner


def user_of_brand(session, user_id: int, brand_id: int | None) -> User | None:
    """A user an admin may sign out: anyone for a platform admin (brand_id None); for a brand admin the brand's
    own accounts (staff, admins) and its partners - a guide who left the store stays one. Never another brand's
    staff nor an admin of elsewhere who happens to be a partner: one brand must not keep signing them out."""
    query = select(User).where(User.id == user_id)
    if brand_id is not None:
        partner = select(Partner.id).where(Partner.user_id == User.id, Partner.brand_id == brand_id).exists()
        query = query.where(or_(User.brand_id == brand_id,
                                and_(User.role.in_((Role.CONSUMER, Role.PARTNER)), partner)))
    return session.scalar(query)


def may_sign_out(session, brand_id: int | None, user: User) -> bool:
    """Whether an admin acting for brand_id (None: platform admin) may sign this user out everywhere."""
    return brand_id is None or user_of_brand(session, user.id, brand_id) is not None
