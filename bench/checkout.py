"""The money path under load (issue 17), one command:

    .venv/bin/python -m bench.checkout --database postgresql+psycopg://postgres@127.0.0.1:55433/bench_checkout

It makes a fresh database (migrations, demo data), gives every published SKU a stock nobody can sell out in a
run, serves the mall under bench.serve's gunicorn configuration with the mock provider delivering its signed
callbacks over HTTP (MOCK_PAY_DELIVERY=http, a thread in the worker POSTs to /payments/notify/mock as a real
provider would), and drives simulated buyers from this process (threads, one requests.Session each = one phone):

    share link -> product page -> buy (the page's CSRF token and idempotency key) -> the bank's card page ->
    card -> the order page polled (as its htmx does) until it reports paid

Scenarios: `spread` (every buyer on a different SKU in turn) and `hot` (every buyer on one SKU), each with
--buyers simulated buyers for --seconds. It reports paid orders/s, checkouts/s (buy answered 303), errors,
p50/p99 per step, the gunicorn workers' CPU per paid order (the order page's status polls included, counted
too), then checks the books with `flask mall audit` and that no SKU sold more than its stock.
"""
import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone

import requests

from bench import big, run, serve

STOCK = 1_000_000
PAID_WAIT_SECONDS = 30
WAITING = 'hx-trigger="every 2s"'  # templates/orders/_status.html while the payment is on its way
POLL = [0.25]
STEPS = ("share_link", "product", "buy", "pay_page", "card", "until_paid")


def hidden_fields(html: str) -> dict[str, str]:
    found = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if 'type="hidden"' in tag and name and value:
            found.setdefault(name.group(1), value.group(1))
    return found


