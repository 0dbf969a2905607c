"""The forms of the webhooks and API keys pages."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from mall.accounts.api_tokens import NAME_MAX, READ, WRITE
from mall.clean_form import CleanForm
from mall.webhooks.models import URL_MAX
from mall.webhooks.topics import TOPICS


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EndpointForm(CleanForm):
    url = StringField(_l("Endpoint URL"), validators=[DataRequired(_l("Please enter the address to post to.")),
                                                      Length(max=URL_MAX)],
                      render_kw={"type": "url", "placeholder": "https://crm.example.com/mall-events",
                                 "maxlength": URL_MAX, "autocapitalize": "none"})
    topics = Checkboxes(_l("Events"), choices=[SelectChoice(topic, label) for topic, label in TOPICS.items()],
                        validators=[DataRequired(_l("Please choose at least one event."))])


class ApiKeyForm(CleanForm):
    name = StringField(_l("Key name"), validators=[DataRequired(_l("Give the key a name, such as the system using it.")),
                                                   Length(max=NAME_MAX)], render_kw={"maxlength": NAME_MAX})
    scopes = Checkboxes(_l("Scopes"), choices=[SelectChoice(READ, _l("Read")), SelectChoice(WRITE, _l("Write"))], default=[READ],
                        validators=[DataRequired(_l("Please choose at least one scope."))])
