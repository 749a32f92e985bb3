"""``retrowalk``: run the coach, train it, or chat with it in the terminal.

Commands:
    retrowalk run     Build the spaCy pipeline, train if needed, start the action server and
                      the Rasa server, wait until both are healthy; Ctrl-C stops both.
    retrowalk train   Build and train only (``--force`` retrains).
    retrowalk chat    Chat with a running coach in the terminal.
    retrowalk walk    A guided retro walk with spoken cues; ask questions by voice.
    retrowalk telegram-webhook
                      Point the Telegram bot at this coach (setWebhook with the secret).
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import signal
import sys
import threading
import time
from types import FrameType

from bot.settings import Settings
from operations import servers, training
from operations.terminal_chat import chat_loop


def _say(line: str) -> None:
    """A progress line on stdout, at once (``make run`` may be piped)."""
    print(line, flush=True)


VOICE_MODULES = ("sounddevice", "piper", "pocketsphinx", "faster_whisper")
"""Top-level modules of the voice dependency group (``requirements/voice.lock``)."""


def missing_voice_module() -> str | None:
    """The first module of the voice group that is not installed, or None."""
    for name in VOICE_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a broken or blocked install
            found = False
        if not found:
            return name
    return None


def _build_voice_model(settings: Settings) -> None:
    """What the voice coach needs from the bot's files, built ahead of any walk.

    The speech-recognition language model (from the same training data) and the bot's fixed
    answers rendered into the clip cache (so an answer asked for mid-walk plays at once).
    Skipped, with a line saying so, where the voice group is not installed (a runtime-only
    install serves chat, the web page and the channels).
    """
    missing = missing_voice_module()
    if missing is not None:
        _say(
            f"==> Voice walk not installed ({missing} is missing): its language model and "
            "answer clips are skipped; chat, the web page and the channels work without them. "
            "For the voice walk install requirements/voice.lock (make venv does)."
        )
        return
    from voice.answers import prerender_answers
    from voice.listen.language_model import ensure_language_model
    from voice.listen.settings import ListenSettings
    from voice.tts.factory import build_speech
    from voice.tts.settings import TtsSettings
    from voice.tts.speech import progress_bar

    listen = ListenSettings.from_env()
    _say("==> Voice language model (pocketsphinx, from data/nlu) ...")
    started = time.monotonic()
    files = ensure_language_model(settings.root, listen.lm_dir, wake_phrase=listen.wake_phrase)
    _say(f"    voice language model: {files.lm.parent} ({time.monotonic() - started:.0f} s)")
    tts = TtsSettings.from_env()
    if tts.cache_dir is None:
        return
    _say(f"==> Rendering the coach's fixed answers for the voice walk into {tts.cache_dir} ...")
    speech = build_speech(tts)
    try:
        report = prerender_answers(
            speech,
            settings.root / "domain.yml",
            progress=progress_bar(sys.stdout, label="    voice answers"),
        )
    finally:
        speech.close()
    print(f"    voice answers: {report.summary('sentences')}", flush=True)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    started = time.monotonic()
    print("==> Building the spaCy pipeline and checking the model ...", flush=True)
    model = training.ensure_model(
        settings.root, settings.models_dir, force=args.force_train, progress=_say
    )
    print(f"    model: {model.relative_to(settings.root)}", flush=True)
    _build_voice_model(settings)

    stop = threading.Event()

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)

    running: list[servers.ServerProcess] = []
    try:
        print(f"==> Starting the action server on port {settings.action_port} ...", flush=True)
        actions = servers.start_action_server(settings)
        running.append(actions)
        servers.wait_until(actions, lambda: servers.action_server_ready(settings), timeout=60)
        print(f"==> Starting the Rasa server on {settings.rasa_url} ...", flush=True)
        rasa = servers.start_rasa_server(settings, model)
        running.append(rasa)
        servers.wait_until(
            rasa, lambda: stop.is_set() or servers.rasa_server_ready(settings), timeout=300
        )
        if stop.is_set():
            return 130
        web_line = _start_web_page(settings, running)
        print(
            f"\nRetroWalk Coach is ready ({time.monotonic() - started:.0f} s).\n"
            f"  Web chat:  {web_line}\n"
            f"  REST:      POST {settings.rasa_url}/webhooks/rest/webhook "
            '{"sender": "me", "message": "hi"}\n'
            f"  Socket.IO: {settings.rasa_url} (web chat widget)\n"
            f"  Terminal:  .venv/bin/retrowalk chat   (in another terminal)\n"
            f"  Database:  {settings.database_url}\n"
            f"  Logs:      {settings.var_dir / 'logs'}\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        while not stop.wait(1.0):
            for server in running:
                if server.process.poll() is not None:
                    raise servers.ServerError(
                        f"The {server.name} server stopped unexpectedly "
                        f"(code {server.process.returncode}). Last lines of "
                        f"{server.log_path}:\n{server.log_tail()}"
                    )
        print("\n==> Stopping ...", flush=True)
        return 0
    finally:
        for server in reversed(running):
            server.stop()
        if running:
            print(f"==> Stopped: {', '.join(server.name for server in running)}.", flush=True)


def _start_web_page(settings: Settings, running: list[servers.ServerProcess]) -> str:
    """Start the web chat page's server; the banner line (its URL, or why it is not running)."""
    from operations.web import (
        WebBundleError,
        WebSettings,
        start_web_server,
        web_server_ready,
    )

    try:
        web_settings = WebSettings.from_env(settings)
        print(f"==> Starting the web chat page on {web_settings.url} ...", flush=True)
        web = start_web_server(settings, web_settings)
    except WebBundleError as error:
        return f"not started: {error}"
    running.append(web)
    servers.wait_until(web, lambda: web_server_ready(web_settings), timeout=30)
    return f"{web_settings.url}   (open it in a browser)"


