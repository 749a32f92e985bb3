"""Week-by-week retro-walking plans: how they are made, stored, shown and adapted.

Plain Python with no Rasa import. Where each concept lives:

* :mod:`bot.plan.generate`: making a plan (``generate_plan``, ``starter_plan``) and the hard
  rules every plan follows.
* :mod:`bot.plan.templates`: the four templates, their numbers, and which a profile gets
  (``choose_template``, ``sessions_per_week``).
* :mod:`bot.plan.sessions`: one session's layout (warm-up, backward bouts, cool-down).
* :mod:`bot.plan.progression`: what changes from one week to the next
  (``allowed_next_backward``).
* :mod:`bot.plan.cues`: the technique cue each week practises.
* :mod:`bot.plan.disclaimers`: the disclaimers and general notes shown with a plan.
* :mod:`bot.plan.week`: the data of one week (``Week``, ``Session``, ``Segment``,
  ``TreadmillSetting``).
* :mod:`bot.plan.model`: the plan (``Plan``), its dict form for storage and its chat text.
* :mod:`bot.plan.render`: the wording helpers of that text.
* :mod:`bot.plan.adapt`: the next week from the logged walks (``adapt``).

Nothing is re-exported here: import from the module that holds the name, so that reading a
plan (``bot.plan.model``) does not load the plan generator.
"""
