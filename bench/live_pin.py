"""Live room pin poll under load: N simulated viewers polling /l/<code>/pin every 3 s, on gunicorn and PostgreSQL.

    createdb -h 127.0.0.1 -p 55433 -U postgres mall_bench_live
    DATABASE_URL=postgresql://postgres@127.0.0.1:55433/mall_bench_live .venv/bin/python bench/live_pin.py

The gunicorn hosts take the cache settings from the environment, as production does: with
CACHE_TYPE=RedisCache CACHE_REDIS_URL=redis://127.0.0.1:6379/1 both hosts share the room state the 304 is
answered from (mall/live/poll.py); LIVE_PIN_CACHE_SECONDS=0 reads the database on every poll instead.

One command: it migrates the database, seeds a brand with a live room and a shelf of two products, starts
--hosts gunicorn instances (each its own master and workers, as separate hosts behind a load balancer would
be; viewers are spread over them), and runs the viewers in a separate process (an asyncio client written
with the standard library only: one new connection per poll, as a browser's poll every 3 s outlives
gunicorn's 2 s keep-alive). Each viewer sends If-None-Match with the ETag it last saw, as a browser does.
Every --pin-every seconds this process pins the other product through the service (mall.live.shelf.pin)
and commits: the pin reaches the viewers only through the database.

Reported: requests/s, status counts and errors, p50/p90/p99/max latency, how late viewers saw each pin
(from its commit to the first 200 carrying it, per viewer), the CPU seconds the gunicorn processes and the
database's backends for this database used per wall second (= cores per N viewers), and the load average
of the (shared) machine before and after.
"""
import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
ITEM = re.compile(rb'data-item="(\d+)"')
CLK = os.sysconf("SC_CLK_TCK")


# --- the viewers (a separate process) ---------------------------------------------------------------------

async def _get(host: str, port: int, path: str, etag: str | None, timeout: float):
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        head = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nHX-Request: true\r\nConnection: close\r\n"
        if etag:
            head += f"If-None-Match: {etag}\r\n"
        writer.write((head + "\r\n").encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    header, _, body = raw.partition(b"\r\n\r\n")
    lines = header.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.decode().partition(":") for line in lines[1:])}
    return status, headers.get("etag"), body


async def _viewer(n: int, ports, code: str, interval: float, ramp: float, until: float, out: list, seen: list,
                  timeout: float):
    port = ports[n % len(ports)]
    etag = None
    await asyncio.sleep(random.uniform(0, ramp))  # viewers join the room over the ramp
    path = f"/l/{code}/pin?s=live"
    while time.time() < until:
        started = time.perf_counter()
        wall = time.time()
        try:
            status, new_etag, body = await _get("127.0.0.1", port, path, etag, timeout)
        except (OSError, asyncio.TimeoutError) as err:
            out.append((wall, time.perf_counter() - started, f"error:{type(err).__name__}"))
        else:
            out.append((wall, time.perf_counter() - started, status))
            if status == 200:
                match = ITEM.search(body)
                if match:
                    seen.append((n, int(match.group(1)), time.time()))
                etag = new_etag or etag
        await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))


def run_viewers(viewers: int, ports, code: str, interval: float, ramp: float, until: float, timeout: float,
                result_path: str, collect: bool = False):
    # The load process's own garbage collector paused it ~100 ms every few seconds (a thousand coroutines and
    # their streams to walk): every request in flight was timed that much longer and the next ones left in a
    # burst. Its pauses are recorded; unless --client-gc, the collector is off for the run (90 s of garbage
    # is a few MB), so what is measured is the server.
    pauses, began = [], {}

    def timed(phase, info):
        if phase == "start":
            began["at"] = time.perf_counter()
        elif info["generation"] == 2:
            pauses.append(round((time.perf_counter() - began["at"]) * 1000, 1))

    gc.callbacks.append(timed)
    if not collect:
        gc.freeze()
        gc.disable()

    async def main():
        out, seen = [], []
        await asyncio.gather(*(_viewer(n, ports, code, interval, ramp, until, out, seen, timeout)
                               for n in range(viewers)))
        return out, seen

    out, seen = asyncio.run(main())
    with open(result_path, "w") as fh:
        json.dump({"requests": out, "seen": seen, "client_gc_pauses_ms": pauses}, fh)


# --- the server side ----------------------------------------------------------------------------------------

def _env(database_url: str, port: int) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "MALL_ENV": "production", "SECRET_KEY": "bench-" + "x" * 40,
            "PAYMENT_WEBHOOK_SECRET": "bench-webhook-" + "y" * 30, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "RATELIMIT_STORAGE_URI": "memory://"}


