"""Sessions and remember cookies can be revoked: logout, a password change and "sign out everywhere" (the user's
own, or an admin's) end every session of the user on every device, and a copied cookie replayed later is
anonymous. The remember cookie lasts 30 days, is HttpOnly and SameSite, and Secure when the session cookie is."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from mall import create_app
from mall.accounts.models import Role, User
from mall.accounts.sessions import load_user
from mall.audit.models import AuditLog
from mall.clock import utcnow
from mall.config import TestConfig
from mall.extensions import talisman
from mall.referral.service import become_partner
from tests.conftest import IsolatedClient, csrf_from
from tests.factories import PASSWORD

EN = {"Accept-Language": "en"}
REMEMBER = "remember_token"


def log_in(client, user, *, remember: bool = False, password: str = PASSWORD):
    token = csrf_from(client.get("/login", headers=EN).get_data(as_text=True))
    data = {"login": user.login, "password": password, "csrf_token": token, **({"remember": "y"} if remember else {})}
    response = client.post("/login", data=data, headers=EN)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def post(client, url, data=None, page="/"):
    token = csrf_from(client.get(page, headers=EN).get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token}, headers=EN)


def log_out(client):
    assert post(client, "/logout").status_code == 302


def logged_in(client) -> bool:
    return "Log out" in client.get("/", headers=EN).get_data(as_text=True)


def cookie(client, name: str) -> str:
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def browser_with(app, **cookies):
    """Another browser, holding only the given (copied) cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


@pytest.fixture()
def browsers(app, db):
    """Two browsers of one person, say a phone and a laptop."""
    app.test_client_class = IsolatedClient
    return app.test_client(), app.test_client()


def test_an_old_session_cookie_replayed_after_logout_is_anonymous(app, client, make):
    log_in(client, make.user())
    copied = cookie(client, "session")
    log_out(client)
    assert not logged_in(browser_with(app, session=copied))


def test_a_remember_cookie_replayed_after_logout_fails(app, client, make):
    log_in(client, make.user(), remember=True)
    copied = cookie(client, REMEMBER)
    assert logged_in(browser_with(app, remember_token=copied))  # it works as long as the session does...
    log_out(client)
    assert not logged_in(browser_with(app, remember_token=copied))  # ...and not a moment longer


def test_logging_out_on_one_device_ends_the_session_on_the_other(browsers, make):
    phone, laptop = browsers
    user = make.user()
    log_in(phone, user)
    log_in(laptop, user)
    log_out(phone)
    assert not logged_in(laptop)


def test_the_remember_token_differs_between_two_logins(client, make):
    user = make.user()
    log_in(client, user, remember=True)
    first = cookie(client, REMEMBER)
    log_out(client)
    log_in(client, user, remember=True)
    assert cookie(client, REMEMBER) != first


def test_a_password_change_revokes_the_other_sessions_and_keeps_this_one(app, browsers, make, db):
    phone, laptop = browsers
    user = make.user()
    log_in(phone, user)
    log_in(laptop, user, remember=True)
    laptop_remember = cookie(laptop, REMEMBER)
    form = {"current": PASSWORD, "password": "brand-new-pass", "confirm": "brand-new-pass"}
    response = post(phone, "/account/password", form, page="/account")
    assert response.status_code == 303
    assert "Password changed" in phone.get("/account", headers=EN).get_data(as_text=True)
    assert logged_in(phone) and not logged_in(laptop)
    assert not logged_in(browser_with(app, remember_token=laptop_remember))
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("brand-new-pass")


def test_a_password_change_keeps_this_browsers_remember_me(app, client, make):
    log_in(client, make.user(), remember=True)
    form = {"current": PASSWORD, "password": "brand-new-pass", "confirm": "brand-new-pass"}
    assert post(client, "/account/password", form, page="/account").status_code == 303
    assert logged_in(browser_with(app, remember_token=cookie(client, REMEMBER)))


@pytest.mark.parametrize("form, message", [
    ({"current": "not-my-password", "password": "brand-new-pass", "confirm": "brand-new-pass"},
     "Your current password is not right."),
    ({"current": PASSWORD, "password": "short", "confirm": "short"}, "Use between 8 and 128 characters."),
    ({"current": PASSWORD, "password": "brand-new-pass", "confirm": "other-new-pass"}, "The passwords do not match."),
])
def test_a_bad_password_change_is_refused_inline_and_signs_no_one_out(browsers, make, db, form, message):
    phone, laptop = browsers
    user = make.user()
    log_in(phone, user)
    log_in(laptop, user)
    response = post(phone, "/account/password", form, page="/account")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert logged_in(phone) and logged_in(laptop)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_password_change_and_sign_out_need_a_csrf_token_and_a_login(client, make):
    for url in ("/account/password", "/account/sign-out-elsewhere"):
        assert client.post(url, data={}, headers=EN).status_code == 400  # no token
        assert post(client, url, page="/login").headers["Location"].startswith("/login")  # a guest's token
    assert client.get("/account").headers["Location"].startswith("/login")


def test_signing_out_other_devices_keeps_this_one(browsers, make):
    phone, laptop = browsers
    user = make.user()
    log_in(phone, user)
    log_in(laptop, user)
    assert post(phone, "/account/sign-out-elsewhere", page="/account").status_code == 303
    assert logged_in(phone) and not logged_in(laptop)


