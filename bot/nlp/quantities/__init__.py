"""Parse and normalise quantity expressions (pure Python: no spaCy, no Rasa).

The coach asks for, and people volunteer, five kinds of quantity. Each is normalised to one
canonical unit:

==========  ===========  ==============================================================
kind        unit         examples
==========  ===========  ==============================================================
duration    ``min``      "10 minutes", "10mins", "half an hour", "an hour and a half",
                         "1.5 hours", "90 seconds", "a quarter of an hour", "1h30"
weight      ``kg``       "80 kg", "176 lbs", "165 pounds", "12 stone", "11 st 4 lb"
age         ``years``    "65", "65 years old", "65-year-old", "65 yo", "sixty-five",
                         "aged 65", "I'm 65", "in my sixties" (decade, see below)
speed       ``mph``      "2.5 mph", "4 km/h", "4 kph", "3 kilometres per hour",
                         "1 mile an hour", "1.2 m/s"
incline     ``%``        "5%", "5 percent incline", "incline 3", "10 degrees" (converted
                         with ``100 * tan(angle)``), "2% decline" (negative)
==========  ===========  ==============================================================

Numbers may be digits ("2.5", "2,5", "1/2", "1 1/2", "½"), words ("ten", "twenty-five",
"a hundred and sixty"), "a"/"an" (one), "half", "a quarter", "three quarters",
"X and a half" and "X point Y".

The parsers are strict: the whole text must be one quantity of the requested kind (a few
leading hedges such as "about" or "for" are tolerated), otherwise they return ``None``. They
never raise on arbitrary input. This strictness is what lets the spaCy component
(:mod:`bot.nlp.components`) propose liberal candidate spans and keep only those that parse.

Decades ("in my sixties", "in my early 70s") give the lowest age the phrase allows, or the
middle of the part of the decade named: "mid" (64-66) is +5 and "late" (67-69) is +8, what
people mean by them; a threshold such as "65 or over" then holds for "in my mid sixties" too.
Where each part lives:

* :mod:`bot.nlp.quantities.kinds`: the kinds, their canonical units, :class:`Quantity`.
* :mod:`bot.nlp.quantities.lexicon`: number words, fillers and the unit tables (spellings
  and factors from :mod:`bot.nlp.units`).
* :mod:`bot.nlp.quantities.tokens`: ``tokenize`` and the single-token tests the spaCy
  component uses (``is_number_token``, ``is_unit_token``, ``is_quantity_token``).
* :mod:`bot.nlp.quantities.numbers`: ``parse_number``.
* :mod:`bot.nlp.quantities.duration_weight`, :mod:`~bot.nlp.quantities.speed`,
  :mod:`~bot.nlp.quantities.age`, :mod:`~bot.nlp.quantities.incline`: one parser per kind.
* :mod:`bot.nlp.quantities.parse`: ``parse_quantity``, the one entry point by kind.

Nothing is re-exported here: import from the module that holds the name.
"""