def seed(app):
    """A brand, two products, a live room with both on its shelf and the first pinned; returns (code, item ids)."""
    from flask_migrate import upgrade

    from mall.catalog.models import Brand, Product, Sku
    from mall.clock import utcnow
    from mall.codes import short_code
    from mall.extensions import db
    from mall.live.rooms import RoomDetails, save_room, start_room
    from mall.live.shelf import add_to_shelf, pin
    from mall.live.streams import parse_stream

    with app.app_context():
        upgrade()
        session, now = db.session, utcnow()
        brand = Brand(slug=f"bench-live-{int(time.time())}", name="Bench Live")
        session.add(brand)
        session.flush()
        items = []
        for title, price, live in (("Bench Oolong", 9900, 7900), ("Bench Green", 5900, 4900)):
            product = Product(brand_id=brand.id, code=short_code(), title=title, published=True)
            session.add(product)
            session.flush()
            sku = Sku(product_id=product.id, name="Default", price_fen=price, stock=10_000, position=0)
            session.add(sku)
            session.flush()
            items.append((sku, live))
        room = save_room(session, brand.id, None, RoomDetails(title="Bench room", starts_at=now,
                                                              stream=parse_stream("BV1xx411c7mD", ())),
                         actor_id=None, now=now)
        shelf = [add_to_shelf(session, room, sku.id, live, actor_id=None, now=now) for sku, live in items]
        start_room(session, room, actor_id=None, now=now)
        pin(session, room, shelf[0].id, actor_id=None, now=now)
        session.commit()
        return room.code, room.id, [item.id for item in shelf]


def pin_item(app, room_id: int, item_id: int) -> float:
    from mall.clock import utcnow
    from mall.extensions import db
    from mall.live.models import LiveRoom
    from mall.live.shelf import pin

    with app.app_context():
        room = db.session.get(LiveRoom, room_id)
        pin(db.session, room, item_id, actor_id=None, now=utcnow())
        db.session.commit()
        committed = time.time()
        db.session.remove()
    return committed


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except OSError:
            pass
    return total / CLK


def _cpu_by_pid(pids) -> dict[int, float]:
    return {pid: _cpu_seconds([pid]) for pid in pids}


