"""Releases: a revision needs --revise, releases are listed and rolled back, readers are safe;
and what the README promises of a publishing run beyond its tables, on that revision: `--keep N`
prunes the oldest releases, `--timings FILE` writes every step's start and end, and the landing
folder is only read."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import (
    PipelineRun,
    copy_warehouse,
    release_id_of,
    revised_sample,
    run_pipeline,
    sha256,
)

# a long file: started early (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=100)

READER = """
import sys, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
def state(c):
    return c.execute(
        "select (select release_id from meta.release), "
        "(select sum(n) from marts.survey_results where question_id = 'gdpr_compliance' "
        "and answer_label = 'Non, pas encore' and group_label = 'Total')"
    ).fetchone()
print(*state(connection), flush=True)
sys.stdin.readline()  # the refresh happens now
print(*state(connection), flush=True)
connection.close()  # DuckDB shares one instance per file within a process: reconnect
print(*state(duckdb.connect(sys.argv[1], read_only=True)), flush=True)
"""


def cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *arguments],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


# Two releases older than the session's, made up (a release is a folder with its release.json)
OLDER_RELEASES = ("2022-2023-2024_20200101T000000Z", "2022-2023-2024_20210101T000000Z")


def landing_state(landing: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file and folder of a landing: its mode, modification time and content."""
    return {
        str(path.relative_to(landing)): (
            path.stat().st_mode,
            path.stat().st_mtime_ns,
            path.read_bytes() if path.is_file() else b"",
        )
        for path in sorted(landing.rglob("*"))
    }


def plant_older_releases(warehouse: Path, first_release: str) -> None:
    first = json.loads((warehouse / "releases" / first_release / "release.json").read_text())
    for number, release_id in enumerate(OLDER_RELEASES):
        described = first | {
            "release_id": release_id,
            "published_at": f"202{number}-01-01T00:00:00",
        }
        (warehouse / "releases" / release_id).mkdir()
        (warehouse / "releases" / release_id / "release.json").write_text(json.dumps(described))


