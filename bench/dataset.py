"""The large data set, in bulk SQL on SQLite or PostgreSQL, with books `flask mall audit` finds clean.

    DATABASE_URL=... .venv/bin/python -m bench.dataset --scale 1      # after `flask db upgrade`

At --scale 1: 3 brands, 1,000 products (one SKU each), 50 stores, 500 guides, 100,000 partners in a two-level
tree (a tenth invited nobody's help, the rest were each invited by one of them), 1,000,000 orders over the last
365 days with one line, an attribution and commission shares each, and the ledger behind them: an accrual
transaction per paid order (the beneficiaries' pending accounts up, the brand's payable down) and the accounts'
cached balances. --scale multiplies the partners and orders only. The mix, fixed by the order's number:
5% unpaid (shares planned), 5% cancelled (void), 60% completed three days after payment (so `mall settle` has
their pending shares to settle), 30% paid; 30% store code (sharer, guide, store), 40% link, 10% storefront, 20%
direct. No refunds. One heavy partner per brand, the sharer of a sixth of its orders (its dashboard, order
list and CSV export are the "heavy partner" scenarios; --heavy-every 1 makes it the sharer of every shared
order, 80% of the brand's: at --scale 0.4 that is about 107,000 orders). Rows are numbered by recursive CTEs (both databases
have them) and ids computed from the first id of each bulk insert, checked to be contiguous.
"""
import argparse
import os
import sys
import time
from datetime import datetime, timedelta

from sqlalchemy import text
from werkzeug.security import generate_password_hash

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mall import create_app  # noqa: E402
from mall.clock import utcnow  # noqa: E402
from mall.extensions import db  # noqa: E402
from mall.reporting.backfill import rebuild  # noqa: E402

BRANDS, PRODUCTS, STORES, GUIDES, PARTNERS, ORDERS = 3, 1000, 50, 500, 100_000, 1_000_000
YEAR = 365 * 86400
LEVEL1, LEVEL2, GUIDE, STORE = 1000, 500, 300, 200  # basis points, as the default commission settings
HEAVY_EVERY = 6  # the heavy partner is the sharer of every sixth order of its brand
HEAVY_PASSWORD = "bench-heavy-partner"


def heavy_phone(brand_id: int) -> str:
    return f"1370000{brand_id:04d}"


def numbers(count_param: str) -> str:
    """A CTE `seq(n)` of 1..:count_param, on SQLite and PostgreSQL alike."""
    return (f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :{count_param}) ")


def later(dialect: str, column: str, seconds: str) -> str:
    if dialect == "postgresql":
        return f"(CAST({column} AS timestamp) + ({seconds}) * interval '1 second')"
    return f"datetime({column}, '+' || ({seconds}) || ' seconds')"