def test_a_platform_admin_signs_a_user_out_everywhere_and_it_is_audited(app, browsers, make, db):
    admin_browser, user_browser = browsers
    user = make.user(name="Lost Phone")
    admin = make.user(Role.PLATFORM_ADMIN)
    log_in(user_browser, user, remember=True)
    remembered = cookie(user_browser, REMEMBER)
    log_in(admin_browser, admin)
    response = post(admin_browser, f"/admin/users/{user.id}/sign-out-everywhere", {"next": "/admin/partners"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/partners"
    assert not logged_in(user_browser)
    assert not logged_in(browser_with(app, remember_token=remembered))
    assert logged_in(admin_browser)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "account.signed_out_everywhere"))
    assert (entry.actor_id, entry.subject) == (admin.id, f"user:{user.id}")


def test_a_brand_admin_signs_out_their_own_staff_and_partners_only(browsers, make, db):
    admin_browser, guide_browser = browsers
    brand, other = make.brand(), make.brand()
    guide = make.user(Role.GUIDE, store=make.store(brand))
    partner = make.user()
    become_partner(db.session, user_id=partner.id, brand_id=brand.id, now=utcnow())
    outsiders = [make.user(Role.GUIDE, store=make.store(other)),  # another brand's staff
                 make.user(),  # a consumer who is no partner of the brand
                 make.user(Role.PLATFORM_ADMIN)]  # an admin elsewhere, though a partner of the brand
    become_partner(db.session, user_id=outsiders[2].id, brand_id=brand.id, now=utcnow())
    db.session.commit()
    admin = make.user(Role.BRAND_ADMIN, brand=brand)
    log_in(admin_browser, admin)
    log_in(guide_browser, guide)
    for user in outsiders:
        assert post(admin_browser, f"/admin/users/{user.id}/sign-out-everywhere").status_code == 404
    assert logged_in(guide_browser)
    for user in (guide, partner):
        assert post(admin_browser, f"/admin/users/{user.id}/sign-out-everywhere").status_code == 303
    assert not logged_in(guide_browser)
    entries = db.session.scalars(select(AuditLog).where(AuditLog.action == "account.signed_out_everywhere")).all()
    assert {(e.brand_id, e.actor_id, e.subject) for e in entries} == {
        (brand.id, admin.id, f"user:{guide.id}"), (brand.id, admin.id, f"user:{partner.id}")}  # in the brand's log


def test_the_store_page_offers_sign_out_everywhere_for_each_staff_member(client, make, login_as):
    brand = make.brand()
    store = make.store(brand)
    guide = make.user(Role.GUIDE, store=store)
    login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    page = client.get(f"/admin/stores/{store.id}", headers=EN).get_data(as_text=True)
    assert f'action="/admin/users/{guide.id}/sign-out-everywhere"' in page


@pytest.mark.parametrize("partner_role, offered", [(Role.CONSUMER, True), (Role.PLATFORM_ADMIN, False)])
def test_the_partner_page_offers_it_where_the_brand_admin_may(client, make, db, login_as, partner_role, offered):
    brand = make.brand()
    partner = become_partner(db.session, user_id=make.user(partner_role).id, brand_id=brand.id, now=utcnow())
    db.session.commit()
    login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    page = client.get(f"/admin/partners/{partner.id}", headers=EN).get_data(as_text=True)
    assert (f"/admin/users/{partner.user_id}/sign-out-everywhere" in page) is offered


def test_a_cookie_from_before_session_tokens_loads_no_one(make, db):
    user = make.user()
    assert load_user(db.session, user.get_id()) == user
    for stale in (str(user.id), f"{user.id}:", f"{user.id}:not-the-token", "x:y", "١:token", ""):
        assert load_user(db.session, stale) is None, stale
    user.session_token = ""  # written by plain SQL, never signed in: the empty token matches nothing
    db.session.commit()
    assert load_user(db.session, f"{user.id}:") is None


def remember_cookie_header(response) -> str:
    found = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER + "=")]
    assert len(found) == 1, response.headers.getlist("Set-Cookie")
    return found[0]


def assert_lasts_30_days(header: str) -> None:
    expires = next(part.split("=", 1)[1] for part in header.split("; ") if part.startswith("Expires="))
    left = datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC) - datetime.now(UTC)
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30)


def test_the_remember_cookie_is_httponly_samesite_and_lasts_30_days(client, make):
    header = remember_cookie_header(log_in(client, make.user(), remember=True))
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Secure" not in header  # a laptop run over plain http (SESSION_COOKIE_SECURE unset)
    assert_lasts_30_days(header)


@pytest.fixture()
def secure_app(app, db):
    """The app as production runs it, with SESSION_COOKIE_SECURE=1, on the same database."""
    saved = dict(talisman.__dict__)  # Talisman keeps the last app's settings on its one instance
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    secure = create_app({**config, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "SESSION_COOKIE_SECURE": True})
    secure.test_client_class = IsolatedClient
    yield secure
    talisman.__dict__.clear()
    talisman.__dict__.update(saved)


def test_the_remember_cookie_is_secure_when_the_session_cookie_is(secure_app, make):
    browser = secure_app.test_client()  # the test client sends Secure cookies over http too
    header = remember_cookie_header(log_in(browser, make.user(), remember=True))
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    assert_lasts_30_days(header)
