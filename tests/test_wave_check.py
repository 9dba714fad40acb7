"""`barometre wave check`: what the codebook lacks for the landing's waves, named row by row, on
the sample with a handful of deliberate gaps; a complete landing passes in seconds."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from barometre import config
from barometre.codebook import wave_rows
from barometre.waves.check import Finding, check_landing
from tests.conftest import SAMPLE_LANDING, copy_landing, run_cli


def wave_check(*options: str) -> subprocess.CompletedProcess[str]:
    return run_cli("wave", "check", *options)


def drop_rows(seeds: Path, name: str, **where: str) -> None:
    """Remove the rows of seeds/<name>.csv having these values (one at least)."""
    path = seeds / f"{name}.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows, columns = list(reader), reader.fieldnames or []
    kept = [row for row in rows if any(row[k] != v for k, v in where.items())]
    assert len(kept) < len(rows), f"no row of {name} to drop"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return Path(shutil.copytree(config.SEEDS_DIR, tmp_path / "seeds"))


def test_a_complete_landing_passes() -> None:
    # its speed (seconds, no dbt) is measured by benchmarks/, not asserted here
    completed = wave_check("--landing", str(SAMPLE_LANDING))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[-1] == "every wave is in the codebook"
    assert [f"wave {wave}: complete" for wave in (2022, 2023, 2024)] == lines[:-1]


def test_every_deliberate_gap_is_named_with_its_seed_and_row(seeds: Path) -> None:
    drop_rows(seeds, "survey_waves", wave="2024")
    gdpr = {"question_id": "gdpr_compliance", "answer_label": "Oui, partiellement"}
    drop_rows(seeds, "answer_crosswalk", wave="2023", **gdpr)
    cyber = {"question_id": "cyber_obstacles", "item_code": "manque_competences"}
    drop_rows(seeds, "survey_question_items", wave="2024", **cyber)
    total = "Total hors communes < 3500 habitants"
    drop_rows(seeds, "expected_sample_sizes", wave="2023", group_label=total)
    # a wave without national counts has no Total pondéré: said, not blocking
    drop_rows(seeds, "national_authority_counts", wave="2022")
    drop_rows(seeds, "national_authority_counts", wave="2024")
    # a 2022 question whose code is mistyped: its column is unknown, its row matches nothing
    _retype_code(seeds, "Enjeuxtechniques1", "Enjeuxtechnique1")

    findings = check_landing(SAMPLE_LANDING, seeds)

    named = {wave: sorted((f.seed, f.blocking) for f in found) for wave, found in findings.items()}
    assert named == {
        2022: [
            ("national_authority_counts.csv", False),
            ("question_crosswalk.csv", True),
            ("question_crosswalk.csv", True),
        ],
        2023: [("answer_crosswalk.csv", True), ("expected_sample_sizes.csv", True)],
        2024: [
            ("national_authority_counts.csv", False),
            ("survey_question_items.csv", True),
            ("survey_waves.csv", True),
        ],
    }
    said = {wave: "\n".join(map(str, found)) for wave, found in findings.items()}
    assert "question_code Enjeuxtechniques1" in said[2022]
    assert "wave 2022's question data_hosting (Aujourd’hui, les données" in said[2022]
    assert "answer 'Oui, partiellement'" in said[2023]
    assert 'add 2023,gdpr_compliance,<answer_order>,"Oui, partiellement",' in said[2023]
    assert "no expected size for 'Total hors communes < 3500 habitants'" in said[2023]
    assert "'Le manque de compétences' is not an item of wave 2024's cyber_obstacles" in said[2024]
    assert "add 2024,fieldwork,responsible_digital_reflection,reference_file" in said[2024]

    completed = wave_check("--landing", str(SAMPLE_LANDING), "--seeds", str(seeds))
    assert completed.returncode == 1, completed.stdout
    assert "a run would be refused: 6 row(s) to add or fix" in completed.stdout
    for found in findings.values():
        for finding in found:
            assert str(finding) in completed.stdout


def test_a_new_wave_lacks_its_settings_and_every_question(tmp_path: Path) -> None:
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    shutil.copytree(landing / "survey" / "2024", landing / "survey" / "2025")
    questions_2024 = wave_rows("question_crosswalk", 2024)
    findings: list[Finding] = check_landing(landing, config.SEEDS_DIR)[2025]
    by_seed: dict[str, list[Finding]] = {}
    for finding in findings:
        by_seed.setdefault(finding.seed, []).append(finding)
    assert sorted(by_seed) == [
        "national_authority_counts.csv",
        "question_crosswalk.csv",
        "survey_waves.csv",
    ]
    unknown = by_seed["question_crosswalk.csv"]
    assert len(unknown) == len(questions_2024)
    assert all("is not a question of wave 2025" in f.problem for f in unknown)
    assert "add a wave 2025 row with question_text 'ID de la réponse'" in str(unknown[0])
    completed = wave_check("--landing", str(landing))
    assert completed.returncode == 1
    assert "barometre wave draft --wave YEAR" in completed.stdout


def _retype_code(seeds: Path, code: str, mistyped: str) -> None:
    path = seeds / "question_crosswalk.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(f",{code},") == 1
    path.write_text(text.replace(f",{code},", f",{mistyped},"), encoding="utf-8")
