"""The ``retrowalk_no_session`` payload: no session to walk, and why.

On the wire::

    {"type": "retrowalk_no_session", "reason": "needs_clearance", "level": "clearance"}
    {"type": "retrowalk_no_session", "reason": "bad_week", "plan_weeks": 8}
    {"type": "retrowalk_no_session", "reason": "bad_day", "sessions": 3}

``reason`` is required; the other keys are sent only when known. ``needs_clearance`` (a warning
sign, or a PAR-Q "yes" not yet cleared by a clinician) and ``supervised_only`` (practise only
with a physical therapist) come from screening and refuse any walk: a client must not start
one, and offline it keeps refusing (:data:`REFUSAL_REASONS`). ``bad_week`` and ``bad_day``
say the week or day asked for is not in the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from bot.protocol import NO_SESSION_TYPE
from bot.protocol.fields import choice, expect_object, expect_type, optional_whole, text

PAYLOAD = "no-session"
NoSessionReason = Literal["needs_clearance", "supervised_only", "bad_week", "bad_day"]
NO_SESSION_REASONS: tuple[NoSessionReason, ...] = get_args(NoSessionReason)
# Screening's reasons: no walk at all, online or offline.
REFUSAL_REASONS: tuple[NoSessionReason, ...] = ("needs_clearance", "supervised_only")


@dataclass(frozen=True)
class NoSession:
    """A ``retrowalk_no_session`` payload.

    Attributes:
        reason: One of :data:`NO_SESSION_REASONS`.
        level: Screening's level (``red``, ``clearance``, ``yellow``...) for a refusal.
        plan_weeks: The plan's weeks, for ``bad_week``.
        sessions: The week's sessions, for ``bad_day``.
    """

    reason: NoSessionReason
    level: str | None = None
    plan_weeks: int | None = None
    sessions: int | None = None

    def __post_init__(self) -> None:
        """Refuse an unknown reason."""
        choice(PAYLOAD, self.reason, "reason", NO_SESSION_REASONS)

    @property
    def refuses_walk(self) -> bool:
        """Screening gives this user no walk (not a wrong week or day)."""
        return self.reason in REFUSAL_REASONS

    def to_payload(self) -> dict[str, Any]:
        """The payload as the bot sends it (keys that are None are left out)."""
        data: dict[str, Any] = {"type": NO_SESSION_TYPE, "reason": self.reason}
        for name in ("level", "plan_weeks", "sessions"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        return data

    @classmethod
    def from_payload(cls, payload: Any) -> NoSession:
        """Read a ``retrowalk_no_session`` payload as decoded from JSON.

        Raises:
            PayloadError: If it is malformed; the message names the bad field.
        """
        data = expect_object(PAYLOAD, payload)
        expect_type(PAYLOAD, data, NO_SESSION_TYPE)
        reason = choice(PAYLOAD, data.get("reason"), "reason", NO_SESSION_REASONS)
        level = data.get("level")
        return cls(
            reason=reason,  # type: ignore[arg-type]  # checked against NO_SESSION_REASONS
            level=None if level is None else text(PAYLOAD, level, "level"),
            plan_weeks=optional_whole(PAYLOAD, data.get("plan_weeks"), "plan_weeks"),
            sessions=optional_whole(PAYLOAD, data.get("sessions"), "sessions"),
        )
