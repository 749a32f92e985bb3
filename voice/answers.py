"""The bot's fixed answers, rendered into the clip cache before any walk.

An answer asked for mid-walk is spoken faster when its clips are already cached: the answer's
first sentence then plays at once instead of after speech synthesis (0.1-0.7 s with Piper on 2
cores). The texts the bot can send are known at build time: the responses of ``domain.yml``
(FAQ answers included) and, for replies with buttons, the sentence the coach adds for them.
Responses with slots (``{name}``) are left out, since their words are only known when sent.
Sentences are cached one by one, as the coach speaks them (``Speech.render_sentences``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from voice.phrases import options_sentence
from voice.tts.speech import PrerenderReport, ProgressCallback, Speech, split_sentences


def known_answer_sentences(domain_path: Path) -> list[str]:
    """Every sentence the bot's fixed responses can make the coach say, once each.

    Args:
        domain_path: The bot's ``domain.yml``.

    Returns:
        Sentences in the order of the domain file.
    """
    domain: dict[str, Any] = yaml.safe_load(domain_path.read_text(encoding="utf-8")) or {}
    sentences: list[str] = []
    for variants in (domain.get("responses") or {}).values():
        for variant in variants or []:
            text = str(variant.get("text") or "")
            if "{" in text:
                continue
            sentences += split_sentences(text)
            titles = [str(b.get("title", "")) for b in variant.get("buttons") or []]
            if titles and all(titles):
                sentences.append(options_sentence(titles))
    return list(dict.fromkeys(s for s in sentences if s))


def prerender_answers(
    speech: Speech,
    domain_path: Path,
    progress: ProgressCallback | None = None,
) -> PrerenderReport:
    """Render the bot's known answers into ``speech``'s cache (cached ones are skipped).

    Args:
        speech: Engines and the clip cache.
        domain_path: The bot's ``domain.yml``.
        progress: ``(done, total)`` callback.

    Returns:
        What was cached, rendered and failed.
    """
    return speech.prerender(known_answer_sentences(domain_path), progress=progress)
