"""The one shape of a domain error: a reason in words for the person who caused it.

The message stays lazy (flask_babel.lazy_gettext) so it is translated where it is shown, in the
reader's language; `field` names the form field it belongs beside, if any.
"""
from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    message = _l("That could not be done. Please try again.")
    field: str | None = None

    def __init__(self, message=None, field: str | None = None):
        super().__init__(message if message is not None else self.message)
        if message is not None:
            self.message = message
        if field is not None:
            self.field = field
