"""HTTP for the channels' own API clients (Telegram Bot API, Messenger Send API).

Plain Python with no Rasa import:

- :class:`LoopSession` opens an ``aiohttp`` session lazily in the running event loop, and a
  new one when the loop changes (never at import or start-up).
- :func:`post_json` POSTs fields as JSON, or as ``multipart/form-data`` with an
  :class:`Upload`, and returns the status and decoded JSON body; a connection error or a
  timeout is an answer with status 0, never an exception.
- :func:`with_retries` repeats a call as long as the platform's policy gives a wait.
- :class:`JsonApiClient` puts them together: the base of the Telegram and Messenger clients,
  which say where to post and when to try again.
"""

from __future__ import annotations

import asyncio
import json
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

Sleep = Callable[[float], Awaitable[Any]]


@dataclass(frozen=True)
class Upload:
    """A file sent as a ``multipart/form-data`` part.

    Attributes:
        field: The form field (``photo`` for Telegram's sendPhoto, ``filedata`` for Messenger).
        filename: The file name announced.
        content_type: Its media type.
        data: The bytes.
    """

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class JsonAnswer:
    """What one POST gave.

    Attributes:
        status: The HTTP status; 0 when no answer came.
        body: The decoded JSON object ({} when the body was not one).
        error: When no answer came, the connection error's type name (``ClientConnectorError``,
            ``TimeoutError``...).
    """

    status: int
    body: dict[str, Any] = field(default_factory=dict)
    error: str = ""


class LoopSession:
    """An ``aiohttp`` session opened lazily in the running event loop.

    A session belongs to the loop it was opened in; using it from another loop is what makes
    the stock Telegram connector fail (``Event loop is closed``). This opens a new session when
    the running loop changes, and never opens one at import or construction time.
    """

    def __init__(self, timeout_s: float) -> None:
        """Remember the total request timeout; opens nothing."""
        self.timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def get(self) -> aiohttp.ClientSession:
        """The session of the running loop (opened now if needed)."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout_s)
            )
            self._loop = loop
        return self._session

    async def close(self) -> None:
        """Close the session if it belongs to the running loop (safe to call twice)."""
        session, self._session = self._session, None
        loop, self._loop = self._loop, None
        if session is not None and not session.closed and loop is asyncio.get_running_loop():
            await session.close()


def _form(fields: Mapping[str, Any], upload: Upload) -> aiohttp.FormData:
    """The fields (non-strings as JSON) and the file as ``multipart/form-data``."""
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value if isinstance(value, str) else json.dumps(value))
    form.add_field(
        upload.field, upload.data, filename=upload.filename, content_type=upload.content_type
    )
    return form


async def post_json(
    session: LoopSession,
    url: str,
    fields: Mapping[str, Any],
    upload: Upload | None = None,
    params: Mapping[str, str] | None = None,
) -> JsonAnswer:
    """POST ``fields`` as JSON, or with ``upload`` as ``multipart/form-data``.

    Never raises for a connection error or a timeout (but on cancellation): the answer then
    has status 0 and the error's type name.

    Args:
        session: The client's session (the running loop's is used).
        url: Where to post (may contain a token: never log it).
        fields: The request's parameters.
        upload: A file to send with them.
        params: Query string parameters.
    """
    try:
        client = session.get()
        if upload is None:
            call = client.post(url, params=params, json=dict(fields))
        else:
            call = client.post(url, params=params, data=_form(fields, upload))
        async with call as reply:
            try:
                body = await reply.json(content_type=None)
            except (ValueError, aiohttp.ContentTypeError):
                body = {}
            return JsonAnswer(reply.status, body if isinstance(body, dict) else {})
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
        return JsonAnswer(0, error=type(error).__name__)


def backoff(base_s: float, attempt: int) -> float:
    """The wait after failed try number ``attempt`` (1 first): ``base_s``, doubled each time."""
    return base_s * 2 ** (attempt - 1)


async def with_retries(
    attempt: Callable[[], Awaitable[JsonAnswer]],
    wait_after: Callable[[JsonAnswer, int], float | None],
    max_attempts: int,
    sleep: Sleep = asyncio.sleep,
) -> tuple[JsonAnswer, int]:
    """Make a call, and again after each wait ``wait_after`` gives, at most ``max_attempts`` times.

    Args:
        attempt: Makes the call once.
        wait_after: Seconds to wait before trying again after an answer and the number of the
            try that gave it; ``None`` stops (a success, or a failure not worth retrying).
        max_attempts: Tries in all, the first included.
        sleep: How to wait (injectable for tests).

    Returns:
        The last answer and how many tries were made.
    """
    tries = 0
    while True:
        tries += 1
        answer = await attempt()
        wait = wait_after(answer, tries)
        if wait is None or tries >= max_attempts:
            return answer, tries
        await sleep(wait)


class JsonApiClient(ABC):
    """A JSON API client over aiohttp: one session per event loop, opened lazily, and retries
    as the platform's policy (:meth:`retry_wait`) says; never raises (but on cancellation)."""

    def __init__(self, timeout_s: float, max_attempts: int, sleep: Sleep = asyncio.sleep) -> None:
        """Create the client; nothing is opened or sent until the first call.

        Args:
            timeout_s: Total timeout of one request in seconds.
            max_attempts: Tries per call, the first included.
            sleep: How to wait between tries (injectable for tests).
        """
        self.max_attempts = max_attempts
        self._sleep = sleep
        self._session = LoopSession(timeout_s)

    async def close(self) -> None:
        """Close the HTTP session (safe to call twice)."""
        await self._session.close()

    @abstractmethod
    def retry_wait(self, answer: JsonAnswer, attempt: int) -> float | None:
        """Seconds to wait before trying again after ``answer`` to try number ``attempt``;
        ``None`` after a success or when trying again is pointless."""

    async def request(
        self,
        url: str,
        fields: Mapping[str, Any],
        upload: Upload | None = None,
        params: Mapping[str, str] | None = None,
    ) -> tuple[JsonAnswer, int]:
        """POST (see :func:`post_json`), retrying as :meth:`retry_wait` says.

        Returns:
            The last answer and how many tries were made.
        """
        return await with_retries(
            lambda: post_json(self._session, url, fields, upload, params),
            self.retry_wait,
            self.max_attempts,
            self._sleep,
        )
