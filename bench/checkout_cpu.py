"""CPU and SQL statements per paid journey, in-process (issue 17):

    .venv/bin/python -m bench.checkout_cpu --database postgresql+psycopg://postgres@127.0.0.1:55433/bench_checkout

The journey of bench.checkout (share link -> product page -> buy -> pay page -> card, whose callback the mock provider
delivers inline, MOCK_PAY_DELIVERY=wsgi -> the order page) through the Flask test client, no gunicorn, no sockets,
with the server's production settings. `time.process_time` per step (the app's CPU; PostgreSQL's backends are not
in it) and the statements each step sends. `--prepare` migrates and loads the demo data into an empty database
first; `--profile FILE` writes a cProfile (CPU time) of as many more journeys, apart from the timed ones.
"""
import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time

from sqlalchemy import event

from bench import checkout, run, serve

BASE = "http://127.0.0.1:9400"
STEPS = ("share_link", "product", "buy", "pay_page", "card_and_callback", "order_page")
CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET CONSTRAINTS", "SELECT 1", "PRAGMA")


def journey(app, target: dict, timings: dict, statements: dict, seen: list) -> None:
    """One phone's journey; adds each step's CPU seconds and statements to the dicts."""
    phone = app.test_client()
    code, partner, sku = target["product"], target["partner"], target["sku_id"]

    def step(name, call, *codes):
        count, began = len(seen), time.process_time()
        answer = call()
        timings.setdefault(name, []).append(time.process_time() - began)
        statements.setdefault(name, []).append(len(seen) - count)
        if answer.status_code not in codes:
            raise RuntimeError(f"{name} answered {answer.status_code}")
        return answer

    step("share_link", lambda: phone.get(f"/p/{code}/{partner}", base_url=BASE), 302, 303)
    page = step("product", lambda: phone.get(f"/p/{code}", base_url=BASE), 200).get_data(as_text=True)
    data = {**checkout.hidden_fields(page), "sku_id": str(sku), "quantity": "1", "contact_name": "王小明",
            "contact_phone": "13800138000", "delivery": "ship", "address": "上海市静安区南京西路 1 号"}
    bank = step("buy", lambda: phone.post(f"/p/{code}/buy", data=data, base_url=BASE), 303).headers["Location"]
    card_page = step("pay_page", lambda: phone.get(bank, base_url=BASE), 200).get_data(as_text=True)
    card = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123",
            "csrf_token": checkout.hidden_fields(card_page)["csrf_token"]}
    back = step("card_and_callback", lambda: phone.post(bank, data=card, base_url=BASE), 302, 303)
    order = step("order_page", lambda: phone.get(back.headers["Location"], base_url=BASE), 200)
    if checkout.WAITING in order.get_data(as_text=True):
        raise RuntimeError("the order page still waits for the payment (the callback did not run inline)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--journeys", type=int, default=30)
    parser.add_argument("--prepare", action="store_true", help="migrate and load the demo data first")
    parser.add_argument("--profile", help="write a pyinstrument text profile of --journeys more journeys here")
    args = parser.parse_args(argv)
    env = {**run.SERVER_ENV, "DATABASE_URL": args.database, "PUBLIC_BASE_URL": BASE, "MOCK_PAY_DELIVERY": "wsgi",
           "MALL_INSTANCE_PATH": "/tmp"}
    os.environ.update(env)
    if args.prepare:
        full = {**os.environ, **env}
        full.pop("FLASK_DEBUG", None)
        for command in (["db", "upgrade"], ["mall", "demo"]):
            subprocess.run([*run.FLASK, *command], cwd=serve.ROOT, env=full, check=True, capture_output=True)
    from mall import create_app
    from mall.extensions import db

    # bench.run imported the mall, so its Config was read before this environment was set.
    app = create_app({**env, "SQLALCHEMY_DATABASE_URI": args.database})
    with app.app_context():
        from bench.probe import skus

        targets = skus()["skus"]
        db.session.commit()
        seen: list[str] = []

        def count(*args):
            if not args[2].lstrip().upper().startswith(CONTROL):
                seen.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        db.session.remove()
    for i in range(5):  # warm: templates compiled, caches filled, first connections made
        journey(app, targets[i % len(targets)], {}, {}, seen)
    timings: dict[str, list[float]] = {}
    statements: dict[str, list[int]] = {}
    began = time.process_time()
    for i in range(args.journeys):
        journey(app, targets[i % len(targets)], timings, statements, seen)
    total = (time.process_time() - began) / args.journeys * 1000
    load = os.getloadavg()
    print(f"{args.journeys} journeys, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'step':18} {'CPU ms mean':>12} {'median':>8} {'statements':>11}")
    for name in STEPS:
        ms = [t * 1000 for t in timings[name]]
        print(f"{name:18} {statistics.mean(ms):12.1f} {statistics.median(ms):8.1f} "
              f"{statistics.median(statements[name]):11.0f}")
    print(f"{'journey':18} {total:12.1f} {'':8} {sum(statistics.median(statements[n]) for n in STEPS):11.0f}")
    if args.profile:
        # cProfile on process_time: the app's CPU, not the wall time spent waiting for PostgreSQL's commits.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for i in range(args.journeys):
            journey(app, targets[i % len(targets)], {}, {}, seen)
        profiler.disable()
        with open(args.profile, "w") as out:
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(r"mall/|jinja2/environment|wtforms/|flask_wtf|sqlalchemy/orm/session", 150)
        print(f"profile in {args.profile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
