"""Calorie estimates for backward (retro) walking. Plain Python with no Rasa import.

Every number comes from the fact sheet ``shared/domain/retro-walking-facts.md``:

* Formula (§2.2): ``kcal = MET x body mass (kg) x hours`` (1 MET ~ 1 kcal/kg/h), gross calories.
* Backward walking, 3.5 mph, level: 6.0 MET, Compendium 2011 code 17320 (§0, §2.1).
* Backward walking, 3.5 mph, 5% uphill: 8.0 MET, code 17325 (§0, §2.1).
* Slower than 3.5 mph **[ASSUMPTION, §2.3 rule 1]**: backward MET = 1.4 x the forward MET at that
  speed (forward codes 17151 < 2.0 mph 2.0; 17152 2.0 mph 2.8; 17170 2.5 mph 3.0; 17190
  2.8-3.2 mph 3.5; §2.1). A speed between two codes uses the code at or below it (the lower,
  more conservative value), so 3.2-3.5 mph uses 17190.
* No speed given: assume a beginner's backward pace of about 1 mph (§0, "about 1 mph backward is
  doing well"), i.e. the < 2.0 mph rule, 1.4 x 2.0 = 2.8 MET; the result says so.
* Faster than 3.5 mph: the Compendium has no faster backward-walking value, so the 3.5 mph value
  is used and the result says so (near 3.7 mph people start jogging backward, §1.9, which costs
  more, so the estimate may be low).
* Incline **[SYNTHESIS]**: the Compendium's uphill-to-level ratio at 3.5 mph (8.0 / 6.0, §2.1)
  is applied to the level estimate, scaled linearly with the grade up to 5% and never beyond
  (the only backward uphill value is at 5%). Grades above 5% therefore count as 5%, which can
  only under-state the cost: the conservative choice for a calorie number.
* Experienced retro walkers: scaled down by 19% (Heath 2001: oxygen use fell from 2.05 to
  1.66 L/min after 4 weeks of practice, §1.9 and §2.3 rule 2).
* Caveats always shown (§2.3 rules 3-4): it is an estimate; MET values ignore individual
  differences; holding treadmill rails lowers the real cost.

One concept (hence over 400 lines): the calorie estimate, its MET rules and inputs, and its wording.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.nlp import units
from bot.nlp.units import KG_PER_LB, KG_PER_STONE, KMH_PER_MPH
from bot.profile.model import WEIGHT_KG_RANGE

MAX_MINUTES = 300.0
MAX_SPEED_MPH = 10.0
MAX_INCLINE_PCT = 25.0

# §2.1, Compendium 2011.
BACKWARD_LEVEL_MET = 6.0  # code 17320, 3.5 mph level
BACKWARD_UPHILL_MET = 8.0  # code 17325, 3.5 mph 5% grade
COMPENDIUM_BACKWARD_MPH = 3.5
COMPENDIUM_UPHILL_GRADE_PCT = 5.0
# A slope told without a number ("on a slight incline") is taken as 2%, the gentlest incline
# the progressions add (fact sheet §6, weeks 5-8: "add a 2-5% incline"); the reply says so.
UNNUMBERED_INCLINE_PCT = 2.0
# §2.3 rule 1 [ASSUMPTION]: 6.0 / 4.3 = 1.40 at 3.5 mph.
BACKWARD_TO_FORWARD_FACTOR = 1.4
# §0 / §5: a beginner's backward pace (TIME 2024: "about 1 mph backward is doing well").
DEFAULT_BEGINNER_MPH = 1.0
# §1.9 / §2.3 rule 2: Heath 2001, about 19% less oxygen after 4 weeks' practice.
EXPERIENCED_REDUCTION = 0.19


@dataclass(frozen=True)
class _ForwardCode:
    code: str
    from_mph: float
    met: float
    label: str


# §2.1: forward walking, level. Each code applies from its speed up to the next code's speed.
_FORWARD_LEVEL: tuple[_ForwardCode, ...] = (
    _ForwardCode("17151", 0.0, 2.0, "walking, < 2.0 mph, very slow"),
    _ForwardCode("17152", 2.0, 2.8, "walking, 2.0 mph, slow"),
    _ForwardCode("17170", 2.5, 3.0, "walking, 2.5 mph"),
    _ForwardCode("17190", 2.8, 3.5, "walking, 2.8-3.2 mph, moderate pace"),
)

# Unit spellings and factors: the one table in bot.nlp.units ("lbs", "km/h", "miles an hour").
_WEIGHT_UNITS: dict[tuple[str, ...], tuple[str, float]] = {
    **{(word,): ("kg", 1.0) for word in units.KG_WORDS},
    **{(word,): ("lb", KG_PER_LB) for word in units.LB_WORDS},
    **{(word,): ("stone", KG_PER_STONE) for word in units.STONE_WORDS},
}
_SPEED_UNITS: dict[tuple[str, ...], tuple[str, float]] = {
    spelling: unit
    for spelling, unit in units.speed_units().items()
    if unit[0] in (units.MPH, units.KMH)
}


class CalorieInputError(ValueError):
    """An input the estimate cannot use. The message is written to be shown to the user."""


@dataclass(frozen=True)
class CalorieEstimate:
    """An estimate of the calories burned walking backward.

    Attributes:
        kcal: Estimated gross kilocalories, rounded to a whole number.
        met: The activity's MET value before any experience adjustment.
        code: The Compendium 2011 code the MET is based on (e.g. ``"17320"``).
        rule: Which rule produced the MET, in plain words.
        explanation: How the number was worked out, in plain words.
        caveats: Why the number is only an estimate, one sentence each.
        weight_kg: Body weight used, in kg.
        minutes: Duration used, in minutes.
        speed_mph: The walking speed in mph: as given, or the assumed beginner pace.
        speed_assumed: True when no speed was given and a beginner pace was assumed.
        speed_capped: True when the speed was above 3.5 mph and the 3.5 mph value was used.
        incline_pct: Treadmill incline, in percent grade, as given (0 for level).
        experienced: True when the 19% practice reduction was applied.
        speed_unit: The unit to show speeds in (``"mph"`` or ``"km/h"``).
    """

    kcal: int
    met: float
    code: str
    rule: str
    explanation: str
    caveats: tuple[str, ...]
    weight_kg: float
    minutes: float
    speed_mph: float
    speed_assumed: bool
    speed_capped: bool
    incline_pct: float
    experienced: bool
    speed_unit: str = "mph"

    @property
    def experience_factor(self) -> float:
        """The multiplier applied for practice: 0.81 when experienced, else 1.0."""
        return 1.0 - EXPERIENCED_REDUCTION if self.experienced else 1.0


@dataclass(frozen=True)
class _Met:
    met: float
    code: str
    rule: str
    notes: tuple[str, ...]


def _unit_key(unit: str) -> tuple[str, ...]:
    """ "km/h" -> ("km", "per", "h"); "LBS." -> ("lbs",)."""
    return tuple(unit.lower().replace(".", "").replace("/", " per ").split())


def _check_number(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CalorieInputError(f"Please give the {what} as a number.")
    if not math.isfinite(value):
        raise CalorieInputError(f"Please give the {what} as an ordinary number.")
    return float(value)


def _fmt(value: float) -> str:
    """A number for chat: whole numbers without decimals, others with one decimal."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _weight_kg(weight: float, weight_unit: str) -> float:
    unit = _WEIGHT_UNITS.get(_unit_key(weight_unit))
    if unit is None:
        raise CalorieInputError(
            f"I didn't recognise the weight unit '{weight_unit}'. "
            "Please give your weight in kg, pounds (lb) or stone."
        )
    name, factor = unit
    value = _check_number(weight, "weight")
    kg = value * factor
    low, high = WEIGHT_KG_RANGE
    if not low <= kg <= high:
        raise CalorieInputError(
            f"Please check your weight: {_fmt(value)} {name} is outside the range I can "
            f"estimate for ({_fmt(low)}-{_fmt(high)} kg, about {round(low / KG_PER_LB)}-"
            f"{round(high / KG_PER_LB)} lb)."
        )
    return kg


