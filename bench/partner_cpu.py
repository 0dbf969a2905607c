"""CPU per page of the heavy partner, in-process: `time.process_time` around the Flask test client (the whole
request: hooks, queries, rendering), for the dashboard and the order list's first, middle and last keyset page,
and the CSV export read to its end. CPU time is far less disturbed by a shared machine than wall time.

    DATABASE_URL=... MALL_INSTANCE_PATH=... .venv/bin/python -m bench.partner_cpu [--repeat 50]

Run it on a database bench.run made with --scale (it logs in as the first bench brand's heavy partner).
"""
import argparse
import json
import os
import re
import statistics
import time
import urllib.parse
from datetime import datetime

from sqlalchemy import text

from bench.dataset import HEAVY_PASSWORD
from bench.probe import heavy
from mall import create_app
from mall.extensions import db
from mall.partner.pages import Cursor


def cursor_at(partner: int, offset: int) -> str:
    """The list's cursor after `offset` orders, newest first (the page that follows starts there)."""
    row = db.session.execute(text(
        "select order_created_at, order_id from commission_shares where partner_id = :p "
        "group by order_created_at, order_id order by order_created_at desc, order_id desc limit 1 offset :o"),
        {"p": partner, "o": offset}).first()
    moment = datetime.fromisoformat(row[0]) if isinstance(row[0], str) else row[0]  # SQLite: text
    return Cursor(moment, row[1]).token()


def log_in(client, phone: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"login": phone, "password": HEAVY_PASSWORD, "csrf_token": token})


def cpu_ms(client, path: str, repeat: int) -> dict:
    client.get(path)  # warm: templates compiled, statements cached
    spent = []
    for _ in range(repeat):
        began = time.process_time()
        response = client.get(path)
        response.get_data()
        spent.append((time.process_time() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return {"median_ms": round(statistics.median(spent), 2), "min_ms": round(min(spent), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        found = heavy()
        partner, orders = found["partner"], found["orders"]
        middle, last = cursor_at(partner, orders // 2), cursor_at(partner, max(orders - 11, 0))
        phone = db.session.execute(text("select u.phone from users u join partners p on p.user_id = u.id "
                                        "where p.id = :p"), {"p": partner}).scalar()
        db.session.remove()
    client = app.test_client()
    log_in(client, phone)
    result = {"partner": partner, "orders": orders, "repeat": args.repeat, "load_average": os.getloadavg()}
    for name, path in (("dashboard", "/partner"), ("orders_first", "/partner/orders"),
                       ("orders_middle", "/partner/orders?after=" + urllib.parse.quote(middle)),
                       ("orders_last", "/partner/orders?after=" + urllib.parse.quote(last))):
        result[name] = cpu_ms(client, path, args.repeat)
    began, cpu = time.perf_counter(), time.process_time()
    response = client.get("/partner/orders.csv")
    size = len(response.get_data())
    result["csv"] = {"seconds": round(time.perf_counter() - began, 2), "cpu_s": round(time.process_time() - cpu, 2),
                     "bytes": size, "orders_per_s": round(orders / (time.perf_counter() - began))}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
