"""API auth: bearer tokens only (no cookies, no CSRF), revocation, tokens kept out of logs, rate limits per token."""
import logging

import pytest
from sqlalchemy import select

from mall.accounts.api_tokens import ApiToken, hash_secret
from tests.conftest import csrf_from
from tests.integration.api_support import World, bearer, personal_token


@pytest.fixture()
def world(make, db):
    return World(make, db.session)


def test_wrong_or_malformed_tokens_are_refused(client, world):
    for header in ("Bearer mall_pat_wrong", "Basic abc", "Bearer", world.buyer_token):
        response = client.get("/api/v1/partner/memberships", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["type"] == "urn:mall:problem:unauthenticated"


def test_a_signed_in_browser_cookie_is_not_accepted(client, login_as, make):
    login_as(make.user())
    assert client.get("/account").status_code == 200  # the cookie works on the pages
    response = client.get("/api/v1/partner/memberships")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers


def test_only_the_hash_is_stored(db, world):
    stored = db.session.scalars(select(ApiToken).where(ApiToken.user_id == world.buyer.id)).one()
    assert stored.token_hash == hash_secret(world.buyer_token) and world.buyer_token not in stored.hint + stored.name


def test_account_page_creates_a_token_once_and_revokes_it(client, login_as, make, db):
    user = login_as(make.user())
    page = client.get("/account").get_data(as_text=True)
    created = client.post("/account/tokens", data={"name": "Mini-program", "csrf_token": csrf_from(page)})
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and "mall_pat_" in html
    secret = html.split('<code class="secret">', 1)[1].split("<", 1)[0]
    assert client.get("/api/v1/partner/memberships", headers=bearer(secret)).status_code == 200
    again = client.get("/account").get_data(as_text=True)
    assert secret not in again and "Mini-program" in again  # listed by name, never shown again
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    revoked = client.post(f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_from(again)})
    assert revoked.status_code == 303
    assert client.get("/api/v1/partner/memberships", headers=bearer(secret)).status_code == 401


def test_token_forms_are_csrf_protected(client, login_as, make, db):
    login_as(make.user())
    assert client.post("/account/tokens", data={"name": "x"}).status_code == 400
    assert db.session.scalars(select(ApiToken)).first() is None


def test_another_users_token_cannot_be_revoked(client, login_as, make, db, world):
    login_as(make.user())
    page = client.get("/account").get_data(as_text=True)
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == world.buyer.id)).one()
    assert client.post(f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_from(page)}).status_code == 404
    assert client.get("/api/v1/partner/memberships", headers=bearer(world.buyer_token)).status_code == 200


def test_disabled_users_tokens_stop_working(client, db, world):
    world.buyer.active = False
    db.session.commit()
    assert client.get("/api/v1/partner/memberships", headers=bearer(world.buyer_token)).status_code == 401


def test_posts_need_no_csrf_token_with_a_bearer_token(client, world):
    response = client.post("/api/v1/touches", json={"referral_code": world.sharer.code},
                           headers=bearer(world.buyer_token))
    assert response.status_code == 201


def test_tokens_never_reach_the_logs(client, caplog, world):
    caplog.set_level(logging.DEBUG)
    client.get("/api/v1/partner/memberships", headers=bearer(world.buyer_token))
    client.get("/api/v1/orders/NOPE", headers=bearer(world.buyer_token + "x"))
    client.post("/api/v1/orders", data="{", headers=bearer(world.buyer_token, **{"Content-Type": "application/json"}))
    assert world.buyer_token not in caplog.text


def test_rate_limit_per_token_answers_429_with_retry_after(app, client, make, db, world):
    original, app.config["RATELIMIT_API"] = app.config["RATELIMIT_API"], "3 per minute"
    try:
        codes = [client.get("/api/v1/partner/memberships", headers=bearer(world.buyer_token)).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = client.get("/api/v1/partner/memberships", headers=bearer(world.buyer_token))
        assert refused.mimetype == "application/problem+json"
        assert refused.get_json()["type"] == "urn:mall:problem:rate-limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        other = personal_token(db.session, make.user())
        assert client.get("/api/v1/partner/memberships", headers=bearer(other)).status_code == 200
    finally:
        app.config["RATELIMIT_API"] = original


def test_invalid_json_is_a_problem(client, world):
    response = client.post("/api/v1/touches", data="[1,", headers=bearer(world.buyer_token,
                                                                           **{"Content-Type": "application/json"}))
    assert response.status_code == 400 and response.get_json()["type"] == "urn:mall:problem:invalid-request"


def test_pages_keep_their_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_the_api_language_follows_accept_language_not_the_language_cookie(app):
    from mall.i18n import select_locale

    headers = {"Cookie": "lang=zh_CN", "Accept-Language": "en"}
    with app.test_request_context("/api/v1/partner/memberships", headers=headers):
        assert select_locale() == "en"
    with app.test_request_context("/", headers=headers):
        assert select_locale() == "zh_CN"  # the pages keep the visitor's choice


def test_made_up_tokens_are_limited_per_ip(app, client, world):
    """Only refusals count (a busy office of real users never fills the counter); once full, the IP waits."""
    for _ in range(5):
        assert client.get("/api/v1/partner/memberships", headers=bearer(world.buyer_token)).status_code == 200
    original, app.config["RATELIMIT_API_REFUSED"] = app.config["RATELIMIT_API_REFUSED"], "3 per minute"
    try:
        codes = [client.get("/api/v1/partner/memberships", headers=bearer(f"mall_pat_guess{i}")).status_code
                 for i in range(5)]
        assert codes == [401, 401, 401, 429, 429]
    finally:
        app.config["RATELIMIT_API_REFUSED"] = original


def test_the_account_pages_title_is_text_and_the_token_section_is_shown_once(client, login_as, make):
    import re

    login_as(make.user())
    page = client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title and "My account" in title  # a merge once pasted the whole token section into it
    assert page.count('id="api-tokens"') == 1
