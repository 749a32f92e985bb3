"""Technique cues (§4): the week's technique focus and its short form for a bout.

Each week practises one cue, in an order that depends on the template and on whether the
walker is on a treadmill (:func:`focus_for`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.plan.templates import TEMPLATE_A


@dataclass(frozen=True)
class Cue:
    """A technique cue: the week's focus in full, and its short form for a bout."""

    focus: str
    short: str


_CUES: dict[str, Cue] = {
    # §4: PT Dr. Agnew; Verywell Health (B. Sears PT)
    "toe_to_heel": Cue(
        "Reach your toes back first, then roll through the whole foot to the heel as the leg "
        "straightens.",
        "Toes first, then roll to the heel",
    ),
    # §4: LifeCurve; Eldergym; treadmillxpert
    "eyes_up": Cue(
        "Stand tall and look straight ahead: pick a point ahead to focus on and don't stare at "
        "your feet.",
        "Stand tall, eyes up",
    ),
    # §4: treadmillxpert; Laufer 2005
    "small_steps": Cue(
        "Take small, controlled steps, and let them grow as your confidence does.",
        "Small, controlled steps",
    ),
    # §4: Vitality PT
    "weight_back": Cue(
        "Shift your weight fully onto the back foot; don't just tap it back.",
        "Weight onto the back foot",
    ),
    # §4: Vitality PT
    "hinge": Cue(
        "If you feel yourself tipping backward, hinge slightly forward at the hips.",
        "Tipping? Hinge forward at the hips",
    ),
    # §4: getfitwithwitt; simpelin
    "posture": Cue(
        "Keep your back straight, shoulders back and core gently engaged; don't lean back.",
        "Back straight, don't lean back",
    ),
    # §4: CDC talk test
    "talk_test": Cue(
        "Keep the effort moderate: you should be able to talk, but not sing.",
        "Able to talk, not sing",
    ),
}
# §4: scarysymptoms; runreviews ("keep your hands free once you're steady")
_HANDS_FREE_TREADMILL = Cue(
    "Once you feel steady, start letting go of the rails; holding them makes the balance "
    "work easier.",
    "Hands off the rails once steady",
)
_HANDS_FREE_GROUND = Cue(
    "Once you feel steady, keep your hands free instead of holding a wall or a partner.",
    "Hands free once steady",
)

_FOCUS_ORDER = (
    "toe_to_heel",
    "eyes_up",
    "small_steps",
    "hands_free",
    "weight_back",
    "hinge",
    "posture",
    "talk_test",
)
# Template A: eyes up first (LifeCurve, Eldergym), then letting go (20 steps without holding).
_FOCUS_ORDER_A = (
    "eyes_up",
    "small_steps",
    "hands_free",
    "toe_to_heel",
    "weight_back",
    "hinge",
    "posture",
    "talk_test",
)
# Template A on a treadmill: week 3 is the first on the belt, so hands stay on the rails.
_FOCUS_ORDER_A_TREADMILL = (
    "eyes_up",
    "small_steps",
    "toe_to_heel",
    "hands_free",
    "weight_back",
    "hinge",
    "posture",
    "talk_test",
)


def _cue(key: str, treadmill: bool) -> Cue:
    if key == "hands_free":
        return _HANDS_FREE_TREADMILL if treadmill else _HANDS_FREE_GROUND
    return _CUES[key]


def focus_for(template: str, number: int, treadmill: bool) -> Cue:
    """The technique cue week ``number`` practises, for this template and place."""
    if template == TEMPLATE_A:
        order = _FOCUS_ORDER_A_TREADMILL if treadmill else _FOCUS_ORDER_A
    else:
        order = _FOCUS_ORDER
    return _cue(order[(number - 1) % len(order)], treadmill)
