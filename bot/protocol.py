"""The names of the custom payloads the bot sends clients, which obey them as data.

- ``retrowalk_session``: a session to walk (built in ``actions/plan.py``, read by
  :class:`voice.session.WalkSession`); ``starter: true`` when it is the starter session
  for someone with no plan yet;
- ``retrowalk_no_session``: no session, and why (``reason``: ``needs_clearance`` or
  ``supervised_only`` from screening, ``bad_week`` or ``bad_day`` for a week or day the
  plan does not have);
- ``retrowalk_safety``: stop now (:func:`bot.safety.stop_message.stop_payload`).

"""

from __future__ import annotations

SESSION_TYPE = "retrowalk_session"
NO_SESSION_TYPE = "retrowalk_no_session"
SAFETY_TYPE = "retrowalk_safety"
