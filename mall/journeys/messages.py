"""Message templates of journey steps: which placeholders exist, checking a template at save, filling it in.

Placeholders are written {name}. A template naming anything else, or with a stray brace, is refused when
it is saved, so a guide never copies a message with "{frist_name}" in it. {link} is the guide's own link
(their partner code) carrying the step, so the visit and the order after it are credited to this step.
A step with a live room fills {live_room} with its title and makes {link} the guide's invitation to it
(邀约, /l/<room>/<code>?j=…); a step with a content item fills {content} with its title and makes {link}
the guide's link to it (/c/<item>/<code>?j=…).
"""
import re

from flask_babel import lazy_gettext as _l

from mall.domain import DomainError

PLACEHOLDERS = {
    "first_name": _l("the customer's first name"),
    "guide_name": _l("your name"),
    "brand": _l("the brand's name"),
    "product": _l("the step's product"),
    "live_room": _l("the step's live room"),
    "content": _l("the step's content item"),
    "link": _l("your link (the live room, the content item, the product page, or the brand's home page)"),
}
TEMPLATE_MAX = 1000
_NAME = re.compile(r"\{([^{}]*)\}")


class TemplateError(DomainError):
    field = "template"


def check_template(template: str) -> str:
    """The template, if every placeholder is known and every brace belongs to one; else TemplateError."""
    template = (template or "").strip()
    if not template:
        raise TemplateError(_l("Please write the message."))
    if len(template) > TEMPLATE_MAX:
        raise TemplateError(_l("The message is too long (at most %(max)d characters).", max=TEMPLATE_MAX))
    unknown = sorted({name for name in _NAME.findall(template) if name not in PLACEHOLDERS})
    if unknown:
        raise TemplateError(_l("Unknown placeholder: %(names)s. Use one of: %(known)s.",
                               names=", ".join("{" + n + "}" for n in unknown),
                               known=", ".join("{" + n + "}" for n in PLACEHOLDERS)))
    if "{" in _NAME.sub("", template) or "}" in _NAME.sub("", template):
        raise TemplateError(_l("A brace { or } is not part of a placeholder."))
    return template


def fill(template: str, values: dict[str, str]) -> str:
    """The message with each placeholder replaced (a value missing for a known name becomes "")."""
    return _NAME.sub(lambda m: values.get(m.group(1), ""), template)
