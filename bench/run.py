"""The benchmark harness, one command:

    .venv/bin/python -m bench.run                      # SQLite demo data, every web scenario, 10 s each
    .venv/bin/python -m bench.run --seconds 5 --only product share_link
    .venv/bin/python -m bench.run --database postgresql+psycopg://postgres@127.0.0.1:55433/bench --scale 0.1

It makes a fresh database (migrations via `flask db upgrade`, the demo data, then with --scale the large data
set of bench.dataset), serves the mall and the ceiling (bench.ceiling, a bare Flask page of the product page's
size) under the same gunicorn configuration on loopback, drives each scenario with wrk from another process and
writes bench/results/<stamp>.md and .json (requests/s, p50/p95/p99, errors, peak RSS per worker, ratio to
the ceiling) with the machine described.
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone

from bench import big, load, serve
from bench.dataset import HEAVY_EVERY

ROOT = serve.ROOT
RESULTS = os.path.join(ROOT, "bench", "results")
FLASK = [sys.executable, "-m", "flask", "--app", "app"]
# Secrets of the benchmark's own, throwaway server (MALL_ENV=production refuses the published dev values).
SERVER_ENV = {"MALL_ENV": "production", "SECRET_KEY": "bench-secret-not-for-production",
              "PAYMENT_WEBHOOK_SECRET": "bench-webhook-secret", "PAYMENT_PROVIDER": "mock",
              # One wrk client is one IP: the per-IP touch limit would stop recording touches after 60.
              "RATELIMIT_TOUCH": "10000000 per minute", "RATELIMIT_ORDER": "10000000 per minute"}


GENERATION: dict = {}


def machine() -> dict:
    with open("/proc/cpuinfo") as f:
        models = re.findall(r"^model name\s*:\s*(.*)$", f.read(), re.M)
    with open("/proc/meminfo") as f:
        mem_kb = int(re.search(r"MemTotal:\s*(\d+)", f.read()).group(1))
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    return {"cpu": models[0] if models else platform.processor(), "cores": os.cpu_count(),
            "memory_gb": round(mem_kb / 1024 / 1024, 1), "os": platform.platform(), "python": platform.python_version(),
            "load_average_before": os.getloadavg(), "wrk": wrk_version.strip(), "server": serve.describe()}


def prepare_database(env: dict, scale: float | None, log, heavy_every: int) -> None:
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True, stdout=log, stderr=log)
    subprocess.run([*FLASK, "mall", "demo"], cwd=ROOT, env=env, check=True, stdout=log, stderr=log)
    if scale:
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "bench.dataset", "--scale", str(scale), "--heavy-every",
                               str(heavy_every)], cwd=ROOT, env=env,
                              check=True, capture_output=True, text=True)
        GENERATION.update(seconds=round(time.perf_counter() - began), steps=[
            line.strip() for line in done.stdout.splitlines() if line.startswith("  ")])
        print(done.stdout, flush=True)


def visitor_cookie(base: str, share_path: str) -> str:
    """The vid cookie a phone holds after tapping the share link (the product page is then opened with it)."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(base + share_path, timeout=10)
    except urllib.error.HTTPError as redirect:
        response = redirect
    cookies = [c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or []]
    return "; ".join(c for c in cookies if c.startswith("vid="))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def scenarios(t: dict, cookie: str) -> list[tuple[str, str, tuple, str]]:
    """(name, path, headers, target) for every web scenario."""
    vid = (f"Cookie: {cookie}",) if cookie else ()
    return [
        ("product", f"/p/{t['product']}", vid, "1/3, p99 < 50 ms"),
        ("share_link", f"/p/{t['product']}/{t['partner']}", vid, "1/4"),
        ("home", "/", (), "1/5"),
        ("brand", f"/b/{t['brand']}", (), "1/5"),
        ("storefront", f"/shop/{t['partner']}", vid, "1/5"),
        *([("room", f"/l/{t['room']}", vid, "1/5")] if t.get("room") else []),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="SQLAlchemy URL of an EMPTY database (default: a new SQLite file)")
    parser.add_argument("--scale", type=float, help="add the large data set at this scale (1 = 1,000,000 orders)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--only", nargs="*", help="scenario names to run (default: all)")
    parser.add_argument("--port", type=int, default=18400)
    # The comparison is 2 sync workers; another class (gthread, with --threads) is a second, labelled one.
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--settle-limit", type=int, default=300, help="stop `mall settle` after this many seconds")
    parser.add_argument("--heavy-every", type=int, default=HEAVY_EVERY,
                        help="the heavy partner shares every n-th order (1 with --scale 0.4: ~107,000 orders)")
    parser.add_argument("--partner-connections", type=int, default=2,
                        help="the heavy partner's pages also at this many connections (their own devices)")
    parser.add_argument("--existing", action="store_true",
                        help="--database already holds an earlier run's data (with --scale: its large data set): "
                             "only migrate it, generate nothing")
    parser.add_argument("--skip-books", action="store_true", help="no `mall audit` / `mall settle` after the pages")
    args = parser.parse_args(argv)
    if args.existing and not args.database:
        parser.error("--existing needs --database")

    instance = tempfile.mkdtemp(prefix="mall-bench-")
    env = {**os.environ, **SERVER_ENV, "MALL_INSTANCE_PATH": instance, "PUBLIC_BASE_URL": f"http://127.0.0.1:{args.port}"}
    if args.database:
        env["DATABASE_URL"] = args.database
    env.pop("FLASK_DEBUG", None)
    log = open(os.path.join(instance, "bench.log"), "w")
    print(f"instance {instance}; logs in {log.name}", flush=True)
    described = {**machine(), "server": serve.describe(args.worker_class, args.threads)}
    if args.existing:
        subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True, stdout=log, stderr=log)
    else:
        prepare_database(env, args.scale, log, args.heavy_every)
    t = big.probe(env, ROOT, "targets")
    data = big.probe(env, ROOT, "counts") if args.scale else None
    heavy = big.probe(env, ROOT, "heavy") if args.scale else None

    mall = serve.Server("app:app", args.port, env, args.worker_class, args.threads).start(log)
    results, ceiling = [], None
    try:
        page = urllib.request.urlopen(f"{mall.base}/p/{t['product']}", timeout=10).read()
        cookie = visitor_cookie(mall.base, f"/p/{t['product']}/{t['partner']}")
        ceiling_server = serve.Server("bench.ceiling:app", args.port + 1, {**env, "BENCH_CEILING_BYTES": str(len(page))},
                                      args.worker_class, args.threads).start(log)
        try:
            ceiling = load.wrk(ceiling_server.base + "/", connections=args.connections, seconds=args.seconds)
            ceiling.update(name="ceiling", path="/ (bare Flask, static page)", bytes=len(page),
                           peak_worker_rss_mb=ceiling_server.peak_worker_mb(), ratio=1.0, target="")
            print(_line(ceiling), flush=True)
        finally:
            ceiling_server.stop()
        for name, path, headers, target in scenarios(t, cookie):
            if args.only and name not in args.only:
                continue
            mall.reset_peaks()
            result = load.wrk(mall.base + path, connections=args.connections, seconds=args.seconds, headers=headers)
            result.update(name=name, path=path, peak_worker_rss_mb=mall.peak_worker_mb(),
                          ratio=round(result["rps"] / ceiling["rps"], 3), target=target)
            results.append(result)
            print(_line(result), flush=True)
        if heavy:
            for result in big.partner_scenarios(mall.base, heavy, args.connections, args.seconds,
                                                 args.partner_connections):
                if "rps" in result:
                    result.update(peak_worker_rss_mb=mall.peak_worker_mb(), ratio=round(result["rps"] / ceiling["rps"], 3))
                    print(_line(result), flush=True)
                else:
                    print(result, flush=True)
                results.append(result)
    finally:
        mall.stop()
    commands = []
    if args.scale and not args.skip_books:  # after the web scenarios: settling changes the books
        commands.append(big.timed_command(env, ROOT, "audit"))
        before = big.probe(env, ROOT, "counts")["pending_shares"]
        commands.append(big.timed_command(env, ROOT, "settle", limit=args.settle_limit))
        settled = before - big.probe(env, ROOT, "counts")["pending_shares"]
        commands[-1]["last_line"] += f"; {settled:,} shares settled, {settled / commands[-1]['seconds']:,.0f}/s"
        commands.append(big.timed_command(env, ROOT, "audit"))
        for command in commands:
            print(command, flush=True)
    write(described, args, ceiling, results, data=data, heavy=heavy, commands=commands)
    return 0


