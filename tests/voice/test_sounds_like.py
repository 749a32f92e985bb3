"""Misheard command words put back by pronunciation (the real cmudict of pocketsphinx)."""

from __future__ import annotations

import pytest

from voice import sounds_like
from voice.sounds_like import respell


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("how much thyme is left", "how much time is left"),  # same sounds
        ("stop the wok", "stop the walk"),  # one vowel away
        ("next bet please", "next bit please"),
        ("re zoom please", "resume please"),  # one word split in two
        ("par done", "pardon"),
        ("didnt catch fat", "didnt catch that"),
        ("i missed what you just sad", "i missed what you just said"),
        ("how many minutes moor", "how many minutes more"),
    ],
)
def test_misheard_words_are_put_back(heard: str, meant: str) -> None:
    assert " ".join(respell(heard.split())) == meant


@pytest.mark.parametrize(
    "words",
    [
        "and the rest of it",  # "and" is one phone from "end" but an everyday word
        "i stopped at the bench",  # a form of "stop", not a mishearing
        "the walking group",
        "i saw a heron by the pond",
        "zxqv blorf",  # not in the dictionary
        "okay coach pause",  # the coach addressed, not "catch"
    ],
)
def test_everyday_words_forms_and_unknown_words_are_kept(words: str) -> None:
    assert respell(words.split()) == words.split()


def test_without_a_dictionary_nothing_is_respelled(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> object:
        raise OSError("no cmudict here")

    sounds_like._dictionary.cache_clear()
    sounds_like._targets.cache_clear()
    monkeypatch.setattr(sounds_like, "cmudict_path", missing)
    try:
        assert respell(["thyme"]) == ["thyme"]
    finally:
        sounds_like._dictionary.cache_clear()
        sounds_like._targets.cache_clear()
