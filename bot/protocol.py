"""The names of the custom payloads the bot sends clients, which obey them as data.

- ``retrowalk_session``: a session to walk (built in ``actions/plan.py``, read by
  :class:`voice.session.WalkSession`);
- ``retrowalk_no_session``: no session, and why;
- ``retrowalk_safety``: stop now (:func:`bot.safety.stop_message.stop_payload`).

Only the safety payload uses this module so far; the session payload's builder and parser
still name their types themselves (issue 14 moves them here).
"""

from __future__ import annotations

SESSION_TYPE = "retrowalk_session"
NO_SESSION_TYPE = "retrowalk_no_session"
SAFETY_TYPE = "retrowalk_safety"
