"""Forms for editing a room (the brand admin's and the store manager's pages). The stream is pasted text:
mall.live.streams decides what it becomes; save_from_form turns a valid form into a saved room or field errors."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from mall.clean_form import CleanForm
from mall.domain import DomainError
from mall.live.covers import store_cover
from mall.live.rooms import TITLE_MAX, RoomDetails, save_room
from mall.live.streams import URL_MAX, StreamError, parse_stream
from mall.media.images import ImageError
from mall.money import parse_yuan


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class RoomForm(CleanForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please give the room a title.")),
                                                 Length(max=TITLE_MAX, message=_l("At most %(max)d characters, please."))],
                        render_kw={"maxlength": TITLE_MAX})
    starts_at = DateTimeLocalField(_l("Starts at (local time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(_l("Please say when the room starts."))])
    stream = StringField(_l("Stream: a share link or id (Bilibili, Douyin, WeChat Channels, Tencent Video) or an "
                            "https .m3u8 / .mp4 address"),
                         validators=[DataRequired(_l("Please paste the stream's link."))],
                         render_kw={"maxlength": URL_MAX})
    replay = StringField(_l("Replay (optional, same kinds of link)"), validators=[Optional()],
                         render_kw={"maxlength": URL_MAX})
    host_store_id = SelectField(_l("Host store"), coerce=_optional_int,
                                invalid_value_message=_l("Please choose one of the brand's stores."),
                                invalid_choice_message=_l("Please choose one of the brand's stores."))
    host_user_id = SelectField(_l("Host guide"), coerce=_optional_int,
                               invalid_value_message=_l("Please choose a guide of the brand as host."),
                               invalid_choice_message=_l("Please choose a guide of the brand as host."))
    cover = FileField(_l("Cover image (PNG, JPEG or WebP, at most 2 MB)"),
                      render_kw={"accept": "image/png,image/jpeg,image/webp"})


def room_form(stores, hosts, obj=None, *, blank: bool = False) -> RoomForm:
    """The room form, filled from the request (a POST) or, `blank` of it, from `obj`; host choices are the brand's."""
    form = RoomForm(formdata=None, obj=obj) if blank else RoomForm(obj=obj)
    form.host_store_id.choices = [SelectChoice("", _l("None"))] + [SelectChoice(s.id, s.name) for s in stores]
    form.host_user_id.choices = [SelectChoice("", _l("None"))] + [SelectChoice(u.id, u.name) for u in hosts]
    return form


class ShelfForm(CleanForm):
    sku_id = SelectField(_l("Product"), coerce=_optional_int,
                         validators=[InputRequired(_l("Please choose one of the brand's products."))],
                         invalid_value_message=_l("Please choose one of the brand's products."),
                         invalid_choice_message=_l("Please choose one of the brand's products."))
    live_price = StringField(_l("Live price in yuan (optional, 直播专享价)"), validators=[Optional()],
                             render_kw={"inputmode": "decimal", "maxlength": 14})

    def validate_live_price(self, field):
        self.live_price_fen = None
        text = (field.data or "").strip()
        if not text:
            return
        try:
            self.live_price_fen = parse_yuan(text)
        except ValueError:
            raise ValidationError(_l("Please enter an amount such as 12.50.")) from None


def shelf_form(skus, *, blank: bool = False) -> ShelfForm:
    form = ShelfForm(formdata=None) if blank else ShelfForm()
    form.sku_id.choices = [SelectChoice("", _l("Choose a product"))] + [
        SelectChoice(sku.id, f"{sku.product.title} · {sku.name}") for sku in skus]
    return form


class ItemForm(CleanForm):
    item_id = IntegerField(validators=[InputRequired()])


def local_time(utc: datetime | None) -> datetime | None:
    """A stored naive-UTC time as the shop's local time, for a datetime-local field."""
    return to_user_timezone(utc).replace(tzinfo=None) if utc is not None else None


def fill_room_form(form: RoomForm, room) -> RoomForm:
    form.starts_at.data = local_time(room.starts_at)
    form.stream.data, form.replay.data = room.stream_url, room.replay_url
    return form


def save_from_form(session, brand_id: int, room, form: RoomForm, *, media_store, media_hosts, actor_id: int | None,
                   now: datetime):
    """Parse the streams, keep an uploaded cover and save the room; a refusal lands beside its field (None)."""
    try:
        stream = parse_stream(form.stream.data, media_hosts)
    except StreamError as err:
        form.stream.errors.append(err.message)
        return None
    try:
        replay = parse_stream(form.replay.data, media_hosts) if (form.replay.data or "").strip() else None
    except StreamError as err:
        form.replay.errors.append(err.message)
        return None
    cover = room.cover_path if room is not None else ""
    upload = form.cover.data
    if upload is not None and getattr(upload, "filename", ""):
        try:
            cover = store_cover(upload.read(), store=media_store)
        except ImageError as err:
            form.cover.errors.append(err.message)
            return None
    details = RoomDetails(title=form.title.data, starts_at=to_utc(form.starts_at.data), stream=stream, replay=replay,
                          host_store_id=form.host_store_id.data, host_user_id=form.host_user_id.data,
                          cover_path=cover)
    try:
        return save_room(session, brand_id, room, details, actor_id=actor_id, now=now)
    except DomainError as err:
        getattr(form, err.field or "title").errors.append(err.message)
        return None
