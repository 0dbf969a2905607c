"""One hot SKU (a flash sale) against checkouts spread over many SKUs, at the service level, one command:

    .venv/bin/python -m bench.hot_sku --database postgresql+psycopg://postgres@127.0.0.1:55433/bench_hot

The HTTP journeys of bench.checkout are limited by this machine's CPU at 2-4 checkouts/s, where the stock row's
lock cannot matter. Here --workers processes (8), each with its own app and connection, call the domain services
the requests call, in the transactions the requests own: the buy (`place_order`, committed; the stock is taken
last, just before that commit), the start of the payment (`begin_payment`, committed, as the buy view does after
its commit), and the provider's signed paid callback (`handle_callback`, committed: accrual, roll-up, PAYABLE).
Every order is attributed (its visitor touched a partner's link), so commission is planned and accrued.

Scenarios, in one fresh database (migrations and bench.dataset at scale 0.02: 333 SKUs, 6,666 orders per brand):
  spread   --seconds, each checkout on the next of 200 SKUs of one brand
  hot      --seconds, every checkout on one SKU of the same brand, with stock for all
           (spread and hot take turns --rounds times, so the shared machine's changing load falls on both)
  sold_out one SKU with --units units and twice as many buyers: exactly --units sold, never more
Reported: checkouts/s, hot / spread, each transaction's p50/p99, how long each checkout held the stock row and the
brand's roll-up row (first write to commit), lock waits sampled from pg_stat_activity (wait_event_type = 'Lock',
every 50 ms, by statement), then `flask mall audit`. Writes bench/results/<stamp>-hot-sku-postgresql.md/.json.
"""
import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timezone

from sqlalchemy import create_engine, text

from bench import run

APP_NAME = "bench.hot_sku"  # pg_stat_activity.application_name of the workers' connections
SPREAD_SKUS = 200
VISITORS = 64
DATA_SCALE = 0.02  # 333 SKUs and 666 level-1 inviters per brand: no beneficiary's account is shared by two visitors
ENV = {"PAYMENT_PROVIDER": "mock", "PAYMENT_WEBHOOK_SECRET": "bench-webhook-secret",
       "PUBLIC_BASE_URL": "http://127.0.0.1:9400", "MALL_ENV": "development"}
HELD_ROWS = ("stock row", "roll-up day row")  # as bench.hot_sku_worker measures them


def prepare(env: dict) -> dict:
    """Migrate, load a small data set, record one touch per visitor; the SKUs and visitors to use."""
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=run.ROOT, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "bench.dataset", "--scale", str(DATA_SCALE)], cwd=run.ROOT, env=env, check=True,
                   capture_output=True)
    return setup_call(env, SPREAD_SKUS + 2, VISITORS)


def setup_call(env: dict, *args) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.hot_sku_setup", *map(str, args)], cwd=run.ROOT, env=env,
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])


def worker(number: int, setup: dict, plan: dict, start, results) -> None:
    from bench.hot_sku_worker import Buyer
    buyer = Buyer(setup, number)
    buyer.checkout(setup["warm_up_sku"])  # imports, caches and the connection, before the clock starts
    start.wait()
    results.put(buyer.loop(plan))


def scenario(setup: dict, plan: dict, workers: int, database: str) -> dict:
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(workers + 1), context.Queue()
    processes = [context.Process(target=worker, args=(n, setup, plan, start, results)) for n in range(workers)]
    for process in processes:
        process.start()
    start.wait()
    sampler = LockSampler(database)
    sampler.start()
    began = time.perf_counter()
    outcomes = [results.get() for _ in processes]
    elapsed = time.perf_counter() - began
    sampler.stop()
    for process in processes:
        process.join()
    merged = {key: sum((o[key] for o in outcomes), []) for key in ("place", "pay", "callback", *HELD_ROWS)}
    paid = sum(o["paid"] for o in outcomes)
    return {"name": plan["name"], "workers": workers, "seconds": round(elapsed, 2), "paid": paid,
            "sold_out": sum(o["sold_out"] for o in outcomes), "errors": sum((o["errors"] for o in outcomes), []),
            "checkouts_per_s": round(paid / elapsed, 1),
            "ms": {k: percentiles(v) for k, v in merged.items()}, "lock_waits": sampler.summary()}


def percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    ordered = sorted(values)
    return {"p50": round(statistics.median(ordered), 2), "p99": round(ordered[int(0.99 * (len(ordered) - 1))], 2)}