def _duration_minutes(minutes: float | None, hours: float | None) -> float:
    if minutes is None and hours is None:
        raise CalorieInputError("Please tell me how long you walked, in minutes or hours.")
    total = 0.0
    if minutes is not None:
        total += _check_number(minutes, "time")
    if hours is not None:
        total += _check_number(hours, "time") * 60.0
    if not 0.0 < total <= MAX_MINUTES:
        raise CalorieInputError(
            "Please check how long you walked: it should be more than 0 and at most "
            f"{_fmt(MAX_MINUTES)} minutes ({_fmt(MAX_MINUTES / 60)} hours)."
        )
    return total


def _speed_mph(speed: float | None, speed_unit: str) -> tuple[float | None, str]:
    unit = _SPEED_UNITS.get(_unit_key(speed_unit))
    if unit is None:
        raise CalorieInputError(
            f"I didn't recognise the speed unit '{speed_unit}'. "
            "Please give the speed in mph or km/h."
        )
    name, factor = unit
    if speed is None:
        return None, name
    value = _check_number(speed, "speed")
    mph = value * factor
    if not 0.0 < mph <= MAX_SPEED_MPH:
        raise CalorieInputError(
            f"Please check the speed: {_fmt(value)} {name} isn't a walking speed I can estimate "
            f"for (more than 0 and up to {_fmt(MAX_SPEED_MPH)} mph, about "
            f"{_fmt(MAX_SPEED_MPH * KMH_PER_MPH)} km/h)."
        )
    return mph, name


