"""The guide's daily list forms: the outcome of one follow-up, a manual tag for a customer."""
from wtforms import HiddenField, SelectField
from wtforms.validators import AnyOf, DataRequired

from mall.clean_form import CleanForm


class FollowUpForm(CleanForm):
    outcome = HiddenField(validators=[DataRequired(), AnyOf(("done", "skipped", "later"))])


class CustomerTagForm(CleanForm):
    tag_id = SelectField(coerce=int, validate_choice=True)
