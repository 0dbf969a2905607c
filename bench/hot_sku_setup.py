"""bench.hot_sku's reads and writes of its database, each in a process of its own (configuration from the
environment bench.hot_sku sets); prints JSON.

    python -m bench.hot_sku_setup SKUS VISITORS     # the brand's first SKUS SKUs, VISITORS visitors who touched a link
    python -m bench.hot_sku_setup --stock SKU UNITS  # give one SKU exactly UNITS in stock
    python -m bench.hot_sku_setup --sold SKU UNITS BEFORE  # what it sold beyond the BEFORE units its orders held
                                                         # then, and whether that is more than UNITS
"""
import json
import sys

from sqlalchemy import text

from mall import create_app
from mall.clock import utcnow
from mall.codes import ALPHABET
from mall.extensions import db
from mall.referral.visits import record_visit

HELD = ("SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id "
        "WHERE l.sku_id = :sku AND o.status <> 'cancelled'")


def q(sql: str, **params):
    return db.session.execute(text(sql), params)


def targets(skus: int, visitors: int) -> dict:
    brand = q("SELECT min(id) FROM brands WHERE slug LIKE 'bench1-%'").scalar_one()
    sku_ids = q("SELECT s.id FROM skus s JOIN products p ON p.id = s.product_id WHERE p.brand_id = :b AND p.published "
                "ORDER BY s.id LIMIT :n", b=brand, n=skus + 1).scalars().all()
    # The data set numbers its codes ("1Q7"), and 0 and 1 are never in a real one: these partners get real codes.
    # Invited partners with consecutive ids have distinct inviters (bench.dataset): 2 x VISITORS accounts share
    # the commission, so the only rows every payment of the brand needs are the brand's own.
    partners = q("SELECT p.id FROM partners p JOIN users u ON u.id = p.user_id WHERE p.brand_id = :b "
                 "AND p.status = 'active' AND p.inviter_id IS NOT NULL AND u.role = 'partner' ORDER BY p.id LIMIT :n",
                 b=brand, n=visitors).scalars().all()
    codes = [f"HSK{ALPHABET[n // len(ALPHABET)]}{ALPHABET[n % len(ALPHABET)]}" for n in range(len(partners))]
    for partner, code in zip(partners, codes, strict=True):
        q("UPDATE partners SET code = :code WHERE id = :id", code=code, id=partner)
    now, keys = utcnow(), []
    for n in range(visitors):
        # Each visitor opened a partner's link once: every order of theirs is attributed and pays commission.
        key = f"bench-hot-{n}"
        touch = record_visit(db.session, brand_id=brand, partner_code=codes[n % len(codes)], channel="link",
                     target=f"sku:{sku_ids[0]}", visitor_key=key, now=now)
        if touch is None:
            raise RuntimeError(f"partner {codes[n % len(codes)]}: no touch recorded")
        keys.append(key)
    db.session.commit()
    return {"brand": brand, "skus": sku_ids[:-1], "warm_up_sku": sku_ids[-1], "visitors": keys}


def set_stock(sku: int, units: int) -> dict:
    before = q(HELD, sku=sku).scalar_one()
    q("UPDATE skus SET stock = :units WHERE id = :sku", sku=sku, units=units)
    db.session.commit()
    return {"sku": sku, "stock": units, "held_before": int(before)}


def sold(sku: int, units: int, before: int) -> dict:
    held = int(q(HELD, sku=sku).scalar_one()) - before
    paid = q("SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.sku_id = :sku "
             "AND o.paid_at IS NOT NULL AND o.number NOT LIKE 'B%'", sku=sku).scalar_one()  # not the data set's
    left = q("SELECT stock FROM skus WHERE id = :sku", sku=sku).scalar_one()
    return {"sku": sku, "units_sold": held, "paid_orders": paid, "stock_left": left,
            "oversold": max(0, held - units), "stock_and_sold": held + left}


if __name__ == "__main__":
    with create_app().app_context():
        if sys.argv[1] == "--stock":
            found = set_stock(int(sys.argv[2]), int(sys.argv[3]))
        elif sys.argv[1] == "--sold":
            found = sold(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        else:
            found = targets(int(sys.argv[1]), int(sys.argv[2]))
        print(json.dumps(found))
