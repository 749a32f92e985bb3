"""Whether a message is phrased as a question rather than an answer."""

from __future__ import annotations

import re
from typing import Final

_QUESTION_START: Final = re.compile(
    r"^\W*(what|what's|whats|how|why|when|where|which|who|whom|whose|is|are|am|was|were|can|"
    r"could|should|shall|would|will|do|does|did|may|might|must|have|has|isn't|aren't|can't|"
    r"won't|shouldn't|don't|doesn't|tell me|explain)\b",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    """Whether ``text`` is phrased as a question ("is it good for my knees", "why?").

    Args:
        text: A user message.

    Returns:
        True for a question mark or a question word / auxiliary verb at the start.
    """
    return "?" in text or bool(_QUESTION_START.match(text))
