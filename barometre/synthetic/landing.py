"""The whole SYNTHETIC sample landing folder: every survey wave, the polls and the marker that
declares the folder synthetic (`barometre sample`)."""

from __future__ import annotations

from pathlib import Path

from barometre.config import SYNTHETIC_MARKER
from barometre.ingest.landing import ORIGIN_NOTES, SYNTHETIC
from barometre.synthetic.poll import generate_sample_polls
from barometre.synthetic.survey_2023 import generate_sample_landing
from barometre.synthetic.survey_calibrated import generate_calibrated_waves

SYNTHETIC_NOTE = f"""\
# {ORIGIN_NOTES[SYNTHETIC]}

Everything in this folder is written by `barometre sample` (barometre/synthetic/) from a
seeded pseudo-random generator:
the structures are fictive ("fictif"/"fictive" in every name), the contacts invented, and the
answers made up so that the warehouse's cleaning and tabulation can be exercised and, for 2022
and 2024, so that published figures come out. No row comes from a real respondent. This file
declares the folder's origin `synthetic`: every release built from it says so
(`meta.release.origin`, `meta.release.data_note`, `release.json`), the report shows it on every
page, and a warehouse holding it refuses observed data (a release never mixes the two).
"""


def write_synthetic_marker(landing_dir: Path) -> Path:
    """The marker that makes every release built from the folder say it is synthetic."""
    path = Path(landing_dir) / SYNTHETIC_MARKER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SYNTHETIC_NOTE, encoding="utf-8")
    return path


def write_sample_landing(out_dir: Path) -> list[Path]:
    """Write the sample under out_dir; return the files written."""
    written = generate_sample_landing(out_dir) + generate_calibrated_waves(out_dir)
    written += generate_sample_polls(out_dir)
    written.append(write_synthetic_marker(out_dir))
    return written