@pytest.fixture(scope="module")
def revision(sample_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A changed 2023 figure, refused without --revise, then published with it while a
    reader holds the published file open; that run, with `--keep 2` and two made-up releases
    older than the first, keeps the first beside its own, and writes its timings."""
    base = tmp_path_factory.mktemp("revision")
    warehouse = copy_warehouse(sample_run, base / "warehouse")
    first_release = release_id_of(warehouse / "barometre.duckdb")
    published_before = sha256(warehouse / "barometre.duckdb")
    plant_older_releases(warehouse, first_release)
    landing = revised_sample(base / "landing", warehouse / "barometre.duckdb")
    landing_before = landing_state(landing)
    timings = base / "timings.json"

    refused = run_pipeline(landing, warehouse)
    published_after_refusal = sha256(warehouse / "barometre.duckdb")

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse / "barometre.duckdb")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    before_refresh = reader.stdout.readline().split()
    accepted = run_pipeline(
        landing, warehouse, "--revise", "2023", "--keep", "2", "--timings", str(timings)
    )
    after_refresh, reader_output = reader.communicate("go\n", timeout=60)
    return {
        "warehouse": warehouse,
        "landing": landing,
        "first_release": first_release,
        "published_before": published_before,
        "published_after_refusal": published_after_refusal,
        "refused": refused,
        "accepted": accepted,
        "reader": [before_refresh, *[line.split() for line in after_refresh.splitlines()]],
        "landing_before": landing_before,
        "timings": timings,
    }


def test_changing_published_figures_needs_revise(revision: dict) -> None:
    refused = revision["refused"]
    assert refused.returncode == 1
    assert "check failed published_figures_unchanged" in refused.output
    assert re.search(r"wave 2023: \d+ published figure row\(s\) would change", refused.output)
    assert "'question_id': 'gdpr_compliance'" in refused.output
    assert "if this revision is intended, rerun with --revise 2023" in refused.output
    assert revision["published_after_refusal"] == revision["published_before"]


def test_a_revision_is_published_as_a_new_release(revision: dict) -> None:
    accepted = revision["accepted"]
    assert accepted.returncode == 0, accepted.output
    new_release = release_id_of(revision["warehouse"] / "barometre.duckdb")
    assert new_release != revision["first_release"]
    assert new_release.startswith("2022-2023-2024_")
    with duckdb.connect(str(revision["warehouse"] / "barometre.duckdb"), read_only=True) as c:
        tables = [
            t
            for (t,) in c.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        ]
        for table in tables:
            ids = c.execute(f"select distinct release_id from marts.{table}").fetchall()
            assert ids == [(new_release,)], table
        revised = c.execute("select revised_waves from meta.release").fetchone()[0]
    assert revised == [2023]


def test_keep_n_keeps_the_n_newest_releases(revision: dict) -> None:
    kept = sorted(path.name for path in (revision["warehouse"] / "releases").iterdir())
    new = release_id_of(revision["warehouse"] / "barometre.duckdb")

    assert new != revision["first_release"]
    assert kept == sorted([revision["first_release"], new])


def test_timings_holds_every_steps_start_and_end(revision: dict) -> None:
    steps = json.loads(revision["timings"].read_text(encoding="utf-8"))["steps"]

    names = [step["step"] for step in steps]
    for stage in ("raw_survey_exports", "quality_gate", "published_warehouse"):
        assert any(stage in name for name in names), names
    assert all(0 < step["start"] <= step["end"] for step in steps)
    assert {step["status"] for step in steps} == {"STEP_SUCCESS"}


def test_the_landing_folder_is_only_read(revision: dict) -> None:
    assert landing_state(revision["landing"]) == revision["landing_before"]


def test_parquet_files_of_the_current_release_hold_every_mart(revision: dict) -> None:
    warehouse = revision["warehouse"]
    parquet = warehouse / "current" / "parquet"
    with duckdb.connect(str(warehouse / "barometre.duckdb"), read_only=True) as c:
        for table in ("survey_results", "respondents", "excluded_responses"):
            in_database = c.execute(f"select * from marts.{table} order by all").fetchall()
            in_parquet = c.execute(
                f"select * from read_parquet('{parquet / table}.parquet') order by all"
            ).fetchall()
            assert in_parquet == in_database, table


def test_a_reader_keeps_its_snapshot_and_a_new_connection_sees_the_new_release(
    revision: dict,
) -> None:
    before, same_connection, new_connection = revision["reader"]
    assert before[0] == revision["first_release"]
    assert same_connection == before
    assert new_connection[0] == release_id_of(revision["warehouse"] / "barometre.duckdb")
    assert int(new_connection[1]) == int(before[1]) + 1


def test_releases_are_listed_and_rolled_back(revision: dict) -> None:
    warehouse = revision["warehouse"]
    current = release_id_of(warehouse / "barometre.duckdb")
    listed = cli("releases", "--warehouse", str(warehouse))
    assert listed.returncode == 0
    assert f"  {revision['first_release']}  " in listed.stdout
    assert f"* {current}  " in listed.stdout

    rolled_back = cli("rollback", revision["first_release"], "--warehouse", str(warehouse))

    assert rolled_back.returncode == 0, rolled_back.stdout
    assert sha256(warehouse / "barometre.duckdb") == revision["published_before"]
    assert (warehouse / "current").resolve().name == revision["first_release"]
    assert cli("rollback", current, "--warehouse", str(warehouse)).returncode == 0
    assert release_id_of(warehouse / "barometre.duckdb") == current


def test_releases_are_an_aligned_table_and_json_for_scripts(revision: dict) -> None:
    warehouse = revision["warehouse"]
    current = release_id_of(warehouse / "barometre.duckdb")

    table = cli("releases", "--warehouse", str(warehouse)).stdout.splitlines()
    listed = json.loads(cli("releases", "--warehouse", str(warehouse), "--json").stdout)

    header, *rows = table
    assert header.split() == ["release", "published", "at", "waves", "origin"]
    assert [row.split()[-1] for row in rows] == ["synthetic", "synthetic"]
    columns = {header.index(name) for name in ("release", "published at", "waves", "origin")}
    assert all(row[c - 1] == " " and row[c] != " " for row in rows for c in columns), "aligned"
    assert re.search(
        r"  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  survey 2022, 2023, 2024; poll 2022, 2024", rows[0]
    )
    assert [r["release_id"] for r in listed] == [revision["first_release"], current]
    assert [r["current"] for r in listed] == [False, True]
    assert listed[1]["survey_waves"] == [2022, 2023, 2024] and listed[1]["revised_waves"] == [2023]
    assert listed[1]["origin"] == "synthetic" and listed[1]["row_counts"]["survey_results"] > 0


def test_rolling_back_to_an_unknown_release_fails_clearly(revision: dict) -> None:
    result = cli("rollback", "2019_20190101T000000Z", "--warehouse", str(revision["warehouse"]))
    assert result.returncode == 1
    assert "no release '2019_20190101T000000Z'" in result.stdout
    assert f"kept: {revision['first_release']}" in result.stdout


def test_a_rollback_sticks_until_a_revision(revision: dict, tmp_path: Path) -> None:
    """After a rollback, running the same landing again publishes nothing: the published
    figures guard now compares with the release made current; --revise publishes again."""
    warehouse = copy_warehouse(PipelineRun(0, "", revision["warehouse"]), tmp_path / "warehouse")
    revised = release_id_of(warehouse / "barometre.duckdb")
    assert cli("rollback", revision["first_release"], "--warehouse", str(warehouse)).returncode == 0

    # the revision's options but --revise (other options would make it a run with a change)
    plain = run_pipeline(revision["landing"], warehouse, "--keep", "2")

    assert plain.returncode == 0, plain.output
    assert "nothing changed since the last successful run" in plain.output
    assert sha256(warehouse / "barometre.duckdb") == revision["published_before"]

    again = run_pipeline(revision["landing"], warehouse, "--revise", "2023", "--keep", "2")

    assert again.returncode == 0, again.output
    current = release_id_of(warehouse / "barometre.duckdb")
    assert current not in (revision["first_release"], revised)
    releases = {
        release_id: json.loads((warehouse / "releases" / release_id / "release.json").read_text())
        for release_id in (current, revised)
    }
    assert releases[current]["fingerprint"] == releases[revised]["fingerprint"]
