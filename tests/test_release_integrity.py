"""A release that cannot lie: publication itself enforces the quality gate's verdict, a release
has one origin and lists its inputs, waves leave the warehouse only as revisions, and every
published mart is under the published-figures guard."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import (
    REPO_ROOT,
    SAMPLE_LANDING,
    PipelineRun,
    copy_landing,
    copy_project,
    copy_warehouse,
    query_rows,
    run_pipeline,
    sha256,
)
from raw_step import raw_layer, raw_step

from barometre.config import WarehouseLayout
from barometre.quality.published_figures import compare_with_release
from orchestration.dbt.manifest import guarded_marts

# a long file: started early (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=50)

DAGSTER = Path(sys.executable).with_name("dagster")


def edit_build(warehouse: Path, statement: str) -> None:
    """Change the build database behind the pipeline's back, as a person with a SQL shell may."""
    with duckdb.connect(str(warehouse / "build" / "barometre_build.duckdb")) as connection:
        connection.execute(statement)


PCT_150 = (
    "update marts.survey_results set pct = 150 where wave = 2023 "
    "and question_id = 'gdpr_compliance' and group_label = 'Total' "
    "and answer_label = 'Oui, tout à fait'"
)


def edit_seed(path: Path, line: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(line) == 1, f"{line!r} not once in {path}"
    path.write_text(text.replace(line, replacement), encoding="utf-8")


def test_publishing_alone_refuses_a_build_edited_after_its_gate(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    """What the UI's "Materialize selected" on the publication does, from Dagster's own CLI."""
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    before = sha256(warehouse / "barometre.duckdb")
    edit_build(warehouse, PCT_150)

    completed = subprocess.run(
        [str(DAGSTER), "asset", "materialize", "-m", "orchestration.definitions"]
        + ["--select", "published_warehouse"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=300,
        env={
            **os.environ,
            "BAROMETRE_WAREHOUSE": str(warehouse),
            "BAROMETRE_LANDING": str(SAMPLE_LANDING),
            "PATH": f"{DAGSTER.parent}:{os.environ['PATH']}",
        },
    )

    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, output
    assert "publication refused: the quality gate's verdict is not about this build" in output
    assert "the build's content changed since it was checked" in output
    assert sha256(warehouse / "barometre.duckdb") == before


def test_a_publication_started_alone_names_the_checks_that_failed(
    sample_run: PipelineRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through Dagster's Python API: the gate alone on an edited build, then the publication
    alone; the gate blocks nothing in a run it is not part of, the publication does."""
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    before = sha256(warehouse / "barometre.duckdb")
    edit_build(warehouse, PCT_150)
    monkeypatch.setenv("BAROMETRE_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("BAROMETRE_LANDING", str(SAMPLE_LANDING))
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.gate import GATE_CHECKS

    job = defs.resolve_implicit_global_asset_job_def()
    gate = job.get_subset(
        asset_selection=set(), asset_check_selection={spec.key for spec in GATE_CHECKS}
    ).execute_in_process(raise_on_error=False)
    failed = [e.check_name for e in gate.get_asset_check_evaluations() if not e.passed]
    publish = job.get_subset(
        asset_selection={dg.AssetKey("published_warehouse")}
    ).execute_in_process(raise_on_error=False)

    assert {"survey_results_expectations", "published_figures_unchanged"} <= set(failed)
    assert not publish.success
    (failure,) = [e for e in publish.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.cause.message
    assert "publication refused: the quality gate has not passed on this build" in message
    assert "failed: marts/survey_results:survey_results_expectations" in message
    assert sha256(warehouse / "barometre.duckdb") == before


def test_a_release_states_its_origin_and_inputs(sample_run: PipelineRun) -> None:
    release = json.loads((sample_run.warehouse / "current" / "release.json").read_text())
    (origin,) = query_rows(sample_run.published_db, "select origin from meta.release")[0]
    inputs = query_rows(
        sample_run.published_db,
        "select wave, kind, file_name, sha256, bytes, origin from meta.release_inputs",
    )
    expected = {
        (wave, kind, path.name, sha256(path), path.stat().st_size, "synthetic")
        for kind, pattern in (
            ("survey_export", "survey/*/results-*.csv"),
            ("survey_reference", "survey/*/respondents_reference.csv"),
            ("poll_export", "poll/*/*.sav"),
        )
        for path in SAMPLE_LANDING.glob(pattern)
        for wave in [int(path.parent.name)]
    }
    assert origin == release["origin"] == "synthetic"
    assert set(inputs) == expected
    assert {(i["wave"], i["kind"], i["sha256"]) for i in release["inputs"]} == {
        (wave, kind, digest) for wave, kind, _, digest, _, _ in expected
    }
    docs = (sample_run.warehouse / "current" / "docs" / "index.html").read_text()
    assert f"release `{release['release_id']}`" in docs and "**synthetic** data" in docs


def test_observed_data_is_refused_in_a_synthetic_warehouse(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    """The same exports without the generator's marker are observed data: they never join
    the sample's release (the raw step, in process: refused before anything is loaded)."""
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    raw_before = raw_layer(warehouse)
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    (landing / "SYNTHETIC_SAMPLE.md").unlink()

    message = raw_step(landing, warehouse, "survey", 2023)

    assert message is not None
    assert f"the landing {landing} holds observed data" in message, message
    assert "holds synthetic data" in message
    assert "build this landing into another warehouse (--warehouse DIR)" in message
    assert raw_layer(warehouse) == raw_before


@pytest.mark.parametrize("kind", ["survey", "poll"])
def test_removing_a_published_wave_needs_revise(
    kind: str, sample_run: PipelineRun, tmp_path: Path
) -> None:
    """The raw step of `kind`, in process: refused before anything is loaded or removed."""
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    raw_before = raw_layer(warehouse)
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    shutil.rmtree(landing / kind / "2022")

    message = raw_step(landing, warehouse, kind)

    assert message is not None
    assert f"{kind} wave(s) 2022 of the current release" in message, message
    assert "removing a published wave is a revision; rerun with --revise 2022" in message
    assert raw_layer(warehouse) == raw_before


def test_every_published_mart_is_guarded(sample_run: PipelineRun, tmp_path: Path) -> None:
    """A seed edit changes published figures of marts other than survey_results: the weighted
    totals (national counts) and a theme mart (a harmonised answer label)."""
    project = copy_project(tmp_path / "project")
    edit_seed(
        project / "seeds" / "national_authority_counts.csv",
        "2023,Communes de 3 500 à 10 000 hab.,2160,",
        "2023,Communes de 3 500 à 10 000 hab.,4320,",
    )
    edit_seed(
        project / "seeds" / "answer_crosswalk.csv",
        '2023,gdpr_compliance,1,"Oui, tout à fait",oui_tout_fait,"Oui, tout à fait"',
        '2023,gdpr_compliance,1,"Oui, tout à fait",oui_tout_fait,"Oui, entièrement"',
    )
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    before = sha256(warehouse / "barometre.duckdb")

    run = run_pipeline(SAMPLE_LANDING, warehouse, project=project)

    assert run.returncode == 1, run.output
    assert "marts.survey_weighted_totals, wave 2023: " in run.output, run.output
    assert "marts.law_and_governance, wave 2023: " in run.output
    assert "'harmonised_label': \"'Oui, tout à fait' -> 'Oui, entièrement'\"" in run.output
    assert sha256(warehouse / "barometre.duckdb") == before


def test_floats_that_differ_in_their_last_bits_are_not_listed_beside_a_real_change(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    """Sums computed in parallel may differ in their last bits from one build to the next: the
    guard compares floats to 9 decimals, the rows of a wave that really changed included."""
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    # the next double up, where it keeps the value's 9 decimals (almost always)
    in_last_bits = (
        "wave = 2023 and pct_weighted is not null "
        "and round(nextafter(pct_weighted, 1000), 9) = round(pct_weighted, 9)"
    )
    with duckdb.connect(str(warehouse / "build" / "barometre_build.duckdb")) as connection:
        (noisy,) = connection.execute(
            f"select count(*) from marts.survey_weighted_totals where {in_last_bits}"
        ).fetchone()
        connection.execute(
            "update marts.survey_weighted_totals "
            f"set pct_weighted = nextafter(pct_weighted, 1000) where {in_last_bits}"
        )
        connection.execute(
            "update marts.survey_weighted_totals set pct_weighted = pct_weighted + 1 "
            "where wave = 2023 and question_id = 'gdpr_compliance' "
            "and answer_label = 'Oui, tout à fait'"
        )
    marts = [mart for mart in guarded_marts() if mart.table == "survey_weighted_totals"]

    changes = compare_with_release(WarehouseLayout(warehouse), marts, ())

    assert noisy > 100
    assert [(c.waves, c.changed_rows) for c in changes["survey_weighted_totals"]] == [
        ({"wave": 2023}, 1)
    ]
