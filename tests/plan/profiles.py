"""Random walker profiles for the plan property tests (test_generate.py, test_adapt.py)."""

from __future__ import annotations

from hypothesis import strategies as st

from bot.profile.model import (
    AGE_RANGE,
    DAYS_RANGE,
    EXPERIENCES,
    GOALS,
    LOCATIONS,
    MINUTES_RANGE,
    WEIGHT_KG_RANGE,
    Profile,
)

# One or more condition texts for every category in bot/content/safety.yml, plus free text.
CONDITIONS = (
    "knee osteoarthritis",
    "arthritis",
    "parkinson's",
    "heart condition",
    "high blood pressure",
    "had a stroke",
    "vertigo",
    "diabetic neuropathy",
    "osteoporosis",
    "knee replacement surgery",
    "acl reconstruction",
    "pregnant",
    "on warfarin",
    "glaucoma",
    "asthma",
    "bad knee",
    "knee pain",
    "lower back pain",
    "hip pain",
    "something rare",
    "",
)


profiles = st.builds(
    Profile,
    experience=st.sampled_from(EXPERIENCES),
    age=st.none() | st.integers(*AGE_RANGE) | st.sampled_from([AGE_RANGE[0], 64, 65, AGE_RANGE[1]]),
    conditions=st.lists(st.sampled_from(CONDITIONS) | st.text(max_size=20), max_size=3).map(tuple),
    location=st.sampled_from(LOCATIONS),
    goal=st.sampled_from(GOALS),
    minutes_per_session=st.integers(*MINUTES_RANGE)
    | st.sampled_from([MINUTES_RANGE[0], 6, 10, 14, 15, 19, 20, MINUTES_RANGE[1]]),
    days_per_week=st.integers(*DAYS_RANGE),
    weight_kg=st.none() | st.floats(*WEIGHT_KG_RANGE),
    regularly_active=st.none() | st.booleans(),
    clinician_cleared=st.booleans(),
)
