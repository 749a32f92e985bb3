"""What the simulated users say: RetroWalk's and the stock bot's conversations.

The load steps give every user a whole conversation (:func:`retrowalk_script`,
:func:`stock_script`); the sequential single-turn and long-conversation measurements cycle
through the fixed lists at the end.
"""

from __future__ import annotations

RETROWALK_INTRO = ["hi", "what are the benefits of walking backwards?"]
RETROWALK_PLAN = [
    "make me a plan please",
    "never tried it",
    "I'm 52",
    "no injuries, nothing",
    "outdoors on a track",
    "better balance",
    "30 minutes",
    "3 days a week",
    "what's my session today?",
]
RETROWALK_FAQ = [
    "how fast should I go on a treadmill?",
    "what shoes should I wear?",
    "is it good for my balance?",
    "how long should I walk each time?",
    "how do I start?",
    "thanks",
]
# A user's parts after the greeting, in one of these orders (user number modulo 3), so
# that at any moment some users are in the plan form, some log walks and some ask questions.
PART_ORDERS = ((0, 1, 2), (1, 2, 0), (2, 0, 1))

STOCK_SCRIPT = [
    "hi",
    "I am sad",
    "yes",
    "I am feeling very good",
    "are you a bot?",
    "good morning",
    "I feel very unhappy",
    "no",
    "I am great",
    "bye",
]


def retrowalk_walks(user: int) -> list[str]:
    """Two walks (minutes differ per user), how each felt, a question, and the progress chart."""
    return [
        f"I walked {5 + user % 40} minutes",
        "It felt ok",
        RETROWALK_FAQ[user % len(RETROWALK_FAQ)],
        f"I walked {10 + user % 30} minutes",
        "It felt easy",
        "how am I doing?",
    ]


def retrowalk_script(user: int, turns: int) -> list[str]:
    """A RetroWalk user's conversation: greeting, FAQ, the plan form, walk logs.

    Args:
        user: The user's number (varies the order of the parts and the walk minutes).
        turns: Messages; the conversation is cut there, or repeated (without the greeting)
            if longer than one conversation (20 messages).
    """
    parts = (RETROWALK_PLAN, retrowalk_walks(user), RETROWALK_FAQ[:3])
    body = [text for index in PART_ORDERS[user % len(PART_ORDERS)] for text in parts[index]]
    script = list(RETROWALK_INTRO)
    while len(script) < turns:
        script += body
    return script[:turns]


def stock_script(user: int, turns: int) -> list[str]:
    """A stock-bot user's conversation: its own intents (greet, mood, bot challenge, bye)."""
    body = STOCK_SCRIPT[1:]
    offset = user % len(body)
    rotated = body[offset:] + body[:offset]
    script = ["hi"]
    while len(script) < turns:
        script += rotated
    return script[:turns]


RETROWALK_SINGLE_TURNS = (
    "hi",
    "What is retro walking?",
    "Why should I walk backwards at all?",
    "Does walking backwards help with balance?",
    "Which muscles does backward walking work?",
    "Is walking backwards good for my knees?",
    "Can it help with lower back pain?",
    "How do I get started with backward walking?",
    "How long should each session be?",
    "How fast should I walk backwards?",
    "Can I walk backwards on a treadmill?",
    "Should I land on my toes or my heels?",
    "Should I turn my head to look behind me?",
    "How do I avoid falling while walking backwards?",
    "Is it safe for my 75 year old mother?",
    "Is it ok to walk backwards at night?",
    "What shoes should I wear for retro walking?",
    "My calves are sore after yesterday, is that normal?",
    "What's the weather like tomorrow?",
    "Tell me a joke",
)

RETROWALK_CONVERSATION = (
    "hello",
    "What is retro walking?",
    "Does walking backwards help with balance?",
    "is that proven?",
    "How do I get started?",
    "How long should each session be?",
    "Should I turn my head to look behind me?",
    "How do I avoid falling?",
    "Is it safe for older adults?",
    "What shoes should I wear?",
    "Can I do it on a treadmill?",
    "What's the weather like tomorrow?",
    "thanks",
    "are you a bot?",
)

STOCK_SINGLE_TURNS = (
    "hi",
    "hello",
    "good morning",
    "I am sad",
    "I feel very unhappy",
    "I am great",
    "I am feeling very good",
    "yes",
    "no",
    "are you a bot?",
    "bye",
    "goodbye",
)

STOCK_CONVERSATION = (
    "hi",
    "I am sad",
    "yes",
    "I am feeling very good",
    "are you a bot?",
    "I am unhappy",
    "no",
    "bye",
)
