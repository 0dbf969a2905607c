"""Customers' bindings to a sharer or guide: who the customer is, the open binding, and replacing it.

A customer is a logged-in user, or else a browser (the signed visitor cookie). At most one binding
of each kind is open per customer and brand; the partial unique indexes on `bindings` guarantee it
even when two touches race, and the loser of a race re-reads and decides again.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from mall.events import publish
from mall.referral.attribution import LAST_TOUCH, BindingFact, NewBinding
from mall.referral.events import CustomerBound
from mall.referral.facts import binding_fact
from mall.referral.models import Binding, Partner

SHARER, GUIDE = "sharer", "guide"
RACE_ATTEMPTS = 3


@dataclass(frozen=True)
class Customer:
    user_id: int | None
    visitor_key: str | None

    def owns(self):
        """Bindings of this customer: a user's own, or an anonymous browser's."""
        if self.user_id is not None:
            return Binding.user_id == self.user_id
        return (Binding.visitor_key == self.visitor_key) & Binding.user_id.is_(None)


def open_binding(session, *, brand_id: int, kind: str, customer: Customer) -> Binding | None:
    if customer.user_id is None and not customer.visitor_key:
        return None
    return session.scalar(
        select(Binding).where(Binding.brand_id == brand_id, Binding.kind == kind, Binding.ended_at.is_(None),
                              customer.owns())
        .execution_options(populate_existing=True))


def replace_binding(session, *, brand_id: int, kind: str, customer: Customer, decide, now: datetime
                    ) -> Binding | None:
    """Open the binding `decide(current)` asks for (a NewBinding or None), ending the current one.

    `decide` is called again after a lost race, with the binding the winner left behind.
    """
    if customer.user_id is None and not customer.visitor_key:
        return None
    for _attempt in range(RACE_ATTEMPTS):
        current = open_binding(session, brand_id=brand_id, kind=kind, customer=customer)
        new: NewBinding | None = decide(current)
        if new is None:
            return None
        try:
            with session.begin_nested():
                if current is not None and not _end(session, current.id, now):
                    raise _LostRace
                binding = Binding(brand_id=brand_id, kind=kind, partner_id=new.partner_id, user_id=customer.user_id,
                                  visitor_key=customer.visitor_key, touch_id=new.touch_id, reason=new.reason,
                                  started_at=now, expires_at=new.expires_at)
                session.add(binding)
        except (IntegrityError, _LostRace):
            continue
        # Outside the race's savepoint: a listener's own failure is not mistaken for a lost race.
        publish(session, CustomerBound(now=now, binding_id=binding.id, brand_id=brand_id, kind=kind,
                                       partner_id=new.partner_id, user_id=customer.user_id,
                                       visitor_key=customer.visitor_key))
        return binding
    return None  # three lost races in a row: the others' bindings stand, which is a valid outcome


# A touch's bindings in Core statements (a share link opens hundreds a minute): the customer's open bindings of the
# brand with their partner's status in one read, and the new one inserted unless the customer already has an open
# one of its kind (the partial unique indexes), which is how a lost race shows without a savepoint.
_B = Binding.__table__.c
_OPEN = (select(_B.id, _B.kind, _B.partner_id, _B.started_at, _B.expires_at, Partner.status)
         .join(Partner, Partner.id == _B.partner_id)
         .where(_B.brand_id == bindparam("brand_id"), _B.kind.in_((SHARER, GUIDE)), _B.ended_at.is_(None)))
_OPEN_OF_USER = _OPEN.where(_B.user_id == bindparam("user_id"))
_OPEN_OF_VISITOR = _OPEN.where(_B.visitor_key == bindparam("visitor_key"), _B.user_id.is_(None))
_INSERT_UNLESS_OPEN = {dialect.__name__.rsplit(".", 1)[-1]: dialect.insert(Binding.__table__).on_conflict_do_nothing()
                       .returning(_B.id) for dialect in (sqlite, postgresql)}


def bind_after_touch(session, *, brand_id: int, kinds: tuple[str, ...], customer: Customer, decide,
                     now: datetime) -> None:
    """For each kind, open the binding `decide(current)` asks for (a NewBinding or None; current is a BindingFact,
    expired if its partner is no longer active), ending the current one; as replace_binding, in Core statements."""
    if customer.user_id is None and not customer.visitor_key:
        return
    current = _open_facts(session, brand_id, customer, now)
    for kind in kinds:
        for _attempt in range(RACE_ATTEMPTS):
            new: NewBinding | None = decide(current.get(kind))
            if new is None:
                break
            binding_id = _open(session, brand_id, kind, customer, current.get(kind), new, now)
            if binding_id is not None:
                publish(session, CustomerBound(now=now, binding_id=binding_id, brand_id=brand_id, kind=kind,
                                               partner_id=new.partner_id, user_id=customer.user_id,
                                               visitor_key=customer.visitor_key))
                break
            current = _open_facts(session, brand_id, customer, now)  # lost a race: read again, decide again


def _open_facts(session, brand_id: int, customer: Customer, now: datetime) -> dict[str, BindingFact]:
    connection = session.connection()
    if customer.user_id is not None:
        rows = connection.execute(_OPEN_OF_USER, {"brand_id": brand_id, "user_id": customer.user_id})
    else:
        rows = connection.execute(_OPEN_OF_VISITOR, {"brand_id": brand_id, "visitor_key": customer.visitor_key})
    return {row.kind: binding_fact(row, partner_active=row.status == "active", now=now) for row in rows}


def _open(session, brand_id: int, kind: str, customer: Customer, current: BindingFact | None, new: NewBinding,
          now: datetime) -> int | None:
    """The new binding's id, or None when another request changed the customer's bindings first."""
    connection = session.connection()
    statement = _INSERT_UNLESS_OPEN[connection.dialect.name]
    values = dict(brand_id=brand_id, kind=kind, partner_id=new.partner_id, user_id=customer.user_id,
                  visitor_key=customer.visitor_key, touch_id=new.touch_id, reason=new.reason, started_at=now,
                  expires_at=new.expires_at, ended_at=None)
    if current is None:
        return connection.execute(statement, values).scalar()
    try:
        with session.begin_nested():  # ending the old one and opening the new one stand or fall together
            if not _end(session, current.id, now):
                raise _LostRace
            binding_id = session.connection().execute(statement, values).scalar()
            if binding_id is None:
                raise _LostRace
    except _LostRace:
        return None
    return binding_id


class _LostRace(Exception):
    """Another request opened a binding for this customer first: read again and decide again."""


def _end(session, binding_id: int, now: datetime) -> bool:
    """End a binding unless someone else already did (then the caller must decide again)."""
    return bool(session.execute(update(Binding).where(Binding.id == binding_id, Binding.ended_at.is_(None))
                                .values(ended_at=now)).rowcount)


def attach_visitor(session, *, visitor_key: str, user_id: int, mode_of, now: datetime) -> None:
    """Give a browser's anonymous bindings to the user who just identified themselves on it.

    If the user already has an open binding of the same kind, the brand's mode decides which one
    stays open: the later under last-touch-wins, the earlier otherwise. `mode_of(brand_id)` -> mode.
    """
    for _attempt in range(RACE_ATTEMPTS):
        try:
            with session.begin_nested():
                _merge(session, visitor_key, user_id, mode_of, now)
            return
        except IntegrityError:  # the same user logging in twice at once: the other request did it
            continue


def _merge(session, visitor_key: str, user_id: int, mode_of, now: datetime) -> None:
    anonymous = session.scalars(
        select(Binding).where(Binding.visitor_key == visitor_key, Binding.user_id.is_(None),
                              Binding.ended_at.is_(None))).all()
    for theirs in anonymous:
        mine = open_binding(session, brand_id=theirs.brand_id, kind=theirs.kind,
                            customer=Customer(user_id, None))
        if mine is None:
            continue
        later_wins = mode_of(theirs.brand_id) == LAST_TOUCH
        loser = min(mine, theirs, key=lambda b: (b.started_at, b.id)) if later_wins else \
            max(mine, theirs, key=lambda b: (b.started_at, b.id))
        _end(session, loser.id, now)
    session.execute(update(Binding).where(Binding.visitor_key == visitor_key, Binding.user_id.is_(None))
                    .values(user_id=user_id))


def open_bindings_of_user(session, user_id: int) -> list[Binding]:
    """The user's open bindings of every brand and kind (after a browser's bindings became theirs)."""
    return list(session.scalars(select(Binding).where(Binding.user_id == user_id, Binding.ended_at.is_(None))
                                .order_by(Binding.id)))
