"""Who may run a brand's console: its brand admins; platform admins see every brand.

The check runs once per request, as a before_request of the admin blueprint (mall.admin), whose areas are
nested blueprints: Flask runs a parent's before_request for every view of its children, so a view added
to any area is guarded without calling anything. Views only read the brand the check found.
"""
from flask import abort, current_app, g, request
from flask_login import current_user

from mall.accounts.models import Role


def require_brand_admin():
    """before_request: guests are sent to log in, everyone but brand and platform admins gets 403.

    Exactly what @login_required followed by a role check did in each view: OPTIONS is left to Flask's
    automatic answer (it runs no view), as Flask-Login's login_required leaves it.
    """
    if request.method == "OPTIONS":
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role == Role.PLATFORM_ADMIN:
        g.admin_brand_id = None
        return None
    if current_user.role == Role.BRAND_ADMIN and current_user.brand_id is not None:
        g.admin_brand_id = current_user.brand_id
        return None
    abort(403)


def require_platform_admin():
    """before_request of the pages only the platform runs (a brand's commission cap): 403 for brand admins too.

    Registered on a blueprint nested under the admin one, so require_brand_admin has already run.
    """
    if request.method != "OPTIONS" and current_user.role != Role.PLATFORM_ADMIN:
        abort(403)


def admin_brand_id() -> int | None:
    """The brand the signed-in admin may act on, None for a platform admin, as require_brand_admin found it.

    Another brand's records must be looked up *with* this id, so they are simply not found (404) rather
    than refused, which would confirm that they exist. Outside the admin blueprint nothing checked who is
    asking, so there is no answer: that is a bug, and it fails loudly rather than open.
    """
    if "admin_brand_id" not in g:  # absent: the check never ran for this request
        raise RuntimeError("admin_brand_id() outside the admin blueprint: no access check ran for this request")
    return g.admin_brand_id
