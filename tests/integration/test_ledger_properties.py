"""Property tests of the ledger over random orders (lines, quantities, ratios) and random refund sequences."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mall.commission.audit_books import audit_books
from mall.commission.withdrawals import approve_withdrawal, pay_withdrawal, request_withdrawal
from mall.jobs.settle import settle_due
from tests.integration.commission_support import T0, Books, days

lines = st.lists(st.tuples(st.integers(1, 50000), st.integers(1, 5)), min_size=1, max_size=4)
ratios = st.fixed_dictionaries({"level1_bp": st.integers(0, 4000), "level2_bp": st.integers(0, 2000),
                                "guide_bp": st.integers(0, 1500), "store_bp": st.integers(0, 1500)})
# A refund of part of what is left on one line, a settlement run, or a withdrawal of everything available.
steps = st.lists(st.one_of(st.tuples(st.just("refund"), st.integers(0, 3), st.floats(0.001, 1.0)),
                           st.just(("settle",)), st.just(("withdraw",))), max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(lines=lines, ratios=ratios, steps=steps, refund_everything=st.booleans())
def test_books_stay_consistent_over_random_orders_and_refunds(make, db, lines, ratios, steps, refund_everything):
    books = Books(make, db.session, withdraw_min_fen=1, **ratios)
    guide = books.partner()
    order = books.paid_order(lines, credit=books.credit(guide=guide))
    accrued = {p.id: books.balances(p)["pending"] for p in (books.sharer, books.upline, guide)}
    at, n = T0, 0
    for step in steps:
        at += days(1)
        if step[0] == "refund":
            line = order.lines[step[1] % len(order.lines)]
            left = line.total_fen - line.refunded_fen
            if left:
                books.refund(order, [(line, max(1, int(left * step[2])))], at=at)
        elif step[0] == "settle":
            if order.status == "paid":
                books.complete(order, at=at)
            at += days(8)
            settle_due(db.session, now=at)
        else:
            available = books.balances()["available"]
            if available and books.balances()["debt"] == 0:
                n += 1
                w = request_withdrawal(db.session, partner_id=books.sharer.id, amount_fen=available,
                                       request_key=f"{order.id}-{n}", now=at)
                approve_withdrawal(db.session, w.id, by_user_id=None, now=at)
                pay_withdrawal(db.session, w.id, by_user_id=None, now=at)
        report = audit_books(db.session)
        assert report.ok, [(c.name, c.violations) for c in report.checks if not c.ok]

    for share in books.shares(order).values():  # each share keeps floor(share x what was not refunded)
        line = next(line for line in order.lines if line.id == share.line_id)
        assert share.amount_fen - share.reversed_fen == share.amount_fen * (line.total_fen - line.refunded_fen) \
            // line.total_fen
    if refund_everything:
        rest = [(line, line.total_fen - line.refunded_fen) for line in order.lines
                if line.total_fen > line.refunded_fen]
        if rest:
            books.refund(order, rest, at=at + days(1))
        for partner in (books.sharer, books.upline, guide):
            held = books.balances(partner)
            # Back to zero: what is still held (or was paid out and is now owed) nets out exactly.
            assert held["pending"] + held["available"] + held["withdrawing"] + held["withdrawn"] + held["debt"] == 0
            assert held["reversed"] == accrued[partner.id]
        assert all(s.reversed_fen == s.amount_fen for s in books.shares(order).values())
    report = audit_books(db.session)
    assert report.ok, [(c.name, c.violations) for c in report.checks if not c.ok]
