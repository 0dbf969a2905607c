"""Uploaded images are named by the sha256 of their bytes, and the local store keeps each name once."""
import hashlib
import os

import pytest

from mall.media.extension import build_store, media_image_sources
from mall.media.images import NAME_RE, ImageError, checked_image, content_type_of
from mall.media.local_store import LocalStore

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x01" * 32


def test_name_is_the_sha256_of_the_bytes_with_the_recognised_extension():
    assert checked_image(PNG) == (hashlib.sha256(PNG).hexdigest() + ".png", "image/png")
    assert checked_image(JPEG)[0].endswith(".jpg") and checked_image(JPEG)[1] == "image/jpeg"


def test_same_bytes_same_name_other_bytes_other_name():
    assert checked_image(PNG)[0] == checked_image(bytes(PNG))[0]
    assert checked_image(PNG)[0] != checked_image(PNG + b"\x00")[0]


def test_hashed_and_old_random_names_are_both_servable_names():
    assert NAME_RE.match(checked_image(PNG)[0])
    assert content_type_of("Zx3_k-9AbCdEfGhIjKlMnOpQrStUvWx.png") == "image/png"  # an uploads/ row from before


@pytest.mark.parametrize("data, code", [(b"", "empty"), (PNG + b"\x00" * (2 * 1024 * 1024), "too_large"),
                                        (b"<html><script>", "not_an_image"), (b"GIF89a" + b"\x00" * 20, "not_an_image")])
def test_unacceptable_uploads_are_refused(data, code):
    with pytest.raises(ImageError) as err:
        checked_image(data)
    assert err.value.code == code


@pytest.mark.parametrize("name", ["../" + "a" * 64 + ".png", "a" * 64 + ".html", "a" * 64 + ".svg", "x.png", ""])
def test_names_we_never_hand_out_have_no_content_type(name):
    assert content_type_of(name) is None


def test_local_store_keeps_a_name_once(tmp_path):
    store = LocalStore(str(tmp_path / "uploads"))
    name, content_type = checked_image(PNG)
    assert store.put(name, PNG, content_type) is True
    assert store.put(name, PNG, content_type) is False
    assert os.listdir(tmp_path / "uploads") == [name]  # no temporary file left behind
    found = store.get(name)
    with found.stream:
        assert (found.stream.read(), found.size) == (PNG, len(PNG))
    assert store.exists(name) and not store.exists("b" * 64 + ".png")
    assert store.get("b" * 64 + ".png") is None


def test_local_store_never_turns_a_foreign_name_into_a_path(tmp_path):
    (tmp_path / "secret.png").write_bytes(PNG)
    store = LocalStore(str(tmp_path / "uploads"))
    assert store.get("../secret.png") is None and not store.exists("../secret.png")
    with pytest.raises(ValueError):
        store.put("../" + "a" * 64 + ".png", PNG, "image/png")


def test_storage_choice_is_checked_at_start(tmp_path):
    assert isinstance(build_store({"MEDIA_STORAGE": "local"}, str(tmp_path)), LocalStore)
    with pytest.raises(RuntimeError, match="S3_BUCKET"):
        build_store({"MEDIA_STORAGE": "s3"}, str(tmp_path))
    with pytest.raises(RuntimeError, match="'local' or 's3'"):
        build_store({"MEDIA_STORAGE": "nfs"}, str(tmp_path))


def test_page_csp_allows_images_from_the_cdn_origin_only_when_one_is_set():
    assert media_image_sources({}) == "'self' data:"
    assert media_image_sources({"MEDIA_PUBLIC_BASE_URL": "https://cdn.example.com/mall/"}) == \
        "'self' data: https://cdn.example.com"
