"""A published August publication with one livelihood project (unit A leads, unit B cooperates),
and helpers to leave clues as the public does (through the page, no login)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accountability import services as acc
from accountability.models import PublicFeedback
from tasks.choices import TargetType
from tests.scenarios import D, approving_leader, at, issued

SEPT_10 = D(2018, 9, 10)


@pytest.fixture
def road(erin, unit_a, unit_b):
    return issued(
        erin, unit_a, [unit_b], target_type=TargetType.LIVELIHOOD, title="改造农村公路30公里",
        measure_unit="公里", target_value=Decimal(30),
    )  # fmt: skip


@pytest.fixture
def published(road, erin):
    with at(D(2018, 9, 3)):
        disclosure = acc.prepare_disclosure(month=D(2018, 8, 1), acting_user=erin)
        acc.approve_disclosure(disclosure, acting_user=approving_leader())
        return acc.publish_disclosure(disclosure, acting_user=erin)


@pytest.fixture
def on_sept_10():
    with at(SEPT_10):
        yield


def form_url(disclosure, target=None) -> str:
    url = reverse("public:feedback", args=[disclosure.pk])
    return f"{url}?target={target.code}" if target is not None else url


def send(client, disclosure, target=None, *, text="村口的路并没有修好，还是土路。", address="203.0.113.7", **fields):
    data = {"kind": "clue", "text": text, "contact": "", "website": "", **fields}
    if target is not None:
        data["target"] = target.code
    return client.post(reverse("public:feedback", args=[disclosure.pk]), data, REMOTE_ADDR=address)


def latest() -> PublicFeedback:
    return PublicFeedback.objects.order_by("-pk").first()


def jpeg_with_exif(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "TrackerSoft"  # Software
    exif[0x8825] = {1: "N", 2: (32.0, 58.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"personal comment")
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
