"""Generate a brand with N orders (default 1,000,000) for timing the admin reports.

    DATABASE_URL=postgresql://mall:mall@127.0.0.1/bench_i .venv/bin/python bench/generate_orders.py --orders 1000000

Each run adds a new brand (bench-<timestamp>) with 20 stores, 100 guides, 2,000 sharers (half of them invited
by another), one product, and N orders spread over the last 365 days, each with one line, its attribution
and its commission shares. Orders go in with set-based SQL: INSERT ... SELECT FROM generate_series on
PostgreSQL, batched executemany on SQLite; lines, attributions and shares are then INSERT ... SELECT from
the orders, in portable SQL. The mix (fixed by the order's number, so every run is alike):
  5% unpaid, 5% cancelled, 50% completed, 40% paid; 3% of paid orders half refunded;
  channels: 30% store code (sharer + guide + store), 40% shared link, 10% storefront (sharer), 20% direct.
"""
import argparse
import os
import sys
import time
from datetime import datetime, timedelta

from sqlalchemy import text

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mall import create_app  # noqa: E402
from mall.clock import utcnow  # noqa: E402
from mall.extensions import db  # noqa: E402

STORES, GUIDES, SHARERS = 20, 100, 2000
YEAR_SECONDS = 365 * 86400
BATCH = 10_000  # rows per executemany on SQLite
PG_CHUNK = 250_000  # orders per INSERT ... SELECT on PostgreSQL
# Ratios in basis points, as the default commission settings.
LEVEL1, LEVEL2, GUIDE, STORE = 1000, 500, 300, 200

ORDER_COLUMNS = ("number, token, idempotency_key, brand_id, status, delivery, contact_name, contact_phone, address, "
                 "note, total_fen, refunded_fen, created_at, paid_at, completed_at, cancelled_at")


def order_values(g: int, brand_id: int, start: datetime) -> dict:
    """The n-th generated order, in Python (the SQLite path); the PostgreSQL SQL below computes the same."""
    created = start + timedelta(seconds=(g * 7919) % YEAR_SECONDS)
    kind = g % 20
    status = "pending_payment" if kind == 0 else "cancelled" if kind == 1 else "completed" if kind < 12 else "paid"
    total = 1000 + (g * 37) % 50000
    paid = created + timedelta(minutes=1) if kind > 1 else None
    return {"number": f"B{brand_id}-{g}", "token": f"bench-{brand_id}-{g}", "idempotency_key": f"bench-{brand_id}-{g}",
            "brand_id": brand_id, "status": status, "delivery": "ship", "contact_name": "Bench",
            "contact_phone": "13800138000", "address": "Shanghai", "note": "", "total_fen": total,
            "refunded_fen": total // 2 if kind > 1 and g % 33 == 0 else 0, "created_at": created, "paid_at": paid,
            "completed_at": paid + timedelta(days=3) if kind in range(2, 12) else None,
            "cancelled_at": created + timedelta(minutes=30) if kind == 1 else None}


PG_ORDERS = f"""
INSERT INTO orders ({ORDER_COLUMNS})
SELECT 'B' || :brand || '-' || g, 'bench-' || :brand || '-' || g, 'bench-' || :brand || '-' || g, :brand,
       CASE WHEN g % 20 = 0 THEN 'pending_payment' WHEN g % 20 = 1 THEN 'cancelled'
            WHEN g % 20 < 12 THEN 'completed' ELSE 'paid' END,
       'ship', 'Bench', '13800138000', 'Shanghai', '', 1000 + (g * 37) % 50000,
       CASE WHEN g % 20 > 1 AND g % 33 = 0 THEN (1000 + (g * 37) % 50000) / 2 ELSE 0 END,
       c, CASE WHEN g % 20 > 1 THEN c + interval '1 minute' END,
       CASE WHEN g % 20 BETWEEN 2 AND 11 THEN c + interval '3 days 1 minute' END,
       CASE WHEN g % 20 = 1 THEN c + interval '30 minutes' END
FROM generate_series(:first, :last) AS g,
     LATERAL (SELECT CAST(:start AS timestamp) + ((g::bigint * 7919) % {YEAR_SECONDS}) * interval '1 second') AS t(c)
"""

