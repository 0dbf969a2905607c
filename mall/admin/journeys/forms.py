"""Forms of the journey pages; the rules themselves (placeholders, day range, brand) live in mall.journeys."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from mall.clean_form import CleanForm
from mall.journeys.messages import TEMPLATE_MAX
from mall.journeys.sop_models import MAX_DAY_OFFSET
from mall.phones import normalize_phone

STATE_CHOICES = [SelectChoice("new", _l("New")), SelectChoice("interested", _l("Interested")), SelectChoice("purchased", _l("Purchased")),
                 SelectChoice("repeat", _l("Repeat buyer")), SelectChoice("silent", _l("Silent"))]
CHANNEL_CHOICES = [SelectChoice("chat", _l("Copy to chat")), SelectChoice("call", _l("Call")), SelectChoice("in_store", _l("In store"))]
REENTRY_CHOICES = [SelectChoice("every_entry", _l("Again at every new entry into the state")),
                   SelectChoice("first_entry", _l("Only the first time a customer enters the state"))]
RULE_CHOICES = [SelectChoice("manual", _l("Manual (set by guides and admins)")), SelectChoice("bought_product", _l("Bought a product")),
                SelectChoice("spent_over", _l("Spent at least (fen)")), SelectChoice("live_watched", _l("Watched a live room")),
                SelectChoice("content_touch", _l("Came through a content item"))]
NO_TAG = 0


class SequenceForm(CleanForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please give the sequence a name."))],
                       render_kw={"maxlength": 60})
    state = SelectField(_l("Customers in state"), choices=STATE_CHOICES)
    tag_id = SelectField(_l("Only customers with the tag"), coerce=int, validate_choice=False)
    reentry = SelectField(_l("Re-entry"), choices=REENTRY_CHOICES)
    active = BooleanField(_l("Active"), default=True)

    def with_tags(self, tags) -> "SequenceForm":
        self.tag_id.choices = [SelectChoice(NO_TAG, _l("Any customer"))] + [SelectChoice(t.id, t.name) for t in tags]
        return self


class StepForm(CleanForm):
    day_offset = IntegerField(_l("Day"), validators=[
        InputRequired(_l("Please enter a day between 0 and %(max)d.", max=MAX_DAY_OFFSET)),
        NumberRange(min=0, max=MAX_DAY_OFFSET, message=_l("Please enter a day between 0 and %(max)d.",
                                                         max=MAX_DAY_OFFSET))],
                              render_kw={"inputmode": "numeric", "min": 0, "max": MAX_DAY_OFFSET})
    channel = SelectField(_l("Channel"), choices=CHANNEL_CHOICES)
    template = TextAreaField(_l("Message"), validators=[DataRequired(_l("Please write the message."))],
                             render_kw={"maxlength": TEMPLATE_MAX, "rows": 3})
    product_code = StringField(_l("Product code (optional)"), validators=[Optional()], render_kw={"maxlength": 12})
    room_code = StringField(_l("Live room code (optional)"), validators=[Optional()], render_kw={"maxlength": 12})
    item_code = StringField(_l("Content item code (optional)"), validators=[Optional()], render_kw={"maxlength": 12})


class TagForm(CleanForm):
    name = StringField(_l("Tag name"), validators=[DataRequired(_l("Please give the tag a name."))],
                       render_kw={"maxlength": 30})
    rule = SelectField(_l("Rule"), choices=RULE_CHOICES)
    value = StringField(_l("Product code or amount in fen"), validators=[Optional()], render_kw={"maxlength": 20})


class JourneySettingsForm(CleanForm):
    silent_days = IntegerField(_l("Silent after this many days without a visit or order"), validators=[
        InputRequired(_l("Please enter a number of days between 1 and 365.")),
        NumberRange(min=1, max=365, message=_l("Please enter a number of days between 1 and 365."))])


class CustomerTagForm(CleanForm):
    """A manual tag put on (or taken off) one customer, found by mobile number."""

    phone = StringField(_l("Customer's mobile number"), validators=[DataRequired(_l("Please enter a mobile number."))],
                        render_kw={"type": "tel", "maxlength": 20, "autocomplete": "off"})
    tag_id = SelectField(_l("Tag"), coerce=int)
    remove = BooleanField(_l("Take the tag off instead"))

    def with_tags(self, tags) -> "CustomerTagForm":
        self.tag_id.choices = [SelectChoice(t.id, t.name) for t in tags if t.rule == "manual"]
        return self

    @property
    def normal_phone(self) -> str:
        return normalize_phone(self.phone.data or "") or ""
