"""Forms of the admin's product pages: the list filters, a product with its SKU rows, images, ratio overrides."""
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from mall.catalog.editing import SKU_NAME_MAX, STOCK_MAX, TITLE_MAX, ProductInput, SkuInput
from mall.clean_form import CleanForm
from mall.commission.rules import ROLES
from mall.ids import parse_id
from mall.money import parse_yuan

MAX_SKU_ROWS = 50


def _fen(field) -> int | None:
    return parse_yuan(field.data) if (field.data or "").strip() else None


def _check_amount(form, field):
    if not (field.data or "").strip():
        return
    try:
        fen = parse_yuan(field.data)
    except ValueError:
        raise ValidationError(_l("Please enter an amount such as 19.90 (not negative).")) from None
    if fen <= 0:
        raise ValidationError(_l("Prices must be above zero."))


class ProductFilterForm(CleanForm):
    """Search and filters of the product list (a GET form: it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Title or code"), render_kw={"maxlength": 60, "type": "search"})
    published = SelectField(_l("Published"), validate_choice=False, choices=[
        SelectChoice("", _l("All")), SelectChoice("yes", _l("Published")), SelectChoice("no", _l("Not published"))])
    low_stock = BooleanField(_l("Low stock only"))


class SkuRowForm(Form):
    id = HiddenField()
    name = StringField(_l("SKU name"), validators=[Length(max=SKU_NAME_MAX, message=_l("At most %(max)d characters, please."))],
                       render_kw={"maxlength": SKU_NAME_MAX})
    price = StringField(_l("Price (¥)"), validators=[_check_amount], render_kw={"inputmode": "decimal"})
    list_price = StringField(_l("List price (¥)"), validators=[_check_amount], render_kw={"inputmode": "decimal"})
    promo_price = StringField(_l("Limited-time price (¥)"), validators=[_check_amount],
                              render_kw={"inputmode": "decimal"})
    stock = IntegerField(_l("Stock"), validators=[Optional(), NumberRange(
        min=0, max=STOCK_MAX, message=_l("Stock cannot be negative."))], render_kw={"min": 0, "inputmode": "numeric"})

    @property
    def blank(self) -> bool:
        return not self.id.data and not (self.name.data or "").strip() and not (self.price.data or "").strip()


class ProductForm(CleanForm):
    brand = SelectField(_l("Brand"), choices=[], validate_choice=False)
    title = StringField(_l("Title"), validators=[
        DataRequired(_l("Please enter a title.")),
        Length(max=TITLE_MAX, message=_l("At most %(max)d characters, please."))], render_kw={"maxlength": TITLE_MAX})
    subtitle = StringField(_l("Subtitle"), validators=[Length(max=200)],
                           render_kw={"maxlength": 200})
    description = TextAreaField(_l("Description"), validators=[Length(max=10_000)])
    promo_ends_at = DateTimeLocalField(_l("Limited-time price ends (local time)"), format="%Y-%m-%dT%H:%M",
                                       validators=[Optional()])
    published = BooleanField(_l("Published"))
    skus = FieldList(FormField(SkuRowForm), min_entries=1, max_entries=MAX_SKU_ROWS)

    def validate_skus(self, field):
        rows = [row.form for row in field.entries if not row.form.blank]
        if not rows:
            raise ValidationError(_l("A product needs at least one SKU."))
        for row in rows:
            if not row.name.data:
                row.name.errors.append(_l("Please name every SKU."))
            if not (row.price.data or "").strip():
                row.price.errors.append(_l("Please enter a price."))
            if row.stock.data is None and not row.stock.errors:
                row.stock.errors.append(_l("Please enter the stock (0 or more)."))
        if any(row.errors for row in rows):
            raise ValidationError(_l("Please correct the SKU rows."))

    def product_input(self) -> ProductInput:
        skus = [SkuInput(id=parse_id(row.id.data), name=row.name.data,
                         price_fen=_fen(row.price), list_price_fen=_fen(row.list_price),
                         promo_price_fen=_fen(row.promo_price), stock=row.stock.data)
                for row in (entry.form for entry in self.skus.entries) if not row.blank]
        return ProductInput(title=self.title.data, subtitle=self.subtitle.data or "",
                            description=self.description.data or "", published=bool(self.published.data),
                            promo_ends_at=to_utc(self.promo_ends_at.data), skus=skus)


def shop_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def to_utc(local: datetime | None) -> datetime | None:
    """A datetime-local value (the shop's time zone, Asia/Shanghai) as the naive UTC the database keeps."""
    if local is None:
        return None
    return local.replace(tzinfo=shop_zone()).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def to_local(utc: datetime | None) -> datetime | None:
    if utc is None:
        return None
    return utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(shop_zone()).replace(tzinfo=None)


def fill_product_form(form: ProductForm, product) -> None:
    """Put a stored product into a fresh form (prices in yuan, times in the shop's zone)."""
    form.title.data, form.subtitle.data, form.description.data = product.title, product.subtitle, product.description
    form.published.data = product.published
    form.promo_ends_at.data = to_local(product.promo_ends_at)
    while form.skus.entries:
        form.skus.pop_entry()
    for sku in product.skus:
        form.skus.append_entry({"id": str(sku.id), "name": sku.name, "price": _yuan(sku.price_fen),
                                "list_price": _yuan(sku.list_price_fen), "promo_price": _yuan(sku.promo_price_fen),
                                "stock": sku.stock})


def _yuan(fen: int | None) -> str:
    return "" if fen is None else f"{fen // 100}.{fen % 100:02d}"


class ImageForm(CleanForm):
    image = FileField(_l("Image (PNG, JPEG or WebP, at most 2 MB)"),
                      validators=[InputRequired(_l("Please choose an image file."))],
                      render_kw={"accept": "image/png,image/jpeg,image/webp"})


class PublishForm(CleanForm):
    """Only the CSRF token: publish and unpublish are buttons."""


def _percent_field(label):
    return StringField(label, render_kw={"inputmode": "decimal", "maxlength": 6})


class ProductRatioForm(CleanForm):
    """A product's own split ratios in percent; an empty field keeps the brand's ratio."""

    level1 = _percent_field(_l("Level 1 (sharer) %"))
    level2 = _percent_field(_l("Level 2 (sharer's inviter) %"))
    level3 = _percent_field(_l("Level 3 %"))
    guide = _percent_field(_l("Shop guide %"))
    store = _percent_field(_l("Store %"))

    def fill(self, override) -> None:
        for role in ROLES:
            bp = getattr(override, f"{role}_bp") if override is not None else None
            getattr(self, role).data = "" if bp is None else _percent(bp)

    def changes(self) -> dict[str, int | None] | None:
        """role_bp -> basis points (None: the brand's); None with field errors set when a value is not a percent."""
        changes = {}
        for role in ROLES:
            field = getattr(self, role)
            text = (field.data or "").strip().rstrip("%").strip()
            if not text:
                changes[f"{role}_bp"] = None
                continue
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite() or value < 0 or value > 100 or value != value.quantize(
                    Decimal("0.01")):
                field.errors = [_l("Please enter a percentage between 0 and 100, such as 12.5.")]
                continue
            changes[f"{role}_bp"] = int(value * 100)
        return None if any(getattr(self, role).errors for role in ROLES) else changes


def _percent(bp: int) -> str:
    return str((Decimal(bp) / 100).normalize()) if bp % 100 else str(bp // 100)


class ImportForm(CleanForm):
    brand = SelectField(_l("Brand"), choices=[], validate_choice=False)
    file = FileField(_l("CSV file (UTF-8, the columns of the export)"),
                     validators=[InputRequired(_l("Please choose a CSV file."))], render_kw={"accept": ".csv,text/csv"})
    apply_valid = BooleanField(_l("Import the valid rows even if some rows have errors"))
