"""The share link answered before Flask (mall.referral.link_fast_path) answers exactly as Flask's view, records the
same touch and binding, and leaves everything unusual to Flask."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import request_started
from sqlalchemy import event, select
from werkzeug.http import parse_set_header

from mall import page_cache
from mall.clock import utcnow
from mall.referral.crediting import credit_for_checkout
from mall.referral.models import Binding, Touch
from mall.referral.service import disable_partner
from mall.referral.visitor import COOKIE, read_visitor_key
from tests.integration.referral_data import partner, rules


@contextmanager
def flask_requests(app):
    """The requests Flask itself dispatched while the block ran."""
    seen = []

    def count(sender, **_extra):
        seen.append(1)

    request_started.connect(count, app)
    try:
        yield seen
    finally:
        request_started.disconnect(count, app)


@contextmanager
def fast_path(app, on: bool):
    before = app.config["SHARE_LINK_FAST_PATH"]
    app.config["SHARE_LINK_FAST_PATH"] = on
    try:
        yield
    finally:
        app.config["SHARE_LINK_FAST_PATH"] = before


def answer(app, path, *, fast: bool, cookie=None, **kw):
    client = app.test_client()
    if cookie:
        client.set_cookie(COOKIE, cookie)
    with fast_path(app, fast), flask_requests(app) as dispatched:
        response = client.get(path, **kw)
    return response, len(dispatched)


def header_set(response):
    """Every header but the cookie's own value and the date it expires (made per answer)."""
    headers = {(name, value) for name, value in response.headers.items() if name != "Set-Cookie"}
    cookies = [sorted(part.split("=")[0] if part.split("=")[0] in ("vid", "Expires") else part
                      for part in c.split("; ")) for c in response.headers.getlist("Set-Cookie")]
    return headers, cookies


def touches(db):
    return db.session.scalars(select(Touch).order_by(Touch.id)).all()


def bindings(db):
    return db.session.scalars(select(Binding).order_by(Binding.id)).all()


def test_a_new_visitor_gets_the_same_answer_as_from_flask_without_flask_running(app, db, make):
    brand = make.brand()
    product, sharer = make.product(brand), partner(make, brand)
    path = f"/p/{product.code}/{sharer.code}"
    fast, dispatched_fast = answer(app, path, fast=True)
    slow, dispatched_slow = answer(app, path, fast=False)
    assert (dispatched_fast, dispatched_slow) == (0, 1)
    assert fast.status_code == slow.status_code == 302
    assert fast.headers["Location"] == slow.headers["Location"] == f"/p/{product.code}"
    assert header_set(fast) == header_set(slow)
    assert "Content-Security-Policy" in fast.headers and "X-Frame-Options" in fast.headers
    assert fast.get_data() == slow.get_data()
    first, second = touches(db)
    for touch in (first, second):
        assert (touch.partner_id, touch.channel, touch.target, touch.user_id) == (sharer.id, "link",
                                                                                 f"product:{product.code}", None)
    assert first.visitor_key == read_visitor_key(fast.headers["Set-Cookie"].split(";")[0].split("=", 1)[1])
    assert [(b.partner_id, b.reason, b.visitor_key) for b in bindings(db)] == [
        (sharer.id, "first_touch", first.visitor_key), (sharer.id, "first_touch", second.visitor_key)]


def test_a_returning_visitor_keeps_their_cookie_and_binding_as_through_flask(app, db, make):
    brand = make.brand()
    rules(db.session, brand, binding_mode="last_touch")
    product, first, later = make.product(brand), partner(make, brand), partner(make, brand)
    new, _ = answer(app, f"/p/{product.code}/{first.code}", fast=True)
    cookie = new.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    fast, dispatched_fast = answer(app, f"/p/{product.code}/{later.code}?j=3.4", fast=True, cookie=cookie)
    slow, dispatched_slow = answer(app, f"/p/{product.code}/{first.code}?j=3.4", fast=False, cookie=cookie)
    assert (dispatched_fast, dispatched_slow) == (0, 1)
    assert "Set-Cookie" not in fast.headers and "Set-Cookie" not in slow.headers
    assert header_set(fast) == header_set(slow)
    assert [t.ref for t in touches(db)] == ["", "3.4", "3.4"]
    assert [(b.partner_id, b.reason, b.ended_at is None) for b in bindings(db)] == [
        (first.id, "first_touch", False), (later.id, "last_touch", False), (first.id, "last_touch", True)]


def test_an_order_right_after_the_link_is_credited_to_the_sharer(app, db, make):
    brand = make.brand()
    product, sharer = make.product(brand), partner(make, brand)
    response, dispatched = answer(app, f"/p/{product.code}/{sharer.code}", fast=True)
    assert dispatched == 0
    key = read_visitor_key(response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1])
    credit = credit_for_checkout(db.session, brand_id=brand.id, buyer_user_id=None, visitor_key=key, levels=1,
                                 self_purchase=True, now=utcnow() + timedelta(seconds=1))
    assert (credit.sharer_id, credit.reason) == (sharer.id, "bound_sharer")


@pytest.mark.parametrize("case", ["session cookie", "head", "unknown partner", "foreign partner", "forged cookie",
                                  "other query", "unknown product", "nul byte"])
