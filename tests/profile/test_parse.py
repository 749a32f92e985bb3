"""Unit tests of bot.profile.parse: the answers table, rejection messages, the result contract."""

from __future__ import annotations

from typing import Any

import pytest

from bot.profile.parse import parse_answers
from bot.profile.slots import SLOTS, ParsedAnswer
from tests.profile.answers import ent, parsed

# (text, asked, entities, expected answers, expected rejected slots). Without entities the
# places and conditions are read with the pattern files' ids, as the spaCy pipeline reads them
# ("bad knee" -> "knee pain"), so both give the same answers.
Case = tuple[str, "str | None", "list[dict[str, Any]]", "dict[str, Any]", "set[str]"]
CASES: list[Case] = [
    # --- combined answers
    (
        "I'm 70, I walk in the park 3 days a week",
        None,
        [],
        {"age": 70, "location": "outdoor", "days_per_week": 3},
        set(),
    ),
    (
        "I walk 3 days a week for 20 minutes",
        None,
        [],
        {"days_per_week": 3, "minutes_per_session": 20},
        set(),
    ),
    (
        "I'm 68, bad left knee, treadmill twice a week for half an hour, 12 stone, "
        "want to get fitter",
        None,
        [],
        {
            "age": 68,
            "conditions": ("knee pain",),
            "location": "treadmill",
            "days_per_week": 2,
            "minutes_per_session": 30,
            "weight_kg": 76.2,
            "goal": "fitness",
        },
        set(),
    ),
    (
        "I can do about 20 minutes, maybe three days a week, I'm 72 and have high blood pressure",
        None,
        [],
        {
            "minutes_per_session": 20,
            "days_per_week": 3,
            "age": 72,
            "conditions": ("high blood pressure",),
        },
        set(),
    ),
    (
        "I'm 45, pretty fit, go to the gym 4 times a week, never tried walking backwards",
        None,
        [],
        {"age": 45, "regularly_active": True, "experience": "none"},
        set(),
    ),
    (
        "I'm 80 years old and walk in the hallway holding the rail",
        None,
        [],
        {"age": 80, "location": "indoor_support"},
        set(),
    ),
    ("weight 85kg, age 55", None, [], {"weight_kg": 85.0, "age": 55}, set()),
    ("3x/week, 20min", None, [], {"days_per_week": 3, "minutes_per_session": 20}, set()),
    (
        "every day for 15 minutes",
        None,
        [],
        {"days_per_week": 7, "minutes_per_session": 15},
        set(),
    ),
    (
        "I want to walk backwards on the running track to get fit",
        None,
        [],
        {"location": "outdoor", "goal": "fitness"},
        set(),
    ),
    (
        "I swim twice a week and I'm 60",
        None,
        [],
        {"regularly_active": True, "age": 60},
        set(),
    ),
    # --- disambiguation of numbers
    ("I'm 70 kg", None, [], {"weight_kg": 70.0}, set()),
    ("I'm 5 foot 6", None, [], {}, set()),
    (
        "I'm 6 weeks post op",
        None,
        [],
        {"goal": "rehab", "conditions": ("recent surgery",)},
        set(),
    ),
    ("I'm 70 and my wife is 68", None, [], {"age": 70}, set()),
    ("my mum is 95 years old", None, [], {}, set()),
    ("I'm 1 of 3 kids", None, [], {}, set()),
    ("my 1st time", None, [], {"experience": "none"}, set()),
    ("I walk at 3 miles an hour for 20 minutes", None, [], {"minutes_per_session": 20}, set()),
    ("I want to lose 10 kg", None, [], {"goal": "fitness"}, set()),
    ("I work 5 days a week so weekends", None, [], {"days_per_week": 2}, set()),
    ("I've tried it twice", None, [], {"experience": "some"}, set()),
    (
        "he did a bit of it in the army, so not totally new to it",
        None,
        [],
        {"experience": "some"},
        set(),
    ),
    ("I'm totally new to it", None, [], {"experience": "none"}, set()),
    ("plan: some exp, outdoors", None, [], {"experience": "some", "location": "outdoor"}, set()),
    ("I have tried few times before", None, [], {"experience": "some"}, set()),
    ("give me a minute", None, [], {}, set()),
    # --- bare answers to the question just asked
    ("70", "age", [], {"age": 70}, set()),
    ("seventy", "age", [], {"age": 70}, set()),
    ("60s", "age", [], {"age": 60}, set()),
    ("3", "days_per_week", [], {"days_per_week": 3}, set()),
    ("twice", "days_per_week", [], {"days_per_week": 2}, set()),
    ("3 or 4", "days_per_week", [], {"days_per_week": 3}, set()),
    ("Mon Wed Fri", "days_per_week", [], {"days_per_week": 3}, set()),
    ("20", "minutes_per_session", [], {"minutes_per_session": 20}, set()),
    ("30ish", "minutes_per_session", [], {"minutes_per_session": 30}, set()),
    ("20 or 30", "minutes_per_session", [], {"minutes_per_session": 20}, set()),
    ("80", "weight_kg", [], {"weight_kg": 80.0}, set()),
    ("I weigh 80", "weight_kg", [], {"weight_kg": 80.0}, set()),
    ("none", "conditions", [], {"conditions": ()}, set()),
    ("no", "conditions", [], {"conditions": ()}, set()),
    ("nothing", "conditions", [], {"conditions": ()}, set()),
    ("nope, fit as a fiddle", "conditions", [], {"conditions": ()}, set()),
    ("yes", "conditions", [], {}, {"conditions"}),
    ("yes, asthma", "conditions", [], {"conditions": ("asthma",)}, set()),
    ("no", "experience", [], {"experience": "none"}, set()),
    ("a bit", "experience", [], {"experience": "some"}, set()),
    ("I'm experienced", "experience", [], {"experience": "regular"}, set()),
    ("yes", "experience", [], {}, {"experience"}),
    # how often they do it now is not the plan's days (asked later)
    ("every day", "experience", [], {"experience": "regular"}, set()),
    ("balance", "goal", [], {"goal": "balance"}, set()),
    ("yes", "regularly_active", [], {"regularly_active": True}, set()),
    ("no", "regularly_active", [], {"regularly_active": False}, set()),
    ("I'd rather not say", "weight_kg", [], {}, set()),
    # --- experience
    ("never done it", None, [], {"experience": "none"}, set()),
    ("first time", None, [], {"experience": "none"}, set()),
    ("I'm a complete beginner", None, [], {"experience": "none"}, set()),
    ("I've tried it a few times", None, [], {"experience": "some"}, set()),
    ("I walk backwards every week", None, [], {"experience": "regular"}, set()),
    ("I've been doing it for years", None, [], {"experience": "regular"}, set()),
    (
        "I'm experienced at running but new to walking backwards",
        None,
        [],
        {"experience": "none"},
        set(),
    ),
    ("I've had arthritis for years", None, [], {"conditions": ("arthritis",)}, set()),
    # --- conditions
    ("I have a bad knee and asthma", None, [], {"conditions": ("knee pain", "asthma")}, set()),
    ("no injuries", None, [], {"conditions": ()}, set()),
    ("I'm healthy", None, [], {"conditions": ()}, set()),
    ("no injuries but I have asthma", None, [], {"conditions": ("asthma",)}, set()),
    ("I had a fall last year", None, [], {"conditions": ("fall",)}, set()),
    (
        "I have a bad knee and arthritis, no treadmill",
        None,
        [
            ent("symptom", "knee pain", "bad knee"),
            ent("condition", "arthritis", "arthritis"),
            ent("place", "treadmill", "treadmill"),
        ],
        {"conditions": ("knee pain", "arthritis")},
        set(),
    ),
    (
        "I have diabetes and I'm on blood thinners",
        None,
        [
            ent("condition", "diabetes", "diabetes"),
            ent("condition", "blood thinners", "blood thinners"),
        ],
        {"conditions": ("diabetes", "blood thinners")},
        set(),
    ),
    # --- location
    ("on the treadmill", None, [], {"location": "treadmill"}, set()),
    ("the treadmill at the gym", None, [], {"location": "treadmill"}, set()),
    ("the gym", None, [], {"location": "indoor_support"}, set()),
    ("in the hallway at home", None, [], {"location": "indoor_support"}, set()),
    ("in the garden at home", None, [], {"location": "outdoor"}, set()),
    ("at home", None, [], {"location": "indoor_support"}, set()),
    ("outside", None, [], {"location": "outdoor"}, set()),
    ("along the kitchen counter", None, [], {"location": "indoor_support"}, set()),
    ("no treadmill, I'll use the park", None, [], {"location": "outdoor"}, set()),
    ("park or treadmill", None, [], {}, {"location"}),
    (
        "treadmill at the gym, 45 mins, twice a week",
        None,
        [
            ent("place", "treadmill", "treadmill"),
            ent("place", "gym", "gym"),
            ent("duration", 45.0, "45 mins", "min"),
        ],
        {"location": "treadmill", "minutes_per_session": 45, "days_per_week": 2},
        set(),
    ),
    # --- goal
    ("I want to improve my balance", None, [], {"goal": "balance"}, set()),
    ("to prevent falls", None, [], {"goal": "balance"}, set()),
    ("for my knees", None, [], {"goal": "joints"}, set()),
    ("I have arthritis in my knees", None, [], {"conditions": ("knee osteoarthritis",)}, set()),
    ("to lose weight", None, [], {"goal": "fitness"}, set()),
    ("just curious", None, [], {"goal": "curiosity"}, set()),
    ("fitness and fun", "goal", [], {"goal": "fitness"}, set()),
    (
        "rehab after knee surgery",
        None,
        [],
        {"goal": "rehab", "conditions": ("knee surgery",)},
        set(),
    ),
    (
        "My physio suggested it after my hip replacement",
        None,
        [],
        {"goal": "rehab", "conditions": ("hip replacement",)},
        set(),
    ),
    ("my knees and my balance", "goal", [], {}, {"goal"}),
    # --- regular activity
    ("I'm active", None, [], {"regularly_active": True}, set()),
    ("I exercise regularly", None, [], {"regularly_active": True}, set()),
    ("I haven't exercised in years", None, [], {"regularly_active": False}, set()),
    ("sedentary", None, [], {"regularly_active": False}, set()),
    ("I used to be active but not anymore", None, [], {"regularly_active": False}, set()),
    # --- minutes and days phrasings
    ("half an hour", None, [], {"minutes_per_session": 30}, set()),
    ("an hour", None, [], {"minutes_per_session": 60}, set()),
    ("an hour and a half", None, [], {"minutes_per_session": 90}, set()),
    ("1h30", None, [], {"minutes_per_session": 90}, set()),
    ("20-30 minutes", None, [], {"minutes_per_session": 20}, set()),
    ("between 20 and 30 minutes", None, [], {"minutes_per_session": 20}, set()),
    ("half an hour to an hour", None, [], {"minutes_per_session": 30}, set()),
    ("twice a week", None, [], {"days_per_week": 2}, set()),
    ("three times a week", None, [], {"days_per_week": 3}, set()),
    ("once a week", None, [], {"days_per_week": 1}, set()),
    ("daily", None, [], {"days_per_week": 7}, set()),
    ("weekdays", None, [], {"days_per_week": 5}, set()),
    ("weekends only", None, [], {"days_per_week": 2}, set()),
    ("every other day", None, [], {"days_per_week": 3}, set()),
    ("3-4 days a week", None, [], {"days_per_week": 3}, set()),
    ("couple of times a week", None, [], {"days_per_week": 2}, set()),
    # numbers a speech recogniser heard as words
    ("for days a week", None, [], {"days_per_week": 4}, set()),
    ("to or three days", "days_per_week", [], {"days_per_week": 2}, set()),
    ("walked for days a week ago", None, [], {}, set()),
    # minds changed within one message: the last value said
    ("5 days. Actually 3. No, let's go 4.", "days_per_week", [], {"days_per_week": 4}, set()),
    ("20 minutes, actually 30", "minutes_per_session", [], {"minutes_per_session": 30}, set()),
    ("balance. nah, fitness actually", "goal", [], {"goal": "fitness"}, set()),
    # the subject dropped: "am 83"
    ("hello. am 83 or thereabouts. want plan pls", None, [], {"age": 83}, set()),
    # urged to try it for weeks is no experience
    (
        "My granddaughter has been at me for weeks to try this backwards walking. I'd like a plan",
        None,
        [],
        {},
        set(),
    ),
    # what a person says of themself after a "but"
    (
        "I've walked patients backwards plenty but never done it myself",
        None,
        [],
        {"experience": "none"},
        set(),
    ),
    # a condition or goal asked about is not the walker's answer
    (
        "None. Quick question - is it recommended after a knee replacement? Asking for a friend.",
        "conditions",
        [],
        {"conditions": ()},
        set(),
    ),
    ("can you make me a plan for my balance?", None, [], {"goal": "balance"}, set()),
    # where it was done before is no goal
    (
        "want a plan. am 80. done it some at physio yrs ago",
        None,
        [],
        {"age": 80, "experience": "some"},
        set(),
    ),
    # a run-on list of answers: the place is an answer, not where it was done
    (
        "make me a plan im forty one ive done it a few times before no injuries treadmill goal is"
        " fitness thirty minutes three days a week",
        None,
        [],
        {
            "age": 41,
            "experience": "some",
            "conditions": (),
            "location": "treadmill",
            "goal": "fitness",
            "minutes_per_session": 30,
            "days_per_week": 3,
        },
        set(),
    ),
    ("Couple times a week, maybe three if it's dry", None, [], {"days_per_week": 2}, set()),
    ("Mondays and Thursdays", None, [], {"days_per_week": 2}, set()),
    # --- weight and age phrasings
    ("176 lbs", None, [], {"weight_kg": 79.8}, set()),
    ("11 st 4 lb", None, [], {"weight_kg": 71.7}, set()),
    ("I weigh 180 pounds", None, [], {"weight_kg": 81.6}, set()),
    ("in my sixties", None, [], {"age": 60}, set()),
    ("Would you make me a plan? I'm late sixties", None, [], {"age": 68}, set()),
    ("I'm late for work", None, [], {}, set()),
    ("can u make me a plan. I've done a bit before", None, [], {"experience": "some"}, set()),
    ("done a wee bit before", None, [], {"experience": "some"}, set()),
    ("I only started walking backwards last week", None, [], {"experience": "some"}, set()),
    ("I started my new job last week", None, [], {}, set()),
    (  # what a doctor says the exercise is good for is a claim, not the walker's goal
        "my doctor say backward walking is good for balance. Is it safe for old people?",
        None,
        [],
        {},
        set(),
    ),
    ("it is good for balance", "goal", [], {"goal": "balance"}, set()),
    ("65 yo female", None, [], {"age": 65}, set()),
    ("a 70-year-old", None, [], {"age": 70}, set()),
    ("I am seventy five", None, [], {"age": 75}, set()),
    (
        "I weigh 12 stone and I'm in my sixties",
        None,
        [ent("weight", 76.2, "12 stone", "kg"), ent("age", 60.0, "in my sixties", "years")],
        {"weight_kg": 76.2, "age": 60},
        set(),
    ),
    ("I'm 70", None, [ent("age", 70.0, "70", "years")], {"age": 70}, set()),
    # --- more realistic phrasings
    (
        "I'm 58 and recovering from an ACL reconstruction, my physio recommended retro "
        "walking on the treadmill",
        None,
        [],
        {
            "age": 58,
            "conditions": ("acl reconstruction",),
            "location": "treadmill",
            "goal": "rehab",
        },
        set(),
    ),
    (
        "Hi! I'm Jane, 63 years young, I've got osteoarthritis in my right hip",
        None,
        [],
        {"age": 63, "conditions": ("hip osteoarthritis",)},
        set(),
    ),
    ("I don't have access to a treadmill", None, [], {}, set()),
    ("I can't get outside so the treadmill", None, [], {"location": "treadmill"}, set()),
    (
        "I exercise 3 times a week but have never tried walking backwards, I could do 2 days",
        None,
        [],
        {"regularly_active": True, "experience": "none", "days_per_week": 2},
        set(),
    ),
    ("I run 5k three times a week", None, [], {"regularly_active": True}, set()),
    ("My knees hurt when I walk forwards", None, [], {"conditions": ("knee pain",)}, set()),
    ("Don't have any", "conditions", [], {"conditions": ()}, set()),
    ("not really", "experience", [], {"experience": "none"}, set()),
    ("I can manage 10-15 minutes at a time", None, [], {"minutes_per_session": 10}, set()),
    (
        "About 15 mins a day, 5 days a week",
        None,
        [],
        {"minutes_per_session": 15, "days_per_week": 5},
        set(),
    ),
    ("70 minutes", "age", [], {"minutes_per_session": 70}, set()),
    (
        "I weigh 95kg and want to lose weight",
        None,
        [],
        {"weight_kg": 95.0, "goal": "fitness"},
        set(),
    ),
    ("with a 5 kg backpack", None, [], {}, set()),
    (
        "walking backwards on a treadmill at 1 mph with a 5% incline for 10 minutes",
        None,
        [],
        {"location": "treadmill", "minutes_per_session": 10},
        set(),
    ),
    # --- bad input: out of range, missing unit, contradictions, weekly totals
    ("I'm 200", None, [], {}, {"age"}),
    ("200", "age", [], {}, {"age"}),
    ("0", "age", [], {}, {"age"}),
    ("I was born in 1954", "age", [], {}, {"age"}),
    ("5 kg", "weight_kg", [], {}, {"weight_kg"}),
    ("1000 kg", None, [], {}, {"weight_kg"}),
    ("I weigh 80", None, [], {}, {"weight_kg"}),
    ("12", "weight_kg", [], {}, {"weight_kg"}),
    ("1000 minutes", None, [], {}, {"minutes_per_session"}),
    ("90 seconds", None, [], {}, {"minutes_per_session"}),
    ("-20 minutes", None, [], {}, {"minutes_per_session"}),
    ("20 minutes a week", None, [], {}, {"minutes_per_session"}),
    ("-3 days a week", None, [], {}, {"days_per_week"}),
    ("9 days a week", None, [], {}, {"days_per_week"}),
    ("0 days", "days_per_week", [], {}, {"days_per_week"}),
    ("2.5 days a week", None, [], {}, {"days_per_week"}),
    ("I'm 65... actually I'm 70", None, [], {"age": 70}, set()),  # settled on the last
    ("I'm 65 and I'm 70", None, [], {}, {"age"}),
    ("I'm 65, no wait, I'm 70", None, [], {"age": 70}, set()),
    ("I guess fitness? Or balance? Eh, let's say fitness.", "goal", [], {"goal": "fitness"}, set()),
    (
        "we sold the treadmill. Make that outdoors, the track",
        "goal",
        [],
        {"location": "outdoor"},
        set(),
    ),
    ("3, 4 if I'm lucky", "days_per_week", [], {"days_per_week": 3}, set()),
    ("I'm roughly 50, give or take", None, [], {"age": 50}, set()),
    ("for my balanced mostly", "goal", [], {"goal": "balance"}, set()),
    ("goal is general fitnes", None, [], {"goal": "fitness"}, set()),
    ("I'm 70 and 200 minutes", None, [], {"age": 70}, {"minutes_per_session"}),
    (
        "to prevent falls I walk 20-30 minutes",
        None,
        [ent("duration", 30.0, "30 minutes", "min"), ent("symptom", "fall", "falls")],
        {"goal": "balance", "minutes_per_session": 20},
        set(),
    ),
    # Joint health is the joints goal, not general fitness.
    ("I want to keep my knees healthy", None, [], {"goal": "joints"}, set()),
    ("mostly for healthy joints", None, [], {"goal": "joints"}, set()),
    # Terse lists: a lone number is the age and a lone goal word the goal, given context.
    (
        "need a plan. 38. no conditions. outdoor track. fitness. 30 min, 3 days/wk",
        None,
        [],
        {
            "age": 38,
            "conditions": (),
            "location": "outdoor",
            "goal": "fitness",
            "minutes_per_session": 30,
            "days_per_week": 3,
        },
        set(),
    ),
    ("38. fitness.", None, [], {}, set()),
    (
        "plan please. 38, no injuries, park path, fitness, 20 mins, 3 days.",
        None,
        [],
        {
            "age": 38,
            "conditions": (),
            "location": "outdoor",
            "goal": "fitness",
            "minutes_per_session": 20,
            "days_per_week": 3,
        },
        set(),
    ),
    ("3 days.", None, [], {}, set()),
    # "Fit" naming a class or a place is no goal; "keep fit" is one.
    ("I tried it once at a keep-fit class", None, [], {"experience": "some"}, set()),
    ("I want to keep fit", None, [], {"goal": "fitness"}, set()),
    ("I log it in my fitness app", None, [], {}, set()),
    (
        "3 sets. 20 minutes. treadmill",
        None,
        [],
        {"minutes_per_session": 20, "location": "treadmill"},
        set(),
    ),
    # A change of days said without "a week".
    ("and make it 4 days not 3", None, [], {"days_per_week": 4}, set()),
    ("Actually make that 4 days, not 3.", None, [], {"days_per_week": 4}, set()),
    # Days without "a week": when asked, or beside a session length; a count beats a name.
    ("5 days roughly, weekends I see family", "days_per_week", [], {"days_per_week": 5}, set()),
    ("15 minutes, 4 days", None, [], {"minutes_per_session": 15, "days_per_week": 4}, set()),
    ("15 minutes 6 days", None, [], {"minutes_per_session": 15, "days_per_week": 6}, set()),
    ("maybe 3 or 4 days", "days_per_week", [], {"days_per_week": 3}, set()),
    ("2-3 days depends on work tbh", "days_per_week", [], {"days_per_week": 2}, set()),
    ("I walked 3 days ago for 20 minutes", None, [], {"minutes_per_session": 20}, set()),
    ("I walk at weekends", None, [], {"days_per_week": 2}, set()),
    # Words a recogniser splits in two are read whole.
    ("tread mill at the gym", None, [], {"location": "treadmill"}, set()),
    # After an odd number of words too (each neighbouring pair is tried).
    ("have never walked back words", None, [], {"experience": "none"}, set()),
    ("in doors holding the kitchen bench", None, [], {"location": "indoor_support"}, set()),
    ("i have never walked back words", None, [], {"experience": "none"}, set()),
    # "no" before a health word is about it, not about the place after it.
    (
        "no injuries tread mill at the gym",
        None,
        [],
        {"conditions": (), "location": "treadmill"},
        set(),
    ),
    ("not the treadmill", None, [], {}, set()),
    # Experience: a soft amount does not undo "never"; more ways of saying regular.
    ("Never done it, honestly sounds a bit scary", "experience", [], {"experience": "none"}, set()),
    (
        "been doing backwards walking most mornings for about a year",
        None,
        [],
        {"experience": "regular"},
        set(),
    ),
    (
        "Age around 50, I have tried few times before.",
        None,
        [],
        {"age": 50, "experience": "some"},
        set(),
    ),
    # A lone number beside a birthday is the age; a date or someone else's is not.
    ("actually 39. birthday last week", None, [], {"age": 39}, set()),
    ("my birthday is on the 21st", None, [], {}, set()),
    ("my son's birthday, he's 12", None, [], {}, set()),
    ("I walked 2 days ago", None, [], {}, set()),
    ("Track at the high school", "location", [], {"location": "outdoor"}, set()),
    ("track my progress", "location", [], {}, set()),
    (
        "Hiya, I'd like to start a plan. 61, done a bit of it before, no health conditions.",
        None,
        [],
        {"age": 61, "experience": "some", "conditions": ()},
        set(),
    ),
    # Typed for someone else: their age, when the message asks for a plan or age was asked.
    (
        "He'd like a plan for walking backwards. He's 80 or 81... he says 81.",
        None,
        [],
        {"age": 81},
        set(),
    ),
    ("she's 77", "age", [], {"age": 77}, set()),
    # An age still to come is one more than today's.
    ("I'll be 76 in March, so 75 for now.", "age", [], {"age": 75}, set()),
    ("I'm 75, turning 76 next month", None, [], {"age": 75}, set()),
    ("turning 60 next week", "age", [], {"age": 59}, set()),
    ("my son is 8, can he do it with me?", None, [], {}, set()),
    ("I'm 64 or 65", None, [], {}, {"age"}),  # two ages and nothing to settle: asked again
    # Asked about experience, a place told of the past is no answer to where ("once on a
    # hotel treadmill"); one told of the future is.
    (
        "Hmm, not really? Well, once on a hotel treadmill. So I guess a little.",
        "experience",
        [],
        {"experience": "some"},
        set(),
    ),
    # ...nor is one in an exception told of it.
    (
        "Never in my life, unless you count backing out of the kitchen with a tray!",
        "experience",
        [],
        {"experience": "none"},
        set(),
    ),
    # Asked about experience, how often they do it now is no answer to the plan's days;
    # a wish, or every answer at once, is.
    (
        "I do it pretty regularly, like every weekend",
        "experience",
        [],
        {"experience": "regular"},
        set(),
    ),
    ("some, 3 times a week", "experience", [], {"experience": "some"}, set()),
    (
        "a few times, I could do 3 days a week",
        "experience",
        [],
        {"experience": "some", "days_per_week": 3},
        set(),
    ),
    (
        "never done it, I'm 45, no health problems, treadmill, fitness, 30 min, 3 days a week",
        "experience",
        [],
        {
            "experience": "none",
            "age": 45,
            "conditions": (),
            "location": "treadmill",
            "goal": "fitness",
            "minutes_per_session": 30,
            "days_per_week": 3,
        },
        set(),
    ),
    (
        "never, but I'll use the treadmill",
        "experience",
        [],
        {"experience": "none", "location": "treadmill"},
        set(),
    ),
    (
        "No, I am in good health for my age, no injuries.",
        "conditions",
        [],
        {"conditions": ()},
        set(),
    ),
    ("for good health", "goal", [], {"goal": "fitness"}, set()),
    (
        "knees. want to keep them healthy, i run a lot",
        "goal",
        [],
        {"goal": "joints", "regularly_active": True},
        set(),
    ),
    # Session 18: a physio as someone's job is no goal; a place in a clause about the past is
    # no plan location; someone else's condition is not the walker's; the time of day a
    # session fits in; weights said aloud.
    (
        "my cousin who's a physio reckons I should give it a go, I'm 52",
        None,
        [],
        {"age": 52},
        set(),
    ),
    (
        "I'd like a plan for balance. I slipped in the car park last winter, no harm done",
        None,
        [],
        {"goal": "balance"},
        set(),
    ),
    (
        "my mum has arthritis and I have asthma",
        "conditions",
        [],
        {"conditions": ("asthma",)},
        set(),
    ),
    ("none really, my brother had a stroke though", "conditions", [], {"conditions": ()}, set()),
    (
        "walked 10 minutes and the dog came along looking confused",
        None,
        [],
        {"minutes_per_session": 10},
        set(),
    ),
    (
        "I can fit in 25 minutes after breakfast",
        "minutes_per_session",
        [],
        {"minutes_per_session": 25},
        set(),
    ),
    ("i weigh one eighty pounds", None, [], {"weight_kg": 81.6}, set()),
    # Slips of the answers' key words; "a weak" after days is a week.
    ("balanse", "goal", [], {"goal": "balance"}, set()),
    ("the tredmill", "location", [], {"location": "treadmill"}, set()),
    (
        "treadmiill, 20 minuets",
        None,
        [],
        {"location": "treadmill", "minutes_per_session": 20},
        set(),
    ),
    ("4 days a weak", "days_per_week", [], {"days_per_week": 4}, set()),
    # a letter left out: "fitnes", "outdors", "helth problms" (session 20)
    (
        "fitnes, 25 minuts, 4 days a weak",
        None,
        [],
        {"goal": "fitness", "minutes_per_session": 25, "days_per_week": 4},
        set(),
    ),
    ("outdors", "location", [], {"location": "outdoor"}, set()),
    ("im 36, no helth problms", None, [], {"age": 36, "conditions": ()}, set()),
    ("no injuris", None, [], {"conditions": ()}, set()),
    # a statement with a confirming tag is no question: "5 days a week can?"
    (
        "Goal is fitness lah. Half an hour each time, 5 days a week can?",
        None,
        [],
        {"goal": "fitness", "minutes_per_session": 30, "days_per_week": 5},
        set(),
    ),
    # years of it without "for": "I do backward walk 3 years liao"
    (
        "Regular already, I do backward walk 3 years liao",
        None,
        [],
        {"experience": "regular"},
        set(),
    ),
    ("I did backwards walking 3 years ago", None, [], {"experience": "some"}, set()),
    # the old place given as the reason for the change: "The yard is all muck"
    (
        "Actually scratch that, it'll be in the kitchen holding the counter. The yard is all "
        "muck this time of year.",
        "goal",
        [],
        {"location": "indoor_support"},
        set(),
    ),
    ("down by the river with the buggy", "location", [], {"location": "outdoor"}, set()),
    # a range said after a change of mind stands for its lower end
    ("Around 4 days... nah, say 3 or 4", "days_per_week", [], {"days_per_week": 3}, set()),
    (
        "Three days. Tuesday, Thursday and Sat'day.",
        "days_per_week",
        [],
        {"days_per_week": 3},
        set(),
    ),
    ("on the prom most mornings", "location", [], {"location": "outdoor"}, set()),
    # "20 minutes before the evening milking" says when; "20 minutes before" alone is a time
    (
        "Twenty minutes before the evening milking, five days a week",
        "minutes_per_session",
        [],
        {"minutes_per_session": 20, "days_per_week": 5},
        set(),
    ),
    ("no condtions, 41 years old", None, [], {"conditions": (), "age": 41}, set()),
    ("no health bother at all", None, [], {"conditions": ()}, set()),
    ("Nowt wrong wi us, fit as a lop", None, [], {"conditions": ()}, set()),
    ("nae injuries", None, [], {"conditions": ()}, set()),
    # a "no" that corrects another answer is no answer to the conditions question
    ("no that came out wrong i am fifty five", "conditions", [], {"age": 55}, set()),
    ("Every day except Sunday, so 6", "days_per_week", [], {"days_per_week": 6}, set()),
    # a runner's recovery days are no rehab goal
    (
        "15 min, 3x a week on recovery days",
        None,
        [],
        {"minutes_per_session": 15, "days_per_week": 3},
        set(),
    ),
    ("i am sixty for and i never done it", None, [], {"age": 64, "experience": "none"}, set()),
    ("Ah'm late sixties, never tried it mind", None, [], {"age": 68, "experience": "none"}, set()),
    # a place asked about is no answer to where
    ("is it even safe in the park with all the bikes?", "location", [], {}, set()),
    (
        "Actually scratch the treadmill, I'll do it outside instead",
        None,
        [],
        {"location": "outdoor"},
        set(),
    ),
    ("had a couple of goes at the gym", "experience", [], {"experience": "some"}, set()),
    # Of two places, one judged against is the reason for the other.
    (
        "treadmill I think, the park gets too muddy",
        "location",
        [],
        {"location": "treadmill"},
        set(),
    ),
    ("outside isn't an option, so treadmill", "location", [], {"location": "treadmill"}, set()),
    ("the park or the treadmill", "location", [], {}, {"location"}),
    ("ten stone four at my last check-up", None, [], {"weight_kg": 65.3}, set()),
    (
        "plan: 39, some exp, no injuries, outdoors, balance, 20 min, 3 days",
        None,
        [],
        {
            "experience": "some",
            "age": 39,
            "conditions": (),
            "location": "outdoor",
            "goal": "balance",
            "minutes_per_session": 20,
            "days_per_week": 3,
        },
        set(),
    ),
]


