"""Benchmark: full and no-op refreshes at several scales, beside a bare-DuckDB baseline.

    python -m benchmarks.run [--scales 1 10 100] [--work DIR] [--json FILE]

For each scale factor: a landing folder `factor` times the bundled sample (benchmarks.scale),
a copy of the project whose size seeds match it, then, each in its own measured process tree:
`barometre run` on an empty warehouse (full refresh), `barometre run` again (no-op refresh)
and the baseline SQL script (with the pipeline's DuckDB memory cap, and without). Stage times
come from the run's Dagster event log (`barometre run --timings`); peak memory is sampled over
the whole process tree (dbt included).
Prints a table and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from barometre import config
from barometre.database import MEMORY_LIMIT, sql_string
from benchmarks.baseline import baseline_script, latest_build_manifest, prepare_database
from benchmarks.measure import Measurement, run_measured
from benchmarks.scale import copy_project, scale_landing, write_sample

STAGES = ("raw load", "dbt build", "validation", "publish")
MIB = 1024 * 1024


def stage_of(step_key: str) -> str:
    """The stage a Dagster step belongs to (every asset check is validation)."""
    if step_key.startswith("raw_"):
        return "raw load"
    if step_key == "barometre_dbt_models":
        return "dbt build"
    if step_key == "published_warehouse":
        return "publish"
    return "validation"


def stage_figures(measurement: Measurement, steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Wall time and peak memory of each stage, of the start-up around them, and in total."""
    figures: dict[str, Any] = {}
    for stage in STAGES:
        spans = [(s["start"], s["end"]) for s in steps if stage_of(s["step"]) == stage]
        figures[stage] = {
            "wall_s": round(sum(end - start for start, end in spans), 2),
            "cpu_s": round(sum(measurement.cpu_s(start, end) for start, end in spans), 2),
            "peak_mib": round(
                max((measurement.peak_rss(start, end) for start, end in spans), default=0) / MIB
            ),
        }
    in_stages = sum(figures[stage]["wall_s"] for stage in STAGES)
    cpu_in_stages = sum(figures[stage]["cpu_s"] for stage in STAGES)
    figures["start-up and other"] = {
        "wall_s": round(measurement.wall_s - in_stages, 2),
        "cpu_s": round(measurement.total_cpu_s - cpu_in_stages, 2),
    }
    figures["total"] = {
        "wall_s": round(measurement.wall_s, 2),
        "cpu_s": round(measurement.total_cpu_s, 2),
        "peak_mib": round(measurement.peak_rss() / MIB),
    }
    return figures


