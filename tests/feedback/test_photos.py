"""A photo sent with a clue is re-encoded with Pillow: the metadata (EXIF, GPS, comments) is gone,
the size is bounded, and a bad or huge file gets a clear Chinese message and stores nothing."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.urls import reverse
from PIL import Image

from accountability.models import PublicFeedback
from accountability.services.photos import MAX_BYTES, MAX_SIDE, reencode_photo
from core.errors import RuleViolation

from .conftest import jpeg_with_exif, latest, send, upload

pytestmark = pytest.mark.usefixtures("on_sept_10")


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size without the pixels (what a decompression bomb looks like to the reader)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = chunk(b"IDAT", zlib.compress(b"\x00" * 16))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")


def test_the_fixture_photo_really_carries_metadata():
    with Image.open(io.BytesIO(jpeg_with_exif())) as original:
        assert original.getexif().get(0x010F) == "SecretCam" and original.info.get("comment")


def test_a_photo_is_reencoded_without_any_metadata(published, road, client):
    assert send(client, published, road, photo=upload(jpeg_with_exif())).status_code == 302
    stored = latest().photo
    data = stored.read()
    assert b"SecretCam" not in data and b"TrackerSoft" not in data and b"personal comment" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (64, 48)
        assert not image.getexif() and "exif" not in image.info and "comment" not in image.info
    assert stored.name.endswith(".jpg") and "photo" not in stored.name.split("/")[-1]


def test_a_large_photo_is_scaled_down():
    big = io.BytesIO()
    Image.new("RGB", (MAX_SIDE * 2, MAX_SIDE), "white").save(big, format="PNG")
    with Image.open(io.BytesIO(reencode_photo(upload(big.getvalue(), "big.png", "image/png")))) as image:
        assert max(image.size) == MAX_SIDE


@pytest.mark.parametrize(
    "data",
    [b"this is not a picture at all", jpeg_with_exif()[:200], b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"],
    ids=["text", "truncated-jpeg", "svg"],
)
def test_a_file_that_is_not_a_readable_photo_is_refused_in_chinese(published, road, client, data):
    page = send(client, published, road, photo=upload(data)).content.decode()
    assert "无法识别该文件" in page
    assert not PublicFeedback.objects.exists()


def test_a_photo_of_too_many_pixels_is_refused_before_it_is_decoded(published, road, client):
    page = send(client, published, road, photo=upload(_png_header_only(60000, 60000), "bomb.png")).content.decode()
    assert "像素过多" in page
    assert not PublicFeedback.objects.exists()


def test_a_file_too_large_is_refused(published, road, client):
    page = send(client, published, road, photo=upload(b"\xff" * (MAX_BYTES + 1))).content.decode()
    assert "照片太大" in page
    assert not PublicFeedback.objects.exists()


def test_reencoding_refuses_with_a_field_message():
    with pytest.raises(RuleViolation, match="This file is not a photo we can read") as refused:
        reencode_photo(upload(b"GIF89a-broken"))
    assert "photo" in refused.value.message_dict


def test_the_photo_is_served_only_to_the_office(published, road, client, erin, alice):
    send(client, published, road, photo=upload(jpeg_with_exif()))
    url = reverse("public_feedback:photo", args=[latest().pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(alice)
    assert client.get(url).status_code == 403
    client.force_login(erin)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert b"SecretCam" not in b"".join(response.streaming_content)