LINES = """
INSERT INTO order_lines (order_id, product_id, sku_id, title, sku_name, unit_price_fen, quantity, total_fen,
                         refunded_fen)
SELECT id, :product, :sku, 'Bench tea', 'Default', total_fen, 1, total_fen, refunded_fen FROM orders WHERE brand_id = :brand
"""

# o.id % 10 picks the channel; sharers and guides are picked by o.id from the numbered temp tables.
ATTRIBUTIONS = f"""
INSERT INTO order_attributions (order_id, sharer_id, guide_id, store_id, channel, reason, excluded, levels,
                                binding_mode, created_at)
SELECT o.id, CASE WHEN o.id % 10 < 8 THEN s.partner_id END, CASE WHEN o.id % 10 < 3 THEN gd.partner_id END,
       CASE WHEN o.id % 10 < 3 THEN gd.store_id END,
       CASE WHEN o.id % 10 < 3 THEN 'store_code' WHEN o.id % 10 < 7 THEN 'link'
            WHEN o.id % 10 < 8 THEN 'storefront' ELSE 'direct' END,
       CASE WHEN o.id % 10 < 8 THEN 'last_touch' ELSE 'no_sharer' END, '', 2, 'first_touch', o.created_at
FROM orders o
JOIN bench_sharers s ON s.n = (o.id / 10) % {SHARERS}
JOIN bench_guides gd ON gd.n = (o.id / 10) % {GUIDES}
WHERE o.brand_id = :brand
"""

SHARE_STATUS = ("CASE o.status WHEN 'pending_payment' THEN 'planned' WHEN 'cancelled' THEN 'void' "
                "WHEN 'completed' THEN 'available' ELSE 'pending' END")


def share_insert(role: str, ratio: int, partner: str, store: str, where: str) -> str:
    amount = f"(l.total_fen * {ratio} / 10000)"
    return f"""
INSERT INTO commission_shares (brand_id, order_id, line_id, role, partner_id, store_id, ratio_bp, base_fen,
                               amount_fen, reversed_fen, status, generation)
SELECT o.brand_id, o.id, l.id, '{role}', {partner}, {store}, {ratio}, l.total_fen, {amount},
       {amount} * l.refunded_fen / l.total_fen, {SHARE_STATUS}, 1
FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN order_attributions a ON a.order_id = o.id
LEFT JOIN partners p ON p.id = a.sharer_id
WHERE o.brand_id = :brand AND {where}
"""


SHARES = [
    share_insert("level1", LEVEL1, "a.sharer_id", "NULL", "a.sharer_id IS NOT NULL"),
    share_insert("level2", LEVEL2, "p.inviter_id", "NULL", "p.inviter_id IS NOT NULL"),
    share_insert("guide", GUIDE, "a.guide_id", "NULL", "a.guide_id IS NOT NULL"),
    share_insert("store", STORE, "NULL", "a.store_id", "a.store_id IS NOT NULL"),
]


