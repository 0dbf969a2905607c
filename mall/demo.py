"""`flask mall demo`: a deterministic demo mall, safe to load again and again.

Everything is found by a natural key (brand slug, store name, phone or email, product code, SKU
name) and only created when missing, so a second run changes nothing and never duplicates rows.
"""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from mall import unit_of_work
from mall.accounts.models import Role, User
from mall.catalog.demo_products import BRANDS, PRODUCTS, STORES
from mall.catalog.models import Brand, Product, ProductImage, Sku, Store
from mall.clock import utcnow
from mall.demo_content import load_demo_content
from mall.demo_journeys import load_demo_customers, load_demo_sequences
from mall.demo_live import LIVE, REPLAY, SOON, load_demo_live
from mall.demo_orders import load_demo_orders, load_demo_partners
from mall.extensions import db
from mall.orders.models import Order

DEMO_PASSWORD = "demo1234"
# Fixed creation times keep "newest first" the same on every machine.
CATALOGUE_EPOCH = datetime(2025, 1, 1, 8, 0)

STORE_CODES = ["JASTR2", "HZSTR3", "BJSTR4"]  # fixed, so printed store-code links work on every machine
# (role, login, name, brand slug, store index in STORES); partner trees are in mall/demo_orders.PARTNERS
PEOPLE = [
    (Role.PLATFORM_ADMIN, "13800000000", "周平台", None, None),
    (Role.BRAND_ADMIN, "13800000001", "李茶茶", "yunling-tea", None),
    (Role.BRAND_ADMIN, "13800000002", "王清颜", "qingyan-skin", None),
    (Role.STORE_MANAGER, "13800000003", "陈店长", "yunling-tea", 0),
    (Role.GUIDE, "13800000011", "张小雨", "yunling-tea", 0),
    (Role.GUIDE, "13800000012", "刘一鸣", "yunling-tea", 1),
    (Role.GUIDE, "13800000013", "赵可可", "qingyan-skin", 2),
    # Two level-1 partners, each with two level-2 partners they invited (see demo_orders.PARTNERS).
    (Role.PARTNER, "13900000001", "孙悦", None, None),
    (Role.PARTNER, "13900000002", "吴桐", None, None),
    (Role.PARTNER, "13900000011", "郑晓", None, None),
    (Role.PARTNER, "13900000012", "冯佳", None, None),
    (Role.PARTNER, "13900000021", "何静", None, None),
    (Role.PARTNER, "13900000022", "许诺", None, None),
    (Role.CONSUMER, "13700000001", "林晓", None, None),
    (Role.CONSUMER, "13700000002", "黄佳", None, None),
    (Role.CONSUMER, "consumer@example.com", "高远", None, None),
]


def load_demo() -> str:
    """Load (or complete) the demo data and return the summary to print."""
    session = db.session
    now = utcnow()
    brands = {slug: _brand(session, slug, name, description) for slug, name, description in BRANDS}
    stores = [_store(session, brands[slug], name, address, phone, code)
              for (slug, name, address, phone), code in zip(STORES, STORE_CODES, strict=True)]
    for role, login, name, brand_slug, store_index in PEOPLE:
        _user(session, role, login, name, brands.get(brand_slug),
              stores[store_index] if store_index is not None else None)
    for position, item in enumerate(PRODUCTS):
        _product(session, brands[item.brand], item, position, now)
    unit_of_work.commit(session)
    load_demo_sequences(session, now)
    load_demo_partners(session, now)
    load_demo_content(session, now)
    orders = load_demo_orders(session, now)
    unit_of_work.commit(session)
    load_demo_live(session, now)
    load_demo_customers(session, now, DEMO_PASSWORD)
    unit_of_work.commit(session)
    return summary(session, orders)


def _brand(session, slug: str, name: str, description: str) -> Brand:
    brand = session.scalar(select(Brand).where(Brand.slug == slug))
    if brand is None:
        brand = Brand(slug=slug, name=name, description=description, created_at=CATALOGUE_EPOCH)
        session.add(brand)
        session.flush()
    return brand


def _store(session, brand: Brand, name: str, address: str, phone: str, code: str) -> Store:
    store = session.scalar(select(Store).where(Store.brand_id == brand.id, Store.name == name))
    if store is None:
        store = Store(brand_id=brand.id, name=name, address=address, phone=phone, code=code)
        session.add(store)
        session.flush()
    return store


