"""The content item form: copy with a {link} placeholder, up to nine images, a product or live room, tags, a window."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import DateTimeLocalField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from mall.clean_form import CleanForm
from mall.content.items import BODY_MAX, TAGS_MAX, TITLE_MAX

TOO_LONG = _l("At most %(max)d characters, please.")


class ContentForm(CleanForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please give a title.")),
                                                 Length(max=TITLE_MAX, message=TOO_LONG)],
                        render_kw={"maxlength": TITLE_MAX})
    body = TextAreaField(_l("Copy (write {link} where the partner's link goes)"),
                         validators=[DataRequired(_l("Please write the copy.")), Length(max=BODY_MAX, message=TOO_LONG)],
                         render_kw={"rows": 6, "maxlength": BODY_MAX})
    product_code = StringField(_l("Product code (optional)"), validators=[Length(max=20, message=TOO_LONG)],
                               render_kw={"maxlength": 20})
    room_code = StringField(_l("Live room code (optional)"), validators=[Length(max=12, message=TOO_LONG)],
                            render_kw={"maxlength": 12})
    tags = StringField(_l("Tags, separated by spaces"), validators=[Length(max=TAGS_MAX, message=TOO_LONG)],
                       render_kw={"maxlength": TAGS_MAX})
    starts_at = DateTimeLocalField(_l("Publish from (UTC, optional)"), validators=[Optional()],
                                   format="%Y-%m-%dT%H:%M")
    ends_at = DateTimeLocalField(_l("Publish until (UTC, optional)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    images = MultipleFileField(_l("Images (one to nine; PNG, JPEG or WebP, at most 2 MB each)"))
    drop_images = SelectMultipleField(_l("Remove these images"), coerce=int, choices=[], validate_choice=False)
