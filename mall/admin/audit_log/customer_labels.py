"""How the personal-data log reads on the audit page: each entry's customers, masked, a few of them each.

The log itself keeps ids (accounts) and order numbers (guests), never the data that was shown; the page names
people the way partners see them (first character, masked phone), so reading the log shows nothing new.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from mall.accounts.models import User
from mall.audit.personal_data import customers_in
from mall.privacy import mask_name, mask_phone

NAMED_PER_ENTRY = 10  # an export of thousands is one entry: the page names its first few, then counts the rest


def customer_labels(session, entries) -> dict[int, list[str]]:
    """entry id -> labels of the first customers it lists, with one query for every account on the page."""
    firsts = {entry.id: customers_in(entry) for entry in entries}
    wanted = {uid for users, _orders in firsts.values() for uid in users[:NAMED_PER_ENTRY]}
    people = {user.id: user for user in session.scalars(select(User).where(User.id.in_(wanted)))} if wanted else {}
    labels = {}
    for entry_id, (users, orders) in firsts.items():
        named = [_person(people.get(uid), uid) for uid in users[:NAMED_PER_ENTRY]]
        named += [str(_l("guest of order %(number)s", number=n)) for n in orders[:NAMED_PER_ENTRY - len(named)]]
        labels[entry_id] = named
    return labels


def _person(user: User | None, user_id: int) -> str:
    if user is None:
        return f"#{user_id}"
    contact = mask_phone(user.phone) if user.phone else ""
    return " ".join(part for part in (f"#{user_id}", mask_name(user.name), contact) if part)
