"""Production server settings: `gunicorn app:app` reads this file from the working directory."""
import gc
import multiprocessing
import os
import tempfile

# Read before the app is imported: serving with gunicorn means production (own secrets, PUBLIC_BASE_URL,
# no mock provider unless PAYMENT_PROVIDER=mock), unless MALL_ENV says otherwise on purpose.
os.environ.setdefault("MALL_ENV", "production")
bind = os.environ.get("BIND", "0.0.0.0:8000")
# Threaded workers (gthread; gunicorn picks it anyway once threads > 1, this says so): requests are short and
# the database does the waiting; 2 processes per core plus one, 2 threads each.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = 30
graceful_timeout = 20
# Recycle workers now and then so a slow leak never becomes an outage, but rarely: 1,000 live viewers alone
# poll ~330 times a second, and 2,000 requests restarted each worker every ~25 s (a cold worker's first
# requests are slow). 20,000 is about ten minutes per worker at that rate. The jitter is half of it, so that
# workers started together and loaded alike do not all restart in the same second.
max_requests = 20000
max_requests_jitter = 10000
# The app is imported once, by the master, and every worker is a fork of it. Without this a recycled worker
# imported the app itself (1-2 s on a small host) and, at the bench's 2,000 requests/s per worker, both
# workers hit max_requests within the same second: no worker for a second, a 1-1.5 s tail in every run
# (bench/RESULTS.md, "Worker recycling"). A fork is ready in milliseconds. Nothing opens a database
# connection, a Redis connection or a thread at import (post_fork still drops any pooled connection, so a
# future import-time query cannot leak a socket into every worker).
preload_app = True
# No runtime control socket (gunicornc): its default path is one per user, so a second master on the same
# machine (the live-pin bench's two "hosts", the fault tests' two instances) fought the first one over it and
# at times never started.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# /metrics adds up every worker's samples (mall/metrics.py): each process writes them to files in this
# directory. It is emptied when the server starts, so a previous run's workers are not counted again; a
# `flask mall` cron job given the same directory shows its runs and the audit's status there too.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"mall-metrics-{os.getuid()}"))
# Made now: with preload_app the master imports the app, whose metrics open their files there, before
# on_starting runs (which then removes those too: the master serves nothing, each fork writes its own).
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def on_starting(server):
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):  # only prometheus_client's own files: the directory may be shared
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))


def when_ready(server):
    # Compiled once here, inherited by every fork: a recycled worker's first pages do not compile templates.
    app = server.app.wsgi()
    for name in app.jinja_env.list_templates(extensions=("html",)):
        app.jinja_env.get_template(name)
    # What every fork inherits is moved out of the collector's sight (Python's advice for forking servers):
    # otherwise a young worker's first full collection walks, and so copies, the whole inherited heap.
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    app = server.app.wsgi()
    if "sqlalchemy" not in app.extensions:  # another app under this file (the bench's bare ceiling)
        return
    from mall.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)  # the master's pooled connections, if any, are not the worker's


def child_exit(server, worker):
    # A dead worker's live gauges stop counting; its counters and histograms stay in the sums.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)

