"""Start Rasa or the action server with telemetry off, no deprecation-warning spam and
private logs.

The Rasa entry point also compiles the check of action server responses once
(:mod:`bot.rasa_adapters.action_result_validation`) instead of once per custom action.

Sanic resets the ``warnings`` filters when it is imported, so ``PYTHONWARNINGS`` cannot
silence the deprecation warnings Rasa's dependencies emit. These entry points import
sanic first, then install the filters, then hand over to the real CLI. They also install
the log redaction of :mod:`operations.log_privacy` (secrets in logged URLs) and, for the
action server, an error handler that does not echo the conversation.
"""

from __future__ import annotations

import os
import sys
import warnings

from operations.log_privacy import install_log_redaction, quiet_action_errors

QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def install_quiet_environment() -> None:
    """Set the environment defaults and the warning filters (call before importing rasa)."""
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)
    import sanic  # noqa: F401  (resets warning filters on import; ours go on top)

    for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("ignore", message=r".*Converting sparse IndexedSlices.*")


def rasa_main(argv: list[str] | None = None) -> None:
    """``python -m operations.quiet rasa ARGS``: the Rasa CLI, quietly."""
    install_quiet_environment()
    install_log_redaction()
    from rasa.__main__ import main

    from bot.rasa_adapters.action_result_validation import install as compile_action_validation

    compile_action_validation()

    sys.argv = ["rasa", *(sys.argv[2:] if argv is None else argv)]
    main()


def actions_main(argv: list[str] | None = None) -> None:
    """``python -m operations.quiet actions ARGS``: the rasa-sdk action server, quietly."""
    install_quiet_environment()
    install_log_redaction()
    quiet_action_errors()
    from rasa_sdk.__main__ import main

    sys.argv = ["rasa_sdk", *(sys.argv[2:] if argv is None else argv)]
    main()


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("rasa", "actions"):
        sys.exit("usage: python -m operations.quiet {rasa|actions} [ARGS...]")
    rasa_main() if sys.argv[1] == "rasa" else actions_main()
