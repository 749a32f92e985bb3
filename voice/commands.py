"""Walk commands the voice coach handles itself, at once, without asking the bot.

Everything else a walker says goes to the bot; red-flag phrases are checked first, with the
bot's own safety rules (``bot.safety``), so they stop the walk even when the bot is down.

One concept, in reading order (hence over 400 lines): the command phrases, the clean-up of
what was heard (fillers, politeness, recogniser slips), then the readings tried in turn: the
whole utterance as one command phrase, one command among short remarks, a command followed by
its reason, a command said last; and, when none fits, the same readings of the utterance with
misheard words put back (:mod:`voice.sounds_like`); last, for wording no phrase foresaw, the
reading by meaning (:mod:`voice.command_meaning`). Questions and symptoms always go to the bot.
"""

from __future__ import annotations

import re
from enum import Enum

from voice.command_meaning import default_command_meaning
from voice.sounds_like import respell


class Command(str, Enum):
    """A local walk command."""

    PAUSE = "pause"
    RESUME = "resume"
    SKIP = "skip"
    REPEAT = "repeat"
    TIME_LEFT = "time_left"
    STOP = "stop"


# Ways people say each command. Used to recognise commands and as speech-recogniser
# training text (voice/listen builds its language model from these and data/nlu).
COMMAND_EXAMPLES: dict[Command, tuple[str, ...]] = {
    Command.PAUSE: (
        "pause",
        "pause the workout",
        "pause please",
        "hold on",
        "wait",
        "hang on",
        "give me a second",
        "take a break",
        "pause it",
        "pause the walk",
    ),
    Command.RESUME: (
        "resume",
        "continue",
        "carry on",
        "go on",
        "keep going",
        "let's go again",
        "start again",
        "unpause",
        "i'm ready",
        "resume the workout",
        "resume the walk",
        "continue the walk",
    ),
    Command.SKIP: (
        "skip",
        "skip this",
        "skip this part",
        "next",
        "next part",
        "move on",
        "go to the next one",
        "next one",
        "skip it",
        "skip ahead",
    ),
    Command.REPEAT: (
        "repeat",
        "repeat that",
        "say that again",
        "what did you say",
        "again please",
        "pardon",
        "come again",
        "say it again",
        "one more time",
    ),
    Command.TIME_LEFT: (
        "how much time is left",
        "how long left",
        "how much longer",
        "how many minutes left",
        "time left",
        "how long to go",
        "what's the time left",
        "what is the time left",
        "how much time left",
        "how many minutes are left",
        "how long have i got left",
        "time remaining",
    ),
    Command.STOP: (
        "stop",
        "stop the workout",
        "end the workout",
        "finish the walk",
        "i'm done",
        "quit",
        "end session",
        "stop the walk",
        "end the walk",
        "stop walking",
    ),
}

# A spoken command is short: a command phrase, maybe an object ("the walk", "this bit"),
# politeness and fillers. Longer utterances, questions about the walk ("why should I stop
# if my knee hurts?") and anything naming a symptom go to the bot.
MAX_COMMAND_WORDS = 7

# Recogniser slips of command words (one per misheard word; the fuzzy match below catches
# one-letter slips of longer words).
_SLIPS = {
    "paws": "pause",
    "pours": "pause",
    "pores": "pause",
    "porz": "pause",
    "paused": "pause",
    "pausing": "pause",
    "skipped": "skip",
    "skips": "skip",
    "scape": "skip",
    "skit": "skip",
    "nest": "next",
    "necks": "next",
    "repeats": "repeat",
    "repeated": "repeat",
    "report": "repeat",
    "retreat": "repeat",
    "stopped": "stop",
    "stops": "stop",
    "stoop": "stop",
    "continued": "continue",
    "continues": "continue",
    "resumed": "resume",
    "presume": "resume",
    "laughed": "left",
    "lift": "left",
    "lived": "left",
    "woke": "work",
    "pose": "pause",
    "won": "one",
    "sis": "this",
    "segments": "segment",
    "sesh": "session",
    "puts": "put",
    "haud": "hold",
    "rap": "wrap",
    "intervals": "interval",
    "workouts": "workout",
    "walks": "walk",
    "walking": "walk",
    "im": "i'm",
    "whats": "what's",
    "whatd": "what'd",
    "thats": "that's",
    "lets": "let's",
    "mor": "more",
    "hole": "hold",
    "weight": "wait",
    "bach": "back",
    "march": "much",
    "cheque": "check",
    "breaks": "brakes",
}
_KEYWORDS = ("pause", "resume", "continue", "repeat", "remaining", "minutes", "finish", "workout")

