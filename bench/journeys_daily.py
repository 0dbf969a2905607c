"""Time the guide's daily list (今日跟进) with 100,000 journey customers, on PostgreSQL.

    .venv/bin/python bench/journeys_daily.py  [--customers 100000] [--guides 50]
    (DATABASE_URL defaults to postgresql+psycopg://postgres@127.0.0.1:55433/mall_bench_journeys; the database
    is created if missing and migrated to head)

Each run adds two brands, each with N customers (users, journey customers and one running enrolment each),
in set-based SQL (INSERT ... SELECT FROM generate_series):
  spread   N customers over G guides (the usual shape: a few thousand per guide)
  one      all N customers bound to a single guide (the worst case for one list)
Customers are spread over the five states (customer number mod 5), entered their state 0-59 days ago, and
their guide has kept up with four in five of them (the next step is the first after today); the fifth has
never been followed up, so every one of their steps since day 0 is overdue and on the list. Each state has
a sequence with steps on days 0, 3, 7, 14 and 30. The script then times mall.journeys.daily.due_today (the
real query and ranking) for one guide of each brand, and prints its PostgreSQL plan.
"""
import argparse
import hashlib
import os
import statistics
import sys
import time
from datetime import timedelta

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mall import create_app  # noqa: E402
from mall.clock import utcnow  # noqa: E402
from mall.extensions import db  # noqa: E402
from mall.journeys.daily import due_today  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:55433/mall_bench_journeys"
STATES = ("new", "interested", "purchased", "repeat", "silent")
OFFSETS = (0, 3, 7, 14, 30)
RUNS = 7


def ensure_database(url: str) -> None:
    parsed = make_url(url)
    with psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, dbname="postgres",
                         autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


def make_brand(conn, tag: str, customers: int, guides: int, now) -> tuple[int, list[int]]:
    """One brand with its guides, customers, sequences and enrolments; returns (brand id, guide partner ids)."""
    brand = conn.execute(text("INSERT INTO brands (slug, name, description, created_at) VALUES (:s, :s, '', :now) "
                              "RETURNING id"), {"s": tag, "now": now}).scalar()
    store = conn.execute(text("INSERT INTO stores (brand_id, name, address, phone, active, code) "
                              "VALUES (:b, 'Bench store', '', '', true, :code) RETURNING id"),
                         {"b": brand, "code": hashlib.md5(tag.encode()).hexdigest()[:12].upper()}).scalar()
    conn.execute(text("""
        INSERT INTO users (email, password_hash, name, role, brand_id, store_id, active, created_at, session_token)
        SELECT :tag || '-guide-' || g || '@bench', 'x', 'Guide ' || g, 'guide', :b, :st, true, :now, 'x'
        FROM generate_series(1, :n) g"""), {"tag": tag, "b": brand, "st": store, "n": guides, "now": now})
    conn.execute(text("""
        INSERT INTO partners (brand_id, user_id, code, status, joined_at)
        SELECT :b, u.id, upper(substr(md5(:tag || u.id), 1, 12)), 'active', :now
        FROM users u WHERE u.store_id = :st ORDER BY u.id"""), {"b": brand, "tag": tag, "st": store, "now": now})
    guide_ids = conn.execute(text("SELECT id FROM partners WHERE brand_id = :b ORDER BY id"), {"b": brand}).scalars().all()
    conn.execute(text("""
        INSERT INTO users (email, password_hash, name, role, active, created_at, session_token)
        SELECT :tag || '-c-' || g || '@bench', 'x', '顾客' || g, 'consumer', true, :now, 'x'
        FROM generate_series(1, :n) g"""), {"tag": tag, "n": customers, "now": now})
    # Customer g: state g % 5, in it for g % 60 days (and a few hours), guide g % guides, two visits, orders
    # as the state says; spend varies so ranking has something to sort.
    conn.execute(text("""
        INSERT INTO journey_customers (brand_id, user_id, guide_id, state, state_entry, state_since, visits, booked,
                                       orders, spent_fen, last_active_at, created_at)
        SELECT :b, u.id, :g0 + (u.rn % :guides),
               (ARRAY['new','interested','purchased','repeat','silent'])[1 + u.rn % 5], 1,
               :now - make_interval(days => (u.rn % 60)::int, hours => (u.rn % 13)::int), 2, false,
               CASE u.rn % 5 WHEN 2 THEN 1 WHEN 3 THEN 2 WHEN 4 THEN 1 ELSE 0 END,
               CASE WHEN u.rn % 5 IN (2, 3, 4) THEN 1000 + (u.rn * 37) % 90000 ELSE 0 END,
               :now - make_interval(days => (u.rn % 60)::int), :now
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM users WHERE email LIKE :like) u"""),
                 {"b": brand, "g0": guide_ids[0], "guides": guides, "now": now, "like": f"{tag}-c-%"})
    for state in STATES:
        seq = conn.execute(text("INSERT INTO journey_sequences (brand_id, name, state, reentry, active, created_at) "
                                "VALUES (:b, :state, :state, 'every_entry', true, :now) RETURNING id"),
                           {"b": brand, "state": state, "now": now}).scalar()
        for offset in OFFSETS:
            conn.execute(text("INSERT INTO journey_steps (sequence_id, day_offset, channel, template, created_at) "
                              "VALUES (:s, :d, 'chat', '{first_name}您好：{link}', :now)"),
                         {"s": seq, "d": offset, "now": now})
    # One enrolment per customer: kept up with -> the first step not yet due (finished after day 30);
    # never followed up (one in five) -> still at day 0.
    conn.execute(text("""
        INSERT INTO journey_enrolments (sequence_id, customer_id, state_entry, guide_id, started_at, next_step_id,
                                        next_due_at, postponed, ended_at, end_reason)
        SELECT q.seq, q.cid, 1, q.guide_id, q.since, st.id, q.since + make_interval(days => st.day_offset), 0,
               CASE WHEN st.id IS NULL THEN :now END, CASE WHEN st.id IS NULL THEN 'finished' ELSE '' END
        FROM (SELECT c.id AS cid, c.guide_id, c.state_since AS since, s.id AS seq,
                     -- (id / 7) % 5, not id % 5: independent of the guide (id % guides) and the state (id % 5)
                     CASE WHEN (c.id / 7) % 5 = 0 THEN 0 ELSE extract(day FROM :now - c.state_since)::int END AS age
              FROM journey_customers c JOIN journey_sequences s ON s.brand_id = c.brand_id AND s.state = c.state
              WHERE c.brand_id = :b) q
        LEFT JOIN LATERAL (SELECT id, day_offset FROM journey_steps
                           WHERE sequence_id = q.seq AND (day_offset > q.age OR q.age = 0 AND day_offset = 0)
                           ORDER BY day_offset LIMIT 1) st ON true"""), {"b": brand, "now": now})
    return brand, guide_ids


