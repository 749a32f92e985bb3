"""What the coach says about a session, in plain spoken words.

Durations (:func:`spoken_duration`: "4 minutes 12 seconds"), the introduction said with the
first cue (:func:`intro_text`), the cue at the start of each phase (:func:`anchor_text`) and
the summary at the finish (:func:`summary_text`). The words of each segment come from the
bot's plan; this module adds only plain timing and framing words. Where each text is placed
on the walk's timeline is :mod:`voice.cue_scheduler`'s business.
"""

from __future__ import annotations

from voice.session import Phase, WalkSession


def spoken_duration(seconds: float) -> str:
    """``90`` -> ``"1 and a half minutes"``; ``45`` -> ``"45 seconds"``; ``600`` -> ``"10
    minutes"``; ``252`` -> ``"4 minutes 12 seconds"``."""
    whole = max(0, round(seconds))
    minutes, secs = divmod(whole, 60)
    if minutes == 0:
        return "1 second" if secs == 1 else f"{secs} seconds"
    unit = "minute" if minutes == 1 else "minutes"
    if secs == 0:
        return f"{minutes} {unit}"
    if secs == 30:
        return f"{minutes} and a half minutes"
    return f"{minutes} {unit} {secs} seconds"


def minutes_text(minutes: float) -> str:
    """:func:`spoken_duration` of ``minutes``."""
    return spoken_duration(minutes * 60.0)


def sentence(text: str) -> str:
    """``text`` ending with a full stop (or the ``!``/``?`` it has); empty stays empty."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def intro_text(session: WalkSession) -> str:
    """The introduction said with the first cue: which session, how long, how much of it
    backward, and the treadmill setting."""
    total = minutes_text(session.total_s / 60.0)
    rounds = sum(1 for s in session.segments if s.kind == "supported_steps")
    if session.source == "starter":
        opening = f"Here's a short starter session, {total} in all"
    else:
        opening = f"Week {session.week}"
        if session.day is not None:
            opening += f", session {session.day}"
            if session.sessions_per_week:
                opening += f" of {session.sessions_per_week}"
        opening += f": {total} in all"
    walk_back = sum(s.minutes for s in session.segments if s.kind == "backward")
    if rounds:
        opening += f", with {rounds} rounds of supported backward steps"
    elif walk_back:
        opening += f", {minutes_text(walk_back)} of it walking backward"
    text = opening + "."
    if session.treadmill is not None:
        speed = session.treadmill.speed_mph
        text += f" Treadmill at {speed:g} mile{'' if speed == 1 else 's'} an hour"
        if session.treadmill.incline_pct > 0:
            text += f" and {session.treadmill.incline_pct:g} percent incline"
        text += "."
    return text


def summary_text(session: WalkSession, walked_s: float, backward_s: float) -> str:
    """The finish cue: what was done, in plain words.

    Args:
        session: The session walked.
        walked_s: Seconds actually walked (skipped parts excluded).
        backward_s: Seconds of backward walking done (supported steps included).
    """
    rounds = sum(1 for s in session.segments if s.kind == "supported_steps")
    text = f"Well done, that's your session finished: {spoken_duration(walked_s)} in all"
    if rounds:
        text += f", {spoken_duration(backward_s)} of it supported backward steps."
    else:
        text += f", {spoken_duration(backward_s)} of it walking backward."
    if session.treadmill is not None:
        # Fact sheet §3.4: wait for the belt to stop fully before stepping off.
        text += " Stop the belt and wait for it to stop fully before you step off."
    return text


def anchor_text(phase: Phase, round_number: int, rounds: int) -> str:
    """The cue said at the start of ``phase``: what it is, how long, and the plan's cue.

    Args:
        phase: The phase starting.
        round_number: For supported steps, which round this is (from 1).
        rounds: For supported steps, how many rounds there are.
    """
    duration = spoken_duration(phase.duration_s)
    cue = sentence(phase.cue)
    if phase.kind == "warmup":
        return f"Warm-up, {duration}. {cue}"
    if phase.kind == "backward":
        return f"Turn around and walk backward for {duration}. {cue}"
    if phase.kind == "supported_steps":
        return f"Round {round_number} of {rounds}. {cue}"
    if phase.kind == "forward":
        return f"Switch to forward. {cue} {duration}."
    return f"Cool-down, {duration}. {cue}"
