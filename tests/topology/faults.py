"""Faults injected into the running topology: the topology tests' own tools.

Stop or restart Rasa instances (drained first, or killed as a crash), kill and start action
servers, stop and start the database, and bring every part back before the next test
(:meth:`TopologyFaults.restore`). The topology itself (``operations/topology.py``) starts,
routes and measures; only the tests break it.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress

from operations import servers
from operations.topology import (
    ACTION_START_TIMEOUT_S,
    Topology,
    TopologyError,
    answers_ok,
    stop_member,
)

POLL_S = 0.05


class TopologyFaults:
    """Breaks and mends the parts of a running :class:`Topology`.

    Args:
        topology: The started topology.
    """

    def __init__(self, topology: Topology) -> None:
        self.topology = topology

    # -- Rasa instances ---------------------------------------------------------------

    def stop_instance(self, index: int, graceful: bool = True) -> None:
        """Stop Rasa instance ``index`` (0-based).

        Args:
            index: Which instance.
            graceful: Drain it first (nginx stops sending it requests and waits for those
                in progress), then SIGTERM. Otherwise SIGKILL at once, as a crash: the
                requests it is handling fail (nginx answers 503, nothing is half-stored:
                Rasa saves a turn in one transaction at its end).
        """
        member = self.topology.instances[index]
        if member.process is None:
            return
        if graceful:
            self.topology.drain_instance(index)
            member.process.stop()
        else:
            _kill_group(member.process)
        member.process = None

    def start_instance(self, index: int, route: bool = True) -> float:
        """Start Rasa instance ``index`` again and wait until it has loaded the model.

        Args:
            index: Which instance.
            route: Give it requests again (if it was drained) once it is ready; otherwise
                it stays drained until :meth:`Topology.undrain_instance`.

        Returns:
            Seconds until it was ready.

        Raises:
            TopologyError: It is running already.
        """
        member = self.topology.instances[index]
        if member.running:
            raise TopologyError(f"{member.name} is already running")
        began = time.monotonic()
        self.topology.spawn_instance(member)
        self.topology.wait_instance(member)
        if route and index in self.topology.drained:
            self.topology.undrain_instance(index)
        return time.monotonic() - began

    def restart_all_instances(self) -> float:
        """Stop every Rasa instance, then start them all (in parallel); seconds to ready.

        nginx answers 503 ("restarting", ``Retry-After``) while none is up.
        """
        topology = self.topology
        topology.drained = set(range(len(topology.instances)))
        topology.route()
        with ThreadPoolExecutor(max_workers=len(topology.instances)) as pool:
            list(pool.map(stop_member, topology.instances))
        began = time.monotonic()
        for member in topology.instances:
            topology.spawn_instance(member)
        for member in topology.instances:
            topology.wait_instance(member)
        topology.drained.clear()
        topology.route()
        return time.monotonic() - began

    # -- action servers ---------------------------------------------------------------

    def kill_action_server(self, index: int) -> None:
        """SIGKILL action server ``index`` (0-based), as a crash would."""
        member = self.topology.action_servers[index]
        if member.process is not None:
            _kill_group(member.process)
            member.process = None

    def kill_action_servers(self) -> None:
        """SIGKILL every action server."""
        for index in range(len(self.topology.action_servers)):
            self.kill_action_server(index)

    def start_action_server(self, index: int) -> None:
        """Start action server ``index`` again; wait until the gateway reaches an action server.

        Raises:
            TopologyError: It is running already, or the gateway does not reach it in time.
        """
        topology = self.topology
        member = topology.action_servers[index]
        if member.running:
            raise TopologyError(f"{member.name} is already running")
        member.process = servers.start_action_server(member.settings, topology.env)
        topology.wait_action_server(member)
        self.wait_for(
            lambda: answers_ok(f"http://127.0.0.1:{topology.gateway_port}/health"),
            "the action gateway to reach an action server",
            timeout=ACTION_START_TIMEOUT_S,
        )

    def start_action_servers(self) -> None:
        """Start every action server that is not running."""
        for index, member in enumerate(self.topology.action_servers):
            if not member.running:
                self.start_action_server(index)

    # -- the database -----------------------------------------------------------------

    def stop_database(self, mode: str = "fast") -> None:
        """Stop PostgreSQL (``pg_ctl stop -m mode``); its data stays."""
        assert self.topology.postgres is not None
        self.topology.postgres.stop(mode)

    def start_database(self) -> None:
        """Start PostgreSQL again on the same port."""
        assert self.topology.postgres is not None
        self.topology.postgres.start()

    # -- mending and waiting ----------------------------------------------------------

    def restore(self) -> None:
        """Every part running and getting requests again (after a test that broke some)."""
        topology = self.topology
        if topology.postgres is not None and not topology.postgres.running:
            self.start_database()
        self.start_action_servers()
        for index, member in enumerate(topology.instances):
            if not member.running:
                self.start_instance(index)
        for index in sorted(topology.drained):
            topology.undrain_instance(index)

    @staticmethod
    def wait_for(condition: Callable[[], bool], what: str, timeout: float) -> float:
        """Check ``condition`` every 50 ms until true; seconds waited.

        Raises:
            TopologyError: After ``timeout`` seconds, naming ``what``.
        """
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if condition():
                return time.monotonic() - began
            time.sleep(POLL_S)
        raise TopologyError(f"timed out after {timeout:.0f} s waiting for {what}")


def _kill_group(server: servers.ServerProcess) -> None:
    """SIGKILL ``server``'s whole process group and reap it."""
    with suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait()
