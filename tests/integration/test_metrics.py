"""/metrics: open in development, behind METRICS_TOKEN in production; latency by endpoint, jobs, audit."""
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import update

from mall.commission.models import Account
from mall.metrics import UNMATCHED, job_run
from tests.integration.commission_support import Books
from tests.integration.test_production_config import production_app

TOKEN = "metrics-" + "t" * 32
BALANCES = "cached balances equal the sum of entries"


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0


def test_in_development_anyone_reads_the_latency_of_each_endpoint(client):
    before = value("mall_request_duration_seconds_count", endpoint="catalog.home", method="GET")
    assert client.get("/").status_code == 200
    page = client.get("/metrics")
    assert page.status_code == 200 and page.mimetype == "text/plain"
    assert 'mall_request_duration_seconds_bucket{endpoint="catalog.home",le="0.05",method="GET"}' in page.text
    assert value("mall_request_duration_seconds_count", endpoint="catalog.home", method="GET") == before + 1
    assert value("mall_requests_total", endpoint="catalog.home", method="GET", status="2xx") >= 1


def test_urls_no_route_matches_share_one_label(client):
    before = value("mall_requests_total", endpoint=UNMATCHED, method="GET", status="4xx")
    for path in ("/wp-admin", "/.env", "/no/such/page"):
        assert client.get(path).status_code == 404
    assert value("mall_requests_total", endpoint=UNMATCHED, method="GET", status="4xx") == before + 3
    assert "/wp-admin" not in client.get("/metrics").text


@pytest.mark.parametrize("sent", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "])
def test_in_production_metrics_need_the_token(app, db, sent):
    client = production_app(app, METRICS_TOKEN=TOKEN).test_client()
    headers = {"Authorization": sent} if sent else {}
    assert client.get("/metrics", base_url="https://shop.example.cn", headers=headers).status_code == 404


def test_in_production_the_scraper_with_the_token_reads_them(app, db):
    client = production_app(app, METRICS_TOKEN=TOKEN).test_client()
    page = client.get("/metrics", base_url="https://shop.example.cn", headers={"Authorization": f"Bearer {TOKEN}"})
    assert page.status_code == 200 and "mall_request_duration_seconds" in page.text


def test_in_production_without_a_token_configured_nobody_reads_them(app, db):
    client = production_app(app, METRICS_TOKEN=None).test_client()
    for sent in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}):
        assert client.get("/metrics", base_url="https://shop.example.cn", headers=sent).status_code == 404


def test_a_job_run_is_counted_with_its_outcome_and_items(runner):
    ok_before = value("mall_job_runs_total", job="settle", outcome="ok")
    result = runner.invoke(args=["mall", "settle"])
    assert result.exit_code == 0, result.output
    assert value("mall_job_runs_total", job="settle", outcome="ok") == ok_before + 1
    assert value("mall_job_last_success_timestamp_seconds", job="settle") > 0


def test_a_job_that_raises_is_counted_as_failed():
    before = value("mall_job_runs_total", job="test-broken", outcome="failed")
    with pytest.raises(RuntimeError), job_run("test-broken") as handled:
        handled(3)
        raise RuntimeError("database went away")
    assert value("mall_job_runs_total", job="test-broken", outcome="failed") == before + 1
    assert value("mall_job_items_total", job="test-broken") >= 3
    assert value("mall_job_runs_total", job="test-broken", outcome="ok") == 0


def test_the_audit_publishes_whether_the_books_are_consistent(runner, make, db):
    assert runner.invoke(args=["mall", "audit"]).exit_code == 0
    assert value("mall_audit_ok") == 1
    assert value("mall_audit_violations", check=BALANCES) == 0
    assert value("mall_audit_last_run_timestamp_seconds") > 0

    books = Books(make, db.session)
    books.paid_order([(10000, 1)])
    db.session.execute(update(Account).where(Account.kind == "pending").values(balance_fen=Account.balance_fen + 1))
    db.session.commit()
    assert runner.invoke(args=["mall", "audit"]).exit_code == 1
    assert value("mall_audit_ok") == 0
    assert value("mall_audit_violations", check=BALANCES) >= 1
