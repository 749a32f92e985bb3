"""The stop message and its payload: what every client says and does on a red flag.

The message is short and in order of what to do: a first sentence fit for where the person
is (walking, on a treadmill, in a chat), one emergency number for their region, then the
advice for the kind of red flag. When someone else is affected: call the number, start CPR
if trained. :func:`stop_payload` carries the same decision as data for clients
(``{"type": "retrowalk_safety", "action": "stop", ...}``); the voice walk speaks
:attr:`StopMessage.spoken`, short enough to hear in full while walking.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Literal

from bot.env import env_text
from bot.protocol.safety import UNKNOWN_KIND, SafetyStop
from bot.safety.assessment import RedFlag
from bot.safety.content import SafetyContent, default_content

EMERGENCY_NUMBER_ENV = "RETROWALK_EMERGENCY_NUMBER"
REGION_ENV = "RETROWALK_REGION"
Setting = Literal["walking", "treadmill", "chat"]
SETTINGS: tuple[Setting, ...] = ("walking", "treadmill", "chat")
_NUMBER = re.compile(r"^\d{2,4}$")
_UNRESPONSIVE_KINDS = frozenset({"fainting", "breathing", "chest", "stroke", "head_injury"})
# Someone else on the ground: don't move them if the neck may be hurt (fact sheet 3.3).
_MOVE_WITH_CARE_KINDS = frozenset({"fainting", "fall", "head_injury"})


def region_from_locale(locale: str) -> str | None:
    """The country part of a POSIX or BCP 47 locale ("en_GB.UTF-8", "en-AU"), if any."""
    match = re.match(r"^[a-zA-Z]{2,3}[_-]([a-zA-Z]{2})\b", locale.strip())
    return match.group(1).upper() if match else None


def emergency_number(region: str | None = None, content: SafetyContent | None = None) -> str:
    """The emergency number to tell the user.

    ``RETROWALK_EMERGENCY_NUMBER`` wins; then ``region`` (e.g. from the channel), then
    ``RETROWALK_REGION``, then the region of ``LANG``; the content's default (911) last.

    Raises:
        ValueError: Naming the variable, when ``RETROWALK_EMERGENCY_NUMBER`` is not 2-4 digits.
    """
    content = content or default_content()
    configured = env_text(EMERGENCY_NUMBER_ENV)
    if configured:
        if not _NUMBER.match(configured):
            raise ValueError(f"{EMERGENCY_NUMBER_ENV} must be 2 to 4 digits, got {configured!r}")
        return configured
    for candidate in (region, env_text(REGION_ENV), region_from_locale(os.environ.get("LANG", ""))):
        if candidate and candidate.upper() in content.emergency_numbers:
            return content.emergency_numbers[candidate.upper()]
    return content.emergency_numbers["DEFAULT"]


@dataclass(frozen=True)
class StopMessage:
    """The stop message in two lengths.

    Attributes:
        text: The full message (chat, channels).
        spoken: The short form for speech: first sentence, number, the kind's short advice.
        number: The emergency number it names.
    """

    text: str
    spoken: str
    number: str


def stop_message(
    flag: RedFlag | None,
    setting: Setting = "chat",
    region: str | None = None,
    content: SafetyContent | None = None,
) -> StopMessage:
    """The stop message for a red flag.

    Args:
        flag: The red flag, or None when only a classifier flagged the message.
        setting: Where the person is: ``walking``, ``treadmill`` or ``chat``.
        region: The user's country code when known (e.g. from the channel).
        content: Safety content; the packaged content by default.
    """
    content = content or default_content()
    number = emergency_number(region, content)
    advice = content.red_flags.get(flag.kind) if flag else None
    if flag is not None and flag.who == "other":
        first = content.stop_other.format(number=number)
        call = (
            content.stop_other_unresponsive.format(number=number)
            if flag.kind in _UNRESPONSIVE_KINDS
            else ""
        )
    else:
        first = content.stop_first.get(setting, content.stop_first["chat"])
        emergency = flag is None or flag.severity == "emergency"
        call = (content.stop_call_emergency if emergency else content.stop_call).format(
            number=number
        )
    parts = [first, call]
    if advice is not None and flag is not None and flag.who == "other":
        # The kind's long advice speaks to the person who has the symptom.
        check = content.stop_other_check if flag.kind in _MOVE_WITH_CARE_KINDS else ""
        parts += [advice.short, check]
    elif advice is not None:
        parts += [advice.short, advice.advice]
    parts.append(content.stop_not_a_service)
    text = " ".join(part for part in parts if part)
    spoken_parts = [first, call, advice.short if advice else ""]
    spoken = " ".join(part for part in spoken_parts if part)
    return StopMessage(text=text, spoken=spoken, number=number)


def stop_payload(flag: RedFlag | None, message: StopMessage) -> dict[str, Any]:
    """The stop decision as a custom payload (:class:`bot.protocol.safety.SafetyStop`), for
    clients to obey (never to re-parse text)."""
    return SafetyStop(
        kind=flag.kind if flag else UNKNOWN_KIND,
        severity=flag.severity if flag else "emergency",
        who=flag.who if flag else "self",
        emergency_number=message.number,
        spoken=message.spoken,
    ).to_payload()