def _telegram_webhook() -> int:
    from bot.channels.telegram import TelegramSettings, register_webhook

    try:
        settings = TelegramSettings.from_env()
        result = register_webhook(settings)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not result.ok:
        print(f"error: Telegram refused the webhook: {result.description}", file=sys.stderr)
        return 1
    print(f"Telegram webhook set to {settings.webhook_url}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``retrowalk`` command."""
    parser = argparse.ArgumentParser(prog="retrowalk", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="train if needed and start both servers")
    run.add_argument("--force-train", action="store_true", help="retrain from scratch")
    train = sub.add_parser("train", help="build the spaCy pipeline and train if needed")
    train.add_argument("--force", action="store_true", help="retrain from scratch")
    chat = sub.add_parser("chat", help="chat with a running coach in the terminal")
    chat.add_argument("--sender", default=None, help="conversation id (default: random)")
    walk = sub.add_parser("walk", help="a guided walk with spoken cues (the coach must run)")
    # Only the walk's option definitions (an import-free module) are loaded here; the voice
    # stack (voice.app) is imported only to run a walk.
    from voice.walk_arguments import add_arguments as add_walk_arguments

    add_walk_arguments(walk)
    sub.add_parser(
        "telegram-webhook",
        help="register <RETROWALK_PUBLIC_URL>/webhooks/telegram/webhook with Telegram",
    )
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = Settings()
    try:
        if args.command == "run":
            return _run(settings, args)
        if args.command == "train":
            model = training.ensure_model(
                settings.root, settings.models_dir, force=args.force, progress=_say
            )
            print(model)
            _build_voice_model(settings)
            return 0
        if args.command == "walk":
            missing = missing_voice_module()
            if missing is not None:
                print(
                    f"error: the voice walk is not installed ({missing} is missing); install "
                    "requirements/voice.lock (make venv does)",
                    file=sys.stderr,
                )
                return 1
            from voice import app as voice_app

            return voice_app.walk(args)
        if args.command == "telegram-webhook":
            return _telegram_webhook()
        return chat_loop(settings, args.sender)
    except (training.TrainingError, servers.ServerError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
