"""A Spark cluster on this machine, to try `barometre run --engine spark --spark-remote` and to
test it: a standalone master, one worker and a Spark Connect server (the driver, attached to the
master), each a process of its own as on a real cluster, all bound to 127.0.0.1.

``make spark-cluster`` (``python -m barometre.spark.cluster``) starts one, prints its Spark
Connect URL and stops it on Ctrl-C; tests/test_spark.py builds through one. Every JVM of the
cluster carries a marker in its command line (``-Dbarometre.spark.cluster=<id>``), the executors
the worker starts included: stopping the cluster ends exactly those processes, and
`cluster_processes` finds any left. Every port is a free one the kernel picks (read back from
the logs), the Connect server's unless it is given: two clusters side by side do not collide.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from barometre.errors import BarometreError
from barometre.spark.connect import DEFAULT_PORT, server_answers

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 180.0  # seconds for all three to answer, on a busy shared machine
STOP_TIMEOUT = 30.0
# Memory, modest on a machine shared with other jobs: the master and the worker, the driver
# (the Connect server) and the one executor; the worker offers its executor 2 cores.
DAEMON_MEMORY = "256m"
DRIVER_MEMORY = "1g"
EXECUTOR_MEMORY = "1g"
WORKER_CORES = 2
# JVMs that start fast, as in profiles.yml's local mode
_JVM_OPTIONS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m"
_MARKER = "barometre.spark.cluster"
_CONNECT_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
_POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1

T = TypeVar("T")


class SparkClusterError(BarometreError):
    """The local cluster did not start (the message names the log to read)."""


@dataclass
class LocalSparkCluster:
    """A running local cluster: its folder (configuration, logs, work), its processes by role
    (master, worker, connect) and where it answers."""

    folder: Path
    cluster_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    master_url: str = ""
    master_ui: str = ""
    remote: str = ""  # sc://127.0.0.1:PORT, what `--spark-remote` takes

    @property
    def marker(self) -> str:
        """The option every JVM of this cluster has in its command line."""
        return f"-D{_MARKER}={self.cluster_id}"

    def log(self, role: str) -> Path:
        return self.folder / "logs" / f"{role}.log"

    @property
    def executor_logs(self) -> Path:
        """The worker's folder, where each application's executors write their logs."""
        return self.folder / "work"


def start_cluster(
    folder: Path, connect_port: int = 0, timeout: float = START_TIMEOUT
) -> LocalSparkCluster:
    """Start a master, a worker and a Spark Connect server, and wait until each answers;
    connect_port 0 is any free port. Whatever fails, what was started is stopped."""
    cluster = LocalSparkCluster(folder.resolve())
    deadline = time.monotonic() + timeout
    try:
        _write_configuration(cluster, connect_port)
        _start_master(cluster, deadline)
        _start_worker(cluster, deadline)
        _start_connect_server(cluster, deadline)
    except BaseException:
        stop_cluster(cluster)
        raise
    return cluster


@contextlib.contextmanager
def local_spark_cluster(
    folder: Path, connect_port: int = 0, timeout: float = START_TIMEOUT
) -> Iterator[LocalSparkCluster]:
    cluster = start_cluster(folder, connect_port, timeout)
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


def stop_cluster(cluster: LocalSparkCluster, timeout: float = STOP_TIMEOUT) -> None:
    """Stop the Connect server, the worker and the master (SIGTERM, SIGKILL after `timeout`),
    then any executor still running: the processes carrying this cluster's marker."""
    for process in reversed(cluster.processes.values()):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    _end_processes(cluster_processes(cluster.marker), timeout)


def cluster_processes(text: str) -> list[int]:
    """The running processes whose command line holds `text`: a cluster's marker, or its
    folder (its configuration is on every JVM's class path)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):  # a process that ended meanwhile
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
    return found


def _end_processes(pids: list[int], timeout: float) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in pids):
            time.sleep(0.1)


def _spark_home() -> Path:
    """The Spark that pyspark ships (scripts, jars): the client's own version."""
    import pyspark

    return Path(pyspark.__file__).parent


