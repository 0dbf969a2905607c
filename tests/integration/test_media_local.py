"""Uploaded images on the local store: named by their hash, stored once, served through /media as images that
may be cached for ever; rows from before content-hashed names keep working."""
import hashlib
import os

import pytest
from sqlalchemy import select

from mall.accounts.models import Role
from mall.catalog.models import ProductImage
from mall.media.store import CACHE_CONTROL
from tests.integration.admin_support import EN, follow
from tests.integration.media_support import log_in, other_app, unique_png, upload


@pytest.fixture()
def brand(make):
    return make.brand(name="Tea House")


@pytest.fixture()
def admin(make, brand, login_as):
    return login_as(make.user(Role.BRAND_ADMIN, brand=brand))


def uploads_of(db, product) -> list[str]:
    return list(db.session.scalars(select(ProductImage.path).where(ProductImage.product_id == product.id,
                                                                   ProductImage.path.like("uploads/%"))))


def test_upload_is_named_by_its_hash_and_served_as_an_immutable_image(app, client, db, make, brand, admin):
    product = make.product(brand)
    data = unique_png()
    follow(client, upload(client, product, data, filename="evil.html"))
    digest = hashlib.sha256(data).hexdigest()
    assert uploads_of(db, product) == [f"uploads/{digest}.png"]
    assert os.path.isfile(os.path.join(app.instance_path, "uploads", f"{digest}.png"))
    assert f'src="/media/{digest}.png"' in client.get(f"/p/{product.code}", headers=EN).get_data(as_text=True)
    served = client.get(f"/media/{digest}.png")
    assert served.status_code == 200 and served.data == data
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["Content-Length"] == str(len(data))
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == "inline"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert served.headers["Cache-Control"] == CACHE_CONTROL == "public, max-age=31536000, immutable"
    assert served.headers["ETag"] == f'"{digest}"' and "Set-Cookie" not in served.headers
    revalidated = client.get(f"/media/{digest}.png", headers={"If-None-Match": f'"{digest}"'})
    assert revalidated.status_code == 304 and revalidated.data == b""
    assert client.head(f"/media/{digest}.png").headers["Content-Length"] == str(len(data))


def test_same_picture_twice_is_one_file_and_one_gallery_entry(app, client, db, make, brand, admin):
    first, second = make.product(brand), make.product(brand)
    data = unique_png()
    folder = os.path.join(app.instance_path, "uploads")
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    for product in (first, first, second):
        follow(client, upload(client, product, data))
    assert set(os.listdir(folder)) - before == {hashlib.sha256(data).hexdigest() + ".png"}
    assert uploads_of(db, first) == uploads_of(db, second) and len(uploads_of(db, first)) == 1


def test_rows_from_before_content_hashed_names_keep_their_images(app, client, db, make):
    old_name = "Zx3_k-9AbCdEfGhIjKlMnOpQrStUvWx.png"  # secrets.token_urlsafe(24), as uploads were once named
    data = unique_png()
    os.makedirs(os.path.join(app.instance_path, "uploads"), exist_ok=True)
    with open(os.path.join(app.instance_path, "uploads", old_name), "wb") as out:
        out.write(data)
    product = make.product()
    db.session.add(ProductImage(product_id=product.id, path="uploads/" + old_name, position=-1))
    db.session.commit()
    page = client.get(f"/p/{product.code}", headers=EN).get_data(as_text=True)
    assert f'src="/media/{old_name}"' in page
    served = client.get(f"/media/{old_name}")
    assert served.status_code == 200 and served.data == data and served.headers["Content-Type"] == "image/png"


def test_names_that_are_not_stored_images_are_404(client, db):
    for name in ("..%2Finstance.html", "nothing.html", "a" * 64 + ".png", "mall.db"):
        assert client.get("/media/" + name).status_code == 404, name


def test_a_cdn_base_url_serves_upload_links_and_is_allowed_by_the_page_csp(app, db, make, tmp_path):
    product = make.product()
    name = hashlib.sha256(b"cdn").hexdigest() + ".webp"
    db.session.add(ProductImage(product_id=product.id, path="uploads/" + name, position=-1))
    db.session.commit()
    with other_app(app, str(tmp_path), MEDIA_PUBLIC_BASE_URL="https://cdn.example.com/mall-media/") as cdn_app:
        response = cdn_app.test_client().get(f"/p/{product.code}", headers=EN)
    page = response.get_data(as_text=True)
    assert f'src="https://cdn.example.com/mall-media/{name}"' in page
    assert f'<meta property="og:image" content="https://cdn.example.com/mall-media/{name}">' in page
    assert 'src="/static/demo/product-01.png"' in page  # the shipped pictures stay with the app
    assert "img-src 'self' data: https://cdn.example.com;" in response.headers["Content-Security-Policy"]


def test_a_second_host_on_local_disk_does_not_have_the_first_hosts_upload(app, client, db, make, brand, admin,
                                                                         tmp_path):
    # Why production needs MEDIA_STORAGE=s3: local disk is per host (the S3 tests show the shared bucket).
    product = make.product(brand)
    data = unique_png()
    follow(client, upload(client, product, data))
    with other_app(app, str(tmp_path)) as second_host:
        other_client = second_host.test_client()
        log_in(other_client, admin)
        assert other_client.get(f"/media/{hashlib.sha256(data).hexdigest()}.png").status_code == 404
