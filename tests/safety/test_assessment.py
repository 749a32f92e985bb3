"""Unit tests of bot.safety.assessment: what a message means for safety.

The examples are the issue's reports and the fact sheet's red flags, written for these tests
(not taken from tests/data/safety_test/, which is held out).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.safety.assessment import assess


@pytest.mark.parametrize(
    ("text", "kind", "who"),
    [
        ("I think I'm having a heart attack", "chest", "self"),
        ("my chest feels really tight", "chest", "self"),
        ("feels like bad indigestion and I'm sweating buckets", "chest", "self"),
        ("left arm is numb", "stroke", "self"),
        ("my speech is slurred", "stroke", "self"),
        ("my dad's face is drooping and he can't lift his arm", "stroke", "other"),
        ("I collapsed on the path", "fainting", "self"),
        ("my husband collapsed and isn't answering", "fainting", "other"),
        ("I fell and hit my head", "head_injury", "self"),
        ("cant breath", "breathing", "self"),
        ("my heart is racing and skipping", "heart_rhythm", "self"),
        ("I feel dizzy", "dizziness", "self"),
        ("fell over backwards and now my wrist is bent funny", "fall", "self"),
        ("ouch something snapped in my ankle", "injury", "self"),
        ("my calf is swollen and hot", "blood_clot", "self"),
        ("I'm pregnant and spotting", "pregnancy", "self"),
        ("I threw up on the treadmill", "unwell", "self"),
        ("I'm really confused and don't know where I am", "unwell", "self"),
        ("I'm really unsteady and wobbly", "dizziness", "self"),
        ("a bit wobbly and the room is spinning", "dizziness", "self"),
        ("No, my chest really hurts", "chest", "self"),
        ("I'M HAVING CHEST PAIN", "chest", "self"),
    ],
)
def test_acute_red_flags_stop(text: str, kind: str, who: str) -> None:
    flag = assess(text, "walking").acute
    assert flag is not None, text
    assert (flag.kind, flag.who) == (kind, who)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("is chest pain a reason to stop?", "question"),
        ("does walking backwards make you dizzy?", "question"),
        ("is it ok to be short of breath at the end?", "question"),
        ("what should I do if I get chest pain?", "question"),
        ("I fell twice last winter and I'm nervous now", "history"),
        ("my knee gave way once last year", "history"),
        ("I fainted once ten years ago", "history"),
        ("I get dizzy spells sometimes", "habitual"),
        ("I'm not dizzy or anything, just want to know the benefits", "negated"),
        ("I don't have any chest pain", "negated"),
        ("a bit out of breath at the end but feels good", "mild"),
        ("felt good, a bit wobbly at the start", "mild"),
    ],
)
def test_questions_history_negation_and_mild_effects_do_not_stop(text: str, status: str) -> None:
    assessment = assess(text)
    assert not assessment.stop, text
    assert status in {m.status for m in assessment.mentions}


@pytest.mark.parametrize(
    "text",
    ["I fell asleep after my walk", "that hill nearly gave me a heart attack lol", "", "hi"],
)
def test_figures_of_speech_and_small_talk_are_calm(text: str) -> None:
    assert not assess(text).stop


@pytest.mark.parametrize(
    "text",
    [
        "would backwards walking help me lose weight",  # a request, not a call for help
        "I'm confused about how my foot should land",  # puzzled, not confused
        "would backwards walking help me stand straighter",  # said of the exercise
        "could it help me slim down",
        "I'm a programmer and barely move all day",  # a lifestyle, not an injury
        "post stroke, left side weak. can backwards walking help me walk better",
    ],
)
def test_requests_lifestyles_and_past_conditions_are_calm(text: str) -> None:
    assert not assess(text, "chat").stop


@pytest.mark.parametrize(
    "text",
    [
        "help me",
        "help me get up",
        "please help me",
        "I can barely move my leg",
        "I'm confused and my face feels numb",
    ],
)
def test_calls_for_help_and_confusion_still_stop(text: str) -> None:
    assert assess(text, "chat").stop


def test_past_pain_that_is_back_now_stops() -> None:
    flag = assess("I had chest pain last year, today it's back").acute
    assert flag is not None and flag.kind == "chest"


def test_the_most_severe_kind_is_reported() -> None:
    flag = assess("I feel dizzy and my chest hurts").acute
    assert flag is not None and flag.kind == "chest" and flag.severity == "emergency"


def test_history_in_the_conditions_answer_becomes_a_condition() -> None:
    assessment = assess("I fell twice last winter", "conditions_answer")
    assert not assessment.stop and assessment.conditions == ("balance",)


@given(st.text(max_size=300))
def test_assess_never_raises(text: str) -> None:
    assess(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # The date belongs to the operation, not to the symptom.
        ("had my knee replaced six weeks ago and my calf is swollen and hot", "blood_clot"),
        ("2 weeks post op and my chest feels really tight", "chest"),
        # Dropped g's and words a recogniser split in two.
        ("me heart's racin' and skippin'", "heart_rhythm"),
        ("I'm on war farin and I fell and hit my head", "head_injury"),
        # A hypothetical's scope ends where the message turns to now.
        ("I was wondering what to do if I get dizzy, and now the room is spinning", "dizziness"),
        # Breathlessness in the words patients use.
        ("feels like drowning on dry land", "breathing"),
        ("as if I'm being smothered, I can't stop", "breathing"),
        # Told in fragments, with a typo; the gym of yesterday dates the strain, not the chest.
        ("Yes. Chest. Bad.", "chest"),
        ("chst pain. bad. sitting on bench", "chest"),
        (
            "Sorry to bother, likely a strain from yesterday's gym, but my chest's gone heavy "
            "and I'm cold and clammy",
            "chest",
        ),
        ("i can only say like three words then i need air", "breathing"),
        ("breathing's all wrong, I'm gulping and nothing is going in", "breathing"),
        ("wheezing, chest is whistling and the inhaler did nothing", "breathing"),
    ],
)
def test_reports_told_around_other_times_and_spellings_stop(text: str, kind: str) -> None:
    flag = assess(text, "walking").acute
    assert flag is not None and flag.kind == kind


def test_drowning_as_a_figure_of_speech_is_calm() -> None:
    assert assess("drowning in paperwork today, can I walk tomorrow instead?", "chat").acute is None


def test_a_date_of_the_symptom_itself_is_still_history() -> None:
    assert assess("my calf was swollen and hot six weeks ago", "walking").acute is None


def test_a_split_word_is_joined_only_into_a_known_word() -> None:
    from bot.safety.lexicon import normalise

    assert "warfarin" in normalise("I'm on war farin")
    assert normalise("the war film was long") == "the war film was long"


def test_softeners_are_read_before_figures_of_speech_are_blanked() -> None:
    assessment = assess("sweating like a pig but feeling good", "walking")
    assert not assessment.stop


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("my chest is really sore, is that normal?", "chest"),  # a report with a tag question
        ("feel faint, should I be worried?", "fainting"),
        ("a little winded and it won't settle", "breathing"),  # not an ordinary effect
        ("puffing a bit but it's getting worse", "breathing"),
        ("No I can't breathe properly", "breathing"),  # "no" answers, it does not deny
        ("my son had an asthma attack and his inhaler's back in the car", "breathing"),
        ("my friend passed out, she's breathing but won't respond", "fainting"),
        ("I woke up lying on the path and I don't remember falling", "fainting"),
        ("lost a few seconds there, found myself against the wall", "fainting"),
        ("the tightness is back in my chest", "chest"),
        ("think im gonna fiant", "fainting"),
        ("every breath is a fight", "breathing"),
        # A habit word does not make it past when the clause says now or worse.
        ("pressure in my chest whenever I breathe in, and it's getting worse", "chest"),
        ("chest has been aching on and off for the past twenty minutes, worse now", "chest"),
        ("he's grabbing his chest and all I can get out of him is that it hurts", "chest"),
        ("my angina's playing up and the spray hasn't touched it", "chest"),
        ("I no fit breathe", "breathing"),  # Nigerian Pidgin: I can't breathe
        ("I'm diabetic and I can't think straight, all shaky", "unwell"),
    ],
)
def test_reports_with_tags_answers_and_lost_time_stop(text: str, kind: str) -> None:
    assessment = assess(text, "walking")
    assert assessment.acute is not None, text
    assert assessment.acute.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "is it normal for your chest to feel tight when it's cold?",
        "can cold air make my asthma wheeze worse?",
        "my chest doesn't hurt, it's my shin that's sore",
        "breathing hard on this hill but I can still talk, all fine",
        "a bit winded after the fast part but getting my breath back already",
        "I had a bad asthma attack back in school, none since",
        "woke up with sore calves today, good sign I reckon",
        "why do I get so puffed walking backwards?",
        "could this make my knees or my dizzy spells worse?",
        "my chest no dey pain me, na just sweat",
        "still recovering from a concussion I got two weeks ago",
        "my lower back has been killing me for months, would this help?",
        "after my stroke my right leg is weak, can walking backwards help?",
        "since the operation my gait feels off, would retro walking fix it?",
        # A body part named in a question about how to walk backwards, with no complaint.
        "do i keep my chest up and stand tall when walking back wards",
        "how should my feet hit the ground going backwards",
        # Ongoing since an event, while doing it, after work: background for a question.
        "Oddly I've felt unsteady since having the baby. Could backward walking help me?",
        "My arms feel weird and floppy when I retro walk. Any tips?",
        "my hip flexors are so tight I can barely stand up after a shift. does this loosen them?",
        "the other week I was gasping after the stairs but that was the day after my jab",
        "excuse me, could we pause a moment? my hearing aid is whistling",
        "help me what can you do",
    ],
)
def test_questions_denials_and_recovering_effects_stay_calm(text: str) -> None:
    assert assess(text, "walking").acute is None, text


@pytest.mark.parametrize(
    "text",
    [
        "how do I walk backwards when my chest hurts",  # a complaint in the question
        "should I keep walking backwards with my chest this tight?",
        "my chest!! how do i stop the treadmill going backwards",
        "help me",
    ],
)
def test_a_complaint_in_a_question_about_walking_backwards_still_stops(text: str) -> None:
    assert assess(text, "walking").acute is not None, text


@pytest.mark.parametrize(
    "text",
    [
        # An ache named while asking whether walking backwards would help it: a question.
        "my lower back is absolutely killing me, would reverse walking help with that",
        "knee's been giving me grief, could backward walking help it",
        # Something that happened, told before asking how to avoid it.
        "my friend tripped on a kerb going backwards and hurt her hand. how can I avoid that?",
        # Some days, lately: a recurring feeling, asked about.
        "some days I feel a bit unsteady on my feet, would walking backwards help my balance?",
        "lately I've been feeling wobbly on the stairs, is this good for that?",
        # Scots, Caribbean and other ways of saying it is not happening, or was long ago.
        "nae pain in ma chest, just tired legs",
        "mi nuh dizzy, mi just want fi slow down",
        "I broke my wrist as a bairn, that's all",
        "mi faint one time at di dentist, long time now dat",
        "my late husband had a heart attack, so I like to be careful",
        "my grandad had a stroke at the age of 60, does that matter for me?",
        # Weather and a coach's question, not symptoms; a cat's confusion is not the walker's.
        "did ten minutes round the yard, bitterly cold out there",
        "before I answer, what do I do if it's pouring down?",
        "did my laps, the dog trotting along looking very confused",
        "the first time i tried it i felt sick and had to sit down but that was ages ago",
    ],
)
def test_background_to_a_question_and_long_ago_stay_calm(text: str) -> None:
    assert assess(text, "walking").acute is None, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Only an ache walking could help is read as asked about; now, or worse, still stops.
        ("my chest is killing me, would walking backwards help", "chest"),
        ("I've just twisted my ankle, would walking backwards help it", "injury"),
        ("my wife just fell and hit her head, how do we avoid that", "head_injury"),
        # Breath told without the word "breathless".
        ("I can't finish a sentence without stopping for air", "breathing"),
        ("still fighting for air and it's not easing", "breathing"),
        ("right now I cyaan get di air in", "breathing"),
        ("breathin real short and I'm barely moving", "breathing"),
        ("my heart is galloping and I'm only strolling", "heart_rhythm"),
        ("my brother just dropped down on the path and he nah answer me", "fainting"),
        ("a band round my ribs, tight, and an ache up into my left shoulder", "chest"),
        ("can't... talk much... no breath", "breathing"),
        ("cnat breathe", "breathing"),
        ("heart feels all over the place, jumpy, not like normal at all", "heart_rhythm"),
        ("went all hot and next thing I knew I was on the floor", "fainting"),
        ("a wumman just keeled ower, she's no respondin", "fainting"),  # Scots, g dropped
        ("one leg's much fatter than the other and it's warm and throbbing", "blood_clot"),
        ("my leg's come up swollen, red and hot, it weren't like that yesterday", "blood_clot"),
        ("the back of my leg is hard like a stone and hot and red", "blood_clot"),
        ("I'm crook as, chucked up twice and all shaky", "unwell"),
        ("angina playing up, had two sprays and it's not shifting", "chest"),
    ],
)
def test_breath_heart_and_collapse_told_in_other_words_stop(text: str, kind: str) -> None:
    assessment = assess(text, "walking")
    assert assessment.acute is not None, text
    assert assessment.acute.kind == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Told loosely (session 20): no chest word, wind for breath, a loan word for dizzy.
        (
            "bit of a band round me since the last lap, and it's going down the left arm now",
            "chest",
        ),
        ("bit short of wind and it's getting worse, I'm sucking at the air", "breathing"),
        ("it's been hammering away for ten minutes now and I'm standing still", "heart_rhythm"),
        ("fluttering in me, on and off since the start of the walk", "heart_rhythm"),
        ("I feel so hilo po, like the world is turning", "dizziness"),
        ("I am buntis 6 months, I see spotting", "pregnancy"),
        # A question, then the report in a clause of its own.
        ("what should I do, can't breathe", "breathing"),
        ("should I worry, chest is tight", "chest"),
        ("Should I sit down, feeling faint", "fainting"),
        # a simile is no habit; "words that don't make sense" denies nothing
        (
            "I be feelin' proper queer, like a bad bout of indigestion, and drenched in sweat",
            "chest",
        ),
        ("My mother is speaking words that don't make sense and her left hand is weak", "stroke"),
    ],
)
def test_loose_words_and_a_report_after_a_question_stop(text: str, kind: str) -> None:
    assessment = assess(text, "walking")
    assert assessment.acute is not None, text
    assert assessment.acute.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        # the asker of a question is no one who has the symptom
        "Should I ice or heat a sprained wrist?",
        "scared I'll fall over walking backwards, help",
        "Some people should not do it? For example with vertigo or something like this?",
        # people in general, a condition's name, a mild neck, a habit, a plan request
        "who should ask their doctor before trying it, dizzy people, heart problems",
        "My partner has a slipped disc. Does walking backwards strengthen the back?",
        "do I keep turning my head to look behind me? it's giving me a crick in the neck",
        "My mother-in-law always so unsteady lah. Can walking backwards help her balance?",
        "Turning my head constantly makes me dizzy. Is there a better way to check behind me?",
        "ok shes down again make me a plan",
        # a walk told and a request to see something are no words about the body
        "back from my walk, RPE 13, no pain",
        "Mek mi see di whole plan again.",
        # the past, a denial and a habit beside "still"
        "Had a collapsed lung in '04, reinflated and working fine since.",
        "Negative on chest pain. Negative on dizziness. Legs just tired.",
        "I have POTS so standing still too long makes me feel faint, just so you're aware",
        "fainted last yr. nothing since.",
        "Nah, ah eh faint or nothin', ah just sit down on de bench to tie mih lace",
        "client's not complaining of any chest discomfort, she's just puffed from the hill",
        "It feels so strange walking backwards, like my body doesn't know what to do haha",
        "I'm 5 months pregnant, everything is normal so far",
        "Nothing wrong with me, touch wood",
        "Well what about my wife? She's a hundred and thirty pounds, bless her heart.",
        "Down the Hoe in Plymouth, along the prom like",
    ],
)
def test_questions_habits_and_everyday_words_stay_calm(text: str) -> None:
    assert assess(text, "chat").acute is None, text
