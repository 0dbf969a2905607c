"""The admin pages' side of the personal-data log: who is looking, what they see, committed before it is sent.

A page renders first, then logs and commits, then returns: if the log cannot be written the page fails and
nothing personal leaves the server unlogged. The commit is the page's own (mall.unit_of_work.commit), not the
request's at its end: a form page answered with a 422 still shows the data, and the request would roll back.
Partners and guides never get here: they see masked data only.
"""
from flask_login import current_user

from mall import unit_of_work
from mall.audit.personal_data import customers_of_orders, log_access
from mall.clock import utcnow
from mall.extensions import db


def log_shown(page: str, *, brand_id: int | None, fields, users=(), guest_orders=(), subject: str = "") -> None:
    log_access(db.session, viewer_id=current_user.id, brand_id=brand_id, page=page, fields=fields, users=users,
               guest_orders=guest_orders, subject=subject, now=utcnow())
    unit_of_work.commit()


def log_orders_shown(page: str, orders, *, brand_id: int | None, fields, subject: str = "") -> None:
    """The customers behind these orders' contact details (the account, or the guest order itself)."""
    log_shown(page, brand_id=brand_id, fields=fields, subject=subject, **customers_of_orders(orders))


def order_fields(order) -> list[str]:
    """What the admin order page shows unmasked: the contact's name and phone, and the address if shipped."""
    return ["name", "phone", *(["address"] if order.delivery == "ship" and order.address else [])]


def people_fields(users) -> list[str]:
    """Partner lists show a name and the phone, or the e-mail address for those who have no phone."""
    return ["name", *(["phone"] if any(u.phone for u in users) else []),
            *(["email"] if any(not u.phone and u.email for u in users) else [])]
