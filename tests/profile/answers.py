"""Helpers of the profile parser tests: Rasa entity dicts and parse results as dicts."""

from __future__ import annotations

from typing import Any

from bot.profile.parse import parse_answers


def ent(label: str, value: Any, raw: str, unit: str | None = None) -> dict[str, Any]:
    """A Rasa entity dict as our extractor produces it (without offsets)."""
    entity: dict[str, Any] = {"entity": label, "value": value, "raw": raw}
    if unit is not None:
        entity["unit"] = unit
    return entity


def parsed(
    text: str, entities: list[dict[str, Any]] | None = None, asked: str | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    answers, rejections = parse_answers(text, entities or [], asked)
    return {a.slot: a.value for a in answers}, {r.slot: r.reason for r in rejections}
