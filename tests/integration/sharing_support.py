"""Shared steps of the sharing-kit tests: content items, real PNG pictures, buying through a shared link and
reading a poster's QR code back with zxing-cpp."""
import io

import zxingcpp
from PIL import Image

from mall.clock import utcnow
from mall.content.models import ContentImage, ContentItem
from mall.orders.models import Order
from mall.orders.states import mark_paid
from tests.conftest import csrf_from

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def picture(colour=(200, 120, 40), size=(64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def content_item(make, brand, *, title="Spring harvest", body="New tea is in! Order here: {link}", product=None,
                 tags="", starts_at=None, ends_at=None) -> ContentItem:
    item = ContentItem(brand_id=brand.id, title=title, body=body, product_id=product.id if product else None, tags=tags,
                       starts_at=starts_at, ends_at=ends_at, created_at=utcnow())
    item.images = [ContentImage(path="demo/product-02.png", position=0)]
    make.session.add(item)
    make.session.commit()
    return item


def qr_texts(png: bytes) -> list[str]:
    with Image.open(io.BytesIO(png)) as image:
        return [found.text for found in zxingcpp.read_barcodes(image)]


def buy(client, product, headers=EN):
    """Check out one unit on the product page, as the browser that holds the visitor cookie."""
    html = client.get(f"/p/{product.code}", headers=headers).get_data(as_text=True)
    key = html.split('name="idempotency_key" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": csrf_from(html), "idempotency_key": key, "sku_id": str(product.skus[0].id),
            "quantity": "1", "contact_name": "王小明", "contact_phone": "13800138000", "delivery": "ship",
            "address": "上海市静安区南京西路 1 号", "note": ""}
    response = client.post(f"/p/{product.code}/buy", data=data, headers=headers)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]


def pay_latest(session) -> Order:
    """The payment provider confirms the newest order: the real state machine publishes OrderPaid."""
    order = session.query(Order).order_by(Order.id.desc()).first()
    assert mark_paid(session, order.id, amount_fen=order.total_fen, now=utcnow())
    session.commit()
    return order
