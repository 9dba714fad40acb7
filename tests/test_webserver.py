"""The code location as a data engineer opens it: dagster-webserver started from the repository
root (the code location comes from pyproject.toml), its GraphQL API serving the asset graph."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM lets the webserver stop its code server; its process group is killed only if
    it does not exit in time."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    log = home / "webserver.log"
    url = f"http://127.0.0.1:{_free_port()}"
    with open(log, "w") as output:
        server = subprocess.Popen(
            [str(WEBSERVER), "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1]],
            cwd=REPO_ROOT,
            env={**os.environ, "DAGSTER_HOME": str(home)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its code server goes with it if it must be killed
        )
    try:
        _wait_until_serving(url, server, log)
        yield url
    finally:
        _stop(server)


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
