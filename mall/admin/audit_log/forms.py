"""The audit log's filters: an action (or a group of them) and a range of local calendar days."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from mall.admin.audit_log.labels import ACTIONS
from mall.clean_form import CleanForm


class AuditFilterForm(CleanForm):
    """A GET form: it changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validate_choice=False, choices=[SelectChoice("", _l("All"))] + [
        SelectChoice(code, label) for code, label in ACTIONS.items()])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    @property
    def known_action(self) -> str | None:
        return self.action.data if self.action.data in ACTIONS else None

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date is before the start date."))
