"""The demo's content pool and one storefront: two ready posts of 云岭茶舍 and 孙悦's picks (SYTEA2), so the share
centre's tabs and /shop/SYTEA2 show something. Found by natural keys (item code, pick), created only when missing."""
from datetime import datetime

from sqlalchemy import select

from mall.catalog.models import Brand, Product
from mall.content.models import ContentImage, ContentItem
from mall.referral.models import Partner
from mall.storefront.picks import pick, save_details, storefront_of

# (code, title, copy, product code, tags, pictures under static/)
ITEMS = [
    ("CTSPRG2", "明前龙井上新", "今年的明前龙井到了，豆香清甜，一年只有这几周。\n点这里下单：{link}", "H7SMB8Y", "新品 绿茶",
     ("demo/product-01.png", "demo/product-02.png")),
    ("CTGFT3K", "送长辈的茶礼", "金骏眉礼盒，蜜香浓郁，送长辈刚刚好。{link}", "JSN8BKR", "礼盒 红茶", ("demo/product-04.png",)),
]
PICKS = ("SYTEA2", ("H7SMB8Y", "JSN8BKR", "9PWSHDF"))


def load_demo_content(session, now: datetime) -> None:
    brand = session.scalar(select(Brand).where(Brand.slug == "yunling-tea"))
    for code, title, body, product_code, tags, pictures in ITEMS:
        if session.scalar(select(ContentItem.id).where(ContentItem.code == code)) is not None:
            continue
        product = session.scalar(select(Product).where(Product.code == product_code))
        item = ContentItem(brand_id=brand.id, code=code, title=title, body=body, tags=tags, created_at=now,
                           product_id=product.id if product else None)
        item.images = [ContentImage(path=path, position=n) for n, path in enumerate(pictures)]
        session.add(item)
    partner_code, product_codes = PICKS
    owner = session.scalar(select(Partner).where(Partner.code == partner_code))
    if owner is None:
        return
    if storefront_of(session, owner.user_id) is not None:  # loaded before: a second run changes nothing
        return
    for product_code in product_codes:
        product = session.scalar(select(Product).where(Product.code == product_code))
        if product is not None:
            pick(session, owner.user_id, product.id, now=now)
    save_details(session, owner.user_id, title="孙悦的茶桌", intro="自己喝过、觉得好的茶，才放进来。", now=now)
    session.flush()
