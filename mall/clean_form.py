"""The base of every form, so the one cleaning rule of mall/text.py cannot be forgotten on a new field."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from mall.text import clean_text


def _clean_filter(value):
    return clean_text(value) if isinstance(value, str) else value


class CleanForm(FlaskForm):
    """The base of every form: each text field (passwords excepted) goes through clean_text first."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                filters = [_clean_filter, *unbound_field.kwargs.get("filters", ())]
                return unbound_field.bind(form=form, filters=filters, **options)
            return unbound_field.bind(form=form, **options)
