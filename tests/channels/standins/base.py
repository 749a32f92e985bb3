"""The base of every platform stand-in: a threaded aiohttp server that records each request.

:class:`StandInServer` runs an aiohttp app in a background thread (its own event loop), so
the coach's real clients can call it over real HTTP from any test. Subclasses give the routes
(:meth:`StandInServer.routes`) and, in their handlers, read a request with :func:`receive`
and keep it with :meth:`StandInServer.record`. A test waits until enough requests arrived
with :meth:`StandInServer.wait_for` (a ``threading.Condition`` with a timeout, no sleeps) and
can script failures with :meth:`StandInServer.fail_next`.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs

from aiohttp import web

_Server = TypeVar("_Server", bound="StandInServer")


@dataclass(frozen=True)
class RecordedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Recorded:
    """One request a stand-in received.

    Attributes:
        name: What was called: the Bot API method, the Graph path after the version
            (``me/messages``), the Slack Web API method, ``Messages.create`` for Twilio.
        http_method: ``POST``, ``GET``...
        path: The URL path.
        headers: The request headers.
        query: The query string parameters.
        fields: The JSON body, or the form fields (the first value of each; in multipart
            bodies, values that are JSON objects or arrays decoded).
        files: The uploaded files by field name.
        form: Every value of each field of a form-encoded body, blank values kept.
        body: The raw body (empty for multipart bodies).
        authorized: Whether the stand-in accepted the request's credentials.
    """

    name: str
    http_method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    files: dict[str, RecordedFile] = field(default_factory=dict)
    form: dict[str, list[str]] = field(default_factory=dict)
    body: bytes = b""
    authorized: bool = True

    def value(self, name: str) -> Any:
        """A field of the JSON body, or the first value of a form field (None if absent)."""
        return self.fields.get(name)


def _maybe_json(value: str) -> Any:
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def receive(request: web.Request, name: str) -> Recorded:
    """Read a JSON, form-encoded or multipart request as a :class:`Recorded` named ``name``.

    A body that is not valid JSON gives no fields (the raw body is kept).
    """
    common: dict[str, Any] = {
        "name": name,
        "http_method": request.method,
        "path": request.path,
        "headers": dict(request.headers),
        "query": dict(request.query),
    }
    if request.content_type == "multipart/form-data":
        fields: dict[str, Any] = {}
        files: dict[str, RecordedFile] = {}
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            data = await part.read()  # type: ignore[union-attr]
            part_name = part.name or ""
            if part.filename:  # type: ignore[union-attr]
                files[part_name] = RecordedFile(
                    part.filename,  # type: ignore[union-attr]
                    part.headers.get("Content-Type", ""),
                    bytes(data),
                )
            else:
                fields[part_name] = _maybe_json(bytes(data).decode("utf-8"))
        return Recorded(**common, fields=fields, files=files)
    body = await request.read()
    if request.content_type == "application/json":
        try:
            decoded = json.loads(body or b"{}")
        except ValueError:
            decoded = {}
        fields = decoded if isinstance(decoded, dict) else {"_body": decoded}
        return Recorded(**common, fields=fields, body=body)
    form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    fields = {key: values[0] for key, values in form.items()}
    return Recorded(**common, fields=fields, form=form, body=body)


@dataclass
class Failure:
    """A scripted answer: the status and JSON body of the next request's answer."""

    status: int
    body: dict[str, Any]


class StandInServer:
    """An aiohttp app in a background thread that records every request.

    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        """Serve on ``host:port`` once started."""
        self.host = host
        self.port = port
        self._records: list[Recorded] = []
        self._failures: list[Failure] = []
        self._condition = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL (``http://127.0.0.1:<port>``)."""
        return f"http://{self.host}:{self.port}"

    def routes(self) -> list[web.RouteDef]:
        """The app's routes (subclasses)."""
        raise NotImplementedError

    def start(self: _Server) -> _Server:
        """Start serving; returns when the port accepts connections."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            app = web.Application(client_max_size=64 * 1024 * 1024)
            app.add_routes(self.routes())
            runner = web.AppRunner(app, access_log=None)
            try:
                loop.run_until_complete(runner.setup())
                loop.run_until_complete(web.TCPSite(runner, self.host, self.port).start())
            except BaseException as error:  # reported to start()
                errors.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, name=type(self).__name__, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError(f"{type(self).__name__} did not start")
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread (idempotent)."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = None
        self._thread = None

    def __enter__(self: _Server) -> _Server:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # ---- records ----

    def record(self, item: Recorded) -> None:
        """Keep a request and wake up waiters."""
        with self._condition:
            self._records.append(item)
            self._condition.notify_all()

    def requests(self, where: Callable[[Recorded], bool] | None = None) -> list[Recorded]:
        """The requests received since the last :meth:`reset` (those matching ``where``)."""
        with self._condition:
            return [item for item in self._records if where is None or where(item)]

    def named(self, name: str) -> list[Recorded]:
        """The requests to one method or path."""
        return self.requests(lambda item: item.name == name)

    def reset(self) -> None:
        """Forget the requests and scripted failures."""
        with self._condition:
            self._records.clear()
            self._failures.clear()

    def wait_for(
        self,
        count: int,
        where: Callable[[Recorded], bool] | None = None,
        timeout: float = 30.0,
    ) -> list[Recorded]:
        """Wait until ``count`` requests matching ``where`` arrived; return them all.

        Raises:
            AssertionError: If they did not arrive within ``timeout`` seconds.
        """

        def matching() -> list[Recorded]:
            return [item for item in self._records if where is None or where(item)]

        with self._condition:
            if not self._condition.wait_for(lambda: len(matching()) >= count, timeout):
                raise AssertionError(
                    f"expected {count} matching requests within {timeout:.0f} s, got "
                    f"{len(matching())} (of {[item.name for item in self._records]})"
                )
            return matching()

    def fail_next(self, status: int, body: dict[str, Any]) -> None:
        """Answer the next request with ``status`` and ``body`` (queued, one per call)."""
        with self._condition:
            self._failures.append(Failure(status, body))

    def take_failure(self) -> Failure | None:
        """The next scripted failure, if any."""
        with self._condition:
            return self._failures.pop(0) if self._failures else None