def test_anything_unusual_goes_to_flask(app, db, make, case):
    brand, other = make.brand(), make.brand()
    product, sharer, foreign = make.product(brand), partner(make, brand), partner(make, other)
    client = app.test_client()
    path, method = f"/p/{product.code}/{sharer.code}", "GET"
    if case == "session cookie":
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], "anything")
    elif case == "head":
        method = "HEAD"
    elif case == "unknown partner":
        path = f"/p/{product.code}/ZZZZZZ"
    elif case == "foreign partner":
        path = f"/p/{product.code}/{foreign.code}"
    elif case == "forged cookie":
        client.set_cookie(COOKIE, "someone-elses-id")
    elif case == "other query":
        path += "?utm_source=chat"
    elif case == "unknown product":
        path = f"/p/ZZZZZZZ/{sharer.code}"
    else:
        path += "?j=%00"
    with flask_requests(app) as dispatched:
        response = client.open(path, method=method)
    assert len(dispatched) == 1
    assert response.status_code in (302, 400)


def test_the_touch_rate_limit_is_the_same_counter_on_both_paths(app, db, make):
    brand = make.brand()
    product, sharer = make.product(brand), partner(make, brand)
    app.config["RATELIMIT_TOUCH"], before = "2 per minute", app.config["RATELIMIT_TOUCH"]
    try:
        answer(app, f"/p/{product.code}/{sharer.code}", fast=True)
        answer(app, f"/p/{product.code}/{sharer.code}", fast=False)
        over, dispatched = answer(app, f"/p/{product.code}/{sharer.code}", fast=True)
        over_flask, _ = answer(app, f"/p/{product.code}/{sharer.code}", fast=False)
    finally:
        app.config["RATELIMIT_TOUCH"] = before
    assert dispatched == 0
    assert over.status_code == over_flask.status_code == 302 and over.headers["Location"] == f"/p/{product.code}"
    assert "Set-Cookie" not in over.headers and "Set-Cookie" not in over_flask.headers  # no touch, no visitor key
    assert len(touches(db)) == 2


def test_a_partner_disabled_within_the_remembered_second_earns_nothing(app, db, make):
    brand = make.brand()
    product, sharer = make.product(brand), partner(make, brand)
    app.config["PAGE_FRESHNESS_SECONDS"] = 60
    try:
        answer(app, f"/p/{product.code}/{sharer.code}", fast=True)  # makes the brand's settings row
        answer(app, f"/p/{product.code}/{sharer.code}", fast=True)  # the partner's facts are now remembered
        disable_partner(db.session, sharer.id, by_user_id=None, now=utcnow())
        db.session.commit()
        late, _ = answer(app, f"/p/{product.code}/{sharer.code}", fast=True)  # still remembered as active
        page_cache.forget()  # what PAGE_FRESHNESS_SECONDS' wait does
        answer(app, f"/p/{product.code}/{sharer.code}", fast=True)
    finally:
        app.config["PAGE_FRESHNESS_SECONDS"] = 0
    assert len(touches(db)) == 4  # a disabled partner's touch is still a fact
    assert len(bindings(db)) == 3  # the remembered second bound once more, the forgotten facts did not
    key = read_visitor_key(late.headers["Set-Cookie"].split(";")[0].split("=", 1)[1])
    credit = credit_for_checkout(db.session, brand_id=brand.id, buyer_user_id=None, visitor_key=key, levels=1,
                                 self_purchase=True, now=utcnow() + timedelta(seconds=1))
    # As for any customer bound before their sharer was disabled: the disabled partner earns nothing.
    assert credit.levels == {} and "level1_disabled" in credit.excluded


def test_the_security_headers_are_talismans_for_https_too(app, db, make):
    brand = make.brand()
    product, sharer = make.product(brand), partner(make, brand)
    path = f"/p/{product.code}/{sharer.code}"
    fast, _ = answer(app, path, fast=True, base_url="https://localhost")
    slow, _ = answer(app, path, fast=False, base_url="https://localhost")
    assert header_set(fast) == header_set(slow)
    assert "Strict-Transport-Security" in fast.headers
    assert parse_set_header(fast.headers["Vary"]) == parse_set_header(slow.headers["Vary"])


@contextmanager
def statements(db):
    seen = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def test_with_its_facts_remembered_a_share_link_writes_its_touch_and_binding_in_three_statements(app, db, make):
    brand = make.brand()
    product, sharer = make.product(brand), partner(make, brand)
    path = f"/p/{product.code}/{sharer.code}"
    app.config["PAGE_FRESHNESS_SECONDS"] = 60
    try:
        answer(app, path, fast=True)  # makes the brand's settings row
        answer(app, path, fast=True)  # product, partner and rule now remembered
        with statements(db) as seen:
            response, dispatched = answer(app, path, fast=True)
        cookie = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
        with statements(db) as again:
            answer(app, path, fast=True, cookie=cookie)
    finally:
        app.config["PAGE_FRESHNESS_SECONDS"] = 0
        page_cache.forget()
    assert dispatched == 0
    # A new visitor: the touch, the open bindings, the new binding (BEGIN, SAVEPOINT and COMMIT aside).
    assert [s for s in seen if s in ("SELECT", "INSERT", "UPDATE")] == ["INSERT", "SELECT", "INSERT"]
    # The same visitor again, already bound: the touch and the read.
    assert [s for s in again if s in ("SELECT", "INSERT", "UPDATE")] == ["INSERT", "SELECT"]
    assert len(bindings(db)) == 3
