"""Start and stop one gunicorn server on loopback with the configuration every scenario states, and watch the
resident memory of its workers."""
import os
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKERS = 2
# gunicorn.conf.py as production uses it, with the load: 2 sync workers (one thread each) on loopback.
# The access log goes to /dev/null for the mall and the ceiling alike: 20,000 log lines per second would
# measure the terminal, not the app.
def gunicorn(worker_class: str = "sync", threads: int = 1) -> list[str]:
    """The command; sync with one thread is the issue's configuration, anything else a second one, labelled."""
    return [sys.executable, "-m", "gunicorn", "-c", os.path.join(ROOT, "gunicorn.conf.py"),
            "--workers", str(WORKERS), "--threads", str(threads), "--worker-class", worker_class,
            "--access-logfile", "/dev/null", "--error-logfile", "-"]


GUNICORN = gunicorn()


def describe(worker_class: str = "sync", threads: int = 1) -> str:
    return (f"gunicorn -c gunicorn.conf.py --workers {WORKERS} --threads {threads} --worker-class {worker_class} "
            "--access-logfile /dev/null (timeout 30, max_requests as in gunicorn.conf.py), bound to 127.0.0.1")


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Server:
    app: str
    port: int
    env: dict
    worker_class: str = "sync"
    threads: int = 1
    process: subprocess.Popen | None = None
    peak_rss_kb: dict = field(default_factory=dict)
    _watching: bool = False

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, log) -> "Server":
        env = {**os.environ, **self.env, "BIND": f"127.0.0.1:{self.port}"}
        self.process = subprocess.Popen([*gunicorn(self.worker_class, self.threads), self.app], cwd=ROOT, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited with {self.process.returncode}; see {log.name}")
            try:
                urllib.request.urlopen(self.base + "/static/css/mall.css" if "app:" in self.app else self.base, timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"gunicorn {self.app} did not answer within 60 s")
        self._watching = True
        threading.Thread(target=self._watch, daemon=True).start()
        return self

    def _watch(self) -> None:
        while self._watching and self.process.poll() is None:
            for pid in _children(self.process.pid):
                self.peak_rss_kb[pid] = max(self.peak_rss_kb.get(pid, 0), _rss_kb(pid))
            time.sleep(0.2)

    def reset_peaks(self) -> None:
        self.peak_rss_kb.clear()

    def peak_worker_mb(self) -> float:
        return round(max(self.peak_rss_kb.values(), default=0) / 1024, 1)

    def stop(self) -> None:
        self._watching = False
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
