"""The README's main command: ``retrowalk run`` starts the coach and its page; Ctrl-C stops all."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from bot.settings import PROJECT_ROOT
from operations.ports import free_port

pytestmark = pytest.mark.integration

READY_TIMEOUT_S = 300


def test_run_starts_every_server_and_ctrl_c_stops_them(trained_model: Path, tmp_path: Path) -> None:
    rasa_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "RETROWALK_VAR_DIR": str(tmp_path),
        "RETROWALK_RASA_PORT": str(rasa_port),
        "RETROWALK_ACTION_PORT": str(free_port()),
        "RETROWALK_WEB_PORT": str(web_port),
        "RETROWALK_TTS_CACHE": "off",
    }
    for name in list(env):  # no messaging platform configured: those channels stay off
        if name.startswith(("RETROWALK_TELEGRAM", "RETROWALK_SLACK", "RETROWALK_TWILIO")):
            del env[name]
    process = subprocess.Popen(
        [sys.executable, "-m", "operations.cli", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "Press Ctrl-C to stop" in line:
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(READY_TIMEOUT_S) and process.poll() is None, "".join(lines[-30:])
        output = "".join(lines)
        page = re.search(r"Web chat:\s+(http://\S+)", output)
        assert page, output
        assert page.group(1) == f"http://127.0.0.1:{web_port}/"
        assert "<html" in requests.get(page.group(1), timeout=10).text.lower()
        reply = requests.post(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            json={"sender": "run-test", "message": "what shoes should I wear?"},
            timeout=60,
        )
        assert reply.status_code == 200 and reply.json()
        assert "channel TelegramInput not started" in output
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
        reader.join(10)
    output = "".join(lines)
    assert code == 0, output
    assert "Stopped: actions, rasa, web." in output, output
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{web_port}/", timeout=5)
