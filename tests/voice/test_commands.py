"""Local walk commands: whole short utterances only; everything else goes to the bot."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety.assessment import assess
from voice.commands import COMMAND_EXAMPLES, Command, all_command_examples, parse_command


def test_every_example_is_recognised_as_its_command() -> None:
    for command, phrases in COMMAND_EXAMPLES.items():
        assert phrases, command
        for phrase in phrases:
            assert parse_command(phrase) is command, phrase


def test_every_command_has_examples_and_they_are_listed_for_the_recogniser() -> None:
    assert set(COMMAND_EXAMPLES) == set(Command)
    examples = all_command_examples()
    assert len(examples) == sum(len(p) for p in COMMAND_EXAMPLES.values())
    assert "how much time is left" in examples and "pause" in examples


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("Okay coach, pause please.", Command.PAUSE),
        ("PAUSE!", Command.PAUSE),
        ("  hold on  ", Command.PAUSE),
        ("carry on", Command.RESUME),
        ("Resume the workout", Command.RESUME),
        ("um, next one", Command.SKIP),
        ("Repeat that?", Command.REPEAT),
        ("How much time is left?", Command.TIME_LEFT),
        ("how many minutes are left", Command.TIME_LEFT),
        ("I’m done", Command.STOP),
        ("hey coach, stop", Command.STOP),
        ("End the walk.", Command.STOP),
    ],
)
def test_spoken_variants(text: str, command: Command) -> None:
    assert parse_command(text) is command


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "...",
        "why should I stop if my knee hurts?",
        "can I pause the plan for a week?",
        "what's next in my plan?",
        "how much time should I walk backwards?",
        "repeat the benefits please",
        "stop walking backwards forever?",
        "I feel dizzy",
        "I have chest pain, stop",
    ],
)
def test_questions_and_sentences_are_not_commands(text: str) -> None:
    assert parse_command(text) is None


def test_red_flag_phrases_are_never_commands_and_commands_never_red_flags() -> None:
    for phrase in ("I feel dizzy", "chest pain", "I fell"):
        assert assess(phrase, "walking").stop
        assert parse_command(phrase) is None
    for phrase in all_command_examples():
        assert not assess(phrase, "walking").stop, phrase


# Independent lists (tests/data/voice_commands_test/: held out; voice_commands_dev/: for
# tuning), each written by a helper session from a short brief, never seeing this code.
COMMAND_SETS = Path(__file__).resolve().parents[1] / "data"


def command_figures(name: str) -> tuple[float, int]:
    """Share of items mapped right, and how many non-commands were taken for commands."""
    items = yaml.safe_load((COMMAND_SETS / name / "commands.yml").read_text())["items"]
    right = taken = 0
    for item in items:
        command = parse_command(item["text"])
        got = command.value if command else "none"
        right += got == item["command"]
        taken += item["command"] == "none" and command is not None
    print(f"{name}: {right}/{len(items)} right, {taken} non-commands taken for commands")
    return right / len(items), taken


@pytest.mark.parametrize(
    ("name", "floor", "taken_ceiling"),
    [
        # 157/184 with the grammar alone; with the reading by meaning 166/184 and 0 taken when
        # trained on dev-dev3, 167/184 and 1 non-command taken since it is also trained on dev4
        # and the writers' NLU messages (2026-12-07); 168 and 1 after session 17; the target is
        # 0 taken
        ("voice_commands_test", 0.9, 1),
        ("voice_commands_dev", 0.99, 0),
        ("voice_commands_dev2", 0.99, 0),
        # written 2026-12-06 by a fourth writer (recogniser-style text, companions, children):
        # 212/252 and 4 non-commands taken before the companion and later-day rules and the
        # wake-phrase slips, 219 and 1 ("we can continue this conversation at home") after;
        # 243 with the reading by meaning (trained on it)
        ("voice_commands_dev3", 0.96, 1),
        # written 2026-12-07 by a fifth writer (indirect requests, idioms, Scottish, Indian,
        # South African, Nigerian English): 162/260 and 7 taken with the grammar alone, 192 and
        # 9 with the reading by meaning before it was trained on; 239 and 7 since; 246 and 0
        # with encouragement to companions and questions about other things (session 17)
        ("voice_commands_dev4", 0.94, 0),
        # written 2026-12-07 by a sixth writer (children and parents, gym jargon, heavy
        # recogniser errors): 183/260 and 2 taken with the grammar alone, 231/260 and 0 taken
        # with the reading by meaning before it was trained on; 251 and 0 since (session 17)
        ("voice_commands_dev5", 0.96, 0),
        # written 2026-12-07 (session 17) by a seventh writer (formal older adults with hearing
        # aids, Southern and Midwest Americans, New Zealanders, out-of-breath fragments, 30%
        # recogniser-style), never trained on: 247/260 and 0 taken at its first read; 259 and 0
        # after the grammar read polite lead-ins ("excuse me, could we pause a moment?"), so
        # tuned on since
        ("voice_commands_dev6", 0.98, 0),
        # written 2026-12-07 (session 18) by an eighth writer (Scottish, Irish and Indian
        # English, a parent walking with a child, out-of-breath speech, talking to the coach
        # as to a person), never trained on: 222/240 and 2 taken at its first read; 229 and 1
        # (a recogniser's "the bus stops just their") after the grammar read regional idioms;
        # 232 after "said", "more", "call" and "break" were respelled and the grammar read
        # "how many minutes more" (session 19)
        ("voice_commands_dev7", 0.96, 1),
        # written 2026-12-07 (session 19) by a ninth writer (a busy gym, couples, hearing
        # aids, Boston and Chicago, Australian, Nigerian and Filipino English, a mumbling
        # teenager, 30% recogniser-style), never trained on: 232/240 and 1 taken at its first
        # read; 238 and 0 after the grammar read its particles and "shut it off"
        ("voice_commands_dev8", 0.98, 0),
        # written 2026-12-08 (session 20) by a tenth writer (Irish and New Zealand speakers,
        # Spanish, Polish and Indian first languages, a grandparent with a grandchild, a dog
        # walker, wind, rare words: "hold your horses", "hit the brakes", "call it a day"),
        # never trained on: 222/240 and 0 taken at its first read; 233 and 0 after the grammar
        # read "take a wee breather", "hold your horses", "hit the brakes", "start her up
        # again" and the recogniser's "hole on", "weight", "bach", "march", "cheque"
        ("voice_commands_dev9", 0.96, 0),
    ],
)
def test_independent_command_lists(name: str, floor: float, taken_ceiling: int) -> None:
    rate, taken = command_figures(name)
    assert taken <= taken_ceiling  # a question or a remark taken for a command: never more
    assert rate >= floor  # regression floor under today's figure


@pytest.mark.parametrize(
    ("phrase", "command"),
    [
        ("Excuse me, could we pause a moment? My hearing aid is whistling.", Command.PAUSE),
        ("Kindly pause, I need to find my reading glasses.", Command.PAUSE),
        ("Pardon me, how much time is left in our walk?", Command.TIME_LEFT),
        ("pardon me", Command.REPEAT),
        ("what was that", Command.REPEAT),
        ("Hold your horses, coach, pause it a minute.", Command.PAUSE),
        ("Would you be so kind as to stop the session?", Command.STOP),
        ("I'd like to go on to the next interval, if that's alright.", Command.SKIP),
        ("Say that one more time for me, would you, hon?", Command.REPEAT),
        ("Ope, okay, let's call it quits.", Command.STOP),
        ("All set, go on ahead now.", Command.RESUME),
        ("puts the walk on hold please", Command.PAUSE),  # a recogniser's "puts"
        ("stop the sesh please", Command.STOP),
    ],
)
def test_polite_lead_ins_before_a_command(phrase: str, command: Command) -> None:
    assert parse_command(phrase) is command


@pytest.mark.parametrize(
    "phrase",
    [
        "keep going, Sophie, you're doing great!",  # encouragement to a companion
        "keep going sophie your doing great",
        "hold on tight to the buggy, darling",
        "come again next Saturday, Margaret",
        "what was that bird, do you know?",  # a question about something seen
        "how much longer will it take before I see results?",  # the programme, not this walk
        "I need to stop at the pharmacy on the way home",
        "I don't want to stop the walk yet",
    ],
)
def test_remarks_and_questions_with_command_words_are_no_commands(phrase: str) -> None:
    assert parse_command(phrase) is None


@pytest.mark.parametrize(
    "phrase",
    [
        "wait up, Tom",  # said to a companion
        "hang on, wait for me Priya",
        "next week I'll go further",  # about another day ("week" sounds like "walk")
        "next time I'll bring a drink",
    ],
)
def test_words_said_to_a_companion_or_about_another_day_are_no_commands(phrase: str) -> None:
    assert parse_command(phrase) is None


@pytest.mark.parametrize(
    ("phrase", "command"),
    [
        ("a coach paws", Command.PAUSE),  # the wake phrase as a recogniser writes it
        ("hey coat pause", Command.PAUSE),
        ("a coach resume resume", Command.RESUME),  # and a word said twice
    ],
)
def test_wake_phrase_slips_and_repeats(phrase: str, command: Command) -> None:
    assert parse_command(phrase) is command


@pytest.mark.parametrize(
    "phrase", ["hold on, wait for me please", "wait for me I need to tie my shoe"]
)
def test_wait_for_me_said_to_the_coach_is_a_pause(phrase: str) -> None:
    assert parse_command(phrase) is Command.PAUSE


@pytest.mark.parametrize(
    "phrase",
    [
        "skip this interval",
        "repeat with that",
        "um could you just pause it for a sec please",
        "paws the walk",
        "how much time is laughed",
        "hey coach, how much time is left now",
    ],
)
def test_commands_by_meaning_and_recogniser_slips(phrase: str) -> None:
    assert parse_command(phrase) is not None


@pytest.mark.parametrize(
    ("phrase", "command"),
    [
        ("I need a drink, pause it.", Command.PAUSE),  # a remark beside the command
        ("Okay then, carry on.", Command.RESUME),
        ("Huh? Say that again!", Command.REPEAT),
        ("one second please", Command.PAUSE),  # politeness and a moment only
        ("are we nearly there?", Command.TIME_LEFT),  # a question that is a command
        ("could you re peat that", Command.REPEAT),  # a word split by the recogniser
        ("skip a head", Command.SKIP),
        ("and the walk", Command.STOP),  # "end" misheard
        ("hang on a minute", Command.PAUSE),  # "minute" is not a slip of "minutes"
    ],
)
def test_remarks_questions_and_split_words(phrase: str, command: Command) -> None:
    assert parse_command(phrase) is command


@pytest.mark.parametrize(
    "phrase",
    [
        "Go on, tell me a joke.",  # the other clause is a request for the bot
        "Next, what should I eat afterwards?",  # the other clause is a question
        "Pause, my chest feels tight.",  # a symptom anywhere goes to the bot
        "are we allowed to stop on the hill?",
        "in the park",
    ],
)
def test_clauses_with_requests_questions_or_symptoms_go_to_the_bot(phrase: str) -> None:
    assert parse_command(phrase) is None


@pytest.mark.parametrize(
    ("phrase", "command"),
    [
        ("pause please, I need to answer the phone", Command.PAUSE),  # command, then reason
        ("skip this exercise it is too hard for me", Command.SKIP),
        ("end the walk, the rain is coming", Command.STOP),
        ("right, the light has changed, we can carry on now", Command.RESUME),  # said last
        ("could you tell me how much longer we have", Command.TIME_LEFT),
        ("how much thyme is left", Command.TIME_LEFT),  # a homophone
        ("ree zoom please", Command.RESUME),  # a word split in two
        ("stop the wok", Command.STOP),
    ],
)
def test_commands_with_reasons_and_misheard_words(phrase: str, command: Command) -> None:
    assert parse_command(phrase) is command


@pytest.mark.parametrize(
    "phrase",
    [
        "I don't want to stop the walk yet",  # a negated command
        "pause between sets, is that allowed?",
        "how long is left on my phone battery?",
        "I'll stop by the shop on the way home",
        "skip a day if you are tired, is that right",
        "I stopped at the bench earlier",
    ],
)
def test_commands_words_in_other_sentences_go_to_the_bot(phrase: str) -> None:
    assert parse_command(phrase) is None


@pytest.mark.parametrize(
    "phrase",
    [
        "why should I stop if my knee hurts?",
        "can I skip the warm-up next time?",
        "stop, my chest hurts",
        "what should I do if I feel dizzy",
        "skip the small talk is my knee okay to do this",
    ],
)
def test_questions_and_symptoms_are_never_commands(phrase: str) -> None:
    assert parse_command(phrase) is None


@pytest.mark.parametrize(
    ("phrase", "command"),
    [
        ("haud on a second, coach", Command.PAUSE),  # Scots "hold on"
        ("hold that thought, coach", Command.PAUSE),
        ("right, the break's over", Command.RESUME),
        ("what's the balance time?", Command.TIME_LEFT),  # Indian English: the time left
        ("let's knock it on the head", Command.STOP),
        ("ok coach rap it up", Command.STOP),  # a recogniser's "wrap"
        ("alright coach brakes over", Command.RESUME),  # "break's over" heard as "brakes"
        ("coach i missed what you just sad", Command.REPEAT),  # "said" heard as "sad"
        ("next na lang, coach", Command.SKIP),  # Filipino English "just"
        ("stop abeg", Command.STOP),  # Nigerian English "please"
        ("how many minutes mor coach", Command.TIME_LEFT),
        ("ok I'm all set, shut it off", Command.STOP),
        ("put it on pause", Command.PAUSE),
        # session 20: rare words and recogniser homophones
        ("erm can we take a wee breather", Command.PAUSE),
        ("hold your horses coach, the lights are red", Command.PAUSE),
        ("hit the breaks a sec", Command.PAUSE),
        ("hole on a sec theres a cyclist", Command.PAUSE),
        ("please weight one moment i am tying my shoe", Command.PAUSE),
        ("grand so, start her up again", Command.RESUME),
        ("ok erm yeah bach to it", Command.RESUME),
        ("how march longer", Command.TIME_LEFT),
        ("time cheque", Command.TIME_LEFT),
        ("what was that last bit", Command.REPEAT),
        ("call it a die", Command.STOP),
    ],
)
def test_regional_idioms_and_slips(phrase: str, command: Command) -> None:
    assert parse_command(phrase) is command


@pytest.mark.parametrize(
    "phrase", ["the tram stop's over there", "that bus stop's closed today", "hold on to my hand"]
)
def test_a_stop_as_a_place_is_no_command(phrase: str) -> None:
    assert parse_command(phrase) is None