def _user(session, role: Role, login: str, name: str, brand: Brand | None, store: Store | None) -> User:
    column = User.email if "@" in login else User.phone
    user = session.scalar(select(User).where(column == login))
    if user is not None:
        return user
    user = User(role=role, name=name, brand_id=(store.brand_id if store else brand.id if brand else None),
                store_id=store.id if store else None,
                created_at=CATALOGUE_EPOCH, **({"email": login} if "@" in login else {"phone": login}))
    user.set_password(DEMO_PASSWORD)
    session.add(user)
    session.flush()
    return user


def promo_end(now: datetime, days: int) -> datetime:
    """Midnight (UTC) of the load day plus `days` days and 14 hours: identical for every run that day."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days, hours=14)


def _product(session, brand: Brand, item, position: int, now: datetime) -> Product:
    product = session.scalar(select(Product).where(Product.code == item.code))
    if product is None:
        product = Product(brand_id=brand.id, code=item.code, title=item.title, subtitle=item.subtitle,
                          description=item.description, published=item.published,
                          # Newest first on the home page then shows them in the order they are listed.
                          created_at=CATALOGUE_EPOCH - timedelta(hours=position))
        session.add(product)
        session.flush()
    # A demo loaded again days later should still show its limited-time prices; a running promo is left alone.
    if item.promo_days is not None and (product.promo_ends_at is None or product.promo_ends_at <= now):
        product.promo_ends_at = promo_end(now, item.promo_days)
    existing = set(session.scalars(select(Sku.name).where(Sku.product_id == product.id)))
    for sku_position, (name, price, list_price, promo_price, stock) in enumerate(item.skus):
        if name not in existing:
            session.add(Sku(product_id=product.id, name=name, price_fen=price, list_price_fen=list_price,
                            promo_price_fen=promo_price, stock=stock, position=sku_position))
    # The second picture is the same kind of object in another colour, so galleries have something to swipe.
    first = (item.image - 1) // 12 * 12
    second = first + (item.image - 1 - first + 6) % 12 + 1
    stored = set(session.scalars(select(ProductImage.path).where(ProductImage.product_id == product.id)))
    for image_position, number in enumerate((item.image, second)):
        path = f"demo/product-{number:02d}.png"
        if path not in stored:
            session.add(ProductImage(product_id=product.id, path=path, position=image_position))
    return product


def summary(session, orders: int) -> str:
    """What `flask mall demo` prints: counts, where to open the mall and who to log in as."""
    def count(model) -> int:
        return session.scalar(select(func.count()).select_from(model))

    # The address the mall is served at (`make run` sets PUBLIC_BASE_URL from its HOST and PORT).
    url = current_app.config["PUBLIC_BASE_URL"]
    lines = [
        f"Demo data ready: {count(Brand)} brands, {count(Store)} stores, {count(User)} users, "
        f"{count(Product)} products, {count(Sku)} SKUs, {count(Order)} orders ({orders} new).",
        f"Open the mall at {url}",
        f"Demo logins (password {DEMO_PASSWORD} for all):",
    ]
    width = max(len(role) for role, *_ in PEOPLE)
    for role, login, name, *_ in PEOPLE:
        lines.append(f"  {role.value:<{width}}  {login:<22} {DEMO_PASSWORD}  {name}")
    lines += [
        "Share links to try (partner 孙悦 invited 郑晓 and 冯佳; 张小雨 is a guide of the Jing'an store):",
        f"  {url}/p/H7SMB8Y/SYTEA2   {url}/shop/ZXTEA3   {url}/p/9PWSHDF/GDZXY8   {url}/s/{STORE_CODES[0]}",
        f"  {url}/shop/SYTEA2 (孙悦's storefront)   {url}/c/CTSPRG2/SYTEA2 (a content item)",
        f"Live rooms: live {url}/l/{LIVE} (invite link {url}/l/{LIVE}/SYTEA2, host console {url}/l/{LIVE}/host "
        f"as 张小雨), scheduled {url}/l/{SOON}, ended with replay {url}/l/{REPLAY}",
        f"Text messages (one-time codes) of the mock SMS provider: {url}/dev/sms",
        f"Journeys: 张小雨 (13800000011) has follow-ups due today at {url}/partner/today",
    ]
    return "\n".join(lines)
