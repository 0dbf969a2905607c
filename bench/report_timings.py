"""Time every admin report on a generated data set and, on PostgreSQL, print the query plans.

    DATABASE_URL=postgresql://... .venv/bin/python bench/report_timings.py [--brand ID | --platform] [--pages]

For each dimension and two ranges (the default last 30 days, and a whole year) the report is built with
mall.admin.reports.queries.sales_report as the page builds it (only the largest TABLE_ROWS groups) and as the
CSV builds it (every group): the first run in this process ("cold": nothing cached in the app or the database
connection, the OS file cache as the machine left it), then the median of RUNS more ("warm"). --pages also
times the whole page (GET /admin/reports through the app, logged in as a brand or platform admin this script
adds). On PostgreSQL, EXPLAIN (ANALYZE, BUFFERS) of the roll-up query follows (--plans-for; --no-plans skips).
"""
import argparse
import os
import re
import statistics
import sys
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from werkzeug.security import generate_password_hash

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mall import create_app  # noqa: E402
from mall.admin.reports.queries import DIMENSIONS, UNAVAILABLE, sales_report  # noqa: E402
from mall.admin.reports.rollup import rollup_statement  # noqa: E402
from mall.admin.reports.routes import TABLE_ROWS  # noqa: E402
from mall.clock import utcnow  # noqa: E402
from mall.extensions import db  # noqa: E402
from mall.partner.days import local_date  # noqa: E402

RUNS = 5
TZ = ZoneInfo("Asia/Shanghai")
ADMIN_PASSWORD = "bench-report-admin"


def timed(call) -> tuple[float, float, object]:
    """(cold ms, warm median ms, last result)."""
    began = time.perf_counter()
    result = call()
    cold = (time.perf_counter() - began) * 1000
    warm = []
    for _ in range(RUNS):
        began = time.perf_counter()
        result = call()
        warm.append((time.perf_counter() - began) * 1000)
    return cold, statistics.median(warm), result


def report(session, brand, dimension, first, last, top):
    def call():
        found = sales_report(session, brand, dimension, first, last, TZ, top=top)
        session.rollback()
        return found
    return call


def admin_client(app, brand: int | None):
    """A test client logged in through the login form as an admin of `brand` (None: the platform)."""
    phone = f"1370009{(brand or 0):04d}"
    role = "brand_admin" if brand else "platform_admin"
    db.session.execute(text("DELETE FROM users WHERE phone = :p"), {"p": phone})
    db.session.execute(text(
        "INSERT INTO users (phone, name, password_hash, role, brand_id, active, created_at, session_token) "
        "VALUES (:p, 'Report admin', :h, :r, :b, true, :now, '')"),
        {"p": phone, "h": generate_password_hash(ADMIN_PASSWORD), "r": role, "b": brand, "now": utcnow()})
    db.session.commit()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"login": phone, "password": ADMIN_PASSWORD, "csrf_token": token})
    if answer.status_code != 302:
        raise RuntimeError(f"login answered {answer.status_code}")
    return client


def page(client, dimension, first, last):
    def call():
        answer = client.get(f"/admin/reports?dimension={dimension}&date_from={first}&date_to={last}")
        if answer.status_code != 200:
            raise RuntimeError(f"{dimension}: {answer.status_code}")
        return answer
    return call


def explain(session, statement) -> str:
    compiled = statement.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    return "\n".join(session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars().all())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--brand", type=int, help="the brand to report on (default: the first bench brand)")
    parser.add_argument("--platform", action="store_true", help="report on every brand, as the platform admin")
    parser.add_argument("--pages", action="store_true", help="also time the whole page through the app")
    parser.add_argument("--plans-for", nargs="*", default=["sharer"])
    parser.add_argument("--no-plans", action="store_true")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        session = db.session
        brand = None if args.platform else args.brand or session.execute(text(
            "SELECT min(id) FROM brands WHERE slug LIKE 'bench%'")).scalar_one()
        orders = session.execute(text("SELECT count(*) FROM orders WHERE brand_id = :b OR :b IS NULL"),
                                 {"b": brand}).scalar_one()
        today = local_date(utcnow(), TZ)
        ranges = {"30 days": (today - timedelta(days=29), today), "365 days": (today - timedelta(days=364), today)}
        client = admin_client(app, brand) if args.pages else None
        print(f"brand {brand or 'all'}: {orders} orders, {session.get_bind().dialect.name}, cold = first run, "
              f"warm = median of {RUNS}; page = the largest {TABLE_ROWS} rows, csv = all rows")
        print(f"{'dimension':<10} {'range':<9} {'rows':>7} {'groups':>7} {'page cold':>10} {'warm':>8} "
              f"{'csv cold':>9} {'warm':>8} {'GET cold':>9} {'warm':>8}")
        for dimension in (d for d in DIMENSIONS if d not in UNAVAILABLE):
            for name, (first, last) in ranges.items():
                top_cold, top_warm, shown = timed(report(session, brand, dimension, first, last, TABLE_ROWS))
                all_cold, all_warm, _all = timed(report(session, brand, dimension, first, last, None))
                get = ("", "")
                if client is not None:
                    get_cold, get_warm, _answer = timed(page(client, dimension, first, last))
                    get = (f"{get_cold:.1f}", f"{get_warm:.1f}")
                print(f"{dimension:<10} {name:<9} {len(shown.rows):>7} {shown.groups:>7} {top_cold:>10.1f} "
                      f"{top_warm:>8.1f} {all_cold:>9.1f} {all_warm:>8.1f} {get[0]:>9} {get[1]:>8}", flush=True)
        if args.no_plans or session.get_bind().dialect.name != "postgresql":
            return
        for dimension in args.plans_for:
            for name, (first, last) in ranges.items():
                plan = explain(session, rollup_statement(dimension, brand, first, last, top=TABLE_ROWS))
                print(f"\n== {dimension}, {name}, largest {TABLE_ROWS} ==\n{plan}")
                session.rollback()


if __name__ == "__main__":
    main()
