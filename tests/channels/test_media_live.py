"""The media route of the real coach: stored images only, never a user message."""

from __future__ import annotations

import base64
import hashlib

import pytest
import requests

from bot.channels.media import MediaSettings, MediaStore, decode_data_uri
from bot.profile.model import WalkLog
from bot.progress_chart import progress_chart_png
from bot.storage import Storage
from tests.conftest import LiveCoach

pytestmark = [pytest.mark.integration, pytest.mark.channels]


def media(coach: LiveCoach, name: str) -> str:
    return f"{coach.settings.rasa_url}/webhooks/media/{name}"


def test_a_stored_chart_is_served_with_its_type(live_coach: LiveCoach) -> None:
    chart = progress_chart_png([WalkLog(day="2025-02-03", backward_minutes=7.0)])
    uri = "data:image/png;base64," + base64.b64encode(chart).decode("ascii")
    store = MediaStore(Storage(live_coach.settings.database_url).engine)
    store.create_schema()
    name = store.put(decode_data_uri(uri, MediaSettings().max_bytes))
    store.engine.dispose()

    reply = requests.get(media(live_coach, name), timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "image/png"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.content == chart
    assert name == hashlib.sha256(reply.content).hexdigest() + ".png"


@pytest.mark.parametrize(
    "path",
    [
        "0" * 64 + ".png",  # well-formed, never stored
        "0" * 64 + ".gif",
        "credentials.yml",
        "..%2F..%2Fcredentials.yml",
        "%2e%2e/%2e%2e/credentials.yml",
        "../../credentials.yml",
        "..%252f..%252fetc%252fpasswd",
        "retrowalk.db",
    ],
)
def test_anything_else_is_not_found(live_coach: LiveCoach, path: str) -> None:
    reply = requests.get(media(live_coach, path), timeout=10)
    assert reply.status_code == 404
    assert not reply.content.startswith(b"\x89PNG")
    assert b"required_env" not in reply.content and b"SQLite" not in reply.content


def test_the_media_route_takes_no_messages(live_coach: LiveCoach) -> None:
    assert requests.post(media(live_coach, "webhook"), data=b"{}", timeout=10).status_code == 405
    health = requests.get(f"{live_coach.settings.rasa_url}/webhooks/media", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
