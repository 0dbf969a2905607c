"""The buy sheet's form and the buyer's refund request. Prices are never fields: the server decides them."""
import secrets

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from mall.catalog.pricing import unit_price_fen
from mall.clean_form import CleanForm
from mall.clock import utcnow
from mall.money import parse_yuan
from mall.orders.checkout import IDEMPOTENCY_KEY, MAX_LINE_QUANTITY, CheckoutRequest
from mall.orders.contact import ADDRESS_MAX, ADDRESS_MIN, NAME_MAX, NOTE_MAX
from mall.orders.models import Delivery
from mall.orders.refunds import REASON_MAX
from mall.page_cache import Slot
from mall.phones import normalize_phone


def _optional_int(value):
    return int(value) if value not in (None, "") else None


def _new_key() -> str:
    return secrets.token_urlsafe(24)


# A cached product page gets a key of its own for every visitor (mall/page_cache.py).
IDEMPOTENCY_KEY_SLOT = Slot("\ue000idempotency\ue000", _new_key)


class QuantityField(IntegerField):
    """A whole number; "abc" gets one message ("a whole number, please"), not that plus a range error."""

    def process_formdata(self, valuelist):
        if valuelist and not valuelist[0].strip():
            self.data = None  # empty: InputRequired says so
            return
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


SHIP = SelectChoice(Delivery.SHIP.value, _l("Deliver to me"))
PICKUP = SelectChoice(Delivery.PICKUP.value, _l("Pick up in store"))


class CheckoutForm(CleanForm):
    sku_id = RadioField(_l("Option"), coerce=int, validators=[InputRequired(_l("Please choose an option."))],
                        invalid_value_message=_l("Please choose an option."),
                        invalid_choice_message=_l("This option is no longer available."))
    quantity = QuantityField(
        _l("Quantity"), default=1,
        validators=[InputRequired(_l("Please enter a quantity.")),
                    NumberRange(1, MAX_LINE_QUANTITY, _l("Please choose a quantity between %(min)s and %(max)s."))],
        invalid_value_message=_l("Please enter a whole number."),
        render_kw={"min": 1, "max": MAX_LINE_QUANTITY, "inputmode": "numeric"})
    contact_name = StringField(
        _l("Name"), validators=[DataRequired(_l("Please enter your name.")),
                    Length(max=NAME_MAX, message=_l("At most %(max)d characters, please."))],
        render_kw={"autocomplete": "name", "maxlength": NAME_MAX})
    contact_phone = TelField(_l("Mobile number"), validators=[InputRequired(_l("Please enter your mobile number."))],
                             render_kw={"autocomplete": "tel", "maxlength": 20})
    delivery = RadioField(_l("Delivery"), default=Delivery.SHIP, choices=[SHIP, PICKUP],
                          invalid_choice_message=_l("Please choose delivery or store pickup."))
    address = TextAreaField(
        _l("Delivery address"), validators=[Length(max=ADDRESS_MAX, message=_l("At most %(max)d characters, please."))],
        render_kw={"autocomplete": "street-address", "maxlength": ADDRESS_MAX, "rows": 2})
    pickup_store_id = SelectField(_l("Store"), coerce=_optional_int,
                                  invalid_value_message=_l("Please choose one of the stores listed."),
                                  invalid_choice_message=_l("Please choose one of the stores listed."))
    note = StringField(_l("Note to the seller"), validators=[Optional(), Length(max=NOTE_MAX, message=_l("At most %(max)d characters, please."))],
                       render_kw={"maxlength": NOTE_MAX})
    # A fresh key per rendered form: a double-clicked or replayed submit carries the same key.
    idempotency_key = HiddenField(default=_new_key)

    def validate_quantity(self, field):
        # Said before the order is tried: how many are left, not just "not enough stock".
        stock = getattr(self, "stocks", {}).get(self.sku_id.data)
        if not field.errors and stock is not None and stock > 0 and field.data is not None and field.data > stock:
            raise ValidationError(_l("Only %(num)d left of this option.", num=stock))

    def validate_contact_phone(self, field):
        if field.data and normalize_phone(field.data) is None:
            raise ValidationError(_l("Please enter a mobile number such as 13800138000."))

    def validate_address(self, field):
        if self.delivery.data == Delivery.SHIP and len((field.data or "").strip()) < ADDRESS_MIN:
            raise ValidationError(_l("Please enter the full delivery address."))

    def validate_pickup_store_id(self, field):
        if self.delivery.data == Delivery.PICKUP and field.data is None:
            raise ValidationError(_l("Please choose a store for pickup."))

    def validate_idempotency_key(self, field):
        if not IDEMPOTENCY_KEY.fullmatch(field.data or ""):
            field.data = _new_key()  # the re-rendered form can then be sent again
            raise ValidationError(_l("Your form expired. Please reload the page and try again."))


