"""/metrics under gunicorn adds up every worker, survives a worker's death, and shows the cron jobs' runs."""
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.faults.servers import Server

REQUESTS = 40


def samples(url: str) -> dict[tuple[str, tuple], float]:
    text = requests.get(url + "/metrics", timeout=10).text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def home_count(url: str) -> float:
    key = ("mall_request_duration_seconds_count", (("endpoint", "catalog.home"), ("method", "GET")))
    return samples(url).get(key, 0)


@pytest.fixture()
def server(app, db):
    server = Server(app.config["SQLALCHEMY_DATABASE_URI"], workers=2)
    yield server
    server.stop()


def writers(server) -> set[str]:
    return {name.rsplit("_", 1)[1] for name in os.listdir(server.metrics_dir) if name.startswith("histogram_")}


@pytest.mark.real_commits  # the server's processes read the test database
def test_a_scrape_counts_every_workers_requests_and_keeps_a_killed_workers(server):
    # The home page comes from the page cache in well under a millisecond, so one worker may take a whole batch
    # before the other accepts anything: batches go on until both have answered.
    sent = 0
    with ThreadPoolExecutor(8) as pool:
        while len(writers(server)) < 2 and sent < REQUESTS * 25:
            statuses = list(pool.map(lambda _: requests.get(server.url + "/", timeout=30).status_code,
                                     range(REQUESTS)))
            assert statuses == [200] * REQUESTS
            sent += REQUESTS
    assert len(writers(server)) == 2, "both workers answered, each in its own file"
    assert home_count(server.url) == sent  # whichever worker answers the scrape

    server.kill_worker()
    assert home_count(server.url) == sent  # the dead worker's requests still count


@pytest.mark.real_commits
def test_a_cron_jobs_run_and_the_audit_show_on_the_servers_metrics(server):
    result = server.cli("audit")
    assert result.returncode == 0, result.stdout + result.stderr
    seen = samples(server.url)
    assert seen[("mall_job_runs_total", (("job", "audit"), ("outcome", "ok")))] == 1
    assert seen[("mall_audit_ok", ())] == 1
    assert seen[("mall_audit_last_run_timestamp_seconds", ())] > 0
