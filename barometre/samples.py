"""The whole SYNTHETIC sample landing folder: every survey wave, the polls and the marker that
makes every release built from it say it is synthetic (`barometre sample`)."""

from pathlib import Path

from barometre.sample import generate_sample_landing, write_synthetic_marker
from barometre.sample_calibrated import generate_calibrated_waves
from barometre.sample_poll import generate_sample_polls


def write_sample_landing(out_dir: Path) -> list[Path]:
    """Write the sample under out_dir; return the files written."""
    written = generate_sample_landing(out_dir) + generate_calibrated_waves(out_dir)
    written += generate_sample_polls(out_dir)
    written.append(write_synthetic_marker(out_dir))
    return written
