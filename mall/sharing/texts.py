"""The ready sentence a partner pastes under a product: its name, its price and their link."""
from flask_babel import gettext as _

from mall.money import format_fen


def product_text(title: str, price_fen: int | None, link: str) -> str:
    if price_fen is None:
        return _("%(title)s %(link)s", title=title, link=link)
    return _("%(title)s, only %(price)s. Order here: %(link)s", title=title, price=format_fen(price_fen), link=link)
