"""The Rasa HTTP API needs the token; CORS answers only the configured origins."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import LiveCoach

pytestmark = pytest.mark.integration

API_CALLS = [
    ("GET", "/status", None),
    ("GET", "/conversations/someone/tracker", None),
    ("POST", "/model/parse", {"text": "hello"}),
    ("POST", "/conversations/someone/trigger_intent", {"name": "greet"}),
    ("GET", "/domain", None),
]


@pytest.mark.parametrize(("method", "path", "body"), API_CALLS)
@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_http_api_refuses_requests_without_the_token(
    live_coach: LiveCoach, method: str, path: str, body: dict | None, token: str | None
) -> None:
    params = {"token": token} if token else {}
    reply = requests.request(
        method, live_coach.settings.rasa_url + path, params=params, json=body, timeout=30
    )
    assert reply.status_code == 401


def test_http_api_answers_with_the_token(live_coach: LiveCoach) -> None:
    reply = requests.get(
        f"{live_coach.settings.rasa_url}/status", params={"token": live_coach.token}, timeout=30
    )
    assert reply.status_code == 200 and reply.json()["model_id"]


def test_cors_allows_only_the_configured_origin(live_coach: LiveCoach) -> None:
    url = f"{live_coach.settings.rasa_url}/webhooks/rest/webhook"
    (allowed,) = live_coach.settings.cors
    for origin, expected in ((allowed, allowed), ("https://evil.example", None)):
        preflight = requests.options(
            url,
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
            timeout=30,
        )
        assert preflight.headers.get("Access-Control-Allow-Origin") == expected, origin