_POLITE = re.compile(
    r"^(?:(?:hey|hi|ok|okay|alright|all right|right|righto|so|um+|uh+|er+|erm|oh|well|"
    r"coach|hey coach|please|just|now|then|yeah|yes|and|mate|love|righto|nah|dear|kindly|ope|"
    r"abeg|"
    r"excuse me|sorry|pardon me(?= \w))\b\s*)+"
)
_ASK = re.compile(
    r"^(?:(?:would|could) you be (?:so|very) kind as to|(?:would|do) you mind|"
    r"(?:can|could|would|will) you|(?:we|you) can|"
    r"i (?:want|need|would like|'d like|wanna) (?:you )?(?:to )?|i think|"
    r"if you (?:could|would)|"
    r"(?:can|could) we|let's|let us|we'll|i'll|i'm going to|gonna)\b\s*"
)
_TAIL = re.compile(
    r"\s*\b(?:please|for (?:a|one) (?:sec|second|moment|minute|bit|tick|mo)|a (?:sec|second|"
    r"moment|minute|bit|tick|mo)|real quick|for now|now|then|thanks|thank you|mate|coach|"
    r"ok|okay|will you|would you|yeah|there|dear|love|for today|today|thank you|hon|honey|"
    # Filipino and Nigerian English particles: "next na lang", "stop abeg"
    r"na lang|nah lang|lang|muna|po|abeg|"
    r"if (?:that's|that is) (?:alright|all right|ok|okay|fine)|if you don't mind|for me)$"
)
# What a command may act on.
_OBJECT = (
    r"(?: (?:the|this|that|it|my|our|a|one|current|whole))*"
    r"(?: (?:walk|workout|work out|session|exercise|interval|segment|part|bit|section|set|"
    r"round|lap|one|thing|bout|stretch|training|timer|clock|it|it's|its|this|that|everything"
    r"|all|work))?"
)
_GRAMMAR: tuple[tuple[Command, re.Pattern[str]], ...] = tuple(
    (command, re.compile(pattern + "$"))
    for command, pattern in (
        (
            Command.TIME_LEFT,
            r"(?:how (?:much|many|long)(?: more)?(?: time| minutes?)?"
            r"(?: (?:is|are|have i got|have i|do i have|i've got|we've got|is there|are there|"
            r"to go|left|remaining|longer))*(?: (?:left|to go|remaining|longer|of (?:it|this|"
            r"the walk)))?|(?:what's|what is) (?:the )?(?:time|minutes) (?:left|remaining)|"
            r"(?:time|minutes) (?:left|remaining|to go)|how far (?:along|to go)(?: am i| are we)?|"
            r"are we nearly(?: done| there| finished)?|nearly (?:done|there)|"
            r"when (?:is|does) (?:it|this|the walk) (?:end|finish)|are we (?:there|done) yet|"
            r"is it (?:much|a lot|many minutes) longer|how much longer (?:is it|is this|is there"
            r"|to go)|time check|how (?:much|many minutes) of (?:the )?(?:it|this|walk|workout) "
            r"(?:is|are) (?:left|remaining)|how (?:long|much longer|many minutes) (?:till|until|"
            r"before) (?:we|i|i'm|we're|it's|it) ?(?:are |is |am )?(?:finish|finished|done|"
            r"stop|over)|how many (?:more minutes|minutes more)|"
            # Indian English "balance": what is left
            r"(?:(?:what's|what is|tell me) )?(?:the )?balance time|time balance|"
            r"how much (?:time )?(?:is )?balance|"
            r"how much longer (?:do|have) (?:we|i) (?:have|got))",
        ),
        (
            Command.REPEAT,
            r"(?:repeat|say (?:that|it|again)|say (?:that|it) again|again|"
            r"pardon(?: me)?|come again|sorry what|what|what was that|what did you (?:just )?say|"
            r"i (?:didn't|did not|missed|couldn't) (?:catch|hear|get) (?:that|it|what you said)|"
            r"one more time|once more|repeat (?:with|what) (?:that|you said)|huh|"
            r"(?:i )?missed (?:that|it|what you said)|run (?:that|it) (?:by|past) me again|"
            r"(?:say|repeat) (?:that|it) (?:once more|one more time)|again say|"
            r"what was (?:that|(?:the )?last thing you said)(?: again)?|"
            r"what was (?:that |the )?last (?:thing|instruction|bit|cue)|"
            r"repeat (?:the )?last (?:instruction|thing|cue|bit|one))" + _OBJECT,
        ),
        (
            Command.PAUSE,
            r"(?:pause|hold (?:on|up|it|that thought)|hang on|wait(?: up| a minute| a sec)?|"
            r"give me a (?:sec|second|moment|minute|break|breather|mo)|take (?:a|five|a quick|a wee"
            r"|a little|a short|a small) ?(?:break|breather|rest)?|hold (?:your|yer) horses|"
            r"(?:hit|put|slam) (?:on )?(?:the )?brakes(?: on)?|break|time out|freeze|"
            r"stop for a (?:sec|second|moment|bit|minute)|let me (?:catch my breath|rest)|"
            r"hold everything|pause (?:for|on) (?:a )?"
            r"(?:sec|second|moment|minute|bit)|hang about|give (?:me|us) a (?:sec|second|"
            r"moment|minute|mo|tick)|(?:one|a) (?:sec|second|moment|minute|mo|tick)|"
            r"wait(?: wait)+|(?:i )?need a (?:breather|break|rest|pause)|"
            r"(?:you )?make (?:a )?pause|give (?:me|us)|"
            r"put (?:the )?(?:walk|it|this|that|everything|session|workout) on hold)" + _OBJECT,
        ),
        (
            Command.RESUME,
            r"(?:resume|continue|carry on|go on|keep going|go again|start again|"
            r"(?:the |my |our )?break(?:'s| is|s)? over|"
            r"un ?pause|i'm ready|ready|(?:i'm |we're )?back|let's go|go|"
            r"start(?: it| her| us)? up again|"
            r"go on ahead|all set go(?: on)?(?: ahead)?|"
            r"restart|off we go|on we go|get going(?: again)?|pick up where we left off|play|"
            r"back to it|crack on|keep (?:walk|walking|moving)|roll|start (?:it |us )?back up|"
            r"all good keep going|(?:you )?can carry on|ready go)" + _OBJECT,
        ),
        (
            Command.SKIP,
            r"(?:skip|next|move on|go to the next(?: one| part| bit)?|next (?:one|"
            r"part|bit|interval|segment|section)|jump ahead|fast forward|move ahead|go ahead to "
            r"the next(?: one)?|skip ahead|skip (?:to )?(?:the )?next(?: one| part| bit)?|"
            r"skip (?:to )?(?:the )?next (?:stretch|section|interval|segment|round|lap|set)|"
            r"skipping|go (?:to )?next|pass(?: on)?|give (?:this|it|that)(?: one| bit)? a miss|"
            r"jump to (?:the )?next|move along(?: to (?:the )?next)?|go to (?:the )?next)"
            + _OBJECT,
        ),
        (
            Command.STOP,
            r"(?:stop|end|finish|quit|i'm done|i'm finished|that's (?:it|enough|me "
            r"done|me)|done|i've had enough|enough|call it a day|that'll do|i'm out|cancel|"
            r"wrap (?:it )?up|i give up|stop walk|no more|that(?:'ll| will) do(?: for today)?|"
            r"call it quits|call it a die|knock it on (?:the )?head|"
            r"(?:shut|switch|turn) (?:it|this|that|everything) off|shut (?:it|this|that) down|"
            r"that's enough for (?:today|now)|(?:and|in) (?:the )?(?:walk|workout|session))"
            + _OBJECT,
        ),
    )
)
_TIME_LEFT = next(pattern for command, pattern in _GRAMMAR if command is Command.TIME_LEFT)
_QUESTION = re.compile(
    r"^(?:why|should|shall|is|are|does|do|did|will|when|if|what if|am i|can i|could i|"
    r"may i|which|who|where|was|were)\b"
)
_PUNCT = re.compile(r"[^a-z' ]+")
_BRIEFLY = re.compile(r"\b(?:for )?(?:a|one) (?:sec|second|moment|minute|bit|tick|mo)\b")


