"""`barometre run --spark-remote` and the local Spark cluster when something is wrong: each
error says what failed and where to look, at once, and leaves no process behind. (A build
through a cluster that works: tests/test_spark.py.)"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from conftest import SAMPLE_LANDING, run_cli, run_pipeline

from barometre.spark.cluster import SparkClusterError, cluster_processes, start_cluster

pytest.importorskip("pyspark", reason="Spark is an optional extra: pip install '.[spark]'")


def test_spark_remote_needs_the_spark_engine_and_a_connect_url(tmp_path: Path) -> None:
    warehouse = ["--warehouse", str(tmp_path / "warehouse")]
    without_spark = run_cli("run", "--spark-remote", "sc://127.0.0.1:15002", *warehouse)
    assert without_spark.returncode == 1
    assert "--spark-remote needs --engine spark" in without_spark.stdout
    not_a_url = run_cli("run", "--engine", "spark", "--spark-remote", "127.0.0.1:15002", *warehouse)
    assert not_a_url.returncode == 1
    assert "--spark-remote takes a Spark Connect URL, sc://HOST:PORT" in not_a_url.stdout
    assert not (tmp_path / "warehouse").exists()


def test_a_build_through_a_server_that_does_not_answer_says_so_at_once(tmp_path: Path) -> None:
    # a port nothing listens on (pyspark's client would retry it for about ten minutes)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    remote = f"sc://127.0.0.1:{port}"
    run = run_pipeline(
        SAMPLE_LANDING, tmp_path / "warehouse", "--engine", "spark", "--spark-remote", remote
    )
    assert run.returncode == 1
    assert f"failed barometre_dbt_models: no Spark Connect server answers at {remote}" in (
        " ".join(run.output.split())
    )
    assert not (tmp_path / "warehouse" / "barometre.duckdb").exists()


def test_a_cluster_that_does_not_answer_in_time_is_stopped_naming_its_log(tmp_path: Path) -> None:
    # the master's JVM takes seconds to start
    with pytest.raises(SparkClusterError) as raised:
        start_cluster(tmp_path, timeout=1)
    message = re.fullmatch(
        r"the Spark (master|worker|connect) did not answer in time: see (\S+)", str(raised.value)
    )
    assert message, raised.value
    assert Path(message[2]) == tmp_path / "logs" / f"{message[1]}.log"
    assert Path(message[2]).is_file()
    # every JVM has the cluster's configuration folder on its class path
    assert not cluster_processes(str(tmp_path / "conf")), "processes of the cluster left running"


def test_a_cluster_whose_java_cannot_start_names_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-java"))
    with pytest.raises(SparkClusterError) as raised:
        start_cluster(tmp_path / "cluster")
    log = tmp_path / "cluster" / "logs" / "master.log"
    assert re.fullmatch(
        rf"the Spark master exited \(code \d+\) before answering: see {re.escape(str(log))}",
        str(raised.value),
    )
    assert str(tmp_path / "no-java") in log.read_text(encoding="utf-8")
