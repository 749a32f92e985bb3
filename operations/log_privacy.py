"""Keep secrets and conversation content out of the servers' logs.

Both servers log at INFO (Rasa's default). The coach's own modules never log message text,
health data or secrets; two things in the libraries would, and are handled here:

- Sanic logs the full request URL when a handler raises ("Exception occurred while handling
  uri: ...?token=..."), and the Rasa HTTP API token travels in that query string.
  :func:`install_log_redaction` installs a log record factory that replaces the value of
  every secret-looking query parameter (``token``, ``auth_token``, ``access_token``,
  ``api_key``, ``secret``, ``signature``) with ``[redacted]`` in every record's message and
  traceback, whatever the logger or handler.
- rasa-sdk answers an action that raises with a 500 whose body echoes the request: the
  whole conversation (every message, slot and entity). Rasa logs that body at ERROR.
  :func:`quiet_action_errors` replaces rasa-sdk's error handler with one that answers with
  the exception's class name only, and logs the traceback without the request body.
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "[redacted]"
SECRET_QUERY_PARAMETERS = ("token", "auth_token", "access_token", "api_key", "secret", "signature")
_SECRET_QUERY = re.compile(
    r"(?i)([?&](?:" + "|".join(SECRET_QUERY_PARAMETERS) + r")=)[^&\s'\"#<>]+"
)


def redact(text: str) -> str:
    """``text`` with the values of secret query parameters replaced by ``[redacted]``.

    Example: ``redact("GET /status?token=abc&x=1")`` gives
    ``"GET /status?token=[redacted]&x=1"``.
    """
    return _SECRET_QUERY.sub(lambda match: match.group(1) + REDACTED, text)


class RedactingLogRecord(logging.LogRecord):
    """A log record whose message and traceback text go through :func:`redact`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the record; an exception's traceback is formatted and redacted now."""
        super().__init__(*args, **kwargs)
        if self.exc_info and self.exc_info[0] is not None:
            self.exc_text = redact(logging.Formatter().formatException(self.exc_info))

    def getMessage(self) -> str:  # noqa: N802  (logging's name)
        """The formatted message, redacted."""
        return redact(super().getMessage())


def install_log_redaction() -> None:
    """Make every log record of this process a :class:`RedactingLogRecord`."""
    logging.setLogRecordFactory(RedactingLogRecord)


def quiet_action_errors() -> None:
    """Make rasa-sdk's action server answer a failing action without echoing the request.

    Wraps ``rasa_sdk.endpoint.create_app`` (which ``rasa_sdk.endpoint.run`` calls) so that
    the app's handler for unexpected exceptions logs the traceback (no request body) and
    answers ``500 {"error": "<exception class>"}``. Call it before the server starts.
    """
    from rasa_sdk import endpoint
    from sanic import Sanic, response
    from sanic.exceptions import SanicException
    from sanic.request import Request
    from sanic.response import HTTPResponse

    original = endpoint.create_app
    if getattr(original, "retrowalk_quiet", False):
        return
    logger = logging.getLogger(endpoint.__name__)

    def create_app(*args: Any, **kwargs: Any) -> Sanic:
        app = original(*args, **kwargs)

        @app.exception(Exception)
        async def exception_handler(request: Request, exception: Exception) -> HTTPResponse:
            if isinstance(exception, SanicException):  # 404, 405, a malformed request...
                status = int(exception.status_code)
                return response.json({"error": type(exception).__name__}, status=status)
            logger.error(
                "action server: %s while handling %s %s",
                type(exception).__name__,
                request.method,
                request.path,
                exc_info=exception,
            )
            return response.json({"error": type(exception).__name__}, status=500)

        return app

    create_app.retrowalk_quiet = True  # type: ignore[attr-defined]
    endpoint.create_app = create_app
