"""A local stand-in of Twilio for the tests: the Messages API, and signed webhooks.

:class:`TwilioApiStandIn` (a :class:`~tests.channels.standins.base.StandInServer`) serves
``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` on ``127.0.0.1:<port>`` as Twilio
does: HTTP Basic auth with the account SID and auth token (401 and error 20003 otherwise),
form-encoded parameters (``To``, ``From``, ``Body``, ``MediaUrl``), 400 with Twilio's error
codes for a missing ``To``/``From``, a message with neither body nor media (21602) or a body
over 1,600 characters (21617), and 201 with the JSON message resource. Every request is
recorded.

:func:`webhook_params` and :func:`signature` build what Twilio POSTs to the coach for an
incoming SMS or WhatsApp message, signed like Twilio (``X-Twilio-Signature``, computed with
the official ``RequestValidator``).
"""

from __future__ import annotations

import base64
import itertools
import uuid
from collections.abc import Sequence
from dataclasses import replace
from email.utils import formatdate
from typing import Any

from aiohttp import web
from twilio.request_validator import RequestValidator

from tests.channels.standins.base import Recorded, StandInServer, receive

BODY_LIMIT = 1600


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status=status,
    )


class TwilioApiStandIn(StandInServer):
    """Twilio's Messages API with Basic auth checks."""

    def __init__(self, port: int, account_sid: str, auth_token: str) -> None:
        super().__init__(port)
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._counter = itertools.count(1)

    def routes(self) -> list[web.RouteDef]:
        """``POST /2010-04-01/Accounts/{sid}/Messages.json``."""
        return [web.post("/2010-04-01/Accounts/{sid}/Messages.json", self._create)]

    def sent(self, to: str | None = None) -> list[Recorded]:
        """Accepted messages (to ``to``)."""
        return self.requests(lambda r: _is_sent(r, to))

    def wait_for_sent(self, count: int, to: str, timeout: float = 30.0) -> list[Recorded]:
        """Wait until ``count`` accepted messages to ``to`` arrived."""
        return self.wait_for(count, lambda r: _is_sent(r, to), timeout)

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return header == f"Basic {expected}" and request.match_info["sid"] == self.account_sid

    async def _create(self, request: web.Request) -> web.Response:
        item = await receive(request, "Messages.create")
        form = item.form
        authorized = self._authorized(request)
        to, from_ = form.get("To", [""])[0], form.get("From", [""])[0]
        text, media = form.get("Body", [""])[0], form.get("MediaUrl", [])
        problem: web.Response | None = None
        if not authorized:
            problem = _error(401, 20003, "Authenticate")
        elif not to:
            problem = _error(400, 21604, "A 'To' phone number is required.")
        elif not from_:
            problem = _error(400, 21603, "A 'From' phone number is required.")
        elif not text and not media:
            problem = _error(400, 21602, "Message body is required.")
        elif len(text) > BODY_LIMIT:
            problem = _error(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        elif to.startswith("whatsapp:") != from_.startswith("whatsapp:"):
            problem = _error(400, 63007, "Twilio could not find a Channel with the From address")
        self.record(replace(item, authorized=authorized and problem is None))
        if problem is not None:
            return problem
        return web.json_response(self._resource(to, from_, text, media), status=201)

    def _resource(self, to: str, from_: str, body: str, media: Sequence[str]) -> dict[str, Any]:
        sid = f"SM{next(self._counter):08d}{uuid.uuid4().hex[:24]}"
        now = formatdate(usegmt=True)
        base = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": from_,
            "messaging_service_sid": None,
            "num_media": str(len(media)),
            "num_segments": str(max(1, -(-len(body) // 153))),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": f"{base}/Media.json"},
            "to": to,
            "uri": f"{base}.json",
        }


def _is_sent(item: Recorded, to: str | None) -> bool:
    return item.authorized and (to is None or item.value("To") == to)


# -- what Twilio sends to the coach ------------------------------------------------------------


def new_message_sid() -> str:
    """A fresh ``SM...`` message SID (34 characters)."""
    return "SM" + uuid.uuid4().hex


def webhook_params(
    account_sid: str,
    sender: str,
    to: str,
    body: str,
    *,
    message_sid: str | None = None,
    media_urls: Sequence[str] = (),
) -> dict[str, str]:
    """The form parameters of Twilio's messaging webhook (SMS, or WhatsApp for ``whatsapp:``)."""
    sid = message_sid or new_message_sid()
    params = {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": sid,
        "NumMedia": str(len(media_urls)),
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "US",
        "To": to,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }
    if sender.startswith("whatsapp:"):
        for key in ("ToCountry", "ToState", "ToCity", "FromZip", "FromState", "FromCity", "ToZip"):
            del params[key]
        del params["FromCountry"]
        params.update(
            {
                "ProfileName": "Walker",
                "WaId": sender.removeprefix("whatsapp:+"),
                "MessageType": "text" if not media_urls else "image",
                "ReferralNumMedia": "0",
                "SmsStatus": "received",
            }
        )
    for index, url in enumerate(media_urls):
        params[f"MediaUrl{index}"] = url
        params[f"MediaContentType{index}"] = "image/jpeg"
    return params


def signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    """``X-Twilio-Signature`` for a POST of ``params`` to ``url``."""
    return str(RequestValidator(auth_token).compute_signature(url, params))
