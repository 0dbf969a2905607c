"""`flask mall demo`: deterministic, idempotent, and the mall it builds is immediately shoppable."""
from sqlalchemy import func, select

from mall.accounts.models import Role, User
from mall.catalog.models import Brand, Product, ProductImage, Sku, Store
from mall.clock import utcnow
from mall.demo_journeys import CUSTOMERS as JOURNEY_CUSTOMERS
from mall.extensions import db as _db
from mall.referral.models import Partner
from tests.conftest import csrf_from

MODELS = (Brand, Store, User, Product, Sku, ProductImage)


def counts(db) -> dict:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in MODELS}


def snapshot(db) -> list:
    """Every demo row's natural key and the values a visitor sees: a second load must not change them."""
    products = db.session.execute(select(Product.code, Product.title, Product.published, Product.promo_ends_at)
                                  .order_by(Product.code)).all()
    skus = db.session.execute(select(Sku.product_id, Sku.name, Sku.price_fen, Sku.stock).order_by(Sku.id)).all()
    people = db.session.execute(select(User.phone, User.email, User.role).order_by(User.id)).all()
    return [products, skus, people]


def load(runner):
    result = runner.invoke(args=["mall", "demo"])
    assert result.exit_code == 0, result.output
    _db.session.expire_all()
    return result.output


def test_demo_loads_twice_with_the_same_data(runner, db):
    output = load(runner)
    first, rows = counts(db), snapshot(db)
    assert first == {"Brand": 2, "Store": 3, "User": 16 + len(JOURNEY_CUSTOMERS), "Product": 24, "Sku": first["Sku"],
                     "ProductImage": 48}
    assert first["Sku"] >= 24
    load(runner)
    assert counts(db) == first
    assert snapshot(db) == rows
    assert "Open the mall at http://localhost\n" in output  # the address it is served at (PUBLIC_BASE_URL)
    assert "13800000000" in output and "demo1234" in output and "platform_admin" in output
    # Issue 16: the logins follow their heading, before anything else.
    heading = output.splitlines().index("Demo logins (password demo1234 for all):")
    assert "platform_admin" in output.splitlines()[heading + 1]


def test_demo_people_cover_every_role_and_a_two_level_invite_tree(runner, db):
    load(runner)
    by_role = {}
    for user in db.session.scalars(select(User)):
        by_role.setdefault(user.role, []).append(user)
    assert by_role[Role.PLATFORM_ADMIN][0].check_password("demo1234")
    assert {role: len(people) for role, people in by_role.items()} == {
        "platform_admin": 1, "brand_admin": 2, "store_manager": 1, "guide": 3, "partner": 6,
        "consumer": 3 + len(JOURNEY_CUSTOMERS)}
    assert all(guide.store_id and guide.brand_id == guide.store.brand_id for guide in by_role["guide"])
    partners = db.session.scalars(select(Partner).join(User).where(User.role == Role.PARTNER)).all()
    level1 = [p for p in partners if p.inviter_id is None]
    level2 = [p for p in partners if p.inviter_id is not None]
    assert len(level1) == 2 and len(level2) == 4
    assert all(p.inviter in level1 and p.brand_id == p.inviter.brand_id for p in level2)
    assert sorted(sum(p.inviter_id == leader.id for p in level2) for leader in level1) == [2, 2]
    assert {store.brand.slug for store in db.session.scalars(select(Store))} == {"yunling-tea", "qingyan-skin"}


def test_demo_catalogue_has_promos_low_stock_a_sold_out_sku_and_a_draft(runner, db):
    load(runner)
    now = utcnow()
    products = db.session.scalars(select(Product)).all()
    assert sum(not p.published for p in products) == 1
    assert sum(1 for p in products if p.promo_ends_at and p.promo_ends_at > now) >= 3
    assert all(1 <= len(p.skus) <= 4 and p.images for p in products)
    assert {p.brand.slug for p in products if p.published} == {"yunling-tea", "qingyan-skin"}
    stocks = [sku.stock for p in products if p.published for sku in p.skus]
    assert 0 in stocks and any(0 < s <= 5 for s in stocks)


def test_demo_mall_is_browsable_and_logins_work(runner, client, db):
    load(runner)
    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "云岭茶舍" in home and "明前龙井" in home
    product = client.get("/p/H7SMB8Y", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "data-countdown" in product and "demo/product-01.png" in product
    assert client.get("/p/3S9T2XA").status_code == 404  # the unpublished draft
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"login": "consumer@example.com", "password": "demo1234",
                                           "csrf_token": token})
    assert response.status_code == 302


def test_demo_images_are_shipped_and_small(app):
    import os

    folder = os.path.join(app.static_folder, "demo")
    for n in range(1, 25):
        path = os.path.join(folder, f"product-{n:02d}.png")
        assert os.path.getsize(path) < 40 * 1024, path
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_the_demo_guide_has_follow_ups_today_for_customers_in_every_state(runner, db):
    from mall.clock import utcnow
    from mall.journeys.daily import due_today
    from mall.journeys.models import JourneyCustomer
    from mall.journeys.sop_models import JourneySequence

    load(runner)
    load(runner)
    guide = db.session.scalar(select(Partner).where(Partner.code == "GDZXY8"))
    due = due_today(db.session, guide_id=guide.id, day_end=utcnow())
    assert {item.state for item in due} == {"new", "interested", "purchased", "repeat", "silent"}
    assert len(due) == len({item.enrolment_id for item in due}) >= 9
    assert set(db.session.scalars(select(JourneySequence.state))) == {"new", "interested", "purchased", "repeat",
                                                                      "silent"}
    states = db.session.scalars(select(JourneyCustomer.state).where(JourneyCustomer.guide_id == guide.id)).all()
    assert len(states) == len(JOURNEY_CUSTOMERS)
