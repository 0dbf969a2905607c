"""Production server settings: `gunicorn app:app` reads this file from the working directory."""
import multiprocessing
import os

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
max_requests = 2000  # recycle workers now and then so a slow leak never becomes an outage
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
