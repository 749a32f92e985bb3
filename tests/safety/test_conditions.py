"""Unit tests of bot.safety.conditions: condition labels and who to consult."""

from __future__ import annotations

import pytest

from bot.safety.conditions import label_conditions


@pytest.mark.parametrize(
    ("value", "labels"),
    [
        ("heatstroke last summer", ("other",)),
        ("hip arthritis", ("arthritis",)),
        ("rheumatoid arthritis", ("arthritis",)),
        ("knee osteoarthritis", ("knee_arthritis",)),
        ("diabetes", ("diabetes",)),
        ("low blood pressure", ("low_blood_pressure",)),
        ("high blood pressure", ("high_blood_pressure",)),
        ("heartburn", ("other",)),
        ("kidney disease, on dialysis", ("kidney_liver",)),
        ("leg pain on walking that eases with rest", ("claudication",)),
        ("a DVT two years ago", ("blood_clot",)),
        ("an aneurysm", ("aneurysm",)),
        ("POTS", ("low_blood_pressure",)),
        ("lupus", ("lupus",)),
        ("an amputation", ("mobility_aid",)),
        ("hearing loss", ("hearing",)),
        ("epilepsy", ("epilepsy",)),
        ("dementia", ("dementia",)),
        ("a recent concussion", ("concussion",)),
        ("insulin", ("diabetes",)),
        ("long-term steroids", ("medication",)),
        ("history of falls", ("balance",)),
        ("I have atrial fibrillation and take Eliquis", ("heart", "blood_thinners")),
        ("hbp and high cholesterol", ("high_blood_pressure", "other")),
        ("RA in my hands and feet", ("arthritis",)),
        ("sugar an pressure, on metformin", ("high_blood_pressure", "diabetes")),
        ("a clot in my leg last year, now on zarelto", ("blood_thinners", "blood_clot")),
        ("warfarin, for a PE I had", ("blood_thinners", "blood_clot")),
        ("no heart problems", ()),
        ("family history of heart disease", ()),
        # session 20: a family history in its own clause, everyday words for the arteries
        # and thin bones
        (
            "I get light-headed if I stand up too quick, low pressure runs in the family",
            ("low_blood_pressure",),
        ),
        (
            "my calves cramp up after about 200 metres and I have to stand a minute till it goes",
            ("claudication",),
        ),
        ("my bones is thin now the doctor say", ("osteoporosis",)),
    ],
)
def test_condition_labels(value: str, labels: tuple[str, ...]) -> None:
    assert label_conditions(value) == labels
