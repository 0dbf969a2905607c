"""One cleaning rule for every text a person sends us: form fields, query words and uploaded files.

Control characters have no place in a name, an address, a title or a CSV cell: they are invisible,
break exports and terminals, and NUL above all is refused by PostgreSQL. Tabs and line breaks stay
(a description or note may have paragraphs). NUL itself is not silently dropped where it arrives in
a request (mall/errors.py answers 400: a form that carries one was not typed by a person), and in an
uploaded file it makes that row a bad value, reported like any other.
"""
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What a NUL becomes when an upload is kept as text for a background job (PostgreSQL cannot store
# NUL); the replacement character only ever comes from a broken file, so it is refused the same way.
NUL_STAND_IN = "\ufffd"


def clean_text(text: str | None) -> str:
    """Free text as we store it: without control characters or surrounding blanks."""
    return _CONTROL.sub("", text or "").strip()


def unstorable(text: str) -> bool:
    """True if the text holds a NUL (or its stand-in), which no column can keep."""
    return "\x00" in text or NUL_STAND_IN in text