def _fix(word: str) -> str:
    if word in _SLIPS:
        return _SLIPS[word]
    fixed = word
    if len(word) >= 5:
        for keyword in _KEYWORDS:
            # "minute" is the singular of "minutes", not a slip of it.
            singular = keyword.endswith("s") and word == keyword[:-1]
            if word != keyword and not singular and _one_edit(word, keyword):
                return keyword
    return fixed


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


# Command words a recogniser may split in two ("re peat", "a gain", "a head").
_JOINABLE = frozenset(
    {"repeat", "again", "ahead", "unpause", "resume", "pause", "continue", "interval"}
    | {"segment", "workout", "remaining", "finish", "skip", "next"}
)


def _join_split_words(words: list[str]) -> list[str]:
    """Join two neighbours that make one command word (itself or one slip away)."""
    out: list[str] = []
    index = 0
    while index < len(words):
        if index + 1 < len(words) and words[index] not in _JOINABLE:
            joined = words[index] + words[index + 1]
            fixed = _fix(joined)
            if words[index + 1] not in _JOINABLE and fixed in _JOINABLE:
                out.append(fixed)
                index += 2
                continue
        out.append(words[index])
        index += 1
    return out


# The wake phrase as a recogniser may write it at the start ("a coach", "hey coat"), and
# "time's" for "time is".
_WAKE = re.compile(r"^(?:(?:hey|hay|a|ay|hi|okay|ok) (?:coach|coat|couch)(?:es|'s)?\b ?)+")
_CONTRACTED = {"time's": "time is"}


