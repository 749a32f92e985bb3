"""The walker's profile: what the coach knows, how answers are read, how they are shown.

Plain Python with no Rasa import. Where each concept lives:

* :mod:`bot.profile.model`: the profile (``Profile``, its value sets, plausible ranges and
  the one cautious default ``CAUTIOUS_PROFILE``) and a logged walk (``WalkLog``).
* :mod:`bot.profile.describe`: a profile or the answers so far in plain words
  (``describe_profile``, ``describe_answers``, ``describe_changes``).
* :mod:`bot.profile.parse`: ``parse_answers``, reading every profile answer in one message;
  its docstring lists the mapping decisions. It runs one reader per slot or small family of
  slots: :mod:`~bot.profile.experience`, :mod:`~bot.profile.age`,
  :mod:`~bot.profile.conditions`, :mod:`~bot.profile.location`, :mod:`~bot.profile.goal`,
  :mod:`~bot.profile.measures` (session minutes and weight, with or without a unit),
  :mod:`~bot.profile.days`, :mod:`~bot.profile.activity`, and
  :mod:`~bot.profile.bare_answers` (a bare number or a terse list). The readers share
  :mod:`~bot.profile.text` (the message and what was found in it) and
  :mod:`~bot.profile.entities` (Rasa entities); :mod:`~bot.profile.validation` turns what was
  found into one answer or one rejection per slot.
* :mod:`bot.profile.slots`: the slot names and the ``ParsedAnswer`` / ``Rejection`` results.
* :mod:`bot.profile.questions`: ``looks_like_question``.

Numbers and units come from :mod:`bot.nlp.quantities` and :mod:`bot.nlp.units`, negation
from :mod:`bot.nlp.negation`. Nothing is re-exported here: import from the module that holds
the name, so that reading a profile (``bot.profile.model``) does not load the parser.
"""
