"""Tags on customers: manual ones a guide or admin sets, rule tags kept current by events; each change logged.

Adding a tag enrols the customer in the sequences of their current state narrowed by that tag (day 0 is
the moment the tag arrived); removing one ends the enrolments in those sequences (end_reason tag_removed).
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from mall.accounts.models import User
from mall.domain import DomainError
from mall.events import publish
from mall.journeys.enrolment import end_running, enrol_matching
from mall.journeys.events import CustomerTagChanged
from mall.journeys.models import JourneyCustomer, JourneyCustomerTag, JourneyTag, JourneyTagChange
from mall.journeys.sop_models import JourneySequence
from mall.journeys.tag_rules import Happened, RuleTag, changes
from mall.text import clean_text

RULES = ("manual", "bought_product", "spent_over", "live_watched", "content_touch")
NAME_MAX = 30


class TagError(DomainError):
    message = _l("The tag could not be saved.")


def create_tag(session, brand_id: int, *, name: str, rule: str, value: str, now: datetime) -> JourneyTag:
    """A new tag of the brand; refused (TagError) for a duplicate name, an unknown rule or a bad value."""
    name = clean_text(name or "")[:NAME_MAX].strip()
    value = clean_text(value or "").strip()
    if not name:
        raise TagError(_l("Please give the tag a name."), field="name")
    if rule not in RULES:
        raise TagError(_l("Please choose a rule."), field="rule")
    if rule == "spent_over" and not (value.isdigit() and 0 < int(value) <= 10**10):
        raise TagError(_l("Please enter the amount in fen, a whole number above 0."), field="value")
    if rule == "bought_product" and not value:
        raise TagError(_l("Please enter the product code."), field="value")
    if rule not in ("spent_over", "bought_product"):
        value = ""
    if session.scalar(select(JourneyTag.id).where(JourneyTag.brand_id == brand_id, JourneyTag.name == name)):
        raise TagError(_l("A tag with this name already exists."), field="name")
    tag = JourneyTag(brand_id=brand_id, name=name, rule=rule, rule_value=value.upper() if rule == "bought_product"
                     else value, created_at=now)
    session.add(tag)
    session.flush()
    return tag


def tags_of_brand(session, brand_id: int) -> list[JourneyTag]:
    return list(session.scalars(select(JourneyTag).where(JourneyTag.brand_id == brand_id).order_by(JourneyTag.name)))


def add_tag(session, customer: JourneyCustomer, tag: JourneyTag, *, cause: str, now: datetime,
            actor_user_id: int | None = None) -> bool:
    """Put the tag on the customer (False if already there), log it and start the sequences it opens."""
    if tag.brand_id != customer.brand_id:
        raise TagError(_l("This tag belongs to another brand."))
    try:
        with session.begin_nested():
            session.add(JourneyCustomerTag(customer_id=customer.id, tag_id=tag.id, added_at=now))
    except IntegrityError:
        return False
    _log(session, customer, tag.id, "added", cause=cause, actor_user_id=actor_user_id, now=now)
    enrol_matching(session, customer, now=now, tag_id=tag.id)
    return True


def remove_tag(session, customer: JourneyCustomer, tag: JourneyTag, *, cause: str, now: datetime,
               actor_user_id: int | None = None) -> bool:
    """Take the tag off (False if it was not there), log it and end the sequences that needed it."""
    removed = session.execute(delete(JourneyCustomerTag).where(JourneyCustomerTag.customer_id == customer.id,
                                                               JourneyCustomerTag.tag_id == tag.id)).rowcount
    if not removed:
        return False
    _log(session, customer, tag.id, "removed", cause=cause, actor_user_id=actor_user_id, now=now)
    sequence_ids = list(session.scalars(select(JourneySequence.id).where(JourneySequence.tag_id == tag.id)))
    if sequence_ids:
        end_running(session, customer.id, reason="tag_removed", now=now, sequence_ids=sequence_ids)
    return True


def apply_rules(session, customer: JourneyCustomer, happened: Happened, *, cause: str, now: datetime) -> None:
    """Bring the customer's rule tags up to date with what just happened."""
    tags = session.scalars(select(JourneyTag).where(JourneyTag.brand_id == customer.brand_id,
                                                    JourneyTag.rule != "manual")).all()
    if not tags:
        return
    carried = set(session.scalars(select(JourneyCustomerTag.tag_id).where(JourneyCustomerTag.customer_id ==
                                                                          customer.id)))
    add, remove = changes([RuleTag(t.id, t.rule, t.rule_value) for t in tags], happened, carried)
    for tag in tags:
        if tag.id in add:
            add_tag(session, customer, tag, cause=f"rule:{cause}", now=now)
        elif tag.id in remove:
            remove_tag(session, customer, tag, cause=f"rule:{cause}", now=now)