def normalise_heard(text: str) -> str:
    """What was heard, lower-case, without punctuation, a leading wake phrase or a word said
    twice, with split words joined and common recogniser slips put back."""
    text = _PUNCT.sub(" ", text.lower().replace("’", "'").replace("-", " "))
    text = _WAKE.sub("", text.strip())
    words = [_fix(word) for word in _join_split_words(text.split())]
    # A word said twice in a row ("paws paws", "stop stop") is said once.
    words = [word for index, word in enumerate(words) if index == 0 or word != words[index - 1]]
    return " ".join(_CONTRACTED.get(word, word) for word in words)


def _core(text: str) -> str:
    """The utterance without greeting, politeness and fillers."""
    previous = None
    while previous != text:
        previous = text
        text = _POLITE.sub("", text).strip()
        text = _ASK.sub("", text).strip()
        text = _TAIL.sub("", text).strip()
        text = re.sub(r"\b(?:um+|uh+|er+|erm|like|please|just|the)\b", " ", text)
        text = " ".join(text.split())
    return text


_LOOKUP: dict[str, Command] = {
    _core(normalise_heard(phrase)): command
    for command, phrases in COMMAND_EXAMPLES.items()
    for phrase in phrases
}

# The example phrases with fillers removed anywhere ("hey coach, how much time is left now"):
# every utterance this exact lookup knows is a command, whatever the grammar below says.
_FILLER = re.compile(r"\b(hey coach|coach|please|ok(ay)?|um+|uh+|now|the|a)\b")


