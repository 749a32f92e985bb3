"""The voice coach: a guided retro walk with spoken cues, and questions asked by voice mid-walk.

``retrowalk walk`` runs it (:mod:`voice.app` wires the parts from :mod:`voice.settings`;
:mod:`voice.walk_arguments` holds the command's options). :class:`voice.coach.VoiceCoach` is a
client of the bot over its REST channel, as the same user as the chat
(:mod:`voice.bot_client`): the session to walk comes from the bot, every question goes to the
bot and its answer is spoken, and the walk is logged to the bot afterwards (kept on this device
in :mod:`voice.pending_logs` while the bot cannot be reached). The coach itself handles only
what must not wait for a server: walk commands (pause, resume, skip, repeat, time left, stop;
:mod:`voice.commands`) and red-flag symptoms, which stop the walk with the bot's own safety
message.

Parts: :mod:`voice.session` (the bot's session on a timeline), :mod:`voice.cue_scheduler`
(which cue is said when) with :mod:`voice.spoken_texts` (their words), :mod:`voice.workout`
(the walk's clock), :mod:`voice.tts` (speech synthesis), :mod:`voice.audio` (speaker and
microphone, with a text-only fallback), :mod:`voice.listen` (wake phrase or push-to-talk,
offline speech recognition) and :mod:`voice.keyboard` (Enter is push-to-talk, a typed line is
said).
Importing this package loads none of them.
"""
