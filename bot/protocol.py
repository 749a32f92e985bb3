"""The bot's side of its protocol with clients: the custom payloads it sends, as data.

Clients (the voice walk, the web page, messaging channels) obey these instead of reading
the text. This module holds only names and shapes, so a client can import it without the
plan generator; the session payload itself is built by :mod:`bot.session_payload`.

- ``retrowalk_session``: a session to walk (built by :func:`bot.session_payload.session_payload`,
  read by :class:`voice.session.WalkSession`); ``source`` says whether it is the user's plan
  or the ``starter`` session for a user with no plan.
- ``retrowalk_no_session``: no session, and why (:data:`NO_SESSION_REASONS`); ``walk``
  says whether the client may walk at all (False after a warning sign, before clearance,
  or when only supervised practice is advised).
- ``retrowalk_safety``: stop now (:func:`bot.safety.stop_message.stop_payload`).
"""

from __future__ import annotations

from typing import Literal, get_args

SESSION_TYPE = "retrowalk_session"
NO_SESSION_TYPE = "retrowalk_no_session"
SAFETY_TYPE = "retrowalk_safety"

NoSessionReason = Literal["no_plan", "bad_week", "bad_day", "red", "clearance", "supervised_only"]
NO_SESSION_REASONS: tuple[NoSessionReason, ...] = get_args(NoSessionReason)
# Reasons after which no walk at all may be given (screening said so).
REFUSALS: frozenset[NoSessionReason] = frozenset({"red", "clearance", "supervised_only"})

SessionSource = Literal["plan", "starter"]
