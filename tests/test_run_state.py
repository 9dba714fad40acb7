"""What makes `barometre run` skip a run: identical landing, project, options and release."""

import shutil
from pathlib import Path

from barometre import config
from barometre.release.run_state import RunInputs, unchanged_release


def _inputs(landing: Path, warehouse: Path, revise: tuple[int, ...] = ()) -> RunInputs:
    return RunInputs(landing, config.WarehouseLayout(warehouse), revise, 5)


def test_the_digest_follows_the_landing_and_the_options(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(config.SAMPLE_LANDING_DIR, landing)
    before = _inputs(landing, tmp_path / "w").digest()
    assert _inputs(landing, tmp_path / "w").digest() == before
    assert RunInputs(landing, config.WarehouseLayout(tmp_path / "w"), (), 4).digest() != before
    # the revised waves are kept beside the digest: after a rollback only they tell a plain
    # run (a no-op) from a revision (tests/test_releases.py)
    assert _inputs(landing, tmp_path / "w", revise=(2023,)).digest() == before

    export = next((landing / "survey").glob("*/results-*.csv"))
    export.write_bytes(export.read_bytes() + b"\n")
    assert _inputs(landing, tmp_path / "w").digest() != before


def test_no_skip_without_a_published_release(tmp_path: Path) -> None:
    assert unchanged_release(_inputs(config.SAMPLE_LANDING_DIR, tmp_path / "w")) is None
