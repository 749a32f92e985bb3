"""Delete my data: confirm, then remove profile, plans, logs and conversation history.

Besides what :meth:`bot.storage.Storage.delete_user` removes (profile, plans, walk logs,
conversation events), the messaging channels keep two things about a user in the same
database, removed here too (:func:`erase_channel_data`): the numbered options last offered
on SMS/WhatsApp (``channel_options``, keyed by the sender) and the images published for
Slack/Twilio (``channel_media``, keyed by the image's SHA-256: the progress charts found in
the user's conversation are decoded and their names deleted).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import Connection, Engine

from actions.store import storage
from bot.channels.media import MediaError, channel_media, decode_data_uri
from bot.channels.options import channel_options
from bot.storage import EVENTS_TABLE, check_user_id

logger = logging.getLogger(__name__)

# Charts are a few dozen KiB; a larger image in the history is still matched by its hash.
_MAX_IMAGE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ChannelErasure:
    """What :func:`erase_channel_data` removed.

    Attributes:
        options: Rows of ``channel_options`` (numbered options offered to the user).
        images: Rows of ``channel_media`` (published images of the user's conversation).
    """

    options: int
    images: int


def _conversation_images(connection: Connection, user_id: str) -> set[str]:
    """Media names (``<sha256>.png``) of the data-URI images the bot sent to ``user_id``."""
    events = sa.table(
        EVENTS_TABLE, sa.column("sender_id"), sa.column("type_name"), sa.column("data")
    )
    rows = connection.execute(
        sa.select(events.c.data).where(events.c.sender_id == user_id, events.c.type_name == "bot")
    )
    names: set[str] = set()
    for (raw,) in rows:
        try:
            image = (json.loads(raw).get("data") or {}).get("image")
        except (ValueError, AttributeError):
            continue
        if not isinstance(image, str) or not image.startswith("data:"):
            continue
        try:
            names.add(decode_data_uri(image, _MAX_IMAGE_BYTES).name)
        except MediaError:
            continue
    return names


def erase_channel_data(engine: Engine, user_id: str) -> ChannelErasure:
    """Delete the channel data kept about ``user_id``: numbered options and published images.

    Call it before the conversation events are deleted (the images are found through them).
    Tables that do not exist (no Twilio or Slack channel ever ran) are skipped.

    Raises:
        ValueError: If ``user_id`` is invalid.
    """
    uid = check_user_id(user_id)
    with engine.begin() as connection:
        inspector = sa.inspect(connection)
        images = 0
        if inspector.has_table(EVENTS_TABLE) and inspector.has_table(channel_media.name):
            names = _conversation_images(connection, uid)
            if names:
                images = connection.execute(
                    sa.delete(channel_media).where(channel_media.c.name.in_(sorted(names)))
                ).rowcount
        options = 0
        if inspector.has_table(channel_options.name):
            options = connection.execute(
                sa.delete(channel_options).where(channel_options.c.sender_id == uid)
            ).rowcount
    return ChannelErasure(options=int(options or 0), images=int(images or 0))


# Words that keep a repeated delete request from confirming it ("no, don't delete it").
_HOLD_BACK = re.compile(
    r"\b(?:no|not|don'?t|do not|never ?mind|wait|cancel|keep|stop|what|how|why|which)\b|\?",
    re.IGNORECASE,
)


# The request itself called off ("no no wait dont delete"): read as a delete request by NLU,
# it answers the open question with a no.
_CALLED_OFF = re.compile(
    r"\b(?:don'?t|do not|dont|no need to|never ?mind|cancel)\b[^.!?]{0,15}"
    r"\b(?:delete|deleting|remove|erase|wipe)\b",
    re.IGNORECASE,
)


def _asked_just_before(tracker: Tracker) -> bool:
    """Whether the coach's last turn asked to confirm a deletion (still unanswered)."""
    if tracker.get_slot("awaiting") != "delete_data":
        return False
    users = [i for i, event in enumerate(tracker.events) if event.get("event") == "user"]
    if len(users) < 2:
        return False
    last_turn = tracker.events[users[-2] + 1 : users[-1]]
    return any(
        event.get("event") == "action" and event.get("name") == "action_ask_delete_confirmation"
        for event in last_turn
    )


class ActionAskDeleteConfirmation(Action):
    """Ask before deleting anything."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_ask_delete_confirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Ask, and remember that a yes/no is expected; asked again right after the question
        ("yes delete it", "just delete it"), the request is the confirmation."""
        text = str((tracker.latest_message or {}).get("text") or "")
        if tracker.get_slot("awaiting") == "delete_data" and _CALLED_OFF.search(text):
            dispatcher.utter_message(response="utter_delete_cancelled")
            return [SlotSet("awaiting", None)]
        if _asked_just_before(tracker) and not _HOLD_BACK.search(text):
            return delete_data(dispatcher, tracker)
        dispatcher.utter_message(response="utter_confirm_delete")
        return [SlotSet("awaiting", "delete_data")]


def delete_data(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Delete everything stored about the user and restart the conversation.

    The conversation history is deleted in the same database transaction as the profile,
    plans and logs. Rasa stores this turn's events after the action returns; the
    ``Restarted`` event makes them the start of a fresh conversation with no profile.
    """
    store = storage()
    erased = erase_channel_data(store.engine, tracker.sender_id)
    report = store.delete_user(tracker.sender_id)
    logger.info(
        "deleted a user's channel data: %d option sets, %d images", erased.options, erased.images
    )
    dispatcher.utter_message(
        text=f"Done. I've deleted your profile, {report.plans} plan(s), {report.walk_logs} "
        "walk log(s) and our conversation history. If you come back, we'll start fresh."
    )
    return [Restarted()]


class ActionDeleteData(Action):
    """Delete the user's data (after confirmation)."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_delete_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Delete."""
        return delete_data(dispatcher, tracker)


def answer_delete_confirmation(
    dispatcher: CollectingDispatcher, tracker: Tracker, yes: bool
) -> list[EventType]:
    """The answer to "Are you sure?" before deleting: delete everything, or cancel."""
    if yes:
        return delete_data(dispatcher, tracker)
    dispatcher.utter_message(response="utter_delete_cancelled")
    return [SlotSet("awaiting", None), SlotSet("pending", None)]