def setup_brand(session, now: datetime) -> dict:
    """The brand, its stores, product, guides and sharers (a few thousand rows: plain executemany)."""
    stamp = now.strftime("%Y%m%d%H%M%S")
    brand = session.execute(text("INSERT INTO brands (slug, name, description, created_at) "
                                 "VALUES (:slug, :name, '', :now) RETURNING id"),
                            {"slug": f"bench-{stamp}", "name": f"Bench {stamp}", "now": now}).scalar_one()
    session.execute(text("INSERT INTO stores (brand_id, name, address, phone, active, code) "
                         "VALUES (:brand, :name, '', '', true, :code)"),
                    [{"brand": brand, "name": f"Store {n}", "code": f"S{brand}X{n}"} for n in range(STORES)])
    stores = session.execute(text("SELECT id FROM stores WHERE brand_id = :b ORDER BY id"), {"b": brand}).scalars().all()
    product = session.execute(text("INSERT INTO products (brand_id, code, title, subtitle, description, published, "
                                   "created_at) VALUES (:b, :code, 'Bench tea', '', '', true, :now) RETURNING id"),
                              {"b": brand, "code": f"P{brand}", "now": now}).scalar_one()
    sku = session.execute(text("INSERT INTO skus (product_id, name, price_fen, stock, position) "
                               "VALUES (:p, 'Default', 9900, 1000000, 0) RETURNING id"), {"p": product}).scalar_one()
    people = GUIDES + SHARERS
    session.execute(text("INSERT INTO users (phone, name, password_hash, role, brand_id, active, created_at) "
                         "VALUES (:phone, :name, '!', 'partner', :b, true, :now)"),
                    [{"phone": f"B{brand}-{n}", "name": f"Partner {n}", "b": brand, "now": now} for n in range(people)])
    users = session.execute(text("SELECT id FROM users WHERE brand_id = :b ORDER BY id"), {"b": brand}).scalars().all()
    session.execute(text("INSERT INTO partners (brand_id, user_id, code, status, joined_at) "
                         "VALUES (:b, :u, :code, 'active', :now)"),
                    [{"b": brand, "u": u, "code": f"{brand}Q{n}", "now": now} for n, u in enumerate(users)])
    partners = session.execute(text("SELECT id FROM partners WHERE brand_id = :b ORDER BY id"),
                               {"b": brand}).scalars().all()
    guides, sharers = partners[:GUIDES], partners[GUIDES:]
    # Half of the sharers were invited by one of the first 100 sharers: a level 2 for their orders.
    session.execute(text("UPDATE partners SET inviter_id = :inviter WHERE id = :id"),
                    [{"inviter": sharers[n % 100], "id": sharers[n]} for n in range(100, SHARERS, 2)])
    session.execute(text("DROP TABLE IF EXISTS bench_sharers"))
    session.execute(text("DROP TABLE IF EXISTS bench_guides"))
    session.execute(text("CREATE TEMPORARY TABLE bench_sharers (n INTEGER PRIMARY KEY, partner_id INTEGER)"))
    session.execute(text("CREATE TEMPORARY TABLE bench_guides (n INTEGER PRIMARY KEY, partner_id INTEGER, "
                         "store_id INTEGER)"))
    session.execute(text("INSERT INTO bench_sharers VALUES (:n, :p)"), [{"n": n, "p": p} for n, p in enumerate(sharers)])
    session.execute(text("INSERT INTO bench_guides VALUES (:n, :p, :s)"),
                    [{"n": n, "p": p, "s": stores[n % STORES]} for n, p in enumerate(guides)])
    return {"brand": brand, "product": product, "sku": sku}


def insert_orders(session, ids: dict, count: int, start: datetime) -> None:
    brand = ids["brand"]
    if session.get_bind().dialect.name == "postgresql":
        for first in range(1, count + 1, PG_CHUNK):
            last = min(first + PG_CHUNK - 1, count)
            session.execute(text(PG_ORDERS), {"brand": brand, "first": first, "last": last, "start": start})
        return
    columns = [c.strip() for c in ORDER_COLUMNS.split(",")]
    statement = text(f"INSERT INTO orders ({ORDER_COLUMNS}) VALUES ({', '.join(':' + c for c in columns)})")
    for first in range(1, count + 1, BATCH):
        session.execute(statement, [order_values(g, brand, start) for g in range(first, min(first + BATCH, count + 1))])


def generate(session, count: int, now: datetime) -> int:
    """Add a brand with `count` orders; returns the brand's id."""
    steps = []

    def step(name, work):
        began = time.perf_counter()
        work()
        steps.append(f"{name} {time.perf_counter() - began:.1f}s")

    ids = setup_brand(session, now)
    step("orders", lambda: insert_orders(session, ids, count, now - timedelta(days=365)))
    step("lines", lambda: session.execute(text(LINES), ids))
    step("attributions", lambda: session.execute(text(ATTRIBUTIONS), {"brand": ids["brand"]}))
    step("shares", lambda: [session.execute(text(sql), {"brand": ids["brand"]}) for sql in SHARES])
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        # VACUUM sets the visibility map, without which the reports' index-only scans still visit the table.
        def vacuum():
            with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        step("vacuum analyze", vacuum)
    print(f"brand {ids['brand']}: {count} orders; " + ", ".join(steps))
    return ids["brand"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        generate(db.session, args.orders, utcnow().replace(microsecond=0))


if __name__ == "__main__":
    main()