def tag_names(session, customer_ids: list[int]) -> dict[int, list[str]]:
    """Each customer's tag names, for a page of customers in one query."""
    names: dict[int, list[str]] = {cid: [] for cid in customer_ids}
    if customer_ids:
        rows = session.execute(select(JourneyCustomerTag.customer_id, JourneyTag.name)
                               .join(JourneyTag, JourneyTag.id == JourneyCustomerTag.tag_id)
                               .where(JourneyCustomerTag.customer_id.in_(customer_ids)).order_by(JourneyTag.name))
        for customer_id, name in rows:
            names[customer_id].append(name)
    return names


def _log(session, customer, tag_id: int, change: str, *, cause: str, actor_user_id, now: datetime) -> None:
    session.add(JourneyTagChange(customer_id=customer.id, tag_id=tag_id, change=change, cause=cause[:40],
                                 actor_user_id=actor_user_id, created_at=now))
    publish(session, CustomerTagChanged(now=now, customer_id=customer.id, brand_id=customer.brand_id,
                                        tag_id=tag_id, change=change, cause=cause))


def tag_by_guide(session, *, guide_id: int, customer_id: int, tag_id: int, remove: bool, actor_user_id: int,
                 now: datetime) -> bool:
    """A guide puts a manual tag of their brand on their own customer (or takes it off); anything else refused."""
    customer = session.get(JourneyCustomer, customer_id)
    if customer is None or customer.guide_id != guide_id:
        raise TagError(_l("This customer is not on your list."))
    tag = session.get(JourneyTag, tag_id)
    if tag is None or tag.brand_id != customer.brand_id or tag.rule != "manual":
        raise TagError(_l("Please choose one of your brand's manual tags."), field="tag_id")
    change = remove_tag if remove else add_tag
    return change(session, customer, tag, cause="manual", now=now, actor_user_id=actor_user_id)


def manual_tags(session, brand_id: int) -> list[JourneyTag]:
    return list(session.scalars(select(JourneyTag).where(JourneyTag.brand_id == brand_id, JourneyTag.rule == "manual")
                                .order_by(JourneyTag.name)))


def tag_by_admin(session, *, brand_id: int, phone: str, tag_id: int, remove: bool, actor_user_id: int,
                 now: datetime) -> bool:
    """A brand admin sets a manual tag on a customer of the brand found by mobile number."""
    user_id = session.scalar(select(User.id).where(User.phone == phone)) if phone else None
    customer = session.scalar(select(JourneyCustomer).where(JourneyCustomer.brand_id == brand_id,
                                                            JourneyCustomer.user_id == user_id)) if user_id else None
    if customer is None:  # another brand's customer reads exactly like an unknown number
        raise TagError(_l("No customer of your brand has this number."), field="phone")
    tag = session.get(JourneyTag, tag_id)
    if tag is None or tag.brand_id != brand_id or tag.rule != "manual":
        raise TagError(_l("Please choose one of your brand's manual tags."), field="tag_id")
    change = remove_tag if remove else add_tag
    return change(session, customer, tag, cause="manual", now=now, actor_user_id=actor_user_id)
