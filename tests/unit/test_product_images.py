"""Uploaded images are recognised by their magic bytes, never by their name or claimed type."""
import pytest

from mall.media.images import NAME_RE, image_kind


@pytest.mark.parametrize("head, kind", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpg"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "webp"),
    (b"<html><script>", None),
    (b"<svg xmlns=", None),
    (b"GIF89a", None),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
    (b"", None),
])
def test_image_kind(head, kind):
    assert image_kind(head) == kind


@pytest.mark.parametrize("name", ["../secret.png", "a.png", "x" * 20 + ".html", "x" * 20 + ".png.html", ".png"])
def test_only_names_we_hand_out_are_served(name):
    assert not NAME_RE.match(name)