def _backend_cpu(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU the backends used in the window: deltas of those seen twice, everything of those born in it."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items() if cpu >= before.get(pid, 0.0))


def _backends(dbname: str) -> list[int]:
    """The PostgreSQL backends serving this database (their process titles name it), if /proc shows them."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    cmd = fh.read()
            except OSError:
                continue
            if cmd.startswith(b"postgres: ") and f" {dbname} ".encode() in cmd:
                found.append(int(entry))
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(port: int, deadline: float) -> None:
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn on port {port} did not start")


def pct(values, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between one viewer's polls")
    parser.add_argument("--duration", type=float, default=90.0, help="seconds of load, the ramp included")
    parser.add_argument("--ramp", type=float, default=30.0, help="viewers join over these first seconds")
    parser.add_argument("--pin-every", type=float, default=15.0, help="seconds between pin changes")
    parser.add_argument("--hosts", type=int, default=2, help="gunicorn instances (separate 'hosts')")
    parser.add_argument("--workers", type=int, default=2, help="workers per gunicorn instance")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (gthread; gunicorn.conf.py: 2)")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class (gunicorn.conf.py: gthread)")
    parser.add_argument("--timeout", type=float, default=5.0, help="client timeout per request")
    parser.add_argument("--client-gc", action="store_true",
                        help="leave the load process's garbage collector on (its pauses then count as latency)")
    parser.add_argument("--max-requests", type=int, default=0,
                        help="gunicorn's worker recycling (gunicorn.conf.py: 20000); 0 = off, see RESULTS.md")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:55433/mall_bench_live"
    dbname = database_url.rsplit("/", 1)[1]

    from mall import create_app

    ports = [_free_port() for _ in range(args.hosts)]
    os.environ.update({k: v for k, v in _env(database_url, ports[0]).items() if k != "PUBLIC_BASE_URL"})
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports[0]}"})
    code, room_id, items = seed(app)
    servers = [subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "-k", args.worker_class, "--threads", str(args.threads), "--max-requests", str(args.max_requests), "--access-logfile", "/dev/null", "--error-logfile", "-", "app:app"],
        cwd=ROOT, env=_env(database_url, port), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True) for port in ports]
    try:
        for port in ports:
            _wait_up(port, time.time() + 180)
        time.sleep(2)  # workers import the app
        load_before = os.getloadavg()
        result_path = f"/tmp/live_pin_{os.getpid()}.json"
        start = time.time() + 1
        until = start + args.duration
        client = multiprocessing.Process(target=run_viewers, args=(args.viewers, ports, code, args.interval, args.ramp,
                                                                   until, args.timeout, result_path, args.client_gc))
        client.start()
        # Measured from the end of the ramp (every viewer in, each with its ETag): the steady state.
        time.sleep(1 + args.ramp + args.interval)
        server_pids = [pid for server in servers for pid in [server.pid, *_children(server.pid)]]
        backends = _backends(dbname)
        cpu0, db0, client0, t0 = (_cpu_seconds(server_pids), _cpu_by_pid(backends), _cpu_seconds([client.pid]),
                                  time.time())
        pins, next_item = [], 1
        while time.time() + args.pin_every < until - args.interval * 2:
            time.sleep(args.pin_every)
            pins.append((items[next_item], pin_item(app, room_id, items[next_item])))
            next_item = 1 - next_item
        time.sleep(max(0.0, until - time.time()))
        cpu1, db1, client1, t1 = (_cpu_seconds(server_pids), _cpu_by_pid(_backends(dbname)),
                                  _cpu_seconds([client.pid]), time.time())
        client.join()
        load_after = os.getloadavg()
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)

    with open(result_path) as fh:
        data = json.load(fh)
    os.replace(result_path, "/tmp/live_pin_last.json")  # the raw samples of the last run, for a closer look
    steady = start + args.ramp + args.interval
    requests = [r for r in data["requests"] if r[0] >= steady]  # after the ramp
    latencies = [r[1] * 1000 for r in requests if isinstance(r[2], int)]
    statuses = {}
    for r in requests:
        statuses[str(r[2])] = statuses.get(str(r[2]), 0) + 1
    errors = sum(n for s, n in statuses.items() if not s.startswith(("200", "304")))
    span = max(r[0] for r in requests) - min(r[0] for r in requests) if requests else 1
    lateness = []
    for item_id, committed in pins:
        first = {}
        for viewer, seen_item, at in data["seen"]:
            if seen_item == item_id and at >= committed and viewer not in first:
                first[viewer] = at - committed
        lateness.append((len(first), sorted(first.values())))
    within_5 = [sum(1 for late in lates if late <= 5) / args.viewers for _n, lates in lateness]
    gunicorn_cores = (cpu1 - cpu0) / (t1 - t0)
    db_cores = _backend_cpu(db0, db1) / (t1 - t0)
    report = {
        "viewers": args.viewers, "interval_s": args.interval, "ramp_s": args.ramp, "hosts": args.hosts, "workers_per_host": args.workers,
        "threads": args.threads, "worker_class": args.worker_class, "max_requests": args.max_requests, "duration_s": args.duration, "cpus": os.cpu_count(),
        "loadavg_before": load_before, "loadavg_after": load_after,
        "requests": len(requests), "requests_per_s": round(len(requests) / span, 1), "statuses": statuses,
        "errors": errors, "p50_ms": round(pct(latencies, .50), 1), "p90_ms": round(pct(latencies, .90), 1),
        "p99_ms": round(pct(latencies, .99), 1), "max_ms": round(max(latencies), 1) if latencies else None,
        "pins": len(pins),
        "pin_seen_by": [n for n, _ in lateness],
        "pin_late_p50_s": [round(statistics.median(lates), 2) if lates else None for _n, lates in lateness],
        "pin_late_p99_s": [round(pct(lates, .99), 2) if lates else None for _n, lates in lateness],
        "pin_late_max_s": [round(max(lates), 2) if lates else None for _n, lates in lateness],
        "share_within_5s": [round(x, 4) for x in within_5],
        "gunicorn_cpu_cores": round(gunicorn_cores, 3),
        "gunicorn_cpu_cores_per_1000_viewers": round(gunicorn_cores * 1000 / args.viewers, 3),
        "postgres_backends_seen": len(backends), "postgres_cpu_cores": round(db_cores, 3),
        "load_client_cpu_cores": round((client1 - client0) / (t1 - t0), 3),
        "client_gc": args.client_gc, "client_gc_pauses_ms": data.get("client_gc_pauses_ms", []),
    }
    report["command"] = " ".join(sys.argv)
    report["scheduling"] = os.sched_getscheduler(0)  # 0 = normal; 2 = SCHED_RR (run under `chrt -r`)
    print(json.dumps(report, indent=2))
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    path = os.path.join(ROOT, "bench", "results", time.strftime("%Y%m%d-%H%M%S") + "-live-pin.json")
    with open(path, "w") as fh:
        json.dump(report, fh, indent=2)


if __name__ == "__main__":
    main()
