"""The codebook seeds (seeds/*.csv) as Python reads them: the one reader, beside dbt, which
loads the same files into the codebook schema for SQL.

Values are text as in the files; callers convert what they need.
"""

from __future__ import annotations

import csv
from pathlib import Path

from barometre.config import SEEDS_DIR

Row = dict[str, str]


def read_seed(name: str, seeds_dir: Path = SEEDS_DIR) -> list[Row]:
    """Every row of seeds/<name>.csv."""
    with open(seeds_dir / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def wave_rows(name: str, wave: int | str) -> list[Row]:
    """The rows of a per-wave seed (question_crosswalk, answer_crosswalk, ...) for one wave."""
    return [row for row in read_seed(name) if row["wave"] == str(wave)]