def _write_configuration(cluster: LocalSparkCluster, connect_port: int) -> None:
    for name in ("conf", "logs", "work", "local", "spark-warehouse"):
        (cluster.folder / name).mkdir(parents=True, exist_ok=True)
    jvm_options = f"{cluster.marker} {_JVM_OPTIONS}"
    settings = {
        # no REST submission server: it would take port 6066, one cluster per machine
        "spark.master.rest.enabled": "false",
        "spark.driver.host": LOOPBACK,
        "spark.driver.bindAddress": LOOPBACK,
        "spark.driver.memory": DRIVER_MEMORY,
        "spark.executor.memory": EXECUTOR_MEMORY,
        "spark.driver.extraJavaOptions": jvm_options,
        "spark.executor.extraJavaOptions": jvm_options,
        "spark.connect.grpc.binding.address": LOOPBACK,
        "spark.connect.grpc.binding.port": str(connect_port),
        # no Hive metastore; tables are written where each statement says (dbt's location)
        "spark.sql.catalogImplementation": "in-memory",
        "spark.sql.warehouse.dir": str(cluster.folder / "spark-warehouse"),
        "spark.ui.enabled": "false",
    }
    lines = [f"{key} {value}\n" for key, value in settings.items()]
    (cluster.folder / "conf" / "spark-defaults.conf").write_text("".join(lines), encoding="utf-8")


def _environment(cluster: LocalSparkCluster, role: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SPARK_", "PYSPARK_"))}
    return environment | {
        "SPARK_HOME": str(_spark_home()),
        "SPARK_CONF_DIR": str(cluster.folder / "conf"),
        "SPARK_LOCAL_IP": LOOPBACK,  # every service and web UI binds to the loopback address
        "SPARK_LOCAL_DIRS": str(cluster.folder / "local"),
        # the launcher sizes the Connect server's heap as a daemon's, not by spark.driver.memory
        "SPARK_DAEMON_MEMORY": DRIVER_MEMORY if role == "connect" else DAEMON_MEMORY,
        "SPARK_DAEMON_JAVA_OPTS": f"{cluster.marker} {_JVM_OPTIONS}",
        "SPARK_CONNECT_MODE": "0",  # as sbin/start-connect-server.sh: a classic driver
    }


def _start(cluster: LocalSparkCluster, role: str, command: list[str]) -> subprocess.Popen[bytes]:
    """Start one JVM (the scripts exec java: the pid is the JVM's), logging to its own file,
    in its own session (a Ctrl-C reaches this process, which stops the cluster in order)."""
    with cluster.log(role).open("wb") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_environment(cluster, role),
            cwd=cluster.folder,
            start_new_session=True,
            preexec_fn=_terminate_with_parent,
        )
    cluster.processes[role] = process
    return process


def _terminate_with_parent() -> None:
    # should this process die without stopping the cluster, the kernel sends SIGTERM to the JVM
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _start_master(cluster: LocalSparkCluster, deadline: float) -> None:
    spark_class = str(_spark_home() / "bin" / "spark-class")
    options = ["--host", LOOPBACK, "--port", "0", "--webui-port", "0"]
    _start(cluster, "master", [spark_class, "org.apache.spark.deploy.master.Master", *options])
    cluster.master_url = _wait_for_log(
        cluster, "master", r"Starting Spark master at (spark://\S+)", deadline
    )
    ui_port = _wait_for_log(
        cluster, "master", r"Successfully started service 'MasterUI' on port (\d+)", deadline
    )
    cluster.master_ui = f"http://{LOOPBACK}:{ui_port}"
    _wait(cluster, "master", lambda: _master_state(cluster).get("status") == "ALIVE", deadline)


def _start_worker(cluster: LocalSparkCluster, deadline: float) -> None:
    spark_class = str(_spark_home() / "bin" / "spark-class")
    options = ["--host", LOOPBACK, "--port", "0", "--webui-port", "0"]
    options += ["--cores", str(WORKER_CORES), "--memory", EXECUTOR_MEMORY]
    options += ["--work-dir", str(cluster.executor_logs), cluster.master_url]
    _start(cluster, "worker", [spark_class, "org.apache.spark.deploy.worker.Worker", *options])
    # the worker answers when the master counts it alive
    _wait(cluster, "worker", lambda: _master_state(cluster).get("aliveworkers") == 1, deadline)


