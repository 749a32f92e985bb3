"""The ``retrowalk_calories`` payload: a calorie estimate and the inputs it used.

On the wire (every key always sent), beside the readable estimate::

    {"type": "retrowalk_calories", "kcal": 149, "minutes": 30.0, "weight_kg": 80.0,
     "speed_mph": 1.5, "speed_assumed": true, "incline_pct": 0.0, "met": 3.5}

Built from :class:`bot.calories.CalorieEstimate` in ``actions/calories.py``; clients and the
conversation tests read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.protocol import CALORIES_TYPE
from bot.protocol.fields import expect_object, expect_type, flag, number, whole

PAYLOAD = "calories"
_MAX = 1e6  # far above any real estimate: only nonsense is refused


@dataclass(frozen=True)
class CaloriesPayload:
    """A ``retrowalk_calories`` payload.

    Attributes:
        kcal: Estimated gross kilocalories, a whole number.
        minutes: Duration used.
        weight_kg: Body weight used.
        speed_mph: Walking speed used (given, or the assumed beginner pace).
        speed_assumed: No speed was given and a beginner pace was assumed.
        incline_pct: Treadmill incline used (0 for level).
        met: The activity's MET value.
    """

    kcal: int
    minutes: float
    weight_kg: float
    speed_mph: float
    speed_assumed: bool
    incline_pct: float
    met: float

    def to_payload(self) -> dict[str, Any]:
        """The payload as the bot sends it."""
        return {
            "type": CALORIES_TYPE,
            "kcal": self.kcal,
            "minutes": self.minutes,
            "weight_kg": self.weight_kg,
            "speed_mph": self.speed_mph,
            "speed_assumed": self.speed_assumed,
            "incline_pct": self.incline_pct,
            "met": self.met,
        }

    @classmethod
    def from_payload(cls, payload: Any) -> CaloriesPayload:
        """Read a ``retrowalk_calories`` payload as decoded from JSON.

        Raises:
            PayloadError: If it is malformed; the message names the bad field.
        """
        data = expect_object(PAYLOAD, payload)
        expect_type(PAYLOAD, data, CALORIES_TYPE)

        def positive(name: str) -> float:
            return number(PAYLOAD, data.get(name), name, 0.0, _MAX, low_open=True)

        return cls(
            kcal=whole(PAYLOAD, data.get("kcal"), "kcal", least=0),
            minutes=positive("minutes"),
            weight_kg=positive("weight_kg"),
            speed_mph=number(
                PAYLOAD, data.get("speed_mph"), "speed_mph", 0.0, _MAX, low_open=False
            ),
            speed_assumed=flag(PAYLOAD, data.get("speed_assumed"), "speed_assumed"),
            incline_pct=number(
                PAYLOAD, data.get("incline_pct"), "incline_pct", 0.0, _MAX, low_open=False
            ),
            met=positive("met"),
        )
