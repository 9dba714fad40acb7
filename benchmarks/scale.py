"""Synthetic landing folders at a scale factor: the bundled sample, every row replicated.

Format-generic and wave-agnostic: whatever `barometre sample` writes is scaled. Each survey
export's records are written `factor` times with fresh response ids (first column), with their
rows of respondents_reference.csv under distinct normalised names, so the deduplication keeps
exactly `factor` times as many respondents; each poll .sav is replicated with fresh respondent
ids, its labels and weights kept. Every percentage is therefore unchanged and every count
multiplied, so the seeds holding expected sizes are scaled alongside, in a copy of the project.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pyreadstat

from barometre import config
from barometre.ingest.landing import REFERENCE_FILE_NAME, read_csv_table
from barometre.ingest.poll_file import POLL_WAVES_SEED, read_wave_settings
from barometre.synthetic.landing import write_sample_landing

# Seed columns holding a number of respondents, multiplied with the landing's rows, and the
# national counts they are drawn from (a group has no more respondents than authorities; the
# weights and finite population corrections stay the same).
SIZE_COLUMNS = {
    "expected_sample_sizes.csv": "n_respondents",
    POLL_WAVES_SEED: "n_expected",
    "national_authority_counts.csv": "national_count",
}
# What a benchmark project copy needs to run (the installed package is shadowed by its copy).
PROJECT_PARTS = ("barometre", "orchestration", "dbt_project", "seeds", "expectations")
PROJECT_FILES = ("profiles.yml", "pyproject.toml")
_COPY_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def write_sample(out_dir: Path) -> Path:
    """The bundled synthetic sample, as `barometre sample` writes it."""
    write_sample_landing(out_dir)
    return out_dir


def scale_landing(sample: Path, out_dir: Path, factor: int, seeds_dir: Path) -> Path:
    """Write <out_dir>/survey/<wave>/ and poll/<wave>/: the sample's rows, `factor` times."""
    for wave_dir in sorted((sample / "survey").iterdir()):
        target = out_dir / "survey" / wave_dir.name
        target.mkdir(parents=True)
        exports = [p for p in wave_dir.glob("*.csv") if p.name != REFERENCE_FILE_NAME]
        for export in exports:
            _scale_survey_wave(export, wave_dir / REFERENCE_FILE_NAME, target, factor)
    poll_settings = read_wave_settings(seeds_dir)
    for sav in sorted((sample / "poll").glob("*/*.sav")):
        wave = int(sav.parent.name)
        target = out_dir / "poll" / sav.parent.name
        target.mkdir(parents=True)
        _scale_sav(sav, target / sav.name, poll_settings[wave].respondent_id_variable, factor)
    return out_dir


def _id_stride(ids: list[int]) -> int:
    """A power of ten above every id: replica k's ids are id + k * stride, in the same order."""
    return 10 ** len(str(max(ids, default=0)))


def _scale_survey_wave(export: Path, reference: Path, target: Path, factor: int) -> None:
    table = read_csv_table(export)
    stride = _id_stride([int(record[0]) for record in table.records])
    # without a reference file, respondents are deduplicated on the name they typed
    name_column = None if reference.exists() else _structure_name_column(table.header)
    with open(target / export.name, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(table.header)
        for replica in range(factor):
            for record in table.records:
                row = [str(int(record[0]) + replica * stride), *record[1:]]
                if name_column is not None and replica and row[name_column]:
                    row[name_column] += f" (benchmark replica {replica})"
                writer.writerow(row)
    if reference.exists():
        _scale_reference(reference, target / REFERENCE_FILE_NAME, table.records, stride, factor)


def _structure_name_column(header: list[str]) -> int:
    """The export's "nom de votre structure/collectivité" column, found through the codebook."""
    with open(config.SEEDS_DIR / "question_crosswalk.csv", encoding="utf-8") as handle:
        texts = {
            r["question_text"]
            for r in csv.DictReader(handle)
            if r["question_id"] == "structure_name"
        }
    for position, name in enumerate(header):
        if " ".join(name.split()).endswith(tuple(texts)):
            return position
    raise ValueError("the export has no structure name column: cannot keep replicas apart")


def _scale_reference(
    reference: Path, target: Path, records: list[list[str]], stride: int, factor: int
) -> None:
    """Replica k's rows under distinct normalised names; the responses the reference does not
    list (one deduplication group, unnamed) get one shared name per replica, so that each
    replica's unnamed group keeps one response, as the sample's does."""
    table = read_csv_table(reference)
    columns = {name: position for position, name in enumerate(table.header)}
    listed = {row[columns["response_id"]] for row in table.records}
    unlisted = [record[0] for record in records if record[0] not in listed]
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(table.header)
        writer.writerows(table.records)
        for replica in range(1, factor):
            unnamed = f"BENCHMARK REPLICA {replica} UNNAMED"
            for row in table.records:
                row = list(row)
                response_id = int(row[columns["response_id"]])
                row[columns["response_id"]] = str(response_id + replica * stride)
                name = row[columns["normalised_name"]].strip()
                row[columns["normalised_name"]] = (
                    f"{name} BENCHMARK REPLICA {replica}" if name else unnamed
                )
                writer.writerow(row)
            for response_id in unlisted:
                row = [""] * len(table.header)
                row[columns["response_id"]] = str(int(response_id) + replica * stride)
                row[columns["normalised_name"]] = unnamed
                writer.writerow(row)


def _scale_sav(source: Path, target: Path, id_variable: str, factor: int) -> None:
    frame, meta = pyreadstat.read_sav(str(source), user_missing=True)
    stride = _id_stride([int(i) for i in frame[id_variable]])
    replicas = []
    for replica in range(factor):
        copy = frame.copy()
        copy[id_variable] = frame[id_variable] + replica * stride
        replicas.append(copy)
    pyreadstat.write_sav(
        pd.concat(replicas, ignore_index=True),
        str(target),
        file_label=meta.file_label,
        column_labels=meta.column_labels,
        row_compress=True,
        variable_value_labels=meta.variable_value_labels,
        variable_measure=meta.variable_measure,
        variable_format=meta.original_variable_types,
    )


def copy_project(out_dir: Path, factor: int) -> Path:
    """A copy of the project whose size seeds expect `factor` times the sample's respondents
    (drawn from `factor` times as many authorities)."""
    for part in PROJECT_PARTS:
        shutil.copytree(config.REPO_ROOT / part, out_dir / part, ignore=_COPY_IGNORED)
    for name in PROJECT_FILES:
        shutil.copy2(config.REPO_ROOT / name, out_dir / name)
    for seed, column in SIZE_COLUMNS.items():
        path = out_dir / "seeds" / seed
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame[column] = (frame[column].astype(int) * factor).astype(str)
        frame.to_csv(path, index=False)
    return out_dir
