"""Record ids as they arrive in URLs, query strings and hidden fields.

Primary keys are PostgreSQL `integer` columns: a larger number is not a missing record there but a
database error ("out of range for type integer"), so it must never reach a query. Everything that
turns visitor text into an id goes through here, and an impossible id is simply "not found".
"""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: digits only, 1 … MAX_ID, anything else is a 404 before the view runs."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=1 if min is None else min,
                         max=MAX_ID if max is None else max, signed=signed)


def parse_id(text: object) -> int | None:
    """An id from visitor text ('17' -> 17); None for anything that cannot be a record's id."""
    text = str(text if text is not None else "").strip()
    if not (text.isascii() and text.isdigit()):  # str.isdigit alone accepts '²' and other digit signs
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
