"""Time every report query on a generated brand and, on PostgreSQL, print the query plans.

    DATABASE_URL=postgresql://mall:mall@127.0.0.1/bench_i .venv/bin/python bench/report_timings.py [--brand ID]

For each dimension and two ranges (the default last 30 days, and a whole year) the report is built with
mall.admin.reports.queries.sales_report exactly as the page builds it, RUNS times; the median is printed.
On PostgreSQL, EXPLAIN (ANALYZE, BUFFERS) of both GROUP BY queries follows (pass --plans-for to pick a
dimension, --no-plans to skip them).
"""
import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mall import create_app  # noqa: E402
from mall.admin.reports.queries import DIMENSIONS, UNAVAILABLE, report_statements, sales_report  # noqa: E402
from mall.clock import utcnow  # noqa: E402
from mall.extensions import db  # noqa: E402
from mall.partner.days import local_date  # noqa: E402

RUNS = 5
TZ = ZoneInfo("Asia/Shanghai")


def timed(session, brand: int, dimension: str, first, last) -> tuple[float, int]:
    durations, rows = [], 0
    for _ in range(RUNS):
        began = time.perf_counter()
        rows = len(sales_report(session, brand, dimension, first, last, TZ).rows)
        durations.append(time.perf_counter() - began)
        session.rollback()
    return statistics.median(durations) * 1000, rows


def explain(session, statement) -> str:
    compiled = statement.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    plan = session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars().all()
    return "\n".join(plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--brand", type=int, help="the brand to report on (default: the newest bench brand)")
    parser.add_argument("--plans-for", nargs="*", default=["day", "sharer"])
    parser.add_argument("--no-plans", action="store_true")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        session = db.session
        brand = args.brand or session.execute(text(
            "SELECT max(id) FROM brands WHERE slug LIKE 'bench-%'")).scalar_one()
        orders = session.execute(text("SELECT count(*) FROM orders WHERE brand_id = :b"), {"b": brand}).scalar_one()
        today = local_date(utcnow(), TZ)
        ranges = {"30 days": (today - timedelta(days=29), today), "365 days": (today - timedelta(days=364), today)}
        print(f"brand {brand}: {orders} orders, {session.get_bind().dialect.name}, median of {RUNS} runs")
        print(f"{'dimension':<10} {'range':<9} {'ms':>9} {'rows':>6}")
        for dimension in DIMENSIONS:
            if dimension in UNAVAILABLE:
                continue
            for name, (first, last) in ranges.items():
                ms, rows = timed(session, brand, dimension, first, last)
                print(f"{dimension:<10} {name:<9} {ms:>9.1f} {rows:>6}")
        if args.no_plans or session.get_bind().dialect.name != "postgresql":
            return
        for dimension in args.plans_for:
            for name, (first, last) in ranges.items():
                sales, commission = report_statements(session, brand, dimension, first, last, TZ)
                print(f"\n== {dimension}, {name}: sales ==\n{explain(session, sales)}")
                print(f"\n== {dimension}, {name}: commission ==\n{explain(session, commission)}")
                session.rollback()


if __name__ == "__main__":
    main()
