"""Joining through an invitation link: guests log in first, the brand's rule applies, errors show inline."""
from sqlalchemy import select

from mall.referral.models import Partner
from tests.conftest import csrf_from
from tests.integration.referral_data import order, partner, rules

EN = {"Accept-Language": "en"}


def submit(client, code):
    form = client.get(f"/join/{code}", headers=EN)
    assert form.status_code == 200
    return client.post(f"/join/{code}", data={"csrf_token": csrf_from(form.get_data(as_text=True))}, headers=EN)


def test_a_guest_is_sent_to_log_in_first(db, make, client):
    inviter = partner(make, make.brand())
    response = client.get(f"/join/{inviter.code}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/join/{inviter.code}"


def test_joining_under_everyone_lands_in_the_share_centre(db, make, client, login_as):
    brand = make.brand(name="Tea Co")
    inviter = partner(make, brand, name="Wang Fang")
    user = login_as(make.user())
    page = client.get(f"/join/{inviter.code.lower()}", headers=EN).get_data(as_text=True)
    assert "W** invites you" in page and "Wang Fang" not in page and "never costs money" in page
    response = submit(client, inviter.code)
    assert response.status_code == 302 and response.headers["Location"] == f"/partner/share?brand={brand.slug}"
    joined = db.session.scalar(select(Partner).where(Partner.user_id == user.id))
    assert (joined.status, joined.inviter_id) == ("active", inviter.id)
    html = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "You are now a partner of Tea Co" in html and joined.code in html


def test_joining_under_approval_waits(db, make, client, login_as):
    brand = make.brand()
    rules(db.session, brand, partner_rule="approval")
    inviter = partner(make, brand)
    login_as(make.user())
    response = submit(client, inviter.code)
    html = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "will review your request" in html and "waiting for the brand" in html
    assert db.session.scalar(select(Partner).where(Partner.id != inviter.id)).status == "pending"


def test_not_enough_spent_shows_inline_and_changes_nothing(db, make, client, login_as):
    brand = make.brand()
    rules(db.session, brand, partner_rule="spend", partner_min_spend_fen=50000)
    inviter = partner(make, brand)
    user = login_as(make.user())
    order(db.session, user=user, brand=brand, total_fen=12000)
    response = submit(client, inviter.code)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "at least ¥500.00" in html and "¥120.00" in html and 'role="alert"' in html
    assert db.session.scalar(select(Partner).where(Partner.user_id == user.id)) is None


def test_own_invitation_link(db, make, client, login_as):
    me = partner(make, make.brand())
    login_as(me.user)
    html = client.get(f"/join/{me.code}", headers=EN).get_data(as_text=True)
    assert "your own invitation link" in html
    # The page offers no button for it; a crafted POST is refused inline.
    page = client.get("/partner/share", headers=EN).get_data(as_text=True)
    response = client.post(f"/join/{me.code}", data={"csrf_token": csrf_from(page)}, headers=EN)
    assert response.status_code == 200 and "cannot invite yourself" in response.get_data(as_text=True)


def test_a_stale_invitation_goes_home_with_a_message(db, client):
    response = client.get("/join/ZZZZZZ", headers=EN, follow_redirects=True)
    assert response.status_code == 200
    assert "no longer valid" in response.get_data(as_text=True)


def test_joining_without_a_csrf_token_is_refused(db, make, client, login_as):
    inviter = partner(make, make.brand())
    user = login_as(make.user())
    response = client.post(f"/join/{inviter.code}", data={}, headers=EN)
    assert response.status_code in (200, 400)
    assert db.session.scalar(select(Partner).where(Partner.user_id == user.id)) is None