def _start_connect_server(cluster: LocalSparkCluster, deadline: float) -> None:
    spark_submit = str(_spark_home() / "bin" / "spark-submit")
    options = ["--class", _CONNECT_CLASS, "--name", "barometre Spark Connect"]
    _start(cluster, "connect", [spark_submit, *options, "--master", cluster.master_url])
    port = _wait_for_log(
        cluster, "connect", r"Spark Connect server started at: \S+:(\d+)", deadline
    )
    cluster.remote = f"sc://{LOOPBACK}:{port}"
    _wait(cluster, "connect", lambda: server_answers(LOOPBACK, int(port)), deadline)


def _master_state(cluster: LocalSparkCluster) -> dict[str, object]:
    """The master's own account of the cluster (its web UI's JSON), {} while it does not
    answer."""
    try:
        with urllib.request.urlopen(f"{cluster.master_ui}/json/", timeout=5) as response:
            return json.loads(response.read())
    except (OSError, ValueError):
        return {}


def _wait_for_log(cluster: LocalSparkCluster, role: str, pattern: str, deadline: float) -> str:
    """The first group of `pattern` once the role's log has a line matching it."""

    def found() -> str | None:
        match = re.search(pattern, cluster.log(role).read_text(encoding="utf-8", errors="replace"))
        return match.group(1) if match else None

    return _wait(cluster, role, found, deadline)


def _wait(cluster: LocalSparkCluster, role: str, check: Callable[[], T], deadline: float) -> T:
    """Poll `check` until it gives a true value; an error naming the role's log if its process
    ends or the deadline passes first."""
    process = cluster.processes[role]
    while True:
        result = check()
        if result:
            return result
        if process.poll() is not None:
            raise SparkClusterError(
                f"the Spark {role} exited (code {process.returncode}) before answering: "
                f"see {cluster.log(role)}"
            )
        if time.monotonic() > deadline:
            raise SparkClusterError(
                f"the Spark {role} did not answer in time: see {cluster.log(role)}"
            )
        time.sleep(_POLL_SECONDS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m barometre.spark.cluster",
        description="Run a Spark cluster on 127.0.0.1 (master, worker, Spark Connect server) "
        "until Ctrl-C.",
    )
    parser.add_argument(
        "--folder", type=Path, default=None, help="configuration, logs and work (default: new)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"the Spark Connect server's port (default {DEFAULT_PORT}; 0: any free port)",
    )
    arguments = parser.parse_args(argv)
    if importlib.util.find_spec("pyspark") is None:
        print("the cluster needs Spark: pip install -e '.[spark]' (Java 17)", file=sys.stderr)
        return 1
    folder = arguments.folder or Path(tempfile.mkdtemp(prefix="barometre-spark-cluster-"))
    # SIGTERM stops the cluster as Ctrl-C does
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with local_spark_cluster(folder, arguments.port) as cluster:
            _print_started(cluster)
            while all(process.poll() is None for process in cluster.processes.values()):
                time.sleep(1)
            ended = [role for role, p in cluster.processes.items() if p.poll() is not None]
            print(f"the Spark {ended[0]} ended: see {cluster.log(ended[0])}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("cluster stopped")
        return 0
    except SparkClusterError as error:
        print(error, file=sys.stderr)
        return 1


def _print_started(cluster: LocalSparkCluster) -> None:
    print(
        f"Spark cluster on {LOOPBACK} (configuration and logs in {cluster.folder}):\n"
        f"  master         {cluster.master_url}  (web UI {cluster.master_ui})\n"
        f"  worker         {WORKER_CORES} cores, {EXECUTOR_MEMORY} for its executor\n"
        f"  Spark Connect  {cluster.remote}\n"
        f"Build through it: .venv/bin/barometre run --engine spark --spark-remote "
        f"{cluster.remote}\n"
        "Ctrl-C stops the cluster.",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
