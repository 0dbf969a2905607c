"""Images in an S3-compatible bucket (moto in server mode, or S3_TEST_ENDPOINT): every host behind the load
balancer stores into and serves from the same bucket, each picture is one object carrying its own headers."""
import contextlib
import hashlib
import os
import secrets

import pytest

from mall.accounts.models import Role
from mall.media.store import CACHE_CONTROL
from tests.integration.admin_support import EN, follow
from tests.integration.media_support import PNG_HEAD, log_in, other_app, unique_png, upload
from tests.integration.s3_support import s3_client, s3_server


@pytest.fixture(scope="module")
def s3_endpoint():
    with pytest.MonkeyPatch.context() as env, s3_server(env) as endpoint:
        yield endpoint


@pytest.fixture()
def bucket(s3_endpoint):
    name = "mall-test-" + secrets.token_hex(6)
    s3_client(s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture()
def hosts(app, db, s3_endpoint, bucket, tmp_path):
    """Two app instances as two hosts would run them: one database and one bucket, separate instance folders."""
    config = {"MEDIA_STORAGE": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_endpoint, "S3_REGION": "us-east-1"}
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(other_app(app, str(tmp_path / name), **config)) for name in ("one", "two")]


@pytest.fixture()
def brand(make):
    return make.brand(name="Tea House")


@pytest.fixture()
def admin(make, brand):
    return make.user(Role.BRAND_ADMIN, brand=brand)


def signed_in(host, user):
    client = host.test_client()
    log_in(client, user)
    return client


def objects(s3_endpoint, bucket) -> dict[str, int]:
    listing = s3_client(s3_endpoint).list_objects_v2(Bucket=bucket)
    return {item["Key"]: item["Size"] for item in listing.get("Contents", [])}


def test_upload_goes_to_the_bucket_with_its_headers_and_not_to_local_disk(hosts, s3_endpoint, bucket, make,
                                                                         brand, admin):
    first = hosts[0]
    data = unique_png()
    client = signed_in(first, admin)
    follow(client, upload(client, make.product(brand), data))
    name = hashlib.sha256(data).hexdigest() + ".png"
    stored = s3_client(s3_endpoint).get_object(Bucket=bucket, Key=name)
    assert stored["Body"].read() == data
    assert stored["ContentType"] == "image/png"
    assert stored["CacheControl"] == CACHE_CONTROL
    assert stored["ContentDisposition"] == "inline"
    assert not os.path.exists(os.path.join(first.instance_path, "uploads"))


def test_media_streams_from_the_bucket_with_our_headers(hosts, make, brand, admin):
    client = signed_in(hosts[0], admin)
    product = make.product(brand)
    data = unique_png()
    follow(client, upload(client, product, data))
    digest = hashlib.sha256(data).hexdigest()
    assert f'src="/media/{digest}.png"' in client.get(f"/p/{product.code}", headers=EN).get_data(as_text=True)
    served = client.get(f"/media/{digest}.png")
    assert served.status_code == 200 and served.data == data
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["Content-Length"] == str(len(data))
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == "inline"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert served.headers["Cache-Control"] == CACHE_CONTROL
    assert client.get(f"/media/{digest}.png", headers={"If-None-Match": f'"{digest}"'}).status_code == 304
    assert client.get("/media/" + "0" * 64 + ".png").status_code == 404


def test_same_bytes_uploaded_twice_are_one_object(hosts, s3_endpoint, bucket, make, brand, admin):
    data = unique_png()
    first, second = make.product(brand), make.product(brand)
    for host, product in ((hosts[0], first), (hosts[1], second), (hosts[1], first)):
        client = signed_in(host, admin)
        follow(client, upload(client, product, data))
    assert objects(s3_endpoint, bucket) == {hashlib.sha256(data).hexdigest() + ".png": len(data)}


def test_a_second_host_serves_the_image_the_first_uploaded(hosts, make, brand, admin):
    first, second = hosts
    product = make.product(brand)
    data = unique_png()
    client = signed_in(first, admin)
    follow(client, upload(client, product, data))
    other = second.test_client()
    name = hashlib.sha256(data).hexdigest() + ".png"
    assert f'src="/media/{name}"' in other.get(f"/p/{product.code}", headers=EN).get_data(as_text=True)
    served = other.get(f"/media/{name}")
    assert served.status_code == 200 and served.data == data and served.headers["Content-Type"] == "image/png"


def test_demo_pictures_still_come_from_static(hosts, make):
    product = make.product()  # the factory gives every product demo/product-01.png
    client = hosts[0].test_client()
    assert 'src="/static/demo/product-01.png"' in client.get(f"/p/{product.code}", headers=EN).get_data(as_text=True)
    picture = client.get("/static/demo/product-01.png")
    assert picture.status_code == 200 and picture.headers["Content-Type"] == "image/png"
    assert picture.data.startswith(PNG_HEAD)


def test_old_local_uploads_are_copied_into_the_bucket_once(hosts, s3_endpoint, bucket):
    first, second = hosts
    folder = os.path.join(first.instance_path, "uploads")
    os.makedirs(folder)
    old_name = "Zx3_k-9AbCdEfGhIjKlMnOpQrStUvWx.png"  # a random name, as uploads were named before
    data = unique_png()
    with open(os.path.join(folder, old_name), "wb") as out:
        out.write(data)
    with open(os.path.join(folder, "Q" * 32 + ".png"), "wb") as out:
        out.write(b"<html><script>alert(1)</script>")  # bytes that are no image are never published
    runner = first.test_cli_runner()
    with first.app_context():  # else the command would run in the test app's context, which is already pushed
        assert "copied 1 images, 0 already" in runner.invoke(args=["mall", "media-copy-local"]).output
        assert "copied 0 images, 1 already" in runner.invoke(args=["mall", "media-copy-local"]).output
    assert objects(s3_endpoint, bucket) == {old_name: len(data)}
    assert second.test_client().get(f"/media/{old_name}").data == data
