"""Short random identifiers people can read aloud: no look-alike characters (0/O, 1/I/l)."""
import re
import secrets
import unicodedata

# Crockford-style alphabet: digits and upper-case letters without 0 1 I L O U.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def short_code(size: int = 7) -> str:
    """7 characters of 30 symbols: 2.2e10 codes, so guessing neighbours is hopeless."""
    return "".join(secrets.choice(ALPHABET) for _ in range(size))


# What a chat app glues to a pasted link: a full stop, a comma, a closing bracket, "谢谢" …
_TRAILING = re.compile(r"[^0-9A-Za-z].*\Z", re.S)
_ALNUM = re.compile(r"[0-9A-Za-z]")


def pasted_code(raw: str | None) -> str:
    """A code as it arrives from a pasted or typed link: full-width forms folded (ＡＢＣ -> ABC), spaces and
    dashes from a poster dropped, a tail of punctuation or words ("。", "),", "，谢谢") cut off, upper-cased.

    A tail with letters or digits in it ("AB3/../x") is not punctuation but another string: it is kept, so the
    whole is no code at all rather than a shorter code that might be someone else's.
    """
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(text.split()).replace("-", "")
    tail = _TRAILING.search(text)
    if tail is not None and not _ALNUM.search(tail.group()):
        text = text[:tail.start()]
    return text.upper()