def _incline(incline_pct: float | None) -> float:
    if incline_pct is None:
        return 0.0
    value = _check_number(incline_pct, "incline")
    if not 0.0 <= value <= MAX_INCLINE_PCT:
        raise CalorieInputError(
            f"Please check the incline: it should be between 0% and {_fmt(MAX_INCLINE_PCT)}%."
        )
    return value


def _level_met(mph: float) -> _Met:
    """The level-ground backward MET at ``mph`` (already capped at 3.5)."""
    # Speeds are matched at 0.1 mph resolution so 5.6 km/h (3.48 mph) counts as 3.5 mph.
    matched = round(mph, 1)
    if matched >= COMPENDIUM_BACKWARD_MPH:
        return _Met(
            BACKWARD_LEVEL_MET,
            "17320",
            "Compendium 2011 code 17320: walking backwards, 3.5 mph, level",
            (),
        )
    forward = _FORWARD_LEVEL[0]
    for candidate in _FORWARD_LEVEL:
        if matched >= candidate.from_mph:
            forward = candidate
    met = round(BACKWARD_TO_FORWARD_FACTOR * forward.met, 1)
    return _Met(
        met,
        forward.code,
        f"1.4 x forward walking at that speed (Compendium 2011 code {forward.code}: "
        f"{forward.label}, {forward.met:.1f} MET)",
        (
            "The Compendium only lists backward walking at 3.5 mph, so for slower speeds I "
            "assume backward walking costs about 1.4 times as much as forward walking at the "
            "same speed; that makes this number approximate.",
        ),
    )


def _met_for(mph: float, incline_pct: float) -> _Met:
    level = _level_met(mph)
    if incline_pct <= 0.0:
        return level
    grade = min(incline_pct, COMPENDIUM_UPHILL_GRADE_PCT)
    uphill_share = grade / COMPENDIUM_UPHILL_GRADE_PCT
    factor = 1.0 + (BACKWARD_UPHILL_MET / BACKWARD_LEVEL_MET - 1.0) * uphill_share
    met = round(level.met * factor, 2)
    notes = list(level.notes)
    if level.code == "17320" and grade == COMPENDIUM_UPHILL_GRADE_PCT:
        code = "17325"
        rule = "Compendium 2011 code 17325: walking backwards, 3.5 mph, uphill 5% grade"
    else:
        code = level.code
        rule = (
            f"{level.rule}, raised for the {_fmt(grade)}% incline in proportion to the "
            "Compendium's 5% uphill value (codes 17325 / 17320 = 8.0 / 6.0)"
        )
        notes.append(
            "For this incline I scaled the level value by the Compendium's 5% uphill "
            "backward-walking value, so the incline part is an approximation."
        )
    if incline_pct > COMPENDIUM_UPHILL_GRADE_PCT:
        notes.append(
            f"There is no backward-walking value above a 5% incline, so I counted your "
            f"{_fmt(incline_pct)}% as 5%; the real number is probably higher."
        )
    return _Met(met, code, rule, tuple(notes))