def time_list(guide_id: int, day_end) -> tuple[float, int]:
    timings, count = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        count = len(due_today(db.session, guide_id=guide_id, day_end=day_end))
        timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return statistics.median(timings), count


def explain(guide_id: int, day_end) -> str:
    sql = ("EXPLAIN (ANALYZE, BUFFERS) SELECT e.id FROM journey_enrolments e "
           "JOIN journey_steps s ON s.id = e.next_step_id JOIN journey_customers c ON c.id = e.customer_id "
           "JOIN users u ON u.id = c.user_id "
           "WHERE e.guide_id = :g AND e.ended_at IS NULL AND e.next_due_at <= :end ORDER BY e.next_due_at, e.id "
           "LIMIT 1000")
    return "\n".join(row[0] for row in db.session.execute(text(sql), {"g": guide_id, "end": day_end}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--guides", type=int, default=50)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        now = utcnow().replace(microsecond=0)
        stamp = now.strftime("%Y%m%d%H%M%S")
        started = time.perf_counter()
        with db.engine.begin() as conn:
            spread, spread_guides = make_brand(conn, f"bj-spread-{stamp}", args.customers, args.guides, now)
            one, one_guide = make_brand(conn, f"bj-one-{stamp}", args.customers, 1, now)
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE journey_enrolments"))
            conn.execute(text("ANALYZE journey_customers"))
        print(f"generated 2 x {args.customers:,} customers in {time.perf_counter() - started:.1f} s")
        day_end = now.replace(hour=16, minute=0, second=0) + (timedelta(days=1) if now.hour >= 16 else timedelta())
        total = db.session.scalar(text("SELECT count(*) FROM journey_enrolments WHERE ended_at IS NULL"))
        print(f"running enrolments in the database: {total:,}")
        for label, guide_id, mine in ((f"spread ({args.customers // args.guides:,} customers/guide)",
                                       spread_guides[0], args.customers // args.guides),
                                      (f"one guide ({args.customers:,} customers)", one_guide[0], args.customers)):
            ms, count = time_list(guide_id, day_end)
            print(f"{label}: {count} due, median {ms:.1f} ms over {RUNS} runs (guide has {mine:,} customers)")
            print(explain(guide_id, day_end))
        db.session.rollback()
        print(f"brands {spread} and {one} stay in the database; drop it to start over")


if __name__ == "__main__":
    main()
