"""What every domain's per-brand settings have in common: one row per brand, made with the defaults on first
use; a refusal that names each problem by field and code; and form values turned into whole numbers.

The settings themselves live with the domain whose rules they are (mall.commission.settings: ratios and levels;
mall.referral.settings: binding and becoming a partner; mall.orders.settings: completing orders;
mall.commission.withdrawal_settings: withdrawals), so a domain reads its own rules without importing another's.
"""
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mall.audit.service import record
from mall.database import held, keep

MESSAGES = {
    "not_a_number": _l("Please enter a whole number."),
    "negative": _l("Please enter a number that is not negative."),
    "unknown_field": _l("That setting cannot be changed here."),
}


def message(code: str, context: dict | None = None, messages: dict = MESSAGES,
            with_context: set | frozenset = frozenset()) -> str:
    """The translated message of a problem code, with what it names (a cap, a total, products) filled in."""
    text = str(messages.get(code, code))
    return text % context if code in with_context and context else text


class SettingsError(Exception):
    """Changes refused; `problems` maps a field (or "" for the whole form) to message codes.

    Each domain subclasses it with its own codes (MESSAGES), so a page that saves several domains' settings
    catches this one class and still shows every message in the words of the domain that refused it.
    """

    MESSAGES: dict = MESSAGES
    # Codes whose message is %-formatted with the context (so they must not hold a literal "%").
    WITH_CONTEXT: frozenset = frozenset()

    def __init__(self, problems: dict[str, list[str]], context: dict | None = None):
        super().__init__(", ".join(f"{k}:{c}" for k, codes in problems.items() for c in codes))
        self.problems = problems
        self.context = context or {}  # what the messages name

    @property
    def messages(self) -> dict[str, list[str]]:
        """The problems as translated, user-facing messages per field."""
        return {field: [message(code, self.context, self.MESSAGES, self.WITH_CONTEXT) for code in codes]
                for field, codes in self.problems.items()}


def row_for(session, model, brand_id: int):
    """The brand's row of a settings model, created with the defaults on first use (safe when two requests race)."""
    # Held: checkout asks for the same settings rows from attribution, planning and the order's record of them.
    found = held(session, model, brand_id)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            created = model(brand_id=brand_id)
            session.add(created)
        keep(session, created)
        return created
    except IntegrityError:  # another request created it first
        found = session.scalars(select(model).where(model.brand_id == brand_id)
                                .execution_options(populate_existing=True)).one()
        keep(session, found)
        return found


def locked_row(session, model, brand_id: int):
    """The brand's row, locked until the transaction ends (PostgreSQL; SQLite's writers queue anyway), so the
    audit's "before" is what the change really replaced when two admins save at once."""
    row_for(session, model, brand_id)
    return session.scalars(select(model).where(model.brand_id == brand_id)
                           .with_for_update().execution_options(populate_existing=True)).one()


def as_int(value) -> int:
    """A whole number from an int or its digits; ValueError otherwise (True is not 1 here)."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        raise ValueError("not a number")
    return int(text)


def clean_ints(changes: dict, int_fields: tuple[str, ...]) -> dict:
    """Coerce the whole-number fields; a value that cannot be coerced is kept so int_problems names its field."""
    cleaned = dict(changes)
    for name in int_fields:
        if name in cleaned:
            with contextlib.suppress(ValueError):
                cleaned[name] = as_int(cleaned[name])
    return cleaned


def int_problems(values: dict, editable: tuple[str, ...], int_fields: tuple[str, ...]) -> dict[str, list[str]]:
    """Fields that are not the domain's to change, and whole-number fields that are not whole or are negative."""
    problems: dict[str, list[str]] = {}
    for name in values:
        if name not in editable:
            problems.setdefault(name, []).append("unknown_field")
    for name in int_fields:
        if not isinstance(values.get(name), int):
            problems.setdefault(name, []).append("not_a_number")
        elif values[name] < 0:
            problems.setdefault(name, []).append("negative")
    return problems


def snapshot(row, editable: tuple[str, ...]) -> dict:
    return {name: getattr(row, name) for name in editable}


def changed(mine: dict, other: dict) -> dict:
    """The entries of `mine` that differ from `other`: what an audit entry records of a change."""
    return {k: v for k, v in mine.items() if other.get(k) != v}


@dataclass(frozen=True)
class SettingsRow:
    """How one domain's settings row is read, checked and saved: the domain names its model, its fields, its
    own checks, its refusal and its audit action; reading with defaults, locking and auditing are the same."""

    model: type
    editable: tuple[str, ...]  # what a brand admin may change
    int_fields: tuple[str, ...]  # those of them that are whole numbers, never negative
    error: type[SettingsError]
    action: str  # the audit log's action for a change
    checks: Callable[[dict], dict[str, list[str]]] | None = None  # the domain's own rules on the merged values

    def read(self, session, brand_id: int):
        return row_for(session, self.model, brand_id)

    def problems(self, values: dict) -> dict[str, list[str]]:
        problems = int_problems(values, self.editable, self.int_fields)
        if self.checks is not None:
            for name, codes in self.checks(values).items():
                problems.setdefault(name, []).extend(codes)
        return problems

    def check(self, session, brand_id: int, changes: dict) -> SettingsError | None:
        """Why these changes would be refused, or None; writes nothing (a page saving several domains asks
        every domain first, so that none saves unless all accept)."""
        values = {**snapshot(self.read(session, brand_id), self.editable), **clean_ints(changes, self.int_fields)}
        problems = self.problems(values)
        return self.error(problems) if problems else None

    def save(self, session, brand_id: int, changes: dict, *, actor_id: int | None, now: datetime):
        """Validate and apply changes, audited in the same transaction when something changed; raises
        self.error and then changes nothing. The caller commits."""
        row = locked_row(session, self.model, brand_id)
        before = snapshot(row, self.editable)
        after = {**before, **clean_ints(changes, self.int_fields)}
        problems = self.problems(after)
        if problems:
            raise self.error(problems)
        if after != before:
            for name, value in after.items():
                setattr(row, name, value)
            row.updated_at = now
            record(session, action=self.action, brand_id=brand_id, actor_id=actor_id, now=now,
                   subject=f"brand:{brand_id}", before=changed(before, after), after=changed(after, before))
        return row