def _exact_key(text: str) -> str:
    text = _PUNCT.sub(" ", text.lower().replace("’", "'"))
    return " ".join(_FILLER.sub(" ", text).split())


_EXACT: dict[str, Command] = {
    _exact_key(phrase): command
    for command, phrases in COMMAND_EXAMPLES.items()
    for phrase in phrases
}


def parse_command(text: str) -> Command | None:
    """The local command ``text`` asks for, or None when it is anything else.

    Commands are read by meaning, not as exact phrases: greeting, politeness and fillers
    are dropped ("um could you just pause it for a sec please"), common recogniser slips
    are fixed ("paws the walk", "repeat with that", "how much time is laughed", "re peat"),
    and what is left must be one command phrase with an optional object ("skip this
    interval"). A punctuated utterance may add a short remark to its command ("I need a
    breather, pause it."). Questions ("why should I stop if my knee hurts?", "can I skip
    the warm-up next time?"), longer sentences and anything naming a symptom go to the bot.
    """
    command = _read(text)
    if command is None:
        heard = _TOKEN.findall(text.lower().replace("’", "'"))
        respelled = respell(heard)
        if respelled != heard:
            command = _read(" ".join(respelled))
    if command is None:
        command = _meaning_command(text)
    if command is None:
        return None
    normalised = normalise_heard(text)
    if (
        _names_a_symptom(text)
        or _said_to_someone_else(text, command)
        or _OTHER_OBJECT.match(_lead(normalised))
        or _OTHER_THING_LEFT.search(normalised)
    ):
        return None  # a symptom, a companion, or another thing ("pause my subscription")
    return command


# The reading by meaning is asked only about utterances a walker could say as a command.
_MEANING_WORDS = 16
_WHY = re.compile(r"^(?:why|how come)\b")
# A statement about something else, or a request for something else, is not a command.
_REMARK_ABOUT = re.compile(
    r"^(?:(?:the|a|an|this|that|these|those|his|her|their|its) \w+(?: \w+)? (?:is|are|was|were|"
    r"won't|will|has|have|looks|seems)\b|remind me\b"
    # "the bus stop's just there": a thing's state, not the walk's ("the walk's done" is)
    r"|(?:the|a|an|this|that|his|her|their|its) (?:\w+ )?(?!walk|workout|session|break)\w+'s\b)"
)
_NEGATED = re.compile(
    r"\b(?:don't|do not|dont|not|never|won't|wont|no need to)(?: (?:want|need|have|going|gonna|"
    r"wanna|to|really|yet|i|we))* (?:stop|pause|skip|end|finish|quit|repeat|resume|continue)\b"
)
_STOP_AT = re.compile(r"\bstop (?:at|by|off at|in at|off) (?:the|a|an|my|our)\b")
_ABOUT_THE_END = re.compile(
    r"\b(?:left|remaining|remain|long|longer|more|much|done|finish\w*|over|end|go|nearly|"
    r"almost|soon|there|clock)\b"
)


def _meaning_command(text: str) -> Command | None:
    """The command the utterance means (:mod:`voice.command_meaning`), when the grammar found
    none; a question may only ask to repeat or for the time left."""
    heard = normalise_heard(text)
    if not heard or len(heard.split()) > _MEANING_WORDS:
        return None
    reader = default_command_meaning()
    value = reader.read(heard) if reader is not None else None
    if value is None:
        return None
    command = Command(value)
    if _WHY.match(heard) or _REMARK_ABOUT.match(_lead(heard)):
        return None  # "why do you keep repeating that?", "the bus stop is over there"
    if command is Command.TIME_LEFT and not _ABOUT_THE_END.search(heard):
        return None  # "what's the time?" asks the clock, not the walk
    if _NEGATED.search(heard):
        return None  # "I don't want to stop the walk yet"
    if command is Command.STOP and _STOP_AT.search(heard):
        return None  # "I need to stop at the pharmacy on the way home": a place to call at
    if command not in _ASKING and (
        _QUESTION_INSIDE.search(heard) or ("?" in text and not _is_request(heard))
    ):
        return None
    return command


