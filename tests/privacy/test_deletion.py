""" "Delete my data" removes a user from every store: conversation events, profile, plans,
walk logs, the numbered options of SMS/WhatsApp and the images published for them.

Live: a WhatsApp user (signed Twilio webhooks, the Messages API stand-in) builds a plan,
logs a walk, gets the progress chart as a published image, then deletes their data; each
table is then read directly. Unit: :func:`actions.privacy.erase_channel_data` on a
database holding two users.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
import sqlalchemy as sa

from actions.privacy import erase_channel_data
from bot.channels.media import channel_media, decode_data_uri
from bot.channels.media import metadata as media_metadata
from bot.channels.options import channel_options
from bot.channels.options import metadata as options_metadata
from bot.storage import Storage, plans, profiles, walk_logs
from tests.channels.standins.twilio_api import TwilioApiStandIn, signature, webhook_params
from tests.conftest import CHANNEL_SECRETS, LiveCoach

TWILIO = CHANNEL_SECRETS["twilio"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def chart_uri(seed: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(PNG + seed).decode()


# -- unit ---------------------------------------------------------------------------------


@pytest.fixture
def database(tmp_path: Path) -> Iterator[sa.engine.Engine]:
    """A database with the coach's tables, Rasa's events table and the channel tables."""
    storage = Storage(f"sqlite:///{tmp_path / 'coach.db'}")
    storage.create_schema()
    engine = storage.engine
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
            "type_name VARCHAR(255), timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)"
        )
    options_metadata.create_all(engine)
    media_metadata.create_all(engine)
    yield engine
    engine.dispose()


def add_user(engine: sa.engine.Engine, user: str, seed: bytes) -> str:
    """Events with a chart, options on two channels, the published chart; its media name."""
    name = decode_data_uri(chart_uri(seed)).name
    now = datetime.now(timezone.utc)
    bot_event = {"event": "bot", "text": "Here's your progress", "data": {"image": chart_uri(seed)}}
    with engine.begin() as connection:
        for type_name, data in [
            ("user", {"event": "user", "text": "how am I doing?"}),
            ("bot", bot_event),
            ("bot", {"event": "bot", "text": "no image", "data": {"image": None}}),
            ("bot", {"event": "bot", "text": "a link", "data": {"image": "https://x/y.png"}}),
        ]:
            connection.execute(
                sa.text("INSERT INTO events (sender_id, type_name, data) VALUES (:s, :t, :d)"),
                {"s": user, "t": type_name, "d": json.dumps(data)},
            )
        for channel in ("twilio_sms", "twilio_whatsapp"):
            connection.execute(
                sa.insert(channel_options).values(
                    channel=channel, sender_id=user, payloads='["/affirm"]', updated_at=now
                )
            )
        connection.execute(
            sa.insert(channel_media).values(
                name=name, content_type="image/png", data=PNG + seed, created_at=now
            )
        )
    return name


def test_erase_channel_data_removes_only_that_users_options_and_images(
    database: sa.engine.Engine,
) -> None:
    mine = add_user(database, "+15550000001", b"mine")
    theirs = add_user(database, "+15550000002", b"theirs")
    erased = erase_channel_data(database, "+15550000001")
    assert (erased.options, erased.images) == (2, 1)
    with database.begin() as connection:
        names = set(connection.execute(sa.select(channel_media.c.name)).scalars())
        senders = list(connection.execute(sa.select(channel_options.c.sender_id)).scalars())
    assert names == {theirs} and mine not in names
    assert senders == ["+15550000002", "+15550000002"]


def test_erase_channel_data_without_channel_tables(tmp_path: Path) -> None:
    storage = Storage(f"sqlite:///{tmp_path / 'plain.db'}")
    storage.create_schema()
    erased = erase_channel_data(storage.engine, "ann")
    assert (erased.options, erased.images) == (0, 0)
    with pytest.raises(ValueError):
        erase_channel_data(storage.engine, "")


# -- live ---------------------------------------------------------------------------------


class WhatsApp:
    """A WhatsApp user texting the coach through Twilio's signed webhook."""

    def __init__(self, coach: LiveCoach, api: TwilioApiStandIn) -> None:
        self.coach = coach
        self.api = api
        self.address = f"whatsapp:+1555{uuid.uuid4().int % 10**7:07d}"
        self.url = coach.webhook_url("twilio_whatsapp")

    def say(self, text: str) -> str:
        """Send ``text``; the bodies of the replies it caused."""
        before = len(self.api.sent(self.address))
        to = "whatsapp:" + TWILIO["RETROWALK_TWILIO_WHATSAPP_NUMBER"]
        params = webhook_params(TWILIO["RETROWALK_TWILIO_ACCOUNT_SID"], self.address, to, text)
        reply = requests.post(
            self.url,
            data=urlencode(params),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature(
                    TWILIO["RETROWALK_TWILIO_AUTH_TOKEN"], self.url, params
                ),
            },
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        return "\n".join(str(r.value("Body") or "") for r in self.api.sent(self.address)[before:])

    def media_urls(self) -> list[str]:
        return [
            str(r.value("MediaUrl")) for r in self.api.sent(self.address) if r.value("MediaUrl")
        ]