@pytest.mark.parametrize(("text", "asked", "entities", "answers", "rejected"), CASES)
def test_parse_answers_table(
    text: str,
    asked: str | None,
    entities: list[dict[str, Any]],
    answers: dict[str, Any],
    rejected: set[str],
) -> None:
    got, reasons = parsed(text, entities, asked)
    assert got == answers
    assert set(reasons) == rejected


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 60


# ---------------------------------------------------------------------------------------------
# Rejection messages
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "asked", "slot", "fragments"),
    [
        ("200", "age", "age", ["200 isn't an age", "How old are you"]),
        ("I'm 65 and I'm 70", None, "age", ["65 and 70", "Which one"]),
        ("9 days a week", None, "days_per_week", ["only 7 days", "How many days"]),
        ("-3 days a week", None, "days_per_week", ["-3", "1 to 7"]),
        ("1000 minutes", None, "minutes_per_session", ["1000 minutes", "120"]),
        ("2", "minutes_per_session", "minutes_per_session", ["2 minutes", "at least 5"]),
        ("5 kg", None, "weight_kg", ["5 kg", "kg, lb or stone"]),
        ("I weigh 80", None, "weight_kg", ["80 kg, 80 lb or 80 stone"]),
        ("yes", "conditions", "conditions", ["Which injuries or health conditions"]),
        ("park or treadmill", None, "location", ["treadmill", "Where will you"]),
        ("my knees and my balance", "goal", "goal", ["matters most"]),
        ("20 minutes a week", None, "minutes_per_session", ["whole week", "each session"]),
    ],
)
def test_rejection_reasons_are_specific(
    text: str, asked: str | None, slot: str, fragments: list[str]
) -> None:
    _, reasons = parsed(text, asked=asked)
    reason = reasons[slot]
    for fragment in fragments:
        assert fragment in reason
    assert reason.rstrip().endswith(("?", "."))


