"""Publishing the chart: data URIs checked, stored by SHA-256, and URLs for the platforms."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.channels.media import (
    ImagePublisher,
    Media,
    MediaError,
    MediaSettings,
    MediaStore,
    decode_data_uri,
    is_media_name,
    media_url,
    normalize_public_url,
    sniff,
)
from bot.profile.model import WalkLog
from bot.progress_chart import progress_chart_png

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64


@pytest.fixture(scope="module")
def chart() -> bytes:
    """A real progress chart, as the coach draws it."""
    return progress_chart_png([WalkLog(day="2025-03-01", backward_minutes=10.0)])


def data_uri(data: bytes, kind: str = "image/png") -> str:
    return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")


def test_a_chart_data_uri_decodes_to_its_png(chart: bytes) -> None:
    media = decode_data_uri(data_uri(chart))
    assert media == Media(chart, "image/png")
    assert media.name == hashlib.sha256(chart).hexdigest() + ".png"
    assert decode_data_uri(data_uri(JPEG, "image/jpeg")).name.endswith(".jpg")


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("https://example.org/chart.png", "not a base64"),
        (data_uri(GIF, "image/gif"), "not a base64"),
        (data_uri(GIF), "not the declared"),
        (data_uri(JPEG), "not the declared"),  # JPEG bytes declared as PNG
        ("data:image/png;base64,!!!notbase64", "not a base64"),
        ("data:image/png;base64,abc", "invalid base64"),
        ("data:text/html;base64," + base64.b64encode(b"<script>").decode(), "not a base64"),
    ],
)
def test_other_uris_and_types_are_refused(uri: str, reason: str) -> None:
    with pytest.raises(MediaError, match=reason):
        decode_data_uri(uri)


def test_images_over_the_size_limit_are_refused(chart: bytes) -> None:
    with pytest.raises(MediaError, match="too large"):
        decode_data_uri(data_uri(chart), max_bytes=len(chart) - 1)
    assert decode_data_uri(data_uri(chart), max_bytes=len(chart)).data == chart
    with pytest.raises(MediaError, match="too large"):  # refused before decoding
        decode_data_uri("data:image/png;base64," + "A" * 4_000_000)


def test_sniff_knows_png_and_jpeg_only(chart: bytes) -> None:
    assert sniff(chart) == "image/png"
    assert sniff(JPEG) == "image/jpeg"
    assert sniff(GIF) is None
    assert sniff(b"") is None


@pytest.mark.parametrize(
    "name",
    [
        "../" + "a" * 64 + ".png",
        "a" * 64 + ".png/../../etc/passwd",
        "A" * 64 + ".png",
        "a" * 63 + ".png",
        "a" * 64 + ".gif",
        "a" * 64,
        "a" * 64 + ".png\x00",
        "%2e%2e%2f" + "a" * 64 + ".png",
    ],
)
def test_only_sha256_names_are_media_names(name: str) -> None:
    assert not is_media_name(name)


def test_media_names() -> None:
    assert is_media_name("0" * 64 + ".png")
    assert is_media_name("f" * 64 + ".jpg")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ""),
        ("https://coach.example.org/", "https://coach.example.org"),
        ("http://127.0.0.1:5005", "http://127.0.0.1:5005"),
        ("https://example.org/coach//", "https://example.org/coach"),
    ],
)
def test_public_url_is_normalized(raw: str, expected: str) -> None:
    assert normalize_public_url(raw) == expected


@pytest.mark.parametrize(
    "raw", ["coach.example.org", "ftp://example.org", "https://x.org/?a=1", "https://"]
)
def test_a_bad_public_url_is_an_error(raw: str) -> None:
    with pytest.raises(ValueError, match="RETROWALK_PUBLIC_URL"):
        normalize_public_url(raw)


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_PUBLIC_URL", "https://coach.example.org/")
    monkeypatch.setenv("RETROWALK_MEDIA_MAX_BYTES", "1000")
    settings = MediaSettings.from_env()
    assert settings == MediaSettings("https://coach.example.org", 1000, 30.0)
    monkeypatch.delenv("RETROWALK_PUBLIC_URL")
    monkeypatch.delenv("RETROWALK_MEDIA_MAX_BYTES")
    assert MediaSettings.from_env() == MediaSettings()


# -- storage -------------------------------------------------------------------------------------


def test_store_keeps_images_by_name(engine: sa.engine.Engine, chart: bytes) -> None:
    store = MediaStore(engine)
    store.create_schema()
    media = Media(chart, "image/png")
    name = store.put(media)
    assert name == media.name
    assert store.put(media) == name  # the same content is stored once
    assert store.get(name) == media
    assert store.get("0" * 64 + ".png") is None
    assert store.get("../etc/passwd") is None
    with engine.begin() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM channel_media").scalar() == 1


def test_expired_images_are_gone(engine: sa.engine.Engine, chart: bytes) -> None:
    now = [datetime(2025, 3, 1, tzinfo=timezone.utc)]
    store = MediaStore(engine, ttl_days=1, clock=lambda: now[0])
    store.create_schema()
    name = store.put(Media(chart, "image/png"))
    now[0] += timedelta(hours=23)
    assert store.get(name) is not None
    now[0] += timedelta(hours=2)
    assert store.get(name) is None
    assert store.prune() == 1


def test_publisher_stores_the_chart_and_gives_its_url(
    engine: sa.engine.Engine, chart: bytes
) -> None:
    store = MediaStore(engine)
    store.create_schema()
    publisher = ImagePublisher(MediaSettings(public_url="https://coach.example.org"), store)
    url = publisher.publish(data_uri(chart))
    name = hashlib.sha256(chart).hexdigest() + ".png"
    assert url == media_url("https://coach.example.org", name)
    assert url == f"https://coach.example.org/webhooks/media/{name}"
    assert store.get(name) == Media(chart, "image/png")
    assert publisher.publish("https://example.org/a.png") == "https://example.org/a.png"
    assert publisher.publish(data_uri(GIF, "image/gif")) is None


def test_without_a_public_url_nothing_is_published(chart: bytes) -> None:
    publisher = ImagePublisher(MediaSettings(public_url=""), None)
    assert not publisher.enabled
    assert publisher.publish(data_uri(chart)) is None
