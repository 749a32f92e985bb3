"""Operations: the code that runs the coach, as opposed to the coach itself.

``bot/`` is what the coach knows and decides, ``actions/`` and ``bot/rasa_adapters/`` plug it
into Rasa, ``voice/`` is a client. This package trains the model (:mod:`operations.training`,
:mod:`operations.fingerprint`), starts and stops the servers (:mod:`operations.servers`,
:mod:`operations.quiet` with :mod:`operations.log_privacy`, :mod:`operations.credentials`,
:mod:`operations.web`), serves the ``retrowalk`` command (:mod:`operations.cli`,
:mod:`operations.terminal_chat`), creates the database schema (:mod:`operations.schema`),
runs the scaled topology on one machine (:mod:`operations.topology` with
:mod:`operations.postgres_server`, :mod:`operations.redis_server`, :mod:`operations.nginx`,
:mod:`operations.scaled_endpoints`) and generates load (:mod:`operations.loadgen`).

It is called *operations* because that is what it holds: how the coach is operated (built,
started, scaled, measured), the work of whoever runs it rather than of whoever talks to it.
The dependencies go one way: ``operations`` imports ``bot`` and ``voice`` (the ``walk``
command, the voice model built ahead of a walk); ``bot`` imports neither
(``tests/test_import_cycles.py`` checks it). Where the coach runs (ports, folders, the
database default) is :mod:`bot.settings`, because the coach and its clients read it too.
"""