def test_parsed_answer_keeps_source_text() -> None:
    answers, _ = parse_answers("I'm 70, I walk in the park 3 days a week")
    by_slot = {a.slot: a for a in answers}
    assert by_slot["age"] == ParsedAnswer("age", 70, "I'm 70")
    assert by_slot["days_per_week"].text == "3 days a week"
    assert by_slot["location"].text == "park"


def test_value_types() -> None:
    answers, _ = parse_answers(
        "I'm 70, 12 stone, 20 minutes twice a week on the treadmill, asthma, I'm active, "
        "never tried it, for my balance"
    )
    types = {a.slot: type(a.value) for a in answers}
    assert types == {
        "experience": str,
        "age": int,
        "conditions": tuple,
        "location": str,
        "goal": str,
        "minutes_per_session": int,
        "days_per_week": int,
        "weight_kg": float,
        "regularly_active": bool,
    }


def test_results_follow_slot_order() -> None:
    answers, _ = parse_answers("for my balance, 3 days a week, I'm 70, treadmill")
    assert [a.slot for a in answers] == [s for s in SLOTS if s in {a.slot for a in answers}]


def test_entity_offsets_are_used_when_they_match() -> None:
    text = "park, then the park again"
    entity = {"entity": "place", "value": "park", "raw": "park", "start": 15, "end": 19}
    answers, _ = parse_answers(text, [entity])
    assert answers == [ParsedAnswer("location", "outdoor", "park")]


