"""Turn free-text answers to the profile questions into profile slot values.

Plain Python with no Rasa import. The profile form asks for retro-walking experience, age,
injuries and health conditions, where the user will walk, their goal, minutes per session,
days per week and (optionally) weight. People answer in any order, several at once ("I'm 70,
I walk in the park 3 days a week") and in any phrasing. :func:`parse_answers` extracts every
slot present in one message; values that cannot be used come back as a :class:`Rejection`
with a friendly, specific sentence to show the user.

Sources. Text is parsed with rules that reuse :mod:`bot.nlp.quantities` for every number and
unit ("half an hour", "11 st 4 lb", "seventy-five"). Rasa entities from the spaCy pipeline
(``entity``/``value``/``unit``/``raw``, optionally ``start``/``end``) are used as well:
``place``, ``condition`` and ``symptom`` entities are read first (their canonical values win
over the free-text rules for the same words); ``age``, ``duration`` and ``weight`` entities
only fill in spans that the text rules did not already read. An entity whose ``raw`` text
cannot be found in the message is used only when the text gave nothing for that slot.

Mapping decisions:

* **experience**: "never tried it", "first time", "beginner", "new to this" -> ``none``;
  "tried it", "a few times", "once or twice", "occasionally" -> ``some``; "regularly",
  "every week", "for years", "experienced" -> ``regular``. Frequency words count only when
  they are about backward walking (the clause mentions retro/backward/reverse or says "it") or
  when the coach asked about experience. Several levels in one message: the highest wins
  ("I'm a beginner but I've tried it twice" -> ``some``). When asked: "no"/"not really" ->
  ``none``, "a bit" -> ``some``, a frequency ("every day") -> ``regular``, and a bare "yes"
  is a Rejection asking how much.
* **age**: "I'm 70", "70 years old", "aged 70", "in my sixties" (60; "mid" +5, "late" +8, as
  in quantities.py). A bare number only when the coach asked for the age ("1954" then gets a
  Rejection asking for the age rather than the birth year). Numbers followed by a unit ("I'm
  70 kg", "I'm 5 foot 6", "I'm 6 weeks post-op", "70 minutes") are never ages, nor are ages of
  someone else ("my mum is 95"). "I'm 70" is an age even when the weight was asked.
* **conditions**: ``condition``/``symptom`` entity values plus free text ("bad knee", "knee
  pain", "pain in my hip", and named conditions such as asthma or high blood pressure).
  "no injuries", "I'm healthy", and, when asked, "none"/"no"/"nothing" -> ``()``; negated
  mentions ("no knee problems", "never had a fall") and things to prevent ("to avoid falls")
  are not conditions. A bare "yes" to the conditions question is a Rejection asking which.
* **location**: treadmill -> ``treadmill``; park, track, path, trail, road, pavement, beach,
  grass, field, hill, garden, outside -> ``outdoor``; hallway, corridor, indoors, inside,
  kitchen, living room -> ``indoor_support``. *Weak* places give way to any specific place in
  the same message: containers (gym, leisure centre, mall, "at home") and supports (wall,
  handrail, chair, counter, stairs). So "the treadmill at the gym" -> treadmill and "the
  garden at home" -> outdoor, while "the gym" alone -> ``indoor_support`` (a gym has open
  floor and something to hold; the treadmill is chosen only when it is named). Any track,
  indoor or outdoor, is ``outdoor`` (open flat lane, no support). Negated places ("no
  treadmill", "instead of the park") are ignored; pool is ignored. Two specific places that
  map to different locations -> a Rejection asking which.
* **goal**: balance/steadier/falls -> ``balance``; knees/joints/arthritis/hips -> ``joints``;
  fitness/calories/weight loss/cardio/running -> ``fitness``; rehab/recovery/after
  surgery/physio -> ``rehab``; curious/just trying/fun -> ``curiosity``. Unambiguous goal
  phrases count anywhere ("just curious", "for fun", "weight loss", "lose 5 kg", "rehab",
  "recovering", "physio", "after surgery"); other keywords count only within a few words
  after a goal cue ("for", "to", "want", "help", "improve", "prevent", ...) or when the coach
  asked for the goal, so "I have arthritis in my knees" is a condition, not a goal. Curiosity
  gives way to any other goal, and joints to rehab ("rehab for my knee" -> rehab); other
  pairs -> a Rejection asking which matters most.
* **minutes_per_session**: any duration ("20 minutes", "half an hour" = 30, "an hour" = 60,
  "1h30" = 90), rounded to whole minutes. Ranges ("20-30 minutes", "20 to 30 mins", "half an
  hour to an hour") give the **lower bound**, the safe start. A bare number only when asked.
  A duration "a week" is a weekly total and is a Rejection asking for minutes per session.
* **days_per_week**: "3 days a week", "three times a week", "3x/week", "twice a week" (2),
  "once a week" (1), "every day"/"daily" (7), "weekdays" (5), "weekends" (2), "most days" (5),
  "a couple of days a week" (2), "a few times a week" (3), "several days a week" (4), and
  "every other day"/"alternate days" -> **3** (the lower of 3 or 4, keeping a rest day between
  walks). Ranges ("3-4 days a week") give the lower bound. Two or more weekday names
  ("Mondays and Thursdays") count the days. "twice"/"3 times"/"3 days" with no "a week" count
  only after "I can/could do" or when the coach asked for days (otherwise "I've tried it
  twice" is experience). Work or other sports frequencies ("I work 5 days a week", "I swim
  twice a week") are not walking days, nor is how often they do it now told in answer to
  the experience question ("regularly, like every weekend"), unless they say they want or can
  ("I could do 3 a week") or answer more at once. Fractional days are a Rejection.
* **weight_kg**: kg, lb and stone through quantities.py ("80 kg", "176 lbs", "12 stone", "11
  st 4"), rounded to 0.1 kg. A number without a unit ("I weigh 80") is a Rejection asking for
  the unit, **except** when the coach asked for the weight and the number is a plausible
  weight in kg (25-300), which is then taken as kg. Weights that are not body weight ("lose 5
  kg", "a 5 kg backpack", "get down to 70 kg") are ignored.
* **regularly_active**: "I'm active", "I exercise regularly", "I swim twice a week" -> True;
  "inactive", "sedentary", "I haven't exercised in years", "not very active", "I used to be
  active" -> False. When asked, "yes"/"no" answer it.

Values outside the plausible ranges of :mod:`bot.profile.model` (``AGE_RANGE``,
``WEIGHT_KG_RANGE``, ``MINUTES_RANGE``, ``DAYS_RANGE``) and different values for one slot in
one message ("I'm 65... I'm 70") give a Rejection, never a ParsedAnswer. A slot appears at
most once, either in the answers or in the rejections.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.profile.activity import activity, yes_no
from bot.profile.age import ages
from bot.profile.bare_answers import bare_numbers, list_items
from bot.profile.conditions import condition_entities, condition_text, no_conditions
from bot.profile.days import bare_days, corrected_days, days, practice_days, weekday_names
from bot.profile.entities import read_entities
from bot.profile.experience import experience
from bot.profile.goal import goals
from bot.profile.location import judged_places, past_places, place_entities, place_text
from bot.profile.measures import (
    out_of_range_units,
    quantity_entities,
    unit_quantities,
    weight_without_unit,
)
from bot.profile.settled import asked_about, settle
from bot.profile.slots import ParsedAnswer, Rejection, asked_slot
from bot.profile.text import Results, Text
from bot.profile.validation import resolve


def parse_answers(
    text: str,
    entities: Sequence[Mapping[str, Any]] = (),
    asked: str | None = None,
) -> tuple[list[ParsedAnswer], list[Rejection]]:
    """Extract every profile slot answered in one message.

    Args:
        text: The user's message.
        entities: Rasa entity dicts from the spaCy pipeline (keys ``entity``, ``value``,
            ``unit``, ``raw`` and optionally ``start``/``end``). Malformed items are skipped.
        asked: The slot the coach just asked for, if any (one of :data:`SLOTS`); it lets bare
            answers count ("70" for the age, "3" for days, "none" for conditions).

    Returns:
        ``(answers, rejections)``: at most one item per slot across both lists, each list in
        :data:`SLOTS` order. Answer values are always usable (in the ranges and value sets of
        :mod:`bot.profile.model`); everything else is a :class:`Rejection`. Never raises.
    """
    if not isinstance(text, str):
        return [], []
    t = Text.of(text)
    ask = asked_slot(asked)
    ents = read_entities(t, entities)
    out = Results()
    activity(t, out)
    place_entities(t, ents, out)
    place_text(t, out)
    condition_entities(t, ents, out)
    unit_quantities(t, out)
    out_of_range_units(t, out)
    bare_days(t, ask, out)
    days(t, out)
    ages(t, ask, out)
    weight_without_unit(t, ask, out)
    quantity_entities(t, ents, out)
    condition_text(t, out)
    no_conditions(t, ask, out)
    goals(t, ask, out)
    experience(t, ask, out)
    bare_numbers(t, ask, out)
    corrected_days(t, out)
    list_items(t, ask, out)
    weekday_names(t, ask, out)
    yes_no(t, ask, out)
    past_places(t, ask, out)
    judged_places(t, out)
    practice_days(t, ask, out)
    asked_about(t, ask, out)
    settle(t, out)
    return resolve(out)
