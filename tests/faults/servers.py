"""The mall served by real gunicorn processes on loopback, against the test database, as production runs it.

Each server is started with the repository's gunicorn.conf.py (its worker hooks included) on a free port,
in development mode (no production secrets needed) with the mock bank delivering callbacks in-process, rate
limits off (every simulated buyer comes from 127.0.0.1) and its own metrics directory.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn master and its workers; `url` is where it answers."""

    cli_path = Path(sys.executable).with_name("flask")
    cwd = ROOT

    def __init__(self, database_url: str, *, workers: int = 2, wait: bool = True, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = tempfile.mkdtemp(prefix="mall-gunicorn-")
        self.metrics_dir = os.path.join(self.folder, "metrics")
        self.env = {**os.environ, "BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers),
                    "GUNICORN_THREADS": "1", "MALL_ENV": "development", "DATABASE_URL": database_url,
                    "MALL_INSTANCE_PATH": self.folder, "PUBLIC_BASE_URL": self.url, "RATELIMIT_ENABLED": "0",
                    "PAYMENT_PROVIDER": "mock", "MOCK_PAY_DELIVERY": "wsgi",
                    "PROMETHEUS_MULTIPROC_DIR": self.metrics_dir, **env}
        self.log = open(os.path.join(self.folder, "gunicorn.log"), "w+")  # noqa: SIM115  (closed in stop)
        self.process = subprocess.Popen([str(GUNICORN), "-c", "gunicorn.conf.py", "app:app"], cwd=ROOT,
                                        env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_until_up()

    def wait_until_up(self) -> None:
        """Until every worker has booted and the server answers (servers started with wait=False boot together)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.output()[-2000:]}")
            try:
                if requests.get(self.url + "/metrics", timeout=2).status_code == 200 and \
                        len(self.worker_pids()) == int(self.env["WEB_CONCURRENCY"]):
                    return
            except requests.RequestException:  # booting: not listening yet, or slow to answer
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in {STARTUP_SECONDS} s: {self.output()[-2000:]}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_worker(self) -> int:
        """SIGKILL one worker, as the kernel's OOM killer would: no cleanup, no finally blocks."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """`flask --app app mall …` against the same database and metrics directory, in a process of its own."""
        return subprocess.run([str(self.cli_path), "--app", "app", "mall", *args], cwd=self.cwd, env=self.env,
                              capture_output=True, text=True, timeout=120)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def hidden_fields(html: str) -> dict[str, str]:
    """The form's hidden inputs (CSRF token, idempotency key), as a browser would send them."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if 'type="hidden"' in tag and name and value:
            found.setdefault(name.group(1), value.group(1))
    return found


def buy_and_pay(base_url: str, product_code: str, sku_id: int, *, via: str = "", timeout: float = 30) -> str:
    """One buyer's journey over HTTP: the shared link `via` (if any), the product page, the buy sheet, the mock
    bank's card form.

    Returns the order page's path (/o/<token>) once the bank has sent the buyer back, or raises.
    """
    with requests.Session() as http:
        page = http.get(f"{base_url}{via or '/p/' + product_code}", timeout=timeout)
        page.raise_for_status()
        fields = hidden_fields(page.text)
        data = {**fields, "sku_id": str(sku_id), "quantity": "1", "contact_name": "王小明", "contact_phone": "13800138000",
                "delivery": "ship", "address": "上海市静安区南京西路 1 号"}
        bank = http.post(f"{base_url}/p/{product_code}/buy", data=data, timeout=timeout, allow_redirects=False)
        if bank.status_code != 303 or "/mockpay/" not in bank.headers["Location"]:
            raise RuntimeError(f"buy answered {bank.status_code}")
        card_page = http.get(bank.headers["Location"], timeout=timeout)
        card_page.raise_for_status()
        card = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123",
                "csrf_token": hidden_fields(card_page.text)["csrf_token"]}
        back = http.post(bank.headers["Location"], data=card, timeout=timeout, allow_redirects=False)
        if back.status_code not in (302, 303):
            raise RuntimeError(f"card answered {back.status_code}")
        return back.headers["Location"]