# Phrases with a command word that are not said to the coach: "wait up" and "wait for me,
# Sarah" are said to a companion, "next week" or "next time" is about a later day.
_COMPANION = re.compile(
    r"\bwait up\b|\bwait for (?:me|us) (?!please|coach|thanks|now|mate|dear|love)\w+$"
    # encouragement or a warning to someone walking along: "keep going, Sophie, you're doing
    # great", "hold on tight to the buggy"
    r"|\b(?:you'?re|your|you are) (?:doing|nearly|almost|so)\b|\bhold on (?:tight|to)\b"
)
_LATER = re.compile(
    r"\bnext (?:week|weekend|time|day|month|year|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|morning|evening)\b"
)


def _said_to_someone_else(text: str, command: Command) -> bool:
    """Whether the command word is said to a companion or about another day ("come again
    next Saturday, Margaret"); stopping or pausing now may still name a later day ("stop,
    I'll finish it next time")."""
    normalised = normalise_heard(text)
    if command in (Command.PAUSE, Command.RESUME) and _COMPANION.search(normalised):
        return True
    later = command in (Command.SKIP, Command.REPEAT, Command.RESUME)
    return later and _LATER.search(normalised) is not None


# Words, and the punctuation that ends a clause as a token of its own.
_TOKEN = re.compile(r"[a-z']+|[,.!?;:]")


def _read(text: str) -> Command | None:
    """The command ``text`` is, read as heard (no respelling, symptoms not checked)."""
    exact = _EXACT.get(_exact_key(text))
    if exact is not None:
        return exact
    command = _utterance_command(text)
    if command is None:
        command = _clause_command(text)
    if command is None:
        command = _head_command(text)
    if command is None:
        command = _tail_command(text)
    return command


def _utterance_command(text: str) -> Command | None:
    """The command a whole utterance is (symptoms not checked)."""
    normalised = normalise_heard(text)
    if not normalised:
        return None
    if _END_SLIP.match(normalised):
        return Command.STOP
    core = _core(normalised)
    if not core:  # only politeness and a "moment": "just a mo", "one second please"
        return Command.PAUSE if _BRIEFLY.search(normalised) else None
    if len(core.split()) > MAX_COMMAND_WORDS:
        return None
    if core in _LOOKUP:
        command: Command | None = _LOOKUP[core]
    elif _TIME_LEFT.match(core):  # "are we nearly done?" is a question and a command
        command = Command.TIME_LEFT
    elif _QUESTION.match(core):
        return None
    else:
        command = next((c for c, pattern in _GRAMMAR if pattern.match(core)), None)
    if command is Command.STOP and _BRIEFLY.search(normalised):
        command = Command.PAUSE  # "stop for a sec": a pause, not the end
    return command


# "end the walk" heard as "and the walk" / "in the walk" (the core would drop both words).
_END_SLIP = re.compile(r"^(?:and|in) (?:the )?(?:walk|workout|session)$")
_CLAUSE = re.compile(r"[^,.!?;:]+")
# A remark beside a command: a few words, or a short first-person statement.
_REMARK_WORDS = 3
_STATEMENT = re.compile(r"^(?:i'm|i am|i don't|i do not|i need|i've|i'm a bit)\b")
_STATEMENT_WORDS = 7


def _clause_command(text: str) -> Command | None:
    """One command among short remarks: "Nah, skip it, mate." / "Huh? Say it again!"."""
    clauses = [c for c in _CLAUSE.findall(text) if c.strip()]
    if len(clauses) < 2:
        return None
    read = [_utterance_command(clause) or _head_command(clause) for clause in clauses]
    found = set(read) - {None}
    if len(found) != 1:
        return None
    for clause, command in zip(clauses, read, strict=True):
        if command is None and not _is_remark(clause):
            return None
    return found.pop()


