"""`/metrics` for Prometheus: request latency by endpoint, job runs and outcomes, the books' audit status.

Who may read it: in development anyone (a laptop's own tooling); in production only a scraper that sends
`Authorization: Bearer <METRICS_TOKEN>`, and with no METRICS_TOKEN configured the page does not exist (404).
A token rather than "loopback only": behind a load balancer every request comes from its address, and
endpoint names, job outcomes and order volumes are business data a competitor must not read.

Several processes: gunicorn's workers each count their own requests, and `flask mall …` jobs run in
processes of their own. With PROMETHEUS_MULTIPROC_DIR set (gunicorn.conf.py sets one and empties it when
the server starts), every process writes its samples to files there and /metrics adds up all of them
(prometheus_client's multiprocess mode), so a scrape sees the whole server whichever worker answers, and a
cron job's run or audit result is seen if the job is given the same directory. Without it (the dev server,
tests) one process's registry is shown. The variable is read when prometheus_client is first imported, so
it must be set before the app is loaded.

The bottom layer: Flask and prometheus_client only, no domain. The CLI records jobs and audits here.
"""
import hmac
import os
import time
from contextlib import contextmanager

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

# Read once, as prometheus_client itself does when first imported: whether this process writes its samples to
# files is fixed then, so the page must add up the same files whatever the environment says later.
MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
# Buckets around the targets of issue 17 (p99 < 50 ms for pages), up to gunicorn's 30 s timeout.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
UNMATCHED = "<unmatched>"  # requests no route matched share one label, so a scanner cannot grow the series

REQUEST_SECONDS = Histogram("mall_request_duration_seconds", "Time to answer a request, by endpoint.",
                            ["endpoint", "method"], buckets=LATENCY_BUCKETS)
REQUESTS = Counter("mall_requests", "Requests answered, by endpoint and status class.",
                   ["endpoint", "method", "status"])
JOB_RUNS = Counter("mall_job_runs", "Runs of the `flask mall` jobs, by outcome (ok or failed).", ["job", "outcome"])
JOB_ITEMS = Counter("mall_job_items", "Items a job handled (orders settled, imports run, ...).", ["job"])
JOB_SECONDS = Histogram("mall_job_duration_seconds", "Time one job run took.", ["job"],
                        buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600))
JOB_LAST_SUCCESS = Gauge("mall_job_last_success_timestamp_seconds", "When the job last finished without error.",
                         ["job"], multiprocess_mode="mostrecent")
AUDIT_OK = Gauge("mall_audit_ok", "1 if the last `flask mall audit` found the books consistent, 0 if not.",
                 multiprocess_mode="mostrecent")
AUDIT_VIOLATIONS = Gauge("mall_audit_violations", "Violations the last audit found, by check.", ["check"],
                         multiprocess_mode="mostrecent")
AUDIT_LAST_RUN = Gauge("mall_audit_last_run_timestamp_seconds", "When the books were last audited.",
                       multiprocess_mode="mostrecent")


def init_app(app: Flask) -> None:
    """Time every request and serve /metrics."""
    app.config.setdefault("METRICS_TOKEN", os.environ.get("METRICS_TOKEN"))
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", _metrics_page, methods=["GET"])


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None:
        endpoint = request.url_rule.endpoint if request.url_rule else UNMATCHED
        observe(endpoint, request.method, response.status_code, time.perf_counter() - started)
    return response


def observe(endpoint: str, method: str, status: int, seconds: float) -> None:
    """One answered request (also those answered before Flask runs: mall.page_front)."""
    REQUEST_SECONDS.labels(endpoint, method).observe(seconds)
    REQUESTS.labels(endpoint, method, f"{status // 100}xx").inc()


def _metrics_page() -> Response:
    if current_app.config["MALL_ENV"] == "production" and not _authorised(current_app.config.get("METRICS_TOKEN")):
        abort(404)  # not 401: a production mall does not tell strangers it has a metrics page
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def _authorised(token: str | None) -> bool:
    sent = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


def _registry():
    if MULTIPROC_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=MULTIPROC_DIR)
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


@contextmanager
def job_run(job: str):
    """Count one run of a job and its outcome; the block reports how many items it handled with add(n)."""
    started = time.perf_counter()
    try:
        yield lambda n: JOB_ITEMS.labels(job).inc(n)
    except BaseException as error:
        # click's Exit(0) is how a command ends normally; anything else is a failed run.
        outcome = "ok" if getattr(error, "exit_code", None) == 0 else "failed"
        JOB_RUNS.labels(job, outcome).inc()
        raise
    else:
        JOB_RUNS.labels(job, "ok").inc()
        JOB_LAST_SUCCESS.labels(job).set(time.time())
    finally:
        JOB_SECONDS.labels(job).observe(time.perf_counter() - started)


def record_audit(violations_by_check: dict[str, int]) -> None:
    """The audit's outcome: one gauge per check, and whether the books were consistent."""
    for check, count in violations_by_check.items():
        AUDIT_VIOLATIONS.labels(check).set(count)
    AUDIT_OK.set(0 if any(violations_by_check.values()) else 1)
    AUDIT_LAST_RUN.set(time.time())