class Journey:
    """One buyer's phone: every step timed; raises on any answer a browser would not move on from."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.timings: dict[str, float] = {}
        self.polls = 0

    def _timed(self, step: str, call):
        began = time.perf_counter()
        answer = call()
        self.timings[step] = time.perf_counter() - began
        return answer

    def run(self, target: dict) -> None:
        code, partner, sku = target["product"], target["partner"], target["sku_id"]
        t = 30
        link = self._timed("share_link", lambda: self.http.get(f"{self.base}/p/{code}/{partner}", timeout=t,
                                                                allow_redirects=False))
        _expect(link, (302, 303), "share link")
        page = self._timed("product", lambda: self.http.get(f"{self.base}/p/{code}", timeout=t))
        _expect(page, (200,), "product page")
        data = {**hidden_fields(page.text), "sku_id": str(sku), "quantity": "1", "contact_name": "王小明",
                "contact_phone": "13800138000", "delivery": "ship", "address": "上海市静安区南京西路 1 号"}
        bank = self._timed("buy", lambda: self.http.post(f"{self.base}/p/{code}/buy", data=data, timeout=t,
                                                          allow_redirects=False))
        _expect(bank, (303,), "buy")
        if "/mockpay/" not in bank.headers["Location"]:
            raise RuntimeError(f"buy sent the buyer to {bank.headers['Location']}")
        card_page = self._timed("pay_page", lambda: self.http.get(bank.headers["Location"], timeout=t))
        _expect(card_page, (200,), "pay page")
        card = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123",
                "csrf_token": hidden_fields(card_page.text)["csrf_token"]}
        back = self._timed("card", lambda: self.http.post(bank.headers["Location"], data=card, timeout=t,
                                                           allow_redirects=False))
        _expect(back, (302, 303), "card")
        self._timed("until_paid", lambda: self._until_paid(back.headers["Location"]))

    def _until_paid(self, return_url: str) -> None:
        # Back from the bank the phone opens the order page; while the payment is on its way the page polls its
        # status fragment (htmx, every 2 s in the template; --poll here) until it answers HX-Refresh (paid).
        page = self.http.get(return_url, timeout=30)
        _expect(page, (200,), "order page")
        if WAITING not in page.text:
            return
        deadline = time.monotonic() + PAID_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL[0])
            status = self.http.get(return_url, headers={"HX-Request": "true"}, timeout=30)
            self.polls += 1
            _expect(status, (200,), "order status")
            if status.headers.get("HX-Refresh") == "true":
                return
        raise RuntimeError("not paid within 30 s")


def _expect(answer, codes, what: str) -> None:
    if answer.status_code not in codes:
        raise RuntimeError(f"{what} answered {answer.status_code}")


def drive(base: str, targets: list[dict], *, buyers: int, seconds: float) -> dict:
    """`buyers` threads, each running journeys back to back for `seconds`; buyer i takes targets[i % n] in turn."""
    lock = threading.Lock()
    done: list[dict] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds
    checkouts = [0]
    polls = [0]

    def buyer(number: int) -> None:
        turn = number
        while time.monotonic() < stop_at:
            journey = Journey(base)
            try:
                journey.run(targets[turn % len(targets)])
                with lock:
                    done.append(journey.timings)
                    checkouts[0] += 1
                    polls[0] += journey.polls
            except Exception as err:  # noqa: BLE001 - every failure of a journey is counted and shown
                with lock:
                    errors.append(str(err)[:120])
                    checkouts[0] += "buy" in journey.timings and "pay_page" in journey.timings
            turn += buyers
            journey.http.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    steps = {}
    for step in STEPS:
        values = sorted(t[step] * 1000 for t in done if step in t)
        if values:
            steps[step] = {"p50_ms": round(statistics.median(values), 1),
                           "p99_ms": round(values[min(len(values) - 1, int(len(values) * 0.99))], 1)}
    distinct = sorted(set(errors))
    return {"buyers": buyers, "seconds": round(elapsed, 1), "paid": len(done),
            "paid_per_s": round(len(done) / elapsed, 1), "checkouts_per_s": round(checkouts[0] / elapsed, 1),
            "errors": len(errors), "error_kinds": distinct[:5], "steps": steps,
            "status_polls_per_paid": round(polls[0] / len(done), 1) if done else None}


def server_cpu_seconds(server) -> float:
    """CPU (user + system) the gunicorn workers have used so far, from /proc (PostgreSQL's backends not in it).
    Workers are recycled only after 20,000 requests (gunicorn.conf.py), so none dies during a run."""
    ticks = 0
    for pid in serve._children(server.process.pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def oversold(env: dict, given: dict) -> list[int]:
    """SKUs whose stock left plus the units held by their orders is not what they held before the run."""
    now = {row["sku_id"]: row["stock_and_held"] for row in big.probe(env, serve.ROOT, "stock")["skus"]}
    return [sku for sku, before in given.items() if now.get(sku) != before]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="SQLAlchemy URL of an EMPTY PostgreSQL database")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--buyers", type=int, default=16, help="simulated buyers of the spread scenario")
    parser.add_argument("--hot-buyers", type=int, default=8, help="simulated buyers of the hot-SKU scenario")
    parser.add_argument("--only", nargs="*", choices=("spread", "hot", "hot_spread"))
    parser.add_argument("--port", type=int, default=18500)
    parser.add_argument("--poll", type=float, default=0.25, help="seconds between the order page's status polls")
    parser.add_argument("--skip-prepare", action="store_true", help="the database is already made")
    args = parser.parse_args(argv)

    POLL[0] = args.poll
    instance = tempfile.mkdtemp(prefix="mall-bench-checkout-")
    env = {**os.environ, **run.SERVER_ENV, "MALL_INSTANCE_PATH": instance, "DATABASE_URL": args.database,
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{args.port}", "MOCK_PAY_DELIVERY": "http"}
    env.pop("FLASK_DEBUG", None)
    log = open(os.path.join(instance, "bench.log"), "w")
    print(f"instance {instance}; logs in {log.name}", flush=True)
    described = run.machine()
    if not args.skip_prepare:
        run.prepare_database(env, None, log, run.HEAVY_EVERY)  # no data set at scale: heavy_every is unused
    targets = big.probe(env, serve.ROOT, "skus")["skus"]
    given = {t["sku_id"]: t["stock_and_held"] for t in targets}
    mall = serve.Server("app:app", args.port, env).start(log)
    results = {}
    try:
        Journey(mall.base).run(targets[0])  # warm both workers' first requests out of the figures
        plan = [("spread", targets, args.buyers), ("hot_spread", targets, args.hot_buyers),
                ("hot", targets[:1], args.hot_buyers)]
        for name, chosen, buyers in plan:
            if args.only and name not in args.only:
                continue
            cpu_before = server_cpu_seconds(mall)
            results[name] = drive(mall.base, chosen, buyers=buyers, seconds=args.seconds)
            results[name]["skus"] = len(chosen)
            # Per paid order, everything its journey asked of the app, the order page's status polls included.
            paid = results[name]["paid"]
            results[name]["server_cpu_ms_per_paid"] = (
                round((server_cpu_seconds(mall) - cpu_before) * 1000 / paid, 1) if paid else None)
            print(name, json.dumps(results[name], ensure_ascii=False), flush=True)
            time.sleep(2)  # the last callbacks land before the next scenario
    finally:
        mall.stop()
    audit = big.timed_command(env, serve.ROOT, "audit")
    stock = {"oversold": oversold(env, given)}
    print("audit", audit, "stock", stock, flush=True)
    write(described, args, results, audit, stock)
    return 0 if audit["exit"] == 0 and not stock["oversold"] else 1


def write(described: dict, args, results: dict, audit: dict, stock: dict) -> None:
    os.makedirs(run.RESULTS, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    described["load_average_after"] = os.getloadavg()
    base = os.path.join(run.RESULTS, f"{stamp}-checkout-postgresql")
    with open(base + ".json", "w") as f:
        json.dump({"at": stamp, "machine": described, "seconds": args.seconds, "results": results, "audit": audit,
                   "stock": stock}, f, indent=2, ensure_ascii=False)
    rows = [f"# Checkout + payment callback, {stamp} UTC, PostgreSQL, demo data", "",
            f"Machine: {described['cpu']}, {described['cores']} cores (shared: load average before "
            f"{described['load_average_before']}, after {described['load_average_after']}).",
            f"Server: {described['server']}; MOCK_PAY_DELIVERY=http. Buyers: threads of one separate process.", "",
            "| scenario | buyers | SKUs | paid orders/s | checkouts/s | errors | server CPU ms per paid | " +
            " | ".join(f"{s} p50/p99 ms" for s in STEPS) + " |",
            "|---|---:|---:|---:|---:|---:|---:|" + "---:|" * len(STEPS)]
    for name, r in results.items():
        cells = [f"{r['steps'][s]['p50_ms']} / {r['steps'][s]['p99_ms']}" if s in r["steps"] else "" for s in STEPS]
        rows.append(f"| {name} | {r['buyers']} | {r['skus']} | {r['paid_per_s']} | {r['checkouts_per_s']} | "
                    f"{r['errors']} | {r.get('server_cpu_ms_per_paid')} | " + " | ".join(cells) + " |")
    if "hot" in results and "hot_spread" in results and results["hot_spread"]["checkouts_per_s"]:
        ratio = results["hot"]["checkouts_per_s"] / results["hot_spread"]["checkouts_per_s"]
        rows += ["", f"Hot SKU / spread, same buyers: {ratio:.2f} (target >= 0.80)."]
    rows += ["", f"`flask mall audit`: exit {audit['exit']}, {audit['last_line']}. Oversold SKUs: {stock['oversold']}."]
    with open(base + ".md", "w") as f:
        f.write("\n".join(rows) + "\n")
    print(f"wrote {base}.md and .json")


if __name__ == "__main__":
    sys.exit(main())
