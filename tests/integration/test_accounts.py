"""Register, log in and log out by mobile number or email; bad input is refused inline."""
import pytest
from sqlalchemy import func, select

from mall.accounts.models import User
from mall.accounts.services import authenticate, parse_login
from tests.conftest import csrf_from
from tests.factories import PASSWORD

EN = {"Accept-Language": "en"}


def users(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def post_form(client, url, data, **kw):
    token = csrf_from(client.get(url, headers=EN).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, headers=EN, **kw)


def register(client, login="13812345678", password="long-enough", confirm=None, name="王小明", url="/register"):
    return post_form(client, url, {"name": name, "login": login, "password": password,
                                   "confirm": password if confirm is None else confirm})


def logged_in(client) -> bool:
    return "Log out" in client.get("/", headers=EN).get_data(as_text=True)


@pytest.mark.parametrize("typed, kind, stored", [
    ("13812345678", "phone", "13812345678"),
    (" 138 1234 5678 ", "phone", "13812345678"),
    ("+86 138-1234-5678", "phone", "13812345678"),
    ("Ann.Lee@Example.COM", "email", "ann.lee@example.com"),
])
def test_logins_are_normalised(typed, kind, stored):
    login = parse_login(typed)
    assert (login.kind, login.value) == (kind, stored)


@pytest.mark.parametrize("typed", ["", "12345", "23812345678", "1381234567", "138123456789", "not-an-email@",
                                   "a@b", "x" * 250 + "@example.com", "<script>@example.com"])
def test_bad_logins_are_recognised(typed):
    assert parse_login(typed) is None


def test_register_with_phone_logs_in_and_hashes_the_password(client, db):
    response = register(client)
    assert response.status_code == 302
    assert logged_in(client)
    user = db.session.scalar(select(User).where(User.phone == "13812345678"))
    assert user.name == "王小明" and user.role == "consumer"
    assert user.password_hash != "long-enough" and user.check_password("long-enough")


def test_register_with_email_stores_it_lower_case_and_login_ignores_case(client, db):
    assert register(client, login="Mei.Chen@Example.com").status_code == 302
    assert db.session.scalar(select(User.email)) == "mei.chen@example.com"
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    assert not logged_in(client)
    response = post_form(client, "/login", {"login": "MEI.CHEN@example.com", "password": "long-enough"})
    assert response.status_code == 302 and logged_in(client)


@pytest.mark.parametrize("target, landing", [("/orders", "/account/phone?next=/orders"),
                                             ("https://evil.example/", "/account/phone")])
def test_register_follows_a_safe_next_only(client, db, target, landing):
    # A phone is verified first (issue 16: its guest orders become the account's), then the next page.
    response = register(client, url=f"/register?next={target}")
    assert response.headers["Location"] == landing


def test_duplicate_phone_is_refused_inline(client, make, db):
    make.user(phone="13812345678")
    before = users(db)
    response = register(client, login="138 1234 5678")
    assert response.status_code == 200
    assert "already exists" in response.get_data(as_text=True)
    assert users(db) == before and not logged_in(client)


def test_duplicate_email_in_other_case_is_refused(client, make, db):
    make.user(email="ann@example.com")
    response = register(client, login="ANN@example.com")
    assert "already exists" in response.get_data(as_text=True)
    assert users(db) == 1


@pytest.mark.parametrize("fields, message", [
    ({"login": "12345"}, "mainland China mobile number"),
    ({"login": ""}, "Enter your mobile number or email."),
    ({"password": "short"}, "Use between 8 and 128 characters."),
    ({"password": "x" * 129}, "Use between 8 and 128 characters."),
    ({"confirm": "something-else"}, "The passwords do not match."),
    ({"name": ""}, "Enter your name."),
    ({"name": "名" * 41}, "Use at most 40 characters."),
])
def test_bad_registration_is_refused_inline(client, db, fields, message):
    response = register(client, **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert users(db) == 0 and not logged_in(client)


def test_html_in_a_name_is_escaped(client, db):
    response = register(client, name="<b>Bold</b>")
    html = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold</b>" not in html


def test_login_by_phone_follows_safe_next(client, make):
    user = make.user(phone="13900001111")
    response = post_form(client, "/login?next=/orders", {"login": user.phone, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/orders"
    assert logged_in(client)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_login_never_redirects_off_site(client, make, target):
    user = make.user()
    response = post_form(client, f"/login?next={target}", {"login": user.login, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_wrong_password_and_unknown_login_get_the_same_message(client, make):
    user = make.user(phone="13900001111")
    wrong = post_form(client, "/login", {"login": user.phone, "password": "not-the-password"})
    unknown = post_form(client, "/login", {"login": "13900002222", "password": "not-the-password"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Wrong mobile number, email or password." in response.get_data(as_text=True)
    assert not logged_in(client)


def test_disabled_user_cannot_log_in(client, make):
    user = make.user(active=False)
    response = post_form(client, "/login", {"login": user.login, "password": PASSWORD})
    assert "Wrong mobile number, email or password." in response.get_data(as_text=True)


def test_remember_me_sets_a_lasting_cookie(client, make):
    user = make.user()
    response = post_form(client, "/login", {"login": user.login, "password": PASSWORD, "remember": "y"})
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_login_fixture_and_logout(client, make, login_as):
    login_as(make.user())
    assert logged_in(client)
    assert client.get("/logout").status_code == 405  # a link or image tag cannot log anyone out
    token = csrf_from(client.get("/").get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token}, headers=EN)
    assert response.status_code == 302
    assert not logged_in(client)


@pytest.mark.parametrize("url, data", [
    ("/login", {"login": "13900001111", "password": PASSWORD}),
    ("/register", {"name": "A", "login": "13812345678", "password": "long-enough", "confirm": "long-enough"}),
    ("/logout", {}),
])
def test_posts_without_csrf_token_are_refused(client, make, db, url, data):
    make.user(phone="13900001111")
    response = client.post(url, data=data, headers=EN)
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    assert users(db) == 1


def test_authenticate_service(make, db):
    user = make.user(email="lee@example.com")
    assert authenticate(db.session, " LEE@example.com ", PASSWORD) == user
    assert authenticate(db.session, "lee@example.com", "wrong") is None
    assert authenticate(db.session, "lee@example.com", "") is None
    assert authenticate(db.session, "nobody@example.com", PASSWORD) is None
