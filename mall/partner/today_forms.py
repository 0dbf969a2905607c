"""The guide's daily list forms: the outcome of one follow-up, a manual tag for a customer."""
from wtforms import HiddenField, SelectChoice, SelectField
from wtforms.validators import AnyOf, DataRequired

from mall.clean_form import CleanForm


class FollowUpForm(CleanForm):
    outcome = HiddenField(validators=[DataRequired(), AnyOf(("done", "skipped", "later"))])


class CustomerTagForm(CleanForm):
    tag_id = SelectField(coerce=int, validate_choice=True)
    remove = HiddenField(default="0", validators=[AnyOf(("0", "1"))])

    def with_tags(self, tags) -> "CustomerTagForm":
        self.tag_id.choices = [SelectChoice(t.id, t.name) for t in tags]
        return self
