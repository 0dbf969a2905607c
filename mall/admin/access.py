"""Who may run a brand's console: its brand admins; platform admins see every brand."""
from functools import wraps

from flask import abort
from flask_login import current_user

from mall.accounts.models import Role


def admin_brand_id() -> int | None:
    """The brand the signed-in admin may act on, None for a platform admin; 403 for everyone else.

    Use after @login_required. Another brand's records must then be looked up *with* this id, so
    they are simply not found (404) rather than refused, which would confirm that they exist.
    """
    if current_user.role == Role.PLATFORM_ADMIN:
        return None
    if current_user.role == Role.BRAND_ADMIN and current_user.brand_id is not None:
        return current_user.brand_id
    abort(403)


def platform_only(view):
    """For pages only the platform runs (a brand's commission cap): 403 for everyone else, brand admins too.

    Put it under @login_required. The mark it leaves (`platform_only`) tells the authorization walk what to expect.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role != Role.PLATFORM_ADMIN:
            abort(403)
        return view(*args, **kwargs)

    wrapped.platform_only = True
    return wrapped
