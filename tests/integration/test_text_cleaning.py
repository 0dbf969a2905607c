"""One cleaning rule for every text a person sends: form fields of every form, and uploaded files."""
import importlib
import io
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select

import mall
from mall.accounts.models import Role, User
from mall.admin.products.import_jobs import enqueue_import
from mall.catalog.models import Product
from mall.clean_form import CleanForm
from mall.clock import utcnow
from mall.jobs.imports import run_queued_imports
from mall.text import clean_text, unstorable
from tests.conftest import csrf_from
from tests.integration.admin_support import EN

HEADER = "product_code,title,subtitle,published,promo_ends_at,sku_name,price,list_price,promo_price,stock\n"


def all_forms():
    for module in pkgutil.walk_packages(mall.__path__, "mall."):
        importlib.import_module(module.name)
    pending, found = list(FlaskForm.__subclasses__()), []
    while pending:
        form = pending.pop()
        found.append(form)
        pending.extend(form.__subclasses__())
    return [f for f in found if f.__module__.startswith("mall.")]


@pytest.mark.parametrize("raw, clean", [
    ("  王小明 ", "王小明"), ("a\x01b\x08c\x1bd\x7f", "abcd"), ("line 1\nline 2\tend", "line 1\nline 2\tend"),
    ("\x0b\x0c", ""), (None, ""),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_every_form_of_the_mall_cleans_its_text():
    forms = all_forms()
    assert len(forms) > 20
    assert [f.__qualname__ for f in forms if not issubclass(f, CleanForm)] == []


def test_registration_drops_control_characters_from_the_name(client, db):
    page = client.get("/register").get_data(as_text=True)
    response = client.post("/register", data={"csrf_token": csrf_from(page), "name": "\x01王\x08小\x1b明",
                                              "login": "13800001111", "password": "secret-123",
                                              "confirm": "secret-123"})
    assert response.status_code in (302, 303)
    assert db.session.scalar(select(User.name).where(User.phone == "13800001111")) == "王小明"


def test_the_registration_service_cleans_too(db):
    from mall.accounts.services import register_user

    user = register_user(db.session, login="13800002222", password="secret-123", name=" A\x1bnn ", now=utcnow())
    assert user.name == "Ann"


@pytest.fixture()
def admin(make, login_as):
    brand = make.brand()
    login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    return brand


def upload(client, body: bytes):
    page = client.get("/admin/products/import", headers=EN).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "file": (io.BytesIO(body), "products.csv", "text/csv")}
    return client.post("/admin/products/import", data=data, content_type="multipart/form-data", headers=EN)


NUL_FILE = (HEADER + "TEA00001,Green\x00 tea,,yes,,S,10.00,,,1\n"
            "TEA\x0000002,Black tea,,yes,,S,10.00,,,1\n"
            "TEA00003,Oo\x01long,,yes,,S,10.00,,,1\n").encode()


def test_a_nul_in_an_uploaded_csv_is_reported_per_row(client, db, admin):
    response = upload(client, NUL_FILE)
    assert response.status_code == 422  # the file has errors: shown, nothing imported
    page = response.get_data(as_text=True)
    assert page.count("This row holds a character that cannot be stored (NUL).") == 2
    assert "<td>2</td>" in page and "<td>3</td>" in page and "<td>4</td>" not in page
    assert db.session.scalar(select(func.count()).select_from(Product)) == 0  # errors: nothing applied


def test_the_valid_rows_of_such_a_file_are_cleaned_like_form_text(client, db, admin):
    page = client.get("/admin/products/import", headers=EN).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "apply_valid": "y",
            "file": (io.BytesIO(NUL_FILE), "products.csv", "text/csv")}
    assert client.post("/admin/products/import", data=data, content_type="multipart/form-data",
                       headers=EN).status_code in (200, 422)
    assert db.session.scalars(select(Product.title)).all() == ["Oolong"]


def test_a_nul_in_a_background_import_is_reported_per_row(db, admin):
    job = enqueue_import(db.session, admin.id, NUL_FILE, apply_valid=False, actor_id=None, now=utcnow())
    assert not unstorable(job.content.replace("\ufffd", "")) and "\x00" not in job.content
    run_queued_imports(db.session, now=utcnow())
    db.session.refresh(job)
    assert job.status == "done"
    assert [number for number, _message in job_errors(job)] == [2, 3]


def job_errors(job):
    from mall.admin.products.import_jobs import job_result

    return job_result(job).errors
