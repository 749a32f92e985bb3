"""What travels between the bot and its clients: typed payloads, read and written in one place.

The bot answers with text for people and, beside it, ``custom`` payloads that clients obey as
data (never by re-reading the text); clients send structured requests as intent payloads
(``/todays_session{"week": 3}``). Each payload has a typed dataclass with ``to_payload`` (the
exact JSON the wire carries) and ``from_payload`` (validation with a
:class:`~bot.protocol.fields.PayloadError` naming the bad field). Plain Python, no Rasa import:
the actions, the voice coach and any later client use the same code.

Payloads the bot sends (``custom``, told apart by ``type``):

- ``retrowalk_session`` (:mod:`bot.protocol.session`): a session to walk, built from the
  bot's plan by :mod:`bot.protocol.plan_sessions`; ``starter: true`` when it is the starter
  session for someone with no plan yet (:func:`bot.protocol.plan_sessions.starter_session`,
  which is also what a client walks offline when the bot never gave it a session);
- ``retrowalk_no_session`` (:mod:`bot.protocol.no_session`): no session, and why
  (``reason``: ``needs_clearance`` or ``supervised_only`` from screening, ``bad_week`` or
  ``bad_day`` for a week or day the plan does not have);
- ``retrowalk_safety`` (:mod:`bot.protocol.safety`): stop now
  (built by :func:`bot.safety.stop_message.stop_payload`);
- ``retrowalk_calories`` (:mod:`bot.protocol.calories`): a calorie estimate and the inputs
  it used, sent beside the readable text (``actions/calories.py``).

What clients send (:mod:`bot.protocol.intents`, :mod:`bot.protocol.walk_log`): the request for
a session by week and day, and the structured walk log
``/log_walk{"minutes": 12.5, "completed": false, "source": "voice"}``.

This module holds only the type names, so every part of the bot can import them cheaply.
"""

from __future__ import annotations

SESSION_TYPE = "retrowalk_session"
NO_SESSION_TYPE = "retrowalk_no_session"
SAFETY_TYPE = "retrowalk_safety"
CALORIES_TYPE = "retrowalk_calories"
PAYLOAD_TYPES = (SESSION_TYPE, NO_SESSION_TYPE, SAFETY_TYPE, CALORIES_TYPE)
