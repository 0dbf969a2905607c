"""Referral and store codes as people type them: any case, spaces or dashes from a poster, no look-alikes."""
from sqlalchemy import select

from mall.catalog.models import Store
from mall.codes import ALPHABET, pasted_code
from mall.referral.models import Partner

PARTNER_CODE_SIZE = 6
MAX_CODE = 12  # the column width; longer input is not a code


def normalise_code(raw: str | None) -> str | None:
    """The stored (upper-case) form of a typed code, or None if it cannot be one.

    Codes never contain 0 O 1 I L U, so input with them is a mistyped or foreign code: rejecting it
    early means it can never silently match someone else's code.
    """
    code = pasted_code(raw)
    if not code or len(code) > MAX_CODE or any(ch not in ALPHABET for ch in code):
        return None
    return code


def partner_by_code(session, code: str | None) -> Partner | None:
    """The partner (of any brand and status) whose referral code this is, in any case."""
    normal = normalise_code(code)
    if normal is None:
        return None
    return session.scalar(select(Partner).where(Partner.code == normal))


def store_by_code(session, code: str | None) -> Store | None:
    """The store behind a store code (门店码), in any case."""
    normal = normalise_code(code)
    if normal is None:
        return None
    return session.scalar(select(Store).where(Store.code == normal))
