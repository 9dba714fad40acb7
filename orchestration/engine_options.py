"""`barometre run`'s engine options: `--engine`, and with Spark `--spark-remote`, a Spark
Connect server to build through instead of Spark in dbt's own process. Checked before the run
starts; like the other options, they become the run's settings (BarometreSettings)."""

from __future__ import annotations

import argparse
import importlib.util

from barometre import config
from barometre.spark.connect import CONNECT_URL


def add_engine_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--engine",
        choices=config.ENGINES,
        default=config.ENGINES[0],
        help="engine dbt builds the models with (default duckdb; spark needs the 'spark' extra)",
    )
    run.add_argument(
        "--spark-remote",
        default="",
        metavar="sc://HOST:PORT",
        help="with --engine spark: build through this Spark Connect server (a cluster) instead "
        "of Spark in local mode; it must read and write the warehouse's build/ folder",
    )


def engine_problem(arguments: argparse.Namespace) -> str | None:
    """What prevents the run with these engine options (Rich markup), or None."""
    if arguments.spark_remote and arguments.engine != "spark":
        return "[red]--spark-remote needs --engine spark[/red]"
    if arguments.engine != "spark":
        return None
    if importlib.util.find_spec("pyspark") is None:
        return "[red]--engine spark needs Spark[/red]: pip install -e '.\\[spark]', Java 17"
    if not arguments.spark_remote:
        return None
    if not CONNECT_URL.fullmatch(arguments.spark_remote):
        return (
            "[red]--spark-remote takes a Spark Connect URL[/red], sc://HOST:PORT, "
            f"not {arguments.spark_remote!r}"
        )
    if importlib.util.find_spec("grpc") is None:
        return "[red]--spark-remote needs Spark Connect's client[/red]: pip install -e '.\\[spark]'"
    return None


def engine_settings(arguments: argparse.Namespace) -> dict[str, object]:
    """The engine options as the `barometre` resource's configuration."""
    return {"engine": arguments.engine, "spark_remote": arguments.spark_remote}
