"""Short random identifiers people can read aloud: no look-alike characters (0/O, 1/I/l)."""
import secrets

# Crockford-style alphabet: digits and upper-case letters without 0 1 I L O U.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def short_code(size: int = 7) -> str:
    """7 characters of 30 symbols: 2.2e10 codes, so guessing neighbours is hopeless."""
    return "".join(secrets.choice(ALPHABET) for _ in range(size))