def _line(r: dict) -> str:
    return (f"{r['name']:<24} {r['rps']:>8} req/s  p50 {r['p50_ms']} p95 {r['p95_ms']} p99 {r['p99_ms']} ms  "
            f"errors {r['errors']}  rss {r['peak_worker_rss_mb']} MB  ratio {r['ratio']}")


def write(described: dict, args, ceiling: dict, results: list, *, data=None, heavy=None, commands=()) -> None:
    os.makedirs(RESULTS, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    database = "PostgreSQL" if args.database and args.database.startswith("postgres") else "SQLite"
    described["load_average_after"] = os.getloadavg()
    run = {"at": stamp, "database": database, "scale": args.scale, "seconds": args.seconds,
           "connections": args.connections, "machine": described, "ceiling": ceiling, "scenarios": results,
           "data": data, "heavy_partner": heavy, "commands": list(commands), "generation": GENERATION.get("steps")}
    base = os.path.join(RESULTS, f"{stamp}-{database.lower()}")
    with open(base + ".json", "w") as f:
        json.dump(run, f, indent=2, ensure_ascii=False)
    rows = [f"# Web scenarios, {stamp} UTC, {database}" + (f", data scale {args.scale}" if args.scale else ", demo data"),
            "", f"Machine: {described['cpu']}, {described['cores']} cores, {described['memory_gb']} GB, "
            f"{described['os']}, Python {described['python']}; load average before {described['load_average_before']}"
            f", after {described['load_average_after']} (the machine is shared: figures are noisy).",
            f"Server: {described['server']}.", f"Load: {described['wrk']}, -t2 -c{args.connections} -d{args.seconds}s.",
            "", "| scenario | path | requests/s | p50 ms | p95 ms | p99 ms | errors | peak RSS/worker MB | ratio to ceiling | target |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in [ceiling, *[r for r in results if "rps" in r]]:
        rows.append(f"| {r['name']} | `{r['path']}` | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
                    f"{r['errors']} | {r['peak_worker_rss_mb']} | {r['ratio']} | {r['target']} |")
    for r in results:
        if "rps" not in r:
            rows += ["", f"CSV export `{r['path']}` of the heavy partner ({r['orders']} orders): HTTP {r['status']}, "
                     f"first byte {r['first_byte_s']} s, complete {r['total_s']} s, {r['bytes']} bytes."]
    if data:
        rows += ["", "Data: " + ", ".join(f"{k} {v:,}" for k, v in data.items()) + "."]
        if GENERATION.get("steps"):
            rows.append(f"Generated in {GENERATION['seconds']} s: " + "; ".join(GENERATION["steps"]) + ".")
    if heavy:
        rows.append(f"Heavy partner {heavy['partner']}: {heavy['orders']:,} orders, {heavy['entries']:,} ledger entries.")
    if commands:
        rows += ["", "| command | seconds | peak RSS MB | exit | last line |", "|---|---:|---:|---:|---|"]
        rows += [f"| `flask {c['name']}` | {c['seconds']} | {c['peak_rss_mb']} | {c['exit']} | {c['last_line']} |"
                 for c in commands]
    with open(base + ".md", "w") as f:
        f.write("\n".join(rows) + "\n")
    print(f"wrote {base}.md and .json")


if __name__ == "__main__":
    time.tzset()
    sys.exit(main())
