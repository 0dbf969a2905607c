"""CSV export and import of products: export streams one row per SKU; import validates every row first and
applies nothing from a file with errors unless the admin asks for the valid rows."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mall.accounts.models import Role
from mall.admin.products.import_jobs import enqueue_import
from mall.catalog.models import Product, Sku
from mall.clock import utcnow
from mall.jobs.imports import run_queued_imports
from tests.conftest import csrf_from
from tests.integration.admin_support import EN, text

HEADER = "product_code,title,subtitle,published,promo_ends_at,sku_name,price,list_price,promo_price,stock\n"


@pytest.fixture()
def brand(make):
    return make.brand(name="Tea House")


@pytest.fixture()
def admin(make, brand, login_as):
    return login_as(make.user(Role.BRAND_ADMIN, brand=brand))


def send(client, body: str | bytes, apply_valid=False):
    page = client.get("/admin/products/import", headers=EN).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "file": (io.BytesIO(body if isinstance(body, bytes) else body.encode()), "products.csv", "text/csv")}
    if apply_valid:
        data["apply_valid"] = "y"
    return client.post("/admin/products/import", data=data, content_type="multipart/form-data", headers=EN)


def count(db, model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_export_has_one_row_per_sku_of_the_brand_only(client, make, brand, admin):
    make.product(brand, title="=cmd()", skus=(("S", 1990, 3), ("L", 2990, 0)))
    make.product(make.brand(), title="Rival")
    response = client.get("/admin/products/export.csv", headers=EN)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "product_code" and len(rows) == 3
    assert [(r[1], r[5], r[6], r[9]) for r in rows[1:]] == [("'=cmd()", "S", "19.90", "3"), ("'=cmd()", "L", "29.90", "0")]


def test_import_creates_and_updates(client, db, make, brand, admin):
    existing = make.product(brand, skus=(("S", 1000, 1),))
    body = HEADER + (f"{existing.code},Renamed,,yes,,S,12.00,,,4\n"
                     "NEWTEA01,New tea,,no,2026-12-31 20:00,250 g,59.90,79.00,49.90,10\n"
                     "NEWTEA01,New tea,,no,2026-12-31 20:00,500 g,99.00,,,0\n")
    response = send(client, body)
    assert response.status_code == 200, text(response.get_data(as_text=True))
    assert "1 new products, 1 updated" in text(response.get_data(as_text=True))
    db.session.expire_all()
    assert [(s.name, s.price_fen, s.stock) for s in db.session.get(Product, existing.id).skus] == [("S", 1200, 4)]
    new = db.session.scalars(select(Product).where(Product.code == "NEWTEA01")).one()
    assert new.brand_id == brand.id and len(new.skus) == 2 and new.promo_ends_at.hour == 12


def test_import_with_errors_reports_rows_and_changes_nothing(client, db, make, brand, admin):
    other = make.product(make.brand())
    body = HEADER + ("GOOD0001,Good,,yes,,S,10.00,,,1\n"
                     "BAD00002,Negative,,yes,,S,-1.00,,,1\n"
                     "BAD00003,Stock,,yes,,S,1.00,,,-4\n"
                     f"{other.code},Theirs,,yes,,S,1.00,,,1\n")
    response = send(client, body)
    assert response.status_code == 422
    page = text(response.get_data(as_text=True))
    assert "Nothing was imported." in page
    assert "3 price must be an amount above zero" in page
    assert "4 Stock must be a whole number" in page
    assert f"5 Product code {other.code} belongs to another brand" in page
    assert count(db, Product) == 1 and count(db, Sku) == 1
    response = send(client, body, apply_valid=True)
    assert response.status_code == 200
    assert count(db, Product) == 2
    assert db.session.scalar(select(Product.title).where(Product.code == "GOOD0001")) == "Good"


@pytest.mark.parametrize("body", ["not,a,product,file\n1,2,3,4\n", b"\xff\xfe\x00bad", b"a,\"b\x00\n"])
def test_malformed_csv_is_refused_with_a_message(client, db, brand, admin, body):
    response = send(client, body)
    assert response.status_code == 422
    page = text(response.get_data(as_text=True))
    assert "must name the columns" in page or "not a readable" in page or "choose a CSV file" in page
    assert count(db, Product) == 0


def big_file(rows: int, bad_row: int | None = None) -> str:
    lines = [f"BULK{n:04d},Bulk tea {n},,yes,,S,{'-1' if n == bad_row else '10.00'},,,5\n" for n in range(rows)]
    return HEADER + "".join(lines)


def test_a_large_file_runs_in_the_background_with_progress(app, client, db, runner, brand, admin, monkeypatch):
    monkeypatch.setitem(app.config, "PRODUCT_IMPORT_SYNC_ROWS", 50)
    response = send(client, big_file(250))
    assert response.status_code == 303
    job_url = response.headers["Location"]
    page = client.get(job_url, headers=EN).get_data(as_text=True)
    assert "Waiting for the importer" in page and 'hx-trigger="every 1s"' in page and 'value="0"' in page
    assert count(db, Product) == 0
    assert "ran 1 imports" in runner.invoke(args=["mall", "run-imports"]).output
    assert "ran 0 imports" in runner.invoke(args=["mall", "run-imports"]).output  # claimed once
    fragment = client.get(job_url, headers={**EN, "HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "every 1s" not in fragment and 'value="100"' in fragment
    assert "250 new products" in text(fragment)
    assert count(db, Product) == 250


def test_a_background_import_with_errors_applies_nothing_and_lists_rows(app, client, db, runner, brand, admin,
                                                                      monkeypatch):
    monkeypatch.setitem(app.config, "PRODUCT_IMPORT_SYNC_ROWS", 50)
    job_url = send(client, big_file(120, bad_row=70)).headers["Location"]
    runner.invoke(args=["mall", "run-imports"])
    page = text(client.get(job_url, headers=EN).get_data(as_text=True))
    assert "Nothing was imported." in page and "72 price must be an amount above zero" in page
    assert count(db, Product) == 0


def test_another_brands_import_job_is_not_found(client, db, make, brand, admin):
    job = enqueue_import(db.session, make.brand().id, big_file(3).encode(), apply_valid=False, actor_id=None,
                         now=utcnow())
    assert client.get(f"/admin/products/imports/{job.id}", headers=EN).status_code == 404


def test_a_job_left_running_by_a_dead_host_is_run_again(db, make, brand):
    job = enqueue_import(db.session, brand.id, big_file(3).encode(), apply_valid=False, actor_id=None, now=utcnow())
    job.status, job.started_at = "running", utcnow() - timedelta(hours=2)
    db.session.commit()
    assert run_queued_imports(db.session, now=utcnow()) == 1
    assert count(db, Product) == 3