class LockSampler(threading.Thread):
    """Samples the workers' backends every 50 ms: how many are active, how many wait on a lock, in which statement."""

    def __init__(self, database: str):
        super().__init__(daemon=True)
        self.engine = create_engine(database)
        self.halt = threading.Event()
        self.samples, self.active, self.waiting, self.by_statement = 0, 0, 0, Counter()

    def run(self) -> None:
        with self.engine.connect() as connection:
            while not self.halt.is_set():
                rows = connection.execute(text(
                    "SELECT state, wait_event_type, left(regexp_replace(query, '\\s+', ' ', 'g'), 48) "
                    "FROM pg_stat_activity WHERE application_name = :name AND datname = current_database()"),
                    {"name": APP_NAME}).all()
                connection.rollback()
                self.samples += 1
                for state, wait_type, query in rows:
                    if state == "active":
                        self.active += 1
                        if wait_type == "Lock":
                            self.waiting += 1
                            self.by_statement[query] += 1
                self.halt.wait(0.05)

    def stop(self) -> None:
        self.halt.set()
        self.join()
        self.engine.dispose()

    def summary(self) -> dict:
        return {"samples": self.samples, "active": self.active, "waiting_on_lock": self.waiting,
                "by_statement": dict(self.by_statement.most_common(5))}


def audit(env: dict) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "mall", "audit"], cwd=run.ROOT, env=env,
                          capture_output=True, text=True)
    return done.returncode, (done.stdout + done.stderr).strip().splitlines()[-1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="SQLAlchemy URL of an EMPTY PostgreSQL database")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="spread then hot, this many times")
    parser.add_argument("--units", type=int, default=100, help="the sold-out scenario's stock")
    args = parser.parse_args(argv)
    separator = "&" if "?" in args.database else "?"
    env = {**os.environ, **ENV, "DATABASE_URL": f"{args.database}{separator}application_name={APP_NAME}",
           "MALL_INSTANCE_PATH": tempfile.mkdtemp(prefix="mall-hot-sku-")}
    env.pop("FLASK_DEBUG", None)
    os.environ.clear()
    os.environ.update(env)  # the spawned buyers import the app's configuration from their inherited environment
    load_before = os.getloadavg()
    setup = prepare(env)
    skus = setup["skus"]
    # Spread and hot take turns, so a change in the shared machine's load falls on both.
    plans = [{"name": "spread", "skus": skus[:SPREAD_SKUS], "seconds": args.seconds},
             {"name": "hot", "skus": [skus[SPREAD_SKUS]], "seconds": args.seconds}] * args.rounds
    plans.append({"name": "sold_out", "skus": [skus[SPREAD_SKUS + 1]], "units": args.units,
                  "buyers_each": 2 * args.units // args.workers + 1})
    stocked = setup_call(env, "--stock", skus[SPREAD_SKUS + 1], args.units)
    found = [scenario(setup, plan, args.workers, args.database) for plan in plans]
    sold = setup_call(env, "--sold", skus[SPREAD_SKUS + 1], args.units, stocked["held_before"])
    code, said = audit(env)
    report = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": run.machine(),
              "load_average_before": load_before, "load_average_after": os.getloadavg(), "scenarios": found,
              "sold_out_sku": {**sold, "units": args.units, "buyers": plans[-1]["buyers_each"] * args.workers},
              "ratio_hot_to_spread": round(rate(found, "hot") / max(rate(found, "spread"), 0.01), 2),
              "audit": {"exit_code": code, "last_line": said}}
    write(report)
    return 0 if code == 0 and sold["oversold"] == 0 and not any(s["errors"] for s in found) else 1


def rate(found: list[dict], name: str) -> float:
    """Checkouts per second over every round of a scenario."""
    runs = [s for s in found if s["name"] == name]
    return sum(s["paid"] for s in runs) / sum(s["seconds"] for s in runs)


def write(report: dict) -> None:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    path = os.path.join(run.RESULTS, f"{stamp}-hot-sku-postgresql")
    with open(path + ".json", "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
    lines = [f"# Hot SKU at the service level, {report['when']}", "",
             f"load average before {report['load_average_before']}, after {report['load_average_after']}", "",
             "| scenario | workers | s | paid | sold out | errors | checkouts/s | place p50/p99 ms | pay p50/p99 |"
             " callback p50/p99 | stock row held p50/p99 | roll-up row held p50/p99 | samples: active / on a lock |",
             "|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---|---|"]
    for s in report["scenarios"]:
        ms = {k: f"{v.get('p50', '-')} / {v.get('p99', '-')}" for k, v in s["ms"].items()}
        lines.append(f"| {s['name']} | {s['workers']} | {s['seconds']} | {s['paid']} | {s['sold_out']} | "
                     f"{len(s['errors'])} | {s['checkouts_per_s']} | {ms['place']} | {ms['pay']} | {ms['callback']} | "
                     f"{ms['stock row']} | {ms['roll-up day row']} | {s['lock_waits']['active']} / "
                     f"{s['lock_waits']['waiting_on_lock']} |")
    lines += ["", f"hot / spread (checkouts/s over all rounds): **{report['ratio_hot_to_spread']}**", "",
              f"sold-out SKU: {json.dumps(report['sold_out_sku'])}", "",
              f"`flask mall audit`: exit {report['audit']['exit_code']}, {report['audit']['last_line']}", "",
              "Lock waits by statement:"]
    for s in report["scenarios"]:
        lines.append(f"- {s['name']}: {json.dumps(s['lock_waits']['by_statement'], ensure_ascii=False)}")
    with open(path + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"written {path}.md and .json")


if __name__ == "__main__":
    sys.exit(main())
