"""The scaled-out topology, started once for the topology tests.

Two Rasa instances and two action servers behind nginx, the PostgreSQL tracker store and
the Redis lock store, all from Debian packages on free 127.0.0.1 ports
(``operations/topology.py``). The REST channel's per-sender rate limit is off
(``RETROWALK_RATE_PER_MINUTE=0``): the load tests send faster than a person types.

Fault tests stop parts of it through ``faults`` (``tests/topology/faults.py``); the
function-scoped ``topology`` fixture brings every part back before each test, so one failing
test does not break the next. Logs are copied to
``artifacts/topology/`` and start-up figures to ``artifacts/topology/figures.json``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from operations.topology import Topology, TopologySettings
from tests.conftest import ARTIFACTS
from tests.topology.faults import TopologyFaults

TOPOLOGY_ENV = {"RETROWALK_RATE_PER_MINUTE": "0"}
FIGURES: dict[str, object] = {}


def record_figure(name: str, value: object) -> None:
    """Keep a measured figure; all of them are written to artifacts/topology/figures.json."""
    FIGURES[name] = value


@pytest.fixture(scope="session")
def running_topology(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Topology]:
    """The topology, started once per session and stopped at the end."""
    topology = Topology(
        trained_model,
        TopologySettings(rasa_instances=2, action_servers=2),
        env=TOPOLOGY_ENV,
        work_dir=tmp_path_factory.mktemp("topology"),
    )
    topology.start()
    record_figure("startup_s", {k: round(v, 2) for k, v in topology.timings.steps.items()})
    record_figure("memory_mib_after_start", _rounded(topology.memory_mib()))
    try:
        yield topology
    finally:
        record_figure("memory_mib_at_end", _rounded(topology.memory_mib()))
        artifacts = ARTIFACTS / "topology"
        shutil.rmtree(artifacts, ignore_errors=True)
        artifacts.mkdir(parents=True)
        for path in topology.log_paths():
            name = (
                str(path.relative_to(topology.work_dir)).replace("/", "-")
                if path.is_relative_to(topology.work_dir)
                else f"postgres-{path.name}"
            )
            shutil.copyfile(path, artifacts / name)
        topology.stop()
        (artifacts / "figures.json").write_text(json.dumps(FIGURES, indent=2))


@pytest.fixture
def topology(running_topology: Topology) -> Topology:
    """The session's topology with every part running (restarted if a test left it down)."""
    TopologyFaults(running_topology).restore()
    return running_topology


@pytest.fixture
def faults(topology: Topology) -> TopologyFaults:
    """Stops, kills and restarts parts of the running topology (every part up at the start)."""
    return TopologyFaults(topology)


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {name: round(value, 1) for name, value in values.items()}