def _is_remark(clause: str) -> bool:
    words = normalise_heard(clause).split()
    if not words or _QUESTION.match(" ".join(words)):
        return not words
    if len(words) <= _REMARK_WORDS:
        return True
    return len(words) <= _STATEMENT_WORDS and bool(_STATEMENT.match(" ".join(words)))


# A command said first, then a reason: "pause please, the dog wants to sniff something",
# "skip this exercise, is too hard for me" (the reason may be anything but a question).
_THE = r"(?:the |this |that |my |our )?"
_UNIT = r"(?:walk|workout|work out|session|exercise|interval|segment|part|bit|section|coaching)"
_HEADS: tuple[tuple[Command, re.Pattern[str]], ...] = tuple(
    (command, re.compile(pattern + r"(?:\b|$)"))
    for command, pattern in (
        (
            Command.PAUSE,
            r"^(?:pause|hold (?:up|on|it)|hang on|wait|freeze|put (?:it|this|that) on hold|"
            r"hold (?:your|yer) horses|(?:hit|put|slam) (?:on )?(?:the )?brakes|"
            r"give (?:me|us) a (?:sec|second|moment|minute|mo|tick)|"
            r"(?:one|a) (?:sec|second|moment|minute|mo|tick)(?: please)?)",
        ),
        (
            Command.RESUME,
            r"^(?:resume|continue|carry on|keep going|go again|back to it|off we go|let's go|"
            r"(?:you |we )?can (?:continue|carry on|resume|go again|start (?:the )?\w+ again)|"
            r"(?:we )?go again|get back (?:into|to) it|start (?:it |the \w+ )?again|"
            r"(?:please )?continue)",
        ),
        (
            Command.SKIP,
            rf"^(?:skip(?! (?:a|one|two|\w+) (?:day|days|week|session|sessions|walk|walks)\b)|"
            rf"next {_UNIT}|next (?:one|interval)|move on to (?:the )?next|"
            rf"(?:go|move) on to (?:the )?next|jump (?:to (?:the )?next|ahead)|fast forward|"
            rf"leave {_THE}(?:one|bit|part) out)",
        ),
        (
            Command.REPEAT,
            r"^(?:repeat(?: that| it| the last| what you said|$)|say (?:that|it) again|say again|"
            r"(?:i )?(?:didn't|did not|couldn't|could not) (?:catch|hear|get) (?:that|it|you)|"
            r"what(?:'d| did) you (?:just )?say|what was (?:the last bit|the instruction)|"
            r"pardon|come again|once more|(?:i )?beg (?:your )?pardon|"
            # not "what was that bird?": a question about something else
            r"what was that(?: last)?(?: bit| part| thing)?(?! (?!again|last|you|coach|please|"
            r"sorry|then|now|mate|dear|love|there)\w+))",
        ),
        (
            Command.TIME_LEFT,
            r"^(?:how (?:much|many|long)\b.*\b(?:left|to go|longer|remaining|still|"
            r"till the end|until the end)|(?:remaining time|time left|time remaining))",
        ),
        (
            Command.STOP,
            rf"^(?:(?:stop|end|finish) {_THE}{_UNIT}|(?:we're|we are|i'm|i am) "
            r"(?:finished|done)(?: for today)?|that's enough(?: for today)?)",
        ),
    )
)
# A request may be a question ("Can you pause for a minute, please?"); any other question
# about a command word is for the bot ("pause between sets, is that allowed?").
_REQUEST = re.compile(r"^(?:can|could|would|will) (?:you|we)\b|^(?:would|do) you mind\b")
_QUESTION_INSIDE = re.compile(
    r"\b(?:why|should|shall|is (?:it|that|this) (?:ok|okay|bad|safe|normal|allowed|fine)|"
    r"can i|do i|does|how do|what if|is that|are we allowed)\b"
)
_HEAD_WORDS = 14
_OTHER_THING = re.compile(
    r"\b(?:on|of|in|for|at) (?:my|the|his|her|your) "
    r"(?!walk|workout|session|interval|exercise|treadmill|belt|route|lap)\w+"
    # "how much longer before I see results?": the programme, not this walk
    r"|\b(?:see|notice|get|feel) (?:any |a |some )?(?:results?|difference|benefits?|"
    r"improvements?|changes?)\b"
)
_ASKING = (Command.REPEAT, Command.TIME_LEFT)
# A command verb with an object that is not the walk: "pause my subscription", "stop my alarm".
_OTHER_OBJECT = re.compile(
    r"^(?:pause|stop|skip|end|cancel|resume|continue|finish|repeat|hold) (?:my|your|his|her|our)"
    r" (?!walk|workout|work out|session|interval|exercise|treadmill|timer|clock|coaching|"
    r"bit|part|section|segment|set|lap|round|cue|instruction|last|thing|horses\b)\w+"
    # "skip the small talk, is my knee okay?": the talk, not the walk
    r"|^(?:skip|stop|cut|end|pause) (?:the |all )?(?:small talk|chit ?chat|chat|chatter|"
    r"pleasantries|waffle|talking)\b"
)