def estimate_calories(
    weight: float,
    weight_unit: str = "kg",
    minutes: float | None = None,
    hours: float | None = None,
    speed: float | None = None,
    speed_unit: str = "mph",
    incline_pct: float | None = None,
    experienced: bool = False,
) -> CalorieEstimate:
    """Estimate the calories burned walking backward.

    ``kcal = MET x kg x hours`` (fact sheet §2.2), with the MET rules in the module docstring.

    Args:
        weight: Body weight, in ``weight_unit``.
        weight_unit: ``kg``, ``lb`` or ``stone`` (and spellings such as ``lbs``, ``pounds``,
            ``kilograms``).
        minutes: Duration in minutes. Added to ``hours`` when both are given ("1 hour 20").
        hours: Duration in hours.
        speed: Backward walking speed in ``speed_unit``; None assumes a beginner's ~1 mph.
        speed_unit: ``mph`` or ``km/h`` (also ``kph``, ``kmh``, ``miles per hour``...).
        incline_pct: Treadmill incline in percent grade; None or 0 means level.
        experienced: The walker has practised retro walking for about 4 weeks or more.

    Returns:
        The estimate with its MET, rule, explanation and caveats.

    Raises:
        CalorieInputError: For an unknown unit or an impossible value (weight outside
            25-300 kg, duration not in (0, 300] minutes, speed not in (0, 10] mph,
            incline outside 0-25%). The message can be shown to the user.
    """
    kg = _weight_kg(weight, weight_unit)
    total_minutes = _duration_minutes(minutes, hours)
    given_mph, unit_name = _speed_mph(speed, speed_unit)
    grade = _incline(incline_pct)

    notes: list[str] = []
    walker_mph = DEFAULT_BEGINNER_MPH if given_mph is None else given_mph
    capped = round(walker_mph, 1) > COMPENDIUM_BACKWARD_MPH
    mph = COMPENDIUM_BACKWARD_MPH if capped else walker_mph
    if given_mph is None:
        notes.append(
            f"You didn't give a speed, so I assumed a beginner's backward pace of about "
            f"{_speed_text(mph, unit_name)}."
        )
    elif capped:
        notes.append(
            "The Compendium's fastest backward-walking value is for 3.5 mph, so I used that. "
            "At your speed you may be close to jogging backward, which costs more, so the real "
            "number is probably higher."
        )
    met = _met_for(mph, grade)
    notes.extend(met.notes)

    factor = 1.0 - EXPERIENCED_REDUCTION if experienced else 1.0
    exact = met.met * factor * kg * (total_minutes / 60.0)
    kcal = math.floor(exact + 0.5)

    explanation = (
        f"{_fmt_met(met.met)} MET ({met.rule}) x {_fmt(kg)} kg x "
        f"{_fmt(total_minutes)} minutes / 60"
        + (" x 0.81 for practised retro walkers" if experienced else "")
        + f" = about {kcal} kcal (1 MET is about 1 kcal per kg per hour)."
    )

    caveats = [
        *notes,
        "It's an estimate: MET values are averages and ignore individual differences such as "
        "fitness, body composition and age.",
    ]
    if experienced:
        caveats.append(
            "I took off 19%, because after about 4 weeks of practice retro walkers use up to "
            "about 19% less oxygen at the same speed (Heath 2001)."
        )
    else:
        caveats.append(
            "With practice, backward walking gets easier and uses less energy (up to about 19% "
            "less after 4 weeks), so the number will drop over time."
        )
    caveats.append("If you held the treadmill rails, the real cost is lower than this estimate.")
    return CalorieEstimate(
        kcal=kcal,
        met=met.met,
        code=met.code,
        rule=met.rule,
        explanation=explanation,
        caveats=tuple(caveats),
        weight_kg=kg,
        minutes=total_minutes,
        speed_mph=walker_mph,
        speed_assumed=given_mph is None,
        speed_capped=capped,
        incline_pct=grade,
        experienced=experienced,
        speed_unit=unit_name,
    )


def _fmt_met(met: float) -> str:
    return f"{met:.1f}" if round(met, 1) == met else f"{met:.2f}"


def _speed_text(mph: float, unit: str) -> str:
    if unit == "km/h":
        return f"{_fmt(mph * KMH_PER_MPH)} km/h"
    return f"{_fmt(mph)} mph"


def format_estimate(estimate: CalorieEstimate) -> str:
    """Two or three plain sentences for chat.

    Args:
        estimate: The result of :func:`estimate_calories`.

    Returns:
        E.g. "About 140 kcal for 20 minutes of backward walking at 3.5 mph. This is an
        estimate because ..."
    """
    e = estimate
    if e.speed_assumed:
        pace = f" at an assumed beginner pace of about {_speed_text(e.speed_mph, e.speed_unit)}"
    else:
        pace = f" at {_speed_text(e.speed_mph, e.speed_unit)}"
    slope = f" up a {_fmt(e.incline_pct)}% incline" if e.incline_pct > 0 else ""
    first = (
        f"About {e.kcal} kcal for {_fmt(e.minutes)} minutes of backward walking{pace}{slope} "
        f"(about {e.met:.1f} MET)."
    )
    reasons = ["MET values are averages that ignore differences in fitness, body size and age"]
    if e.speed_assumed:
        reasons.append("I had to guess your speed")
    elif e.code != "17320" and e.code != "17325":
        reasons.append("the value for slower backward walking is itself an approximation")
    if e.speed_capped:
        reasons.append("above 3.5 mph I used the 3.5 mph value")
    if e.incline_pct > COMPENDIUM_UPHILL_GRADE_PCT:
        reasons.append("I counted the incline as 5%, the steepest value there is")
    elif e.incline_pct > 0 and e.code != "17325":
        reasons.append("the incline adjustment is approximate")
    second = "This is an estimate because " + _join(reasons) + "."
    if e.experienced:
        third = "I took off 19% because practised retro walkers use less energy."
    else:
        third = "If you held the treadmill rails, the real number is lower."
    return f"{first} {second} {third}"


def _join(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
