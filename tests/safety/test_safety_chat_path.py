"""The safety decision through the running bot (chat, every channel) and the voice walk online.

The chat decision is what the trained NLU pipeline gives through the live server's
``/model/parse`` (DIET, then the safety override that runs :func:`bot.safety.assessment.assess`):
``red_flag`` is a stop, because a rule answers that intent with ``action_red_flag`` at any
point of a conversation. The voice walk online stops when its local check (the offline
decision) or the bot says so. Figures per category go to ``artifacts/safety-test-chat/`` and
``artifacts/safety-test-voice-online/``; the assertions are regression floors.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import LiveCoach
from tests.integration.rest_client import parse
from tests.safety.scoring import SAFETY_TEST, Decision, Item, Report, load_items, score
from tests.safety.test_safety_sets import decide_offline, write_report

pytestmark = pytest.mark.integration

FLOORS = {
    "acute recall / all": 0.95,
    "false alarm / question+history": 0.06,
}


@pytest.fixture(scope="module")
def chat_decisions(live_coach: LiveCoach) -> dict[str, bool]:
    """Stop or not, by the live bot, for each test message."""
    return {
        item.text: parse(live_coach, item.text)["intent"]["name"] == "red_flag"
        for item in load_items(SAFETY_TEST)
    }


@pytest.fixture(scope="module")
def path_reports(chat_decisions: dict[str, bool], artifacts_dir: Path) -> dict[str, Report]:
    """The figures of the chat path and of the voice walk online."""
    chat = chat_decisions
    items = load_items(SAFETY_TEST)

    def decide_chat(item: Item) -> Decision:
        return Decision(stop=chat[item.text], conditions=decide_offline(item).conditions)

    def decide_voice_online(item: Item) -> Decision:
        offline = decide_offline(item)
        return Decision(stop=offline.stop or chat[item.text], conditions=offline.conditions)

    found = {
        "test-chat": score(items, decide_chat),
        "test-voice-online": score(items, decide_voice_online),
    }
    paths = {
        "test-chat": "chat and every channel: the live bot's NLU",
        "test-voice-online": "voice walk online: its own check or the bot's",
    }
    for name, report in found.items():
        print(write_report(report, name, artifacts_dir, paths[name]))
    return found


@pytest.mark.parametrize("path", ["test-chat", "test-voice-online"])
@pytest.mark.parametrize("key", sorted(FLOORS))
def test_chat_and_voice_online_figures_stay_above_their_floors(
    path_reports: dict[str, Report], path: str, key: str
) -> None:
    rate = path_reports[path].rate(key)
    if key.startswith("false alarm"):
        assert rate <= FLOORS[key], f"{path} {key}: {rate:.1%}"
    else:
        assert rate >= FLOORS[key], f"{path} {key}: {rate:.1%}"