def rows(engine: sa.engine.Engine, table: sa.Table, column: sa.Column, user: str) -> int:
    with engine.begin() as connection:
        return int(
            connection.execute(
                sa.select(sa.func.count()).select_from(table).where(column == user)
            ).scalar_one()
        )


@pytest.mark.integration
@pytest.mark.channels
def test_delete_my_data_empties_every_store(live_coach: LiveCoach) -> None:
    marker = f"zq{uuid.uuid4().hex[:10]}"
    with TwilioApiStandIn(
        live_coach.api_ports["twilio"],
        TWILIO["RETROWALK_TWILIO_ACCOUNT_SID"],
        TWILIO["RETROWALK_TWILIO_AUTH_TOKEN"],
    ) as api:
        user = WhatsApp(live_coach, api)
        user.say(f"hi {marker}")
        assert "walked backwards for exercise before" in user.say("make me a plan please")
        assert "How old are you" in user.say("never tried it")
        assert "injuries or health conditions" in user.say("I'm 52")
        for answer in ("I have knee arthritis", "outdoors on a track", "better balance"):
            assert user.say(answer)
        assert user.say("30 minutes")
        # Knee arthritis needs a clinician's clearance before the plan (PAR-Q).
        assert "cleared you" in user.say("3 days a week")
        assert "gentle" in user.say("my doctor cleared me")
        assert user.say("I walked 10 minutes backwards today, felt easy")
        user.say("how am I doing?")
        charts = user.media_urls()
        assert charts, "the progress chart was not sent as an image"
        assert requests.get(charts[-1], timeout=30).status_code == 200

        engine = sa.create_engine(live_coach.settings.database_url, future=True)
        events = sa.table("events", sa.column("sender_id"), sa.column("data"))
        try:
            assert rows(engine, profiles, profiles.c.user_id, user.address) == 1
            assert rows(engine, walk_logs, walk_logs.c.user_id, user.address) >= 1
            assert rows(engine, plans, plans.c.user_id, user.address) >= 1

            assert "sure" in user.say("delete my data").lower()
            assert "deleted your profile" in user.say("yes")

            assert rows(engine, profiles, profiles.c.user_id, user.address) == 0
            assert rows(engine, plans, plans.c.user_id, user.address) == 0
            assert rows(engine, walk_logs, walk_logs.c.user_id, user.address) == 0
            assert rows(engine, channel_options, channel_options.c.sender_id, user.address) == 0
            with engine.begin() as connection:
                left = list(
                    connection.execute(
                        sa.select(events.c.data).where(events.c.sender_id == user.address)
                    ).scalars()
                )
                stored_media = set(connection.execute(sa.select(channel_media.c.name)).scalars())
        finally:
            engine.dispose()
        # Only the deletion turn's own events remain: no message, answer or image of before.
        history = "\n".join(left)
        for gone in (marker, "arthritis", "image/png"):
            assert gone not in history
        assert not {url.rsplit("/", 1)[-1] for url in charts} & stored_media
        assert requests.get(charts[-1], timeout=30).status_code == 404
        assert "don't have a profile" in user.say("what do you know about me?")
