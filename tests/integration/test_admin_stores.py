"""The brand admin's stores: create, edit, staff, the store code poster; another brand's store is a 404."""
from sqlalchemy import select

from mall.accounts.models import Role, User
from mall.audit.models import AuditLog
from mall.catalog.models import Store
from mall.referral.models import Partner
from tests.conftest import csrf_from
from tests.integration.admin_support import EN, text


def _admin(make, login_as):
    brand = make.brand()
    login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    return brand


def _post(client, url, data, token_from="/admin/stores/new"):
    token = csrf_from(client.get(token_from, headers=EN).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, headers=EN)


def test_create_and_edit_a_store_audited(client, make, login_as, db):
    brand = _admin(make, login_as)
    response = _post(client, "/admin/stores/new", {"name": "West Lake", "address": "1 Hubin Rd", "phone": "0571-1234",
                                                   "active": "y"})
    assert response.status_code == 303
    store = db.session.scalars(select(Store)).one()
    assert (store.brand_id, store.name, store.active) == (brand.id, "West Lake", True)
    assert "West Lake" in client.get("/admin/stores", headers=EN).get_data(as_text=True)
    response = _post(client, f"/admin/stores/{store.id}", {"name": "West Lake Flagship", "address": "1 Hubin Rd"})
    assert response.status_code == 303
    db.session.refresh(store)
    assert (store.name, store.active) == ("West Lake Flagship", False)
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["store.create", "store.update"]


def test_store_needs_a_name(client, make, login_as, db):
    _admin(make, login_as)
    response = _post(client, "/admin/stores/new", {"name": "  ", "active": "y"})
    assert response.status_code == 422
    assert "Please name the store." in response.get_data(as_text=True)
    assert db.session.scalars(select(Store)).all() == []


def test_another_brands_store_is_not_found(client, make, login_as, db):
    _admin(make, login_as)
    theirs = make.store(make.brand(), name="Not Yours")
    for url in (f"/admin/stores/{theirs.id}", f"/admin/stores/{theirs.id}/poster",
                f"/admin/stores/{theirs.id}/qr.png", f"/admin/stores/{theirs.id}/qr.svg"):
        assert client.get(url).status_code == 404, url
    assert _post(client, f"/admin/stores/{theirs.id}", {"name": "Mine now"}).status_code == 404
    assert _post(client, f"/admin/stores/{theirs.id}/staff", {"phone": "13900000001", "role": "guide"}).status_code \
        == 404
    db.session.refresh(theirs)
    assert theirs.name == "Not Yours"
    assert "Not Yours" not in client.get("/admin/stores", headers=EN).get_data(as_text=True)


def test_assign_a_new_guide_and_an_existing_partner_as_manager(client, make, login_as, db):
    brand = _admin(make, login_as)
    store = make.store(brand)
    url = f"/admin/stores/{store.id}/staff"
    response = _post(client, url, {"phone": "138 0013 8000", "role": "guide", "name": "Xiao Li",
                                   "password": "temp-pass-1"}, token_from=f"/admin/stores/{store.id}")
    assert response.status_code == 303
    guide = db.session.scalars(select(User).where(User.phone == "13800138000")).one()
    assert (guide.role, guide.brand_id, guide.store_id, guide.name) == (Role.GUIDE, brand.id, store.id, "Xiao Li")
    assert guide.check_password("temp-pass-1")
    partner = db.session.scalars(select(Partner).where(Partner.user_id == guide.id)).one()
    assert (partner.brand_id, partner.status) == (brand.id, "active")  # the guide can share with a code

    consumer = make.user(Role.PARTNER, phone="13700137000", name="Fan")
    db.session.add(Partner(brand_id=brand.id, user_id=consumer.id, code="FANCODE"))
    db.session.commit()
    response = _post(client, url, {"phone": "13700137000", "role": "store_manager"},
                     token_from=f"/admin/stores/{store.id}")
    assert response.status_code == 303
    db.session.refresh(consumer)
    assert (consumer.role, consumer.store_id) == (Role.STORE_MANAGER, store.id)
    page = text(client.get(f"/admin/stores/{store.id}", headers=EN).get_data(as_text=True))
    assert "Xiao Li · Shop guide" in page and "Fan · Store manager" in page
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert actions == ["store.staff_assigned", "store.staff_assigned"]


def test_outsiders_and_unknown_numbers_are_refused(client, make, login_as, db):
    brand = _admin(make, login_as)
    store = make.store(brand)
    other_guide = make.user(Role.GUIDE, store=make.store(make.brand()), phone="13600136000")
    make.user(Role.CONSUMER, phone="13500135000")
    url, page = f"/admin/stores/{store.id}/staff", f"/admin/stores/{store.id}"
    for phone in ("13600136000", "13500135000"):
        response = _post(client, url, {"phone": phone, "role": "guide"}, token_from=page)
        assert response.status_code == 422
        assert "outside your brand" in response.get_data(as_text=True)
    make.user(Role.BRAND_ADMIN, brand=brand, phone="13300133000")
    response = _post(client, url, {"phone": "13300133000", "role": "guide"}, token_from=page)
    assert "admins cannot also be store staff" in response.get_data(as_text=True)
    response = _post(client, url, {"phone": "13400134000", "role": "guide"}, token_from=page)
    assert response.status_code == 422
    assert "enter a name and a temporary password" in response.get_data(as_text=True)
    response = _post(client, url, {"phone": "12345", "role": "guide"}, token_from=page)
    assert response.status_code == 422
    db.session.refresh(other_guide)
    assert other_guide.store_id != store.id
    assert db.session.scalars(select(User).where(User.store_id == store.id)).all() == []


def test_remove_a_guide_keeps_them_a_partner(client, make, login_as, db):
    brand = _admin(make, login_as)
    store = make.store(brand)
    _post(client, f"/admin/stores/{store.id}/staff", {"phone": "13800138001", "role": "guide", "name": "G",
                                                      "password": "temp-pass-1"}, token_from=f"/admin/stores/{store.id}")
    guide = db.session.scalars(select(User).where(User.phone == "13800138001")).one()
    response = _post(client, f"/admin/stores/{store.id}/staff/{guide.id}/remove", {},
                     token_from=f"/admin/stores/{store.id}")
    assert response.status_code == 303
    db.session.refresh(guide)
    assert (guide.role, guide.store_id) == (Role.PARTNER, None)


def test_store_code_poster_and_downloads(client, make, login_as):
    brand = _admin(make, login_as)
    store = make.store(brand, name="Counter")
    poster = client.get(f"/admin/stores/{store.id}/poster", headers=EN).get_data(as_text=True)
    assert "<svg" in poster and f"/s/{store.code}" in poster
    png = client.get(f"/admin/stores/{store.id}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert "attachment" in png.headers["Content-Disposition"]
    svg = client.get(f"/admin/stores/{store.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_non_admins_are_refused(client, make, login_as):
    brand = make.brand()
    store = make.store(brand)
    login_as(make.user(Role.STORE_MANAGER, store=store))
    for url in ("/admin/stores", f"/admin/stores/{store.id}", "/admin/stores/new", f"/admin/stores/{store.id}/poster"):
        assert client.get(url).status_code == 403, url
