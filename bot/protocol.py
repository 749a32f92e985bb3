"""The names of the custom payloads the bot sends clients, which obey them as data.

- ``retrowalk_session``: a session to walk (built in ``actions/plan.py``, read by
  :class:`voice.session.WalkSession`); ``starter: true`` when it is the starter session
  for someone with no plan yet;
- ``retrowalk_no_session``: no session, and why (``reason``: ``needs_clearance`` or
  ``supervised_only`` from screening, ``bad_week`` or ``bad_day`` for a week or day the
  plan does not have);
- ``retrowalk_safety``: stop now (:func:`bot.safety.stop_message.stop_payload`);
- ``retrowalk_calories``: a calorie estimate and the inputs it used (``kcal``, ``minutes``,
  ``weight_kg``, ``speed_mph``, ``speed_assumed``, ``incline_pct``, ``met``), sent beside
  the readable text (``actions/calories.py``).

"""

from __future__ import annotations

SESSION_TYPE = "retrowalk_session"
NO_SESSION_TYPE = "retrowalk_no_session"
SAFETY_TYPE = "retrowalk_safety"
CALORIES_TYPE = "retrowalk_calories"
