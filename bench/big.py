"""The scenarios of the large data set: a heavy partner's pages and CSV export, `mall audit`, `mall settle`."""
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from bench import load
from bench.dataset import HEAVY_PASSWORD, heavy_phone

FLASK = [sys.executable, "-m", "flask", "--app", "app"]


def probe(env: dict, root: str, what: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.probe", what], cwd=root, env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def log_in(base: str, phone: str) -> str:
    """A logged-in session cookie, through the real login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"login": phone, "password": HEAVY_PASSWORD, "csrf_token": token}).encode()
    opener.open(base + "/login", data=data, timeout=10).read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise RuntimeError("the heavy partner could not log in")
    return cookies


def partner_scenarios(base: str, heavy: dict, connections: int, seconds: int,
                      own_connections: int = 2) -> list[dict]:
    """Each page at `own_connections` (the partner's own phone and laptop: the latency the partner sees, no
    queue) and at the run's `connections` (32 sessions of the same partner at once: a throughput test whose
    p99 is the queue in front of 2 sync workers, ~32 / requests-per-second)."""
    cookie = log_in(base, heavy_phone(heavy["brand"]))
    header = (f"Cookie: {cookie}",)
    deepest = urllib.parse.quote(heavy.get("deepest_cursor", ""))  # keyset pages: the cursor of the last page
    results = []
    for name, path in (("partner_dashboard", "/partner"), ("partner_orders", "/partner/orders"),
                       ("partner_orders_deep", f"/partner/orders?after={deepest}")):
        for level in dict.fromkeys((own_connections, connections)):
            drained(base)  # what the previous scenario left queued would otherwise be timed as this one
            result = load.wrk(base + path, connections=level, threads=min(2, level), seconds=seconds,
                              headers=header)
            result.update(name=f"{name} -c{level}", path=path, connections=level, target="p99 < 50 ms")
            results.append(result)
    results.append(csv_export(base, cookie, heavy))
    return results


def drained(base: str) -> None:
    """Wait until the workers have answered what wrk left queued (its closed connections still sit in the
    listen backlog), so a timing that follows measures itself, not the backlog."""
    for _ in range(120):
        began = time.perf_counter()
        urllib.request.urlopen(base + "/static/css/mall.css", timeout=60).read()
        if time.perf_counter() - began < 0.05:
            return
        time.sleep(0.5)


def csv_export(base: str, cookie: str, heavy: dict) -> dict:
    drained(base)
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-H", f"Cookie: {cookie}", "-w",
                          "%{http_code} %{time_starttransfer} %{time_total} %{size_download}",
                          base + "/partner/orders.csv"], capture_output=True, text=True, check=True).stdout.split()
    return {"name": "partner_csv", "path": "/partner/orders.csv", "status": int(out[0]),
            "first_byte_s": round(float(out[1]), 3), "total_s": round(float(out[2]), 2), "bytes": int(out[3]),
            "orders": heavy["orders"], "target": "first byte < 1 s, 100,000 orders < 10 s"}


def timed_command(env: dict, root: str, *args: str, limit: int | None = None) -> dict:
    """Wall time, peak RSS and the last line of a `flask mall ...` command; stopped (SIGTERM) after `limit` s.
    Stopping `mall settle` is safe: it commits order by order."""
    began = time.perf_counter()
    process = subprocess.Popen(["/usr/bin/time", "-f", "MAXRSS %M", *FLASK, "mall", *args], cwd=root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=limit)
        stopped = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)  # its own process group: time(1) and the command under it
        out, err = process.communicate()
        stopped = True
    rss = re.search(r"MAXRSS (\d+)", err)
    lines = [line for line in out.splitlines() if line.strip()]
    last = f"stopped after {limit} s" if stopped else (lines[-1] if lines else "")
    return {"name": f"mall {' '.join(args)}", "exit": process.returncode, "seconds": round(time.perf_counter() - began, 1),
            "peak_rss_mb": round(int(rss.group(1)) / 1024, 1) if rss else None, "last_line": last}
