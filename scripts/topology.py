"""The scaled-out coach on this machine: start it, measure it, render its nginx config.

    .venv/bin/python scripts/topology.py [start]       start it, print the URLs; Ctrl-C stops all
    .venv/bin/python scripts/topology.py bench         quick load figures: nginx vs one instance
    .venv/bin/python scripts/topology.py render-nginx --compose [--write] [--drain 1]
    .venv/bin/python scripts/topology.py render-nginx --helm

Sizes come from RETROWALK_TOPOLOGY_* (see ``operations.topology.TopologySettings``) or the
options. Needs Debian's postgresql, redis-server and nginx packages (the system services are
not used: every server is private to this run, on free 127.0.0.1 ports).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.settings import Settings
from operations import nginx, training
from operations.loadgen import LoadResult, run_load
from operations.topology import Topology, TopologySettings

BENCH_MESSAGES = [
    "hi",
    "what are the benefits of walking backwards?",
    "how do I start?",
    "how fast should I go on a treadmill?",
    "what shoes should I wear?",
    "is it good for my balance?",
    "how long should I walk each time?",
    "thanks",
]


def _sizes(args: argparse.Namespace) -> TopologySettings:
    sizes = TopologySettings.from_env()
    changes = {
        "rasa_instances": args.instances,
        "action_servers": args.action_servers,
        "sanic_workers": args.workers,
        "port": args.port,
    }
    return replace(sizes, **{k: v for k, v in changes.items() if v is not None})


def _model(settings: Settings) -> Path:
    print("==> Checking the model (trains only if the data or config changed) ...", flush=True)
    return training.ensure_model(settings.root, settings.models_dir)


def start(args: argparse.Namespace) -> int:
    """Start the topology and keep it running until Ctrl-C."""
    settings = Settings()
    model = _model(settings)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    sizes = _sizes(args)
    print(
        f"==> Starting PostgreSQL, Redis, {sizes.action_servers} action servers, nginx and "
        f"{sizes.rasa_instances} Rasa instances ...",
        flush=True,
    )
    with Topology(model, sizes) as topology:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in topology.timings.steps.items())
        print(f"\nRetroWalk Coach (scaled out) is ready: {steps}.\n{topology.describe()}")
        print(f"  API token:           {topology.token}\nPress Ctrl-C to stop.", flush=True)
        while not stop.wait(1.0):
            down = [
                m.name for m in (*topology.instances, *topology.action_servers) if not m.running
            ]
            if down:
                print(f"!! stopped unexpectedly: {', '.join(down)}", flush=True)
                return 1
        print("\n==> Stopping ...", flush=True)
    return 0


def _load(url: str, users: int, turns: int, tag: str) -> LoadResult:
    scripts = {
        f"bench-{tag}-{n:03d}": [
            BENCH_MESSAGES[(n + i) % len(BENCH_MESSAGES)] for i in range(turns)
        ]
        for n in range(users)
    }
    scripts = {sender: ["hi", *script[1:]] for sender, script in scripts.items()}
    return run_load(f"{url}/webhooks/rest/webhook", scripts)


def bench(args: argparse.Namespace) -> int:
    """Throughput and latency with N concurrent users: through nginx, and one instance alone."""
    settings = Settings()
    model = _model(settings)
    sizes = _sizes(args)
    env = {"RETROWALK_RATE_PER_MINUTE": "0"}
    began = time.monotonic()
    with Topology(model, sizes, env=env) as topology:
        figures: dict[str, object] = {
            "startup_s": {k: round(v, 1) for k, v in topology.timings.steps.items()},
            "memory_mib": {k: round(v) for k, v in topology.memory_mib().items()},
        }
        print(f"topology ready in {time.monotonic() - began:.0f} s", flush=True)
        for i, url in enumerate(topology.rasa_urls):  # every code path once on every instance
            _load(url, 4, len(BENCH_MESSAGES), f"warmup{i}")
        for users in args.users:
            for where, url in (("nginx", topology.url), ("one instance", topology.rasa_urls[0])):
                result = _load(url, users, args.turns, f"{users}-{where[:3]}")
                print(f"{users:3d} users via {where:12s}: {result.summary()}", flush=True)
                figures[f"{users} users via {where}"] = {
                    "msg_per_s": round(result.throughput, 1),
                    "p50_ms": round(result.latency(0.5) * 1000),
                    "p95_ms": round(result.latency(0.95) * 1000),
                    "failed": len(result.failed),
                }
        figures["memory_mib_after_load"] = {k: round(v) for k, v in topology.memory_mib().items()}
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def render_nginx(args: argparse.Namespace) -> int:
    """Print (or write) the nginx configuration for docker compose or the Helm sidecar."""
    if args.helm:
        print(nginx.render(nginx.helm_layout()), end="")
        return 0
    layout = replace(
        nginx.compose_layout(args.instances or 2, args.action_servers or 2),
        drained=frozenset(i - 1 for i in args.drain),
    )
    text = nginx.render(layout)
    if args.write:
        nginx.COMPOSE_CONF_PATH.write_text(text)
        print(f"wrote {nginx.COMPOSE_CONF_PATH}")
    else:
        print(text, end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "command", nargs="?", default="start", choices=["start", "bench", "render-nginx"]
    )
    parser.add_argument("--instances", type=int, help="Rasa instances (default 2)")
    parser.add_argument("--action-servers", type=int, help="action servers (default 2)")
    parser.add_argument("--workers", type=int, help="Sanic workers per Rasa instance (default 1)")
    parser.add_argument("--port", type=int, help="nginx's public port (default: a free one)")
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50], help="bench: users")
    parser.add_argument("--turns", type=int, default=20, help="bench: messages per user")
    parser.add_argument("--json", help="bench: also write the figures to this file")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--compose", action="store_true", help="render-nginx: docker compose")
    where.add_argument("--helm", action="store_true", help="render-nginx: the Helm sidecar")
    parser.add_argument("--drain", type=int, nargs="*", default=[], help="compose: rasa-N down")
    parser.add_argument("--write", action="store_true", help="compose: write deploy/compose/")
    args = parser.parse_args(argv)
    if args.command == "render-nginx" and not (args.compose or args.helm):
        parser.error("render-nginx needs --compose or --helm")
    return {"start": start, "bench": bench, "render-nginx": render_nginx}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
