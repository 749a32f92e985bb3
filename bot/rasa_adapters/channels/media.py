"""The ``media`` channel: serves published images at ``GET /webhooks/media/<sha256>.png``.

It never produces a user message. Slack and Twilio fetch the progress chart from here (the
coach's replies carry it as a data URI; ``bot.channels.media.ImagePublisher`` stores it and
builds the URL). Names are checked against ``<64 hex digits>.png|jpg`` before any lookup, so
nothing but stored images can be read; anything else is a 404.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.media import MediaSettings, MediaStore, is_media_name
from bot.rasa_adapters.channels.base import Handler, Lazy, webhook_blueprint

logger = logging.getLogger(__name__)

CACHE_CONTROL = "private, max-age=86400, immutable"


class MediaInput(InputChannel):
    """Serves stored images; needs no secrets (always on)."""

    @classmethod
    def name(cls) -> str:
        """Routes under ``/webhooks/media/``."""
        return "media"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Settings come from the environment; ``credentials.yml`` needs no keys."""
        return cls()

    def __init__(self, settings: MediaSettings | None = None) -> None:
        """Create the channel (the database is opened on the first request)."""
        self.settings = settings or MediaSettings.from_env()
        self.store = Lazy(lambda: MediaStore.from_env(self.settings))

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        """Routes: ``GET /`` health and ``GET /<name>`` an image."""
        media = webhook_blueprint(self, __name__)

        @media.route("/<name:str>", methods=["GET"])
        async def image(_: Request, name: str) -> HTTPResponse:
            if not is_media_name(name):
                return response.text("Not found.", status=404)
            found = await asyncio.to_thread(lambda: self.store.get().get(name))
            if found is None:
                return response.text("Not found.", status=404)
            headers = {"Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"}
            return response.raw(found.data, content_type=found.content_type, headers=headers)

        return media