class Generator:
    def __init__(self, session, scale: float, now: datetime, heavy_every: int = HEAVY_EVERY):
        self.s, self.now, self.heavy_every = session, now, heavy_every
        self.dialect = session.get_bind().dialect.name
        self.partners = max(int(PARTNERS * scale) // BRANDS, 20)
        self.orders = max(int(ORDERS * scale) // BRANDS, 100)
        self.products, self.stores, self.guides = PRODUCTS // BRANDS, max(STORES // BRANDS, 1), GUIDES // BRANDS
        self.steps: list[str] = []

    def sql(self, statement: str, params: dict | list | None = None):
        return self.s.execute(text(statement), params or {})

    def first_id(self, table: str, count: int, where: str, params: dict) -> int:
        low, high, n = self.sql(f"SELECT min(id), max(id), count(*) FROM {table} WHERE {where}", params).one()
        if n != count or high - low + 1 != count:
            raise RuntimeError(f"{table}: {n} rows, ids {low}..{high}: expected {count} contiguous ids")
        return low

    def step(self, name: str, work) -> None:
        began = time.perf_counter()
        work()
        self.steps.append(f"{name} {time.perf_counter() - began:.1f}s")
        print(f"  {self.steps[-1]}", flush=True)

    def brand(self, b: int) -> None:
        stamp = self.now.strftime("%Y%m%d%H%M%S")
        brand = self.sql("INSERT INTO brands (slug, name, description, created_at) VALUES (:slug, :name, '', :now) "
                         "RETURNING id", {"slug": f"bench{b}-{stamp}", "name": f"Bench {b}", "now": self.now}).scalar()
        p = {"brand": brand, "now": self.now, "start": self.now - timedelta(days=365)}
        self.sql("INSERT INTO stores (brand_id, name, address, phone, active, code) "
                 "VALUES (:brand, :name, '', '', true, :code)",
                 [{"brand": brand, "name": f"Store {n}", "code": f"S{brand}X{n}"} for n in range(self.stores)])
        p["store0"] = self.first_id("stores", self.stores, "brand_id = :brand", p)
        self.sql("INSERT INTO products (brand_id, code, title, subtitle, description, published, created_at) "
                 "VALUES (:brand, :code, :title, '', 'Bench tea, picked in spring.', true, :now)",
                 [{"brand": brand, "code": f"B{brand}P{n}", "title": f"Bench tea {n}", "now": self.now}
                  for n in range(self.products)])
        p["product0"] = self.first_id("products", self.products, "brand_id = :brand", p)
        self.sql("INSERT INTO skus (product_id, name, price_fen, stock, position) "
                 "SELECT id, 'Default', 9900, 1000000, 0 FROM products WHERE brand_id = :brand ORDER BY id", p)
        p["sku0"] = self.first_id("skus", self.products, "product_id IN (SELECT id FROM products WHERE brand_id = :brand)", p)
        people = self.partners + self.guides
        p.update(people=people, partners=self.partners, guides=self.guides, orders=self.orders)
        self.sql(numbers("people") + "INSERT INTO users (phone, name, password_hash, role, brand_id, store_id, "
                 "active, created_at, session_token) SELECT 'B' || :brand || '-' || n, 'Partner ' || n, '!', "
                 "CASE WHEN n > :partners THEN 'guide' ELSE 'partner' END, :brand, "
                 "CASE WHEN n > :partners THEN :store0 + (n - :partners - 1) % :stores END, true, :now, '' FROM seq",
                 {**p, "stores": self.stores})
        p["user0"] = self.first_id("users", people, "brand_id = :brand", p)
        # The heavy partner can log in (bench.run opens its dashboard): a mobile number and a known password.
        self.sql("UPDATE users SET phone = :phone, password_hash = :hash WHERE id = :user0",
                 {**p, "phone": heavy_phone(brand), "hash": generate_password_hash(HEAVY_PASSWORD)})
        self.sql(numbers("people") + "INSERT INTO partners (brand_id, user_id, code, status, joined_at) "
                 "SELECT :brand, :user0 + n - 1, :brand || 'Q' || n, 'active', :now FROM seq", p)
        p["partner0"] = self.first_id("partners", people, "brand_id = :brand", p)
        # Two levels: the first tenth invited the rest, each partner n by partner n % tenth.
        p["tenth"] = max(self.partners // 10, 1)
        self.sql("UPDATE partners SET inviter_id = :partner0 + ((id - :partner0) % :tenth) "
                 "WHERE brand_id = :brand AND id - :partner0 >= :tenth AND id - :partner0 < :partners", p)
        self.step(f"brand {brand}: orders", lambda: self.insert_orders(p))
        self.step(f"brand {brand}: lines, attributions, shares", lambda: self.insert_shares(p))
        self.step(f"brand {brand}: accounts and ledger", lambda: self.insert_ledger(p))

    def insert_orders(self, p: dict) -> None:
        created = later(self.dialect, ":start", f"(CAST(n AS BIGINT) * 7919) % {YEAR}")  # n * 7919 overflows int4
        paid = later(self.dialect, created, "60")
        completed = later(self.dialect, created, str(3 * 86400 + 60))
        cancelled = later(self.dialect, created, "1800")
        self.sql(numbers("orders") + f"""
INSERT INTO orders (number, token, idempotency_key, brand_id, status, delivery, contact_name, contact_phone, address,
                    note, total_fen, refunded_fen, created_at, paid_at, completed_at, cancelled_at)
SELECT 'B' || :brand || '-' || n, 'bench-' || :brand || '-' || n, 'bench-' || :brand || '-' || n, :brand,
       CASE WHEN n % 20 = 0 THEN 'pending_payment' WHEN n % 20 = 1 THEN 'cancelled'
            WHEN n % 20 < 14 THEN 'completed' ELSE 'paid' END,
       'ship', '王小明', '13800138000', '上海市静安区南京西路 1 号', '', 1000 + (n * 37) % 50000, 0, {created},
       CASE WHEN n % 20 > 1 THEN {paid} END, CASE WHEN n % 20 BETWEEN 2 AND 13 THEN {completed} END,
       CASE WHEN n % 20 = 1 THEN {cancelled} END
FROM seq""", p)
        p["order0"] = self.first_id("orders", self.orders, "brand_id = :brand", p)

    def insert_shares(self, p: dict) -> None:
        self.sql("""
INSERT INTO order_lines (order_id, product_id, sku_id, title, sku_name, unit_price_fen, quantity, total_fen,
                         refunded_fen)
SELECT id, :product0 + (id % :products), :sku0 + (id % :products), 'Bench tea', 'Default', total_fen, 1, total_fen, 0
FROM orders WHERE brand_id = :brand""", {**p, "products": self.products})
        # Channel by the order's number (k = n % 10); the heavy partner (partner0) shares every sixth order.
        # psycopg binds small numbers as smallint: partner0 + partners overflows it past scale 0.3 without the cast.
        self.sql("""
INSERT INTO order_attributions (order_id, sharer_id, guide_id, store_id, channel, reason, excluded, levels,
                                binding_mode, created_at)
SELECT o.id,
       CASE WHEN k < 8 THEN CASE WHEN (o.id - :order0) % :heavy = 0 THEN :partner0
                                 ELSE :partner0 + ((o.id - :order0) / 10) % :partners END END,
       CASE WHEN k < 3 THEN CAST(:partner0 AS INTEGER) + :partners + (o.id - :order0) % :guides END,
       CASE WHEN k < 3 THEN :store0 + ((o.id - :order0) % :guides) % :stores END,
       CASE WHEN k < 3 THEN 'store_code' WHEN k < 7 THEN 'link' WHEN k < 8 THEN 'storefront' ELSE 'direct' END,
       CASE WHEN k < 8 THEN 'last_touch' ELSE 'no_sharer' END, '', 2, 'first_touch', o.created_at
FROM (SELECT id, created_at, (id - :order0) % 10 AS k FROM orders WHERE brand_id = :brand) o""",
                 {**p, "heavy": self.heavy_every, "stores": self.stores})
        status = ("CASE o.status WHEN 'pending_payment' THEN 'planned' WHEN 'cancelled' THEN 'void' "
                  "ELSE 'pending' END")
        for role, ratio, partner, store, where in (
                ("level1", LEVEL1, "a.sharer_id", "NULL", "a.sharer_id IS NOT NULL"),
                ("level2", LEVEL2, "p.inviter_id", "NULL", "p.inviter_id IS NOT NULL"),
                ("guide", GUIDE, "a.guide_id", "NULL", "a.guide_id IS NOT NULL"),
                ("store", STORE, "NULL", "a.store_id", "a.store_id IS NOT NULL")):
            self.sql(f"""
INSERT INTO commission_shares (brand_id, order_id, line_id, role, partner_id, store_id, ratio_bp, base_fen,
                               amount_fen, reversed_fen, status, generation, order_created_at)
SELECT o.brand_id, o.id, l.id, '{role}', {partner}, {store}, {ratio}, l.total_fen, l.total_fen * {ratio} / 10000, 0,
       {status}, 1, o.created_at
FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN order_attributions a ON a.order_id = o.id
LEFT JOIN partners p ON p.id = a.sharer_id
WHERE o.brand_id = :brand AND {where}""", p)

    def insert_ledger(self, p: dict) -> None:
        # Fresh statistics, or PostgreSQL plans the joins below for the empty tables it last analysed.
        for table in ("orders", "commission_shares", "accounts", "ledger_transactions"):
            self.sql(f"ANALYZE {table}")
        owner_kind = "CASE WHEN partner_id IS NOT NULL THEN 'partner' ELSE 'store' END"
        self.sql(f"""
INSERT INTO accounts (brand_id, owner_kind, owner_id, kind, balance_fen)
SELECT brand_id, {owner_kind}, COALESCE(partner_id, store_id), 'pending', SUM(amount_fen)
FROM commission_shares WHERE brand_id = :brand AND status = 'pending'
GROUP BY brand_id, {owner_kind}, COALESCE(partner_id, store_id)""", p)
        self.sql("""
INSERT INTO accounts (brand_id, owner_kind, owner_id, kind, balance_fen)
SELECT :brand, 'brand', :brand, 'payable', -COALESCE(SUM(amount_fen), 0)
FROM commission_shares WHERE brand_id = :brand AND status = 'pending'""", p)
        self.sql("ANALYZE accounts")
        self.sql("""
INSERT INTO ledger_transactions (brand_id, key, kind, order_id, created_at)
SELECT brand_id, 'accrual:' || id, 'accrual', id, paid_at FROM orders
WHERE brand_id = :brand AND status IN ('paid', 'completed')
  AND EXISTS (SELECT 1 FROM commission_shares s WHERE s.order_id = orders.id AND s.status = 'pending')""", p)
        self.sql("ANALYZE ledger_transactions")
        common = """
FROM commission_shares s
JOIN ledger_transactions t ON t.order_id = s.order_id AND t.kind = 'accrual'
JOIN accounts a ON a.brand_id = s.brand_id AND a.kind = '{kind}' AND {owner}
WHERE s.brand_id = :brand AND s.status = 'pending'"""
        self.sql("INSERT INTO ledger_entries (transaction_id, account_id, share_id, amount_fen) "
                 "SELECT t.id, a.id, s.id, s.amount_fen" + common.format(
                     kind="pending", owner="a.owner_kind = CASE WHEN s.partner_id IS NOT NULL THEN 'partner' "
                     "ELSE 'store' END AND a.owner_id = COALESCE(s.partner_id, s.store_id)"), p)
        self.sql("INSERT INTO ledger_entries (transaction_id, account_id, share_id, amount_fen) "
                 "SELECT t.id, a.id, s.id, -s.amount_fen" + common.format(
                     kind="payable", owner="a.owner_kind = 'brand' AND a.owner_id = s.brand_id"), p)
        # The dashboard chart's roll-up (mall.commission.earnings), as ledger.post keeps it for every accrual.
        quarter = ("CAST(strftime('%s', t.created_at) AS INTEGER) / 900" if self.dialect == "sqlite"
                   else "CAST(floor(extract(epoch FROM t.created_at) / 900) AS BIGINT)")
        self.sql(f"""
INSERT INTO accrued_quarter_hours (account_id, quarter_hour, amount_fen)
SELECT e.account_id, {quarter}, SUM(e.amount_fen)
FROM ledger_entries e
JOIN ledger_transactions t ON t.id = e.transaction_id
JOIN accounts a ON a.id = e.account_id
WHERE t.brand_id = :brand AND t.kind = 'accrual' AND a.kind = 'pending'
GROUP BY e.account_id, {quarter}""", p)


def generate(session, scale: float, now: datetime, heavy_every: int = HEAVY_EVERY) -> list[str]:
    gen = Generator(session, scale, now, heavy_every)
    print(f"data set at scale {scale}: {BRANDS} brands x {gen.orders} orders, {gen.partners} partners", flush=True)
    if gen.dialect == "postgresql":
        # Balanced by construction, and `mall audit` re-checks it: the per-entry deferred balance triggers
        # would re-sum every transaction at COMMIT, which at this size takes longer than the load.
        session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        # SQLite's default page cache is 2 MB: past a few hundred thousand rows every index insert reads its pages
        # from the file again, and the load grows much faster than the rows (384 s for one brand's shares at 3).
        session.execute(text("PRAGMA cache_size = -1048576"))  # 1 GiB, for this connection only
        session.execute(text("PRAGMA temp_store = MEMORY"))
    for b in range(1, BRANDS + 1):
        gen.brand(b)
    gen.step("report roll-up", lambda: rebuild(session))  # bulk rows pass no subscriber
    session.commit()
    if gen.dialect == "postgresql":
        with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            gen.step("vacuum analyze", lambda: connection.execute(text("VACUUM ANALYZE")))
    else:
        gen.step("analyze", lambda: (session.execute(text("ANALYZE")), session.commit()))
    return gen.steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--heavy-every", type=int, default=HEAVY_EVERY,
                        help="the heavy partner shares every n-th order of its brand (1: 80%% of them, all but direct)")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        began = time.perf_counter()
        generate(db.session, args.scale, utcnow().replace(microsecond=0), max(args.heavy_every, 1))
        print(f"generated in {time.perf_counter() - began:.0f}s", flush=True)


if __name__ == "__main__":
    main()