def test_unlocated_entities_fill_missing_slots_only() -> None:
    got, _ = parsed("hello", [ent("age", 66, "sixty six years young"), ent("place", "beach", "x")])
    assert got == {"age": 66, "location": "outdoor"}
    got, _ = parsed("I'm 70", [ent("age", 66, "not in the text")])
    assert got == {"age": 70}


def test_asked_aliases_and_unknown_slots() -> None:
    assert parsed("3", asked="days")[0] == {"days_per_week": 3}
    assert parsed("3", asked="shoe_size") == ({}, {})


def test_non_string_text_is_ignored() -> None:
    assert parse_answers(None) == ([], [])  # type: ignore[arg-type]


def test_a_bare_number_correction_names_the_answer_it_corrects() -> None:
    from bot.profile.settled import corrected_number

    known = {"age": 70, "minutes_per_session": 20, "days_per_week": 3}
    assert corrected_number("wait sorry, 72 not 70, and no health problems", known) == ("age", "72")
    assert corrected_number("make it 30 not 20", known) == ("minutes_per_session", "30")
    assert corrected_number("72 not 71", known) is None  # no answer was 71
    assert corrected_number("no health problems", known) is None
    assert corrected_number("oops, seventy two not seventy", known) == ("age", "72")
    assert corrected_number("make it twenty-five not twenty", known) == (
        "minutes_per_session",
        "25",
    )
    # the old value first: "no, not seventy, seventy two", also said as one run of words
    assert corrected_number("no, not 70, 72", known) == ("age", "72")
    assert corrected_number("no not seventy seventy two", known) == ("age", "72")
    # a unit said with the new number names the answer: "can we do 3 days not 4"
    known = {"age": 36, "minutes_per_session": 4, "days_per_week": 4}
    assert corrected_number("can we do 3 days not 4", known) == ("days_per_week", "3")
    assert corrected_number("3 minutes not 4", known) == ("minutes_per_session", "3")
    assert corrected_number("35 years old not 36", known) == ("age", "35")


def test_a_digit_that_is_no_number_in_a_list_answer_is_skipped() -> None:
    # "¹".isdigit() is true but float("¹") fails (found by the property test)
    answers, _ = parse_answers("need a plan. ¹, none, treadmill")
    assert [(a.slot, a.value) for a in answers] == [("location", "treadmill")]
