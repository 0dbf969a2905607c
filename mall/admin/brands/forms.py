"""The platform admin's form for a brand's commission cap, in percent as people type it."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import ValidationError

from mall.admin.rules.forms import percent_to_bp
from mall.clean_form import CleanForm


def _percent(form, field):
    try:
        percent_to_bp(field.data)
    except ValueError:
        raise ValidationError(_l("Please enter a percentage with at most two decimals, like 10 or 12.5.")) from None


class CapForm(CleanForm):
    cap = StringField(_l("Maximum total commission, %"), validators=[_percent],
                      render_kw={"inputmode": "decimal", "maxlength": 7})

    def cap_bp(self) -> int:
        """Basis points (call after validate()); mall.commission.cap decides whether the value is allowed."""
        return percent_to_bp(self.cap.data)
