"""What counts as a usable contact on an order: one rule, used by the form and by the checkout service."""
import re

NAME_MAX = 40  # columns of orders.contact_name / address / note
ADDRESS_MIN = 5  # shorter than "某市某路1号" cannot be delivered to
ADDRESS_MAX = 200
NOTE_MAX = 200

# Mainland mobile numbers, or an international number in + form (E.164 allows at most 15 digits).
_CN_MOBILE = re.compile(r"1[3-9]\d{9}")
_INTERNATIONAL = re.compile(r"\+[1-9]\d{6,14}")
_SEPARATORS = re.compile(r"[\s\-()]")
def normalize_phone(text: str | None) -> str | None:
    """The phone number without spaces or dashes, or None if it does not look like one."""
    phone = _SEPARATORS.sub("", text or "")
    if phone.startswith("+86") and _CN_MOBILE.fullmatch(phone[3:]):
        return phone[3:]
    if _CN_MOBILE.fullmatch(phone) or _INTERNATIONAL.fullmatch(phone):
        return phone
    return None
