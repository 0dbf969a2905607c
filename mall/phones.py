"""Phone numbers as people type them: one rule for checkout, staff, partner look-ups and logins."""
import re

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
