"""Bindings over time: protection expiry, history, claiming a browser at login, and racing touches."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.referral.models import Binding, Touch
from mall.referral.service import claim_visitor, disable_partner, record_visit
from tests.integration.referral_data import partner, rules

T0 = utcnow().replace(microsecond=0) - timedelta(days=90)
DAY = timedelta(days=1)


def visit(db, brand, sharer, *, at, visitor="v1", user=None):
    touch = record_visit(db.session, brand_id=brand.id, partner_code=sharer.code, channel="link", target="home",
                         visitor_key=visitor, user_id=user.id if user else None, now=at)
    db.session.commit()
    return touch


def history(db, kind="sharer"):
    return db.session.scalars(select(Binding).where(Binding.kind == kind).order_by(Binding.id)).all()


def open_bindings(db, kind="sharer"):
    return [b for b in history(db, kind) if b.ended_at is None]


def test_first_touch_locks_only_within_the_protection_period(db, make):
    brand = make.brand()
    rules(db.session, brand, binding_mode="first_touch", protection_days=30)
    a, b = partner(make, brand), partner(make, brand)
    visit(db, brand, a, at=T0)
    visit(db, brand, b, at=T0 + 29 * DAY)
    assert [x.partner_id for x in open_bindings(db)] == [a.id]
    visit(db, brand, b, at=T0 + 30 * DAY)  # protection over: the next sharer's touch binds
    first, second = history(db)
    assert (first.partner_id, first.ended_at, first.expires_at) == (a.id, T0 + 30 * DAY, T0 + 30 * DAY)
    assert (second.partner_id, second.reason, second.started_at) == (b.id, "expired_rebind", T0 + 30 * DAY)
    assert second.expires_at == T0 + 60 * DAY


def test_the_same_sharer_again_does_not_extend_protection_under_first_touch(db, make):
    brand = make.brand()
    a = partner(make, brand)
    visit(db, brand, a, at=T0)
    visit(db, brand, a, at=T0 + 5 * DAY)
    [binding] = history(db)
    assert binding.expires_at == T0 + 30 * DAY


def test_a_binding_to_a_disabled_partner_protects_nobody(db, make):
    brand = make.brand()
    a, b = partner(make, brand), partner(make, brand)
    visit(db, brand, a, at=T0)
    disable_partner(db.session, a.id, by_user_id=None, now=T0 + DAY)
    db.session.commit()
    visit(db, brand, b, at=T0 + 2 * DAY)
    [current] = open_bindings(db)
    assert (current.partner_id, current.reason) == (b.id, "expired_rebind")


def test_bindings_are_per_brand(db, make):
    brand, other = make.brand(), make.brand()
    a, b = partner(make, brand), partner(make, other)
    visit(db, brand, a, at=T0)
    visit(db, other, b, at=T0 + DAY)
    assert sorted((x.brand_id, x.partner_id) for x in open_bindings(db)) == [(brand.id, a.id), (other.id, b.id)]


def test_claiming_a_browser_at_login_gives_its_touches_and_binding_to_the_user(db, make):
    brand = make.brand()
    a = partner(make, brand)
    user = make.user()
    visit(db, brand, a, at=T0, visitor="browser-1")
    claim_visitor(db.session, visitor_key="browser-1", user_id=user.id, now=T0 + DAY)
    db.session.commit()
    assert {t.user_id for t in db.session.scalars(select(Touch))} == {user.id}
    [binding] = history(db)
    assert (binding.user_id, binding.partner_id, binding.ended_at) == (user.id, a.id, None)
    # The user now keeps the binding on another device.
    b = partner(make, brand)
    visit(db, brand, b, at=T0 + 2 * DAY, visitor="phone-2", user=user)
    assert [x.partner_id for x in open_bindings(db)] == [a.id]


@pytest.mark.parametrize("mode, kept", [("first_touch", "mine"), ("last_touch", "browser")])
def test_claiming_when_the_user_is_already_bound_keeps_one_binding_by_mode(db, make, mode, kept):
    brand = make.brand()
    rules(db.session, brand, binding_mode=mode)
    mine_partner, browser_partner = partner(make, brand), partner(make, brand)
    user = make.user()
    visit(db, brand, mine_partner, at=T0, visitor="laptop", user=user)
    visit(db, brand, browser_partner, at=T0 + DAY, visitor="phone")  # logged out on the phone
    claim_visitor(db.session, visitor_key="phone", user_id=user.id, now=T0 + 2 * DAY)
    db.session.commit()
    [current] = open_bindings(db)
    assert current.partner_id == (mine_partner if kept == "mine" else browser_partner).id
    assert current.user_id == user.id
    assert len(history(db)) == 2  # the other one is ended, not deleted


def test_bind_at_registration_binds_only_when_the_visitor_registers(db, make):
    brand = make.brand()
    rules(db.session, brand, binding_mode="at_registration", window_days=7)
    old, recent = partner(make, brand), partner(make, brand)
    visit(db, brand, old, at=T0, visitor="v")
    visit(db, brand, recent, at=T0 + 3 * DAY, visitor="v")
    assert history(db) == []
    user = make.user()
    claim_visitor(db.session, visitor_key="v", user_id=user.id, now=T0 + 4 * DAY)
    db.session.commit()
    [binding] = history(db)
    assert (binding.partner_id, binding.reason, binding.user_id) == (recent.id, "registration", user.id)
    # Claiming again (a later login) changes nothing while the binding protects.
    claim_visitor(db.session, visitor_key="v", user_id=user.id, now=T0 + 5 * DAY)
    db.session.commit()
    assert len(history(db)) == 1


def test_bind_at_registration_ignores_touches_outside_the_window_and_binds_guides(db, make):
    brand = make.brand()
    rules(db.session, brand, binding_mode="at_registration", window_days=7)
    guide = partner(make, brand, user=make.user(Role.GUIDE, store=make.store(brand)))
    visit(db, brand, guide, at=T0, visitor="v")
    user = make.user()
    claim_visitor(db.session, visitor_key="v", user_id=user.id, now=T0 + 8 * DAY)
    assert history(db) == []
    claim_visitor(db.session, visitor_key="v", user_id=user.id, now=T0 + 6 * DAY)
    db.session.commit()
    assert [b.partner_id for b in history(db, "sharer")] == [guide.id]
    assert [b.partner_id for b in history(db, "guide")] == [guide.id]


def test_claiming_nothing_is_harmless(db, make):
    claim_visitor(db.session, visitor_key=None, user_id=make.user().id, now=T0)
    claim_visitor(db.session, visitor_key="never-seen", user_id=make.user().id, now=T0)
    db.session.commit()
    assert history(db) == []


@pytest.mark.real_commits  # threads with their own connections
@pytest.mark.parametrize("mode", ["first_touch", "last_touch"])
def test_racing_touches_leave_one_open_binding(app, db, make, mode):
    brand = make.brand()
    rules(db.session, brand, binding_mode=mode)
    sharers = [partner(make, brand) for _ in range(6)]
    codes = [(s.code, s.id) for s in sharers]
    brand_id = brand.id
    db.session.close()  # on SQLite an open transaction holds the write lock the threads need
    start = threading.Barrier(len(codes))
    errors = []

    def touch(code):
        with app.app_context():
            from mall.extensions import db as _db
            try:
                start.wait()
                record_visit(_db.session, brand_id=brand_id, partner_code=code, channel="link", target="home",
                             visitor_key="same-browser", now=utcnow())
                _db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=touch, args=(code,)) for code, _ in codes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.expire_all()
    assert len(db.session.scalars(select(Touch)).all()) == len(codes)
    assert len(open_bindings(db)) == 1
