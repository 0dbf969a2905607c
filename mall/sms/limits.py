"""Rate-limit rules for text-message codes: asking for one costs money and reaches a stranger's phone.

They live with sms, as the login rules live with accounts: mall.ratelimits stays below every domain.
"""
import hashlib

from flask import request
from flask_babel import lazy_gettext as _l

from mall.phones import normalize_phone
from mall.ratelimits import Rule, client_ip

SMS_MESSAGE = _l("Too many codes asked for. Please try again in %(wait)s.")
CODE_MESSAGE = _l("Too many codes tried. Please try again in %(wait)s.")


def submitted_phone() -> str:
    """The phone in the form, normalised and hashed: one counter per number however it is spelt."""
    phone = normalize_phone(request.form.get("phone")) or request.form.get("phone", "").strip()
    return hashlib.sha256(f"phone:{phone}".encode()).hexdigest()[:32]


SMS_BY_IP = Rule("RATELIMIT_SMS_IP", client_ip, SMS_MESSAGE)
SMS_BY_PHONE = Rule("RATELIMIT_SMS_PHONE", submitted_phone, SMS_MESSAGE)
CODE_CHECK = Rule("RATELIMIT_CODE_CHECK", client_ip, CODE_MESSAGE)
