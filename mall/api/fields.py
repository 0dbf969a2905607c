"""Field types every API schema shares: UTC times with a Z, fen as integers, ids within the database's range."""
from datetime import timezone

from marshmallow import ValidationError, fields, validate

from mall.ids import MAX_ID
from mall.money import MAX_FEN


class UtcDateTime(fields.DateTime):
    """Times are stored naive in UTC; the API says so (RFC 3339, "2026-12-01T08:30:00Z")."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc, microsecond=0).isoformat().replace("+00:00", "Z")


def Id(**kw) -> fields.Integer:  # noqa: N802 (a field factory reads like a field class)
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kw)


def Fen(minimum: int = 0, **kw) -> fields.Integer:  # noqa: N802
    return fields.Integer(strict=True, validate=validate.Range(minimum, MAX_FEN), **kw)


def _cursor_in_range(text: str) -> None:
    # A cursor is a row id: beyond PostgreSQL's integer it is no position at all, and must never reach a query.
    if text.isascii() and text.isdigit() and int(text) > MAX_ID:  # not digits: the pattern says so
        raise ValidationError("Not a cursor this API gave out.")


def Cursor() -> fields.String:  # noqa: N802
    return fields.String(validate=[validate.Regexp(r"^[0-9]{1,10}$"), _cursor_in_range], load_default=None,
                         metadata={"description": "next_cursor of the previous page; omit for the first"})


def Limit() -> fields.Integer:  # noqa: N802
    return fields.Integer(validate=validate.Range(1, 200), load_default=50)
