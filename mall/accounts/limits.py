"""Rate-limit rules keyed on the login typed into a form, normalised as accounts stores it.

They live with accounts, not in mall.ratelimits, because the key needs accounts' login parsing and the
limiter must stay below every domain.
"""
import hashlib

from flask import request

from mall.accounts.services import parse_login
from mall.ratelimits import LOGIN_MESSAGE, REGISTER_MESSAGE, Rule, failed_form


def submitted_login() -> str:
    """The login name in the form, normalised as it is stored and hashed.

    '+86 138 0013 8000' and '13800138000' share one counter, so an attacker rotating IPs and spellings is
    still slowed; the hash keeps phone numbers and emails out of Redis and bounds the key's length.
    """
    text = request.form.get("login", "")
    parsed = parse_login(text)
    normal = f"{parsed.kind}:{parsed.value}" if parsed else text.strip().casefold()
    return hashlib.sha256(normal.encode()).hexdigest()[:32]


def no_login_typed() -> bool:
    # An empty login is refused by the form before any password is checked; the IP rule covers it.
    return not request.form.get("login", "").strip()


LOGIN_BY_ACCOUNT = Rule("RATELIMIT_LOGIN_ACCOUNT", submitted_login, LOGIN_MESSAGE, counts=failed_form,
                        exempt=no_login_typed)
REGISTER_BY_ACCOUNT = Rule("RATELIMIT_REGISTER_ACCOUNT", submitted_login, REGISTER_MESSAGE, exempt=no_login_typed)
