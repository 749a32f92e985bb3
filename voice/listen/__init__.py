"""The listening side of the voice coach.

Audio (16 kHz float32 chunks from any object with ``read(timeout)``) goes through wake-phrase
spotting (``wake``) or push-to-talk, voice activity detection and end-pointing (``vad``,
``endpointer``) and offline speech recognition (``recognizer``: a pocketsphinx decoder with a
language model generated from ``data/nlu`` by ``language_model``, and faster-whisper for
open-vocabulary speech when the domain decoder is unsure). ``listener.Listener`` runs it all in
a background thread. Importing this package loads no engine or model.
"""