def checkout_form_for(product, stores, formdata=None, *, now=None, pickup_store_id: int | None = None) -> CheckoutForm:
    """The buy sheet's form for one product: its SKUs (prices and sold-out ones for display) and pickup stores.

    pickup_store_id preselects a store (the guide's whose link brought the buyer) on a fresh form.
    """
    now = now or utcnow()
    form = CheckoutForm(formdata=formdata)
    skus = list(product.skus)
    form.sku_id.choices = [SelectChoice(sku.id, sku.name) for sku in skus]
    form.prices = {sku.id: unit_price_fen(sku, product, now) for sku in skus}
    form.sold_out = {sku.id for sku in skus if sku.stock <= 0}
    form.stocks = {sku.id: sku.stock for sku in skus}
    form.stores = list(stores)
    form.pickup_store_id.choices = [SelectChoice("", _l("Choose a store"))] + [
        SelectChoice(store.id, store.name) for store in form.stores]
    if not form.stores:
        form.delivery.choices = [SHIP]
    if formdata is None:
        in_stock = [sku.id for sku in skus if sku.id not in form.sold_out]
        form.sku_id.data = in_stock[0] if in_stock else None
        if pickup_store_id in {store.id for store in form.stores}:
            form.pickup_store_id.data = pickup_store_id
    return form


class RefundForm(CleanForm):
    line_id = SelectField(_l("What to refund"), coerce=_optional_int,
                          invalid_value_message=_l("Please choose what to refund."),
                          invalid_choice_message=_l("Please choose what to refund."))
    amount = StringField(_l("Amount (yuan)"), render_kw={"inputmode": "decimal", "maxlength": 14})
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(_l("Please tell us why.")),
                    Length(max=REASON_MAX, message=_l("At most %(max)d characters, please."))],
        render_kw={"maxlength": REASON_MAX, "rows": 2})

    def validate_amount(self, field):
        text = (field.data or "").strip()
        self.amount_fen = None
        if not text:
            return
        if self.line_id.data is None:
            raise ValidationError(_l("Choose one item to refund part of it."))
        try:
            self.amount_fen = parse_yuan(text)
        except ValueError:
            raise ValidationError(_l("Please enter an amount such as 12.50.")) from None
        if self.amount_fen <= 0:
            raise ValidationError(_l("Please enter an amount greater than zero."))

    def items(self) -> list[tuple[int, int | None]] | None:
        """None for the whole order, else the one line with its amount (None: the rest of the line)."""
        if self.line_id.data is None:
            return None
        return [(self.line_id.data, getattr(self, "amount_fen", None))]


def refund_form_for(order, formdata=None) -> RefundForm:
    form = RefundForm(formdata=formdata)
    form.line_id.choices = [SelectChoice("", _l("The whole order"))] + [
        SelectChoice(line.id, f"{line.title} · {line.sku_name} ×{line.quantity}") for line in order.lines]
    return form


def checkout_request(form, *, user_id: int | None, visitor_key: str | None) -> CheckoutRequest:
    """What a validated buy sheet asks checkout for (the product page's and a live room's sheet alike)."""
    return CheckoutRequest(
        sku_id=form.sku_id.data, quantity=form.quantity.data, contact_name=form.contact_name.data,
        contact_phone=form.contact_phone.data, delivery=form.delivery.data,
        idempotency_key=form.idempotency_key.data, address=form.address.data or "",
        pickup_store_id=form.pickup_store_id.data, note=form.note.data or "", user_id=user_id,
        visitor_key=visitor_key)