# Time or charge left on something else: "how long is left on my phone battery?"
_OTHER_THING_LEFT = re.compile(
    r"\b(?:left|remaining|to go) (?:on|in|of) (?:my|his|her) "
    r"(?!walk|workout|work out|session|timer|clock|treadmill|interval|exercise|bit|part|set"
    r"|lap|round|segment|section)\w+"
)


def _lead(normalised: str) -> str:
    """The utterance without greeting, politeness and request words at its start."""
    previous = None
    text = normalised
    while previous != text:
        previous = text
        text = _POLITE.sub("", text).strip()
        text = _ASK.sub("", text).strip()
        text = re.sub(r"^(?:um+|uh+|er+|erm|like|please|just|so|tell me)\b\s*", "", text).strip()
    return text


def _head_command(text: str) -> Command | None:
    """A command at the start of a longer utterance, followed by its reason."""
    normalised = normalise_heard(text)
    if not normalised or len(normalised.split()) > _HEAD_WORDS:
        return None
    lead = _lead(normalised)
    command = next((c for c, pattern in _HEADS if pattern.match(lead)), None)
    if command is Command.TIME_LEFT and _OTHER_THING.search(lead):
        return None  # "how long is left on my phone battery?"
    if command is None or command in _ASKING:
        return command
    if _QUESTION_INSIDE.search(normalised):
        return None
    if "?" in text and not _is_request(normalised):
        return None
    return command


def _is_request(normalised: str) -> bool:
    """Whether a question is a request to the coach ("excuse me, could we pause a moment?")."""
    return bool(_REQUEST.match(normalised) or _REQUEST.match(_POLITE.sub("", normalised)))


# A command said last, after a remark: "thank you for waiting dear, we can continue now".
_TAIL_WORDS = (5, 4, 3, 2)
_NOT_BEFORE = re.compile(r"\b(?:don't|do not|not|never|won't|can't|cannot|no need to)\b")


def _tail_command(text: str) -> Command | None:
    """A command phrase of two words or more that ends an utterance which asks nothing else."""
    words = normalise_heard(text).split()
    if len(words) > _HEAD_WORDS or "?" in text or _QUESTION_INSIDE.search(" ".join(words)):
        return None
    for size in _TAIL_WORDS:
        if len(words) <= size:
            continue
        tail = " ".join(words[-size:])
        command = _utterance_command(tail)
        if command is not None and len(_core(tail).split()) >= 2:
            before = " ".join(words[-size - 3 : -size])
            return None if _NOT_BEFORE.search(before) else command
    return None


def _names_a_symptom(text: str) -> bool:
    from bot.safety.assessment import assess_rules

    return bool(assess_rules(text, "walking").mentions)


def all_command_examples() -> list[str]:
    """Every example phrase, for the speech recogniser's language model."""
    return [phrase for phrases in COMMAND_EXAMPLES.values() for phrase in phrases]