def _environment(project: Path) -> dict[str, str]:
    """The benchmark's project copy shadows the installed package; dbt is found on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PYTHONPATH": str(project),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def _checked(measurement: Measurement, what: str) -> Measurement:
    if measurement.returncode != 0:
        raise RuntimeError(f"{what} failed ({measurement.returncode}):\n{measurement.output}")
    return measurement


def _refresh(project: Path, landing: Path, warehouse: Path, name: str) -> dict[str, Any]:
    timings = warehouse.parent / f"{name}_timings.json"
    command = [sys.executable, "-m", "orchestration.cli", "run", "--landing", str(landing)]
    command += ["--warehouse", str(warehouse), "--timings", str(timings)]
    measurement = _checked(run_measured(command, project, _environment(project)), name)
    steps = json.loads(timings.read_text(encoding="utf-8"))["steps"]
    return {"stages": stage_figures(measurement, steps), "steps_run": len(steps)}


def _baseline(
    project: Path, landing: Path, warehouse: Path, out_dir: Path, memory_limit: str | None
) -> dict[str, Any]:
    """The baseline script, with DuckDB's memory capped as the pipeline's connections are
    (memory_limit), or not (None: DuckDB takes up to 80% of the machine's memory)."""
    layout = config.WarehouseLayout(warehouse)
    database = prepare_database(layout.build_db, out_dir)
    script = out_dir / "baseline.sql"
    script.write_text(
        baseline_script(landing, latest_build_manifest(layout.dbt_runs_dir)),
        encoding="utf-8",
    )
    runner = (
        "import duckdb, sys; settings = {'memory_limit': sys.argv[3]} if sys.argv[3] else {}; "
        "duckdb.connect(sys.argv[1], config=settings).execute(open(sys.argv[2]).read())"
    )
    command = [sys.executable, "-c", runner, str(database), str(script), memory_limit or ""]
    measurement = _checked(run_measured(command, out_dir, _environment(project)), "baseline")
    return {
        "memory_limit": memory_limit,
        "wall_s": round(measurement.wall_s, 2),
        "cpu_s": round(measurement.total_cpu_s, 2),
        "peak_mib": round(measurement.peak_rss() / MIB),
        "same_marts_as_pipeline": _same_marts(database, layout.build_db),
    }


def _same_marts(database: Path, other: Path) -> bool:
    """Both databases hold the same marts, row for row (floats to 9 decimals: sums in another
    order differ in the last bits)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute(f"attach {sql_string(other)} as other (read_only)")
        columns = connection.execute(
            "select table_name, list(case when data_type = 'DOUBLE' "
            "then format('round(\"{}\", 9)', column_name) "
            "else format('\"{}\"', column_name) end order by column_index) "
            "from duckdb_columns() where database_name = current_database() "
            "and schema_name = 'marts' group by table_name"
        ).fetchall()
        differences = []
        for table, selected in columns:
            mine = f'select {", ".join(selected)} from marts."{table}"'
            theirs = f'select {", ".join(selected)} from other.marts."{table}"'
            differences += connection.execute(
                f"select count(*) from (({mine} except all {theirs}) "
                f"union all ({theirs} except all {mine}))"
            ).fetchone()
    return bool(columns) and not any(differences)


def _volumes(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(config.WarehouseLayout(warehouse).build_db), True) as connection:
        survey, poll = connection.execute(
            "select (select count(*) from marts.respondents), "
            "(select count(*) from intermediate.int_poll_respondents)"
        ).fetchone()
    return {"survey_respondents": survey, "poll_respondents": poll}


def benchmark_scale(factor: int, sample: Path, work: Path) -> dict[str, Any]:
    """Every measure at one scale factor, in a folder of its own."""
    folder = work / f"scale_{factor}"
    shutil.rmtree(folder, ignore_errors=True)
    project = copy_project(folder / "project", factor)
    landing = scale_landing(sample, folder / "landing", factor, project / "seeds")
    warehouse = folder / "warehouse"
    # dbt's one-off parse of the project copy for this warehouse (as any earlier run leaves
    # it), so that the refreshes find its manifest and partial parse state
    parse = [sys.executable, "-c", "import orchestration.dbt.assets"]
    warehouse_env = {config.WAREHOUSE_ENV: str(warehouse)}
    setup = _checked(
        run_measured(parse, project, {**_environment(project), **warehouse_env}), "dbt parse"
    )
    full = _refresh(project, landing, warehouse, "full_refresh")
    no_op = _refresh(project, landing, warehouse, "no_op_refresh")
    # the fair comparison: the pipeline's memory cap; uncapped as well, for what it costs
    baseline = _baseline(project, landing, warehouse, folder / "baseline", MEMORY_LIMIT)
    uncapped = _baseline(project, landing, warehouse, folder / "baseline_uncapped", None)
    total = full["stages"]["total"]["wall_s"]
    return {
        "scale": factor,
        **_volumes(warehouse),
        "setup_dbt_parse_s": round(setup.wall_s, 2),
        "full_refresh": full,
        "no_op_refresh": no_op,
        "baseline": baseline,
        "baseline_uncapped": uncapped,
        "ratio_pipeline_to_baseline": round(total / baseline["wall_s"], 1),
        "ratio_pipeline_to_baseline_cpu": round(
            full["stages"]["total"]["cpu_s"] / baseline["cpu_s"], 1
        ),
        "ratio_dbt_build_to_baseline": round(
            full["stages"]["dbt build"]["wall_s"] / baseline["wall_s"], 1
        ),
    }


def format_table(results: list[dict[str, Any]]) -> str:
    """One line per scale and refresh: each stage's wall time, CPU time and peak memory."""
    columns = [*STAGES, "start-up and other", "total"]
    header = f"{'scale':>5} {'refresh':<8} " + " ".join(f"{c:>21}" for c in columns)
    lines = [header, f"{'':15}(each stage: wall s, CPU s, peak MiB)"]
    for result in results:
        for label, key in (("full", "full_refresh"), ("no-op", "no_op_refresh")):
            cells = [_cell(result[key]["stages"][column]) for column in columns]
            lines.append(f"{result['scale']:>5} {label:<8} " + " ".join(cells))
        uncapped = result["baseline_uncapped"]
        lines.append(f"{result['scale']:>5} {'uncapped':<8} {_cell(uncapped)}  bare DuckDB, no cap")
        baseline = result["baseline"]
        lines.append(
            f"{result['scale']:>5} {'baseline':<8} {_cell(baseline)}  bare DuckDB capped at "
            f"{baseline['memory_limit']}; pipeline / baseline: "
            f"{result['ratio_pipeline_to_baseline']}x wall, "
            f"{result['ratio_pipeline_to_baseline_cpu']}x CPU; dbt build / baseline "
            f"{result['ratio_dbt_build_to_baseline']}x wall "
            f"({result['survey_respondents']} survey, {result['poll_respondents']} poll "
            "respondents)"
        )
    return "\n".join(lines)


def _cell(figures: dict[str, Any]) -> str:
    peak = f"{figures['peak_mib']:5d}" if "peak_mib" in figures else " " * 5
    return f"{figures['wall_s']:7.1f} {figures['cpu_s']:7.1f} {peak}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--work", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    arguments = parser.parse_args(argv)
    work = arguments.work or Path(tempfile.mkdtemp(prefix="barometre-bench-"))
    sample = write_sample(work / "sample")
    results = [benchmark_scale(factor, sample, work) for factor in arguments.scales]
    report = {
        "machine": {"cpus": os.cpu_count(), "load_1_5_15": os.getloadavg()},
        "scales": results,
    }
    print(format_table(results))
    text = json.dumps(report, indent=2)
    print(text)
    if arguments.json:
        arguments.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
