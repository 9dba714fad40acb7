"""Faults planted in a copy of the sample landing, end to end: the quality gate must block them
and leave the published release as it was."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import (
    SAMPLE_EXPORT,
    SAMPLE_LANDING,
    PipelineRun,
    column_of,
    copy_landing,
    copy_warehouse,
    personal_data_in,
    plain,
    read_export,
    release_id_of,
    run_pipeline,
    sha256,
    write_export,
)

CANARY_EMAIL = "canari.fictif@exemple.fr"


def plant_canaries(landing: Path, retained: set[str]) -> dict[str, str]:
    """Three personal values typed where a published answer is read (2023's GDPR question),
    each by a respondent of its own: their job title, a free-text answer of theirs holding an
    e-mail, their structure's name with a thin space (respondents `retained`, so that their
    answers are tabulated). Returns them by kind, as planted."""
    export = landing / SAMPLE_EXPORT
    rows = read_export(export)
    gdpr = column_of(rows, "Commençons par la protection de la vie privée")
    job_title = column_of(rows, "Quelle est votre fonction ?")
    remarks = column_of(rows, "Vous pouvez donner ici des informations complémentaires")
    reference = export.with_name("respondents_reference.csv")
    with open(reference, encoding="utf-8", newline="") as handle:
        names = {row["response_id"]: row["structure_name"] for row in csv.DictReader(handle)}
    answering = [row for row in rows[1:] if row[0] in retained and row[gdpr].startswith("Oui")]
    first, second, third = answering[:3]
    second[remarks] = f"Pour le suivi, écrire à {CANARY_EMAIL} (service données)"
    canaries = {
        "job title": first[job_title],
        "e-mail in a free-text answer": second[remarks],
        "thin-space variant of a structure name": names[third[0]].replace(" ", "\u2009", 1),
    }
    for row, value in zip((first, second, third), canaries.values(), strict=True):
        row[gdpr] = value
    write_export(export, rows)
    return canaries


@dataclass(frozen=True)
class PlantedRun:
    landing: Path
    canaries: dict[str, str]
    published_before: tuple[str, str]  # the file's SHA-256, the release id
    run: PipelineRun


@pytest.fixture(scope="module")
def planted_run(sample_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> PlantedRun:
    """One run of a copy of the session's warehouse on the sample with canaries planted."""
    folder = tmp_path_factory.mktemp("planted")
    warehouse = copy_warehouse(sample_run, folder / "warehouse")
    landing = copy_landing(SAMPLE_LANDING, folder / "landing")
    published = warehouse / "barometre.duckdb"
    with duckdb.connect(str(published), read_only=True) as connection:
        retained = connection.execute(
            "select cast(response_id as varchar) from marts.respondents where wave = 2023"
        ).fetchall()
    canaries = plant_canaries(landing, {response_id for (response_id,) in retained})
    before = (sha256(published), release_id_of(published))
    # --revise: the changed answers alone would be published figures revised, which is allowed
    run = run_pipeline(landing, warehouse, "--revise", "2023")
    return PlantedRun(landing, canaries, before, run)


def test_planted_personal_values_are_blocked_by_the_gate(planted_run: PlantedRun) -> None:
    run, canaries = planted_run.run, planted_run.canaries

    assert run.returncode != 0, run.output
    # the canaries did reach the built marts (the gate had something to block) ...
    built = personal_data_in(planted_run.landing, run.build_db)
    for kind, canary in canaries.items():
        assert plain(canary) in built, f"{kind} {canary!r} never reached the marts"
    assert CANARY_EMAIL in " ".join(built)
    # ... the privacy scan found each one where it was, and said so masked
    for canary in canaries.values():
        finding = f"value of a personal column ({canary[:2]}…{len(canary)} characters)"
        assert f"marts.survey_results.answer_label: {finding}" in run.output, run.output
    assert "check failed no_personal_data on marts/survey_results" in run.output
    # ... and nothing was published: the release and its file are the ones before the run
    published = run.published_db
    assert (sha256(published), release_id_of(published)) == planted_run.published_before
    assert not personal_data_in(planted_run.landing, published)


def test_the_run_does_not_print_the_planted_values(planted_run: PlantedRun) -> None:
    output = planted_run.run.output.casefold()
    printed = [c for c in planted_run.canaries.values() if plain(c) in " ".join(output.split())]
    assert not printed, f"printed in the run's output: {printed}"
