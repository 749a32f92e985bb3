"""Safety: the red-flag assessment, condition advice, screening and the stop message.

Plain Python with no Rasa import, used by every client (the Rasa pipeline and actions, the
voice walk online and offline). Where to look:

- :mod:`bot.safety.assessment`: :func:`assess`, the one red-flag decision for a message;
- :mod:`bot.safety.context`: negation, question, past, habitual, who (ConText-style);
- :mod:`bot.safety.lexicon`: the symptom, condition and context words (``safety_lexicon.yml``);
- :mod:`bot.safety.conditions`: condition labels in text and the advice for each label;
- :mod:`bot.safety.advice`: what a stored condition means (labels, advice, disclaimer);
- :mod:`bot.safety.screening`: red / clearance / yellow / green before a plan;
- :mod:`bot.safety.stop_message`: the stop message, its spoken form and its payload;
- :mod:`bot.safety.content`: the wording file (``safety.yml``).
"""
