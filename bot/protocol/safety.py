"""The ``retrowalk_safety`` payload: stop now, and what to say.

On the wire (every key always sent)::

    {"type": "retrowalk_safety", "action": "stop", "kind": "chest", "severity": "emergency",
     "who": "self", "emergency_number": "911", "spoken": "Stop walking now and sit down. ..."}

Built by :func:`bot.safety.stop_message.stop_payload` beside the stop message's text. A client
obeys it as data: any ``retrowalk_safety`` payload whose ``action`` is ``stop`` stops the walk
(:func:`wants_stop`), even when another field is malformed; ``spoken`` is the short form to say
aloud while walking. ``kind`` is the red-flag kind (``unknown`` when the stop came without one),
``severity`` and ``who`` are the assessment's (:mod:`bot.safety.assessment`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from bot.protocol import SAFETY_TYPE
from bot.protocol.fields import choice, expect_object, expect_type, text
from bot.safety.context import Who
from bot.safety.lexicon import SEVERITIES, Severity

PAYLOAD = "safety"
SafetyAction = Literal["stop"]
SAFETY_ACTIONS: tuple[SafetyAction, ...] = get_args(SafetyAction)
WHO: tuple[Who, ...] = get_args(Who)
UNKNOWN_KIND = "unknown"


@dataclass(frozen=True)
class SafetyStop:
    """A ``retrowalk_safety`` stop.

    Attributes:
        kind: The red-flag kind (``chest``, ``fainting``...; ``unknown`` without one).
        severity: ``emergency`` (call the number now) or ``urgent``.
        who: ``self`` or ``other`` (someone with the user).
        emergency_number: The one number told to the user.
        spoken: The stop message's short form, to say aloud.
        action: What to do: ``stop``.
    """

    kind: str
    severity: Severity
    who: Who
    emergency_number: str
    spoken: str
    action: SafetyAction = "stop"

    def to_payload(self) -> dict[str, Any]:
        """The payload as the bot sends it."""
        return {
            "type": SAFETY_TYPE,
            "action": self.action,
            "kind": self.kind,
            "severity": self.severity,
            "who": self.who,
            "emergency_number": self.emergency_number,
            "spoken": self.spoken,
        }

    @classmethod
    def from_payload(cls, payload: Any) -> SafetyStop:
        """Read a ``retrowalk_safety`` payload as decoded from JSON.

        Raises:
            PayloadError: If it is malformed; the message names the bad field.
        """
        data = expect_object(PAYLOAD, payload)
        expect_type(PAYLOAD, data, SAFETY_TYPE)
        return cls(
            action=choice(PAYLOAD, data.get("action"), "action", SAFETY_ACTIONS),  # type: ignore[arg-type]
            kind=text(PAYLOAD, data.get("kind"), "kind"),
            severity=choice(PAYLOAD, data.get("severity"), "severity", SEVERITIES),  # type: ignore[arg-type]
            who=choice(PAYLOAD, data.get("who"), "who", WHO),  # type: ignore[arg-type]
            emergency_number=text(PAYLOAD, data.get("emergency_number"), "emergency_number"),
            spoken=text(PAYLOAD, data.get("spoken"), "spoken"),
        )


def wants_stop(payload: Any) -> bool:
    """Whether ``payload`` is a ``retrowalk_safety`` stop (only its type and action are read:
    a stop is obeyed even when its other fields are malformed)."""
    return (
        isinstance(payload, Mapping)
        and payload.get("type") == SAFETY_TYPE
        and payload.get("action") in SAFETY_ACTIONS
    )


def first_stop(payloads: Iterable[Any]) -> Mapping[str, Any] | None:
    """The first stop among a reply's ``custom`` payloads (:func:`wants_stop`), or None."""
    return next((p for p in payloads if wants_stop(p)), None)


def spoken_stop(payload: Mapping[str, Any]) -> str | None:
    """What to say for a stop: its ``spoken`` text when that is non-empty text, else None
    (the client then says the reply's text)."""
    spoken = payload.get("spoken")
    return spoken.strip() if isinstance(spoken, str) and spoken.strip() else None
