"""The voice coach (spoken cues during a walk, questions by voice): not built yet.

It will be a client of the bot over REST (same user, same conversation); today's
session is already available as structured data from ``action_todays_session``.
"""
