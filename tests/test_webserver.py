"""The code location as a data engineer opens it: dagster-webserver started from the repository
root (the code location comes from pyproject.toml), its GraphQL API serving the asset graph; and
`barometre dev` (`make dev`) after `barometre run`, on the warehouse's own Dagster instance."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import (
    SAMPLE_LANDING,
    PipelineRun,
    copy_landing,
    copy_warehouse,
    pipeline_environment,
)

from barometre.config import WarehouseLayout
from barometre.ingest.survey_loader import RAW_TABLES
from orchestration.instance import CLI, STARTED_BY_TAG, instance_dir
from orchestration.partitions import RANGE_END_TAG, RANGE_START_TAG

# a long file: started early (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=80)

REPO_ROOT = Path(__file__).resolve().parents[1]
WEBSERVER = Path(sys.executable).with_name("dagster-webserver")
START_TIMEOUT_SECONDS = 180

ASSET_NODES_QUERY = """
{
  assetNodes {
    assetKey { path }
    groupName
    pools
    assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post_graphql(url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    assert "errors" not in body, body["errors"]
    return body["data"]


def _wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"dagster-webserver exited ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    pytest.fail(f"dagster-webserver not serving in {START_TIMEOUT_SECONDS} s:\n{log.read_text()}")


def _stop(server: subprocess.Popen, signal_number: int = signal.SIGTERM) -> None:
    """The signal lets the server stop its code server (and daemon); its process group is
    killed only if it does not exit in time."""
    if server.poll() is None:
        server.send_signal(signal_number)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@contextmanager
def _serving(
    command: list[str], environment: dict[str, str], log: Path, stop_signal: int
) -> Iterator[str]:
    """Start a Dagster server on a free port (`command` ends with --port), yield its URL."""
    port = str(_free_port())
    with open(log, "w") as output:
        server = subprocess.Popen(
            [*command, port],
            cwd=REPO_ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its code server goes with it if it must be killed
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, server, log)
        yield url
    finally:
        _stop(server, stop_signal)


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """dagster-webserver on a new warehouse's instance."""
    warehouse = WarehouseLayout(tmp_path_factory.mktemp("webserver") / "warehouse")
    home = instance_dir(warehouse)
    command = [str(WEBSERVER), "--host", "127.0.0.1", "--port"]
    with _serving(
        command, {**os.environ, "DAGSTER_HOME": str(home)}, home / "webserver.log", signal.SIGTERM
    ) as url:
        yield url


def _served_graph(url: str) -> dict[str, tuple[str, list[str], list[str]]]:
    nodes = _post_graphql(url, ASSET_NODES_QUERY)["assetNodes"]
    return {
        "/".join(node["assetKey"]["path"]): (
            node["groupName"],
            sorted(node["pools"]),
            sorted(c["name"] for c in node["assetChecksOrError"]["checks"] if c["blocking"]),
        )
        for node in nodes
    }


def _defined_graph() -> dict[str, tuple[str, list[str], list[str]]]:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    blocking: dict[str, list[str]] = {}
    for check_key in graph.asset_check_keys:
        if graph.get_check_spec(check_key).blocking:
            blocking.setdefault(check_key.asset_key.to_user_string(), []).append(check_key.name)
    return {
        key.to_user_string(): (
            graph.get(key).group_name,
            [defs.resolve_assets_def(key).op.pool],
            sorted(blocking.get(key.to_user_string(), [])),
        )
        for key in graph.get_all_asset_keys()
    }


def test_the_webserver_serves_the_asset_graph_of_the_definitions(webserver: str) -> None:
    served = _served_graph(webserver)
    assert served, "the webserver serves no asset"
    assert served == _defined_graph()


def test_the_webserver_instance_runs_one_build_database_step_at_a_time(webserver: str) -> None:
    query = "{ instance { poolConfig { defaultPoolLimit poolGranularity } } }"
    data = _post_graphql(webserver, query)
    assert data["instance"]["poolConfig"] == {"defaultPoolLimit": 1, "poolGranularity": "op"}


@pytest.fixture(scope="module")
def dev_server(
    sample_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """`barometre dev` (what `make dev` starts) after `barometre run`, with no DAGSTER_HOME, on
    a landing that has received a 2025 wave since: the URL, and the run id of `barometre run`."""
    base = tmp_path_factory.mktemp("dev")
    warehouse = copy_warehouse(sample_run, base / "warehouse")
    landing = copy_landing(SAMPLE_LANDING, base / "landing")
    (landing / "survey" / "2025").mkdir()
    (landing / "survey" / "2025" / "results-survey.csv").write_text("ID de la réponse\n")
    run_id = re.search(r"logs/([0-9a-f-]{36})\.log", sample_run.output).group(1)
    command = [sys.executable, "-m", "orchestration.cli", "dev", "--landing", str(landing)]
    command += ["--warehouse", str(warehouse), "--port"]
    with _serving(command, pipeline_environment(), base / "dev.log", signal.SIGINT) as url:
        yield url, run_id


RUNS_QUERY = "{ runsOrError { ... on Runs { results { runId status tags { key value } } } } }"
MATERIALISED_QUERY = """
{
  assetNodes {
    assetKey { path }
    partitionKeys
    assetMaterializations(limit: 1) { runId }
    assetChecksOrError {
      ... on AssetChecks { checks { name executionForLatestMaterialization { runId status } } }
    }
  }
}
"""


def test_the_ui_lists_the_run_of_barometre_run(dev_server: tuple[str, str]) -> None:
    url, run_id = dev_server
    runs = _post_graphql(url, RUNS_QUERY)["runsOrError"]["results"]
    listed = {run["runId"]: run for run in runs}
    assert run_id in listed, f"{run_id} not among {sorted(listed)}"
    assert listed[run_id]["status"] == "SUCCESS"
    assert {"key": STARTED_BY_TAG, "value": CLI} in listed[run_id]["tags"]


def test_every_asset_and_check_shows_the_run_of_barometre_run(dev_server: tuple[str, str]) -> None:
    url, run_id = dev_server
    nodes = _post_graphql(url, MATERIALISED_QUERY)["assetNodes"]
    assert len(nodes) == len(_defined_graph())
    for node in nodes:
        key = "/".join(node["assetKey"]["path"])
        assert [m["runId"] for m in node["assetMaterializations"]] == [run_id], key
        for check in node["assetChecksOrError"]["checks"]:
            execution = check["executionForLatestMaterialization"]
            assert execution == {"runId": run_id, "status": "SUCCEEDED"}, (key, check["name"])


def test_the_raw_assets_have_a_partition_per_landing_wave_before_any_sensor_tick(
    dev_server: tuple[str, str],
) -> None:
    url, _ = dev_server
    nodes = _post_graphql(url, MATERIALISED_QUERY)["assetNodes"]
    partitions = {
        "/".join(node["assetKey"]["path"]): node["partitionKeys"]
        for node in nodes
        if node["partitionKeys"]
    }
    # 2025 is in the landing, not in the run: the definitions' load made it a partition
    assert partitions == {f"raw/{table}": ["2022", "2023", "2024", "2025"] for table in RAW_TABLES}
    ticks = _post_graphql(url, SENSOR_TICKS_QUERY)["sensorOrError"]["sensorState"]["ticks"]
    assert ticks == []


SENSOR_TICKS_QUERY = """
{
  sensorOrError(sensorSelector: {
    repositoryName: "__repository__", repositoryLocationName: "barometre",
    sensorName: "landing_sensor"
  }) { ... on Sensor { sensorState { ticks { id } } } }
}
"""


BACKFILL_TIMEOUT_SECONDS = 600


def test_a_backfill_of_one_wave_runs_on_a_new_instance(dev_server: tuple[str, str]) -> None:
    """What the raw assets' Partitions tab launches; last, as it makes the raw assets' latest
    materialisation its own."""
    url, _ = dev_server
    keys = ", ".join(f'{{path: ["raw", "{table}"]}}' for table in RAW_TABLES)
    launched = _post_graphql(
        url,
        f"""mutation {{ launchPartitionBackfill(backfillParams: {{
              partitionNames: ["2023"], assetSelection: [{keys}] }}) {{
            __typename ... on LaunchBackfillSuccess {{ backfillId }}
            ... on PythonError {{ message }} }} }}""",
    )["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    query = f"""{{ partitionBackfillOrError(backfillId: "{launched["backfillId"]}") {{
        ... on PartitionBackfill {{
          status runs(limit: 5) {{ status tags {{ key value }} }} }} }} }}"""
    deadline = time.monotonic() + BACKFILL_TIMEOUT_SECONDS
    while (backfill := _post_graphql(url, query)["partitionBackfillOrError"])["status"] in (
        "REQUESTED",
        "CANCELING",
    ):
        assert time.monotonic() < deadline, f"backfill not done in {BACKFILL_TIMEOUT_SECONDS} s"
        time.sleep(3)
    assert backfill["status"] == "COMPLETED_SUCCESS", backfill
    (run,) = backfill["runs"]
    assert run["status"] == "SUCCESS"
    # one run over the wave (the raw assets' single-run backfill policy)
    tags = {tag["key"]: tag["value"] for tag in run["tags"]}
    assert (tags[RANGE_START_TAG], tags[RANGE_END_TAG]) == ("2023", "2023"), tags
