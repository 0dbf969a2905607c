"""The room's forms: buying from the shelf, "remind me", and the host's buttons. Prices are never fields."""
from wtforms import IntegerField
from wtforms.validators import InputRequired

from mall.clean_form import CleanForm
from mall.live.queries import ShelfView
from mall.orders.forms import checkout_form_for


class HostActionForm(CleanForm):
    """Start, end, unpin and remind me: nothing but the CSRF token."""


class PinForm(CleanForm):
    item_id = IntegerField(validators=[InputRequired()])


def room_checkout_form(view: ShelfView, stores, formdata=None):
    """The buy sheet for one shelf item: its SKU only, at the room's price."""
    form = checkout_form_for(view.product, stores, formdata=formdata)
    form.sku_id.choices = [c for c in form.sku_id.choices if c.value == view.item.sku_id]
    form.prices = {view.item.sku_id: view.price_fen}
    if formdata is None:
        form.sku_id.data = view.item.sku_id if view.item.sku_id not in form.sold_out else None
    return form
