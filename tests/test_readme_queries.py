"""Every SQL example of the README runs against a published release and returns rows."""

from __future__ import annotations

import duckdb
import pytest
from conftest import README_EXAMPLES, PipelineRun


def test_the_readme_has_its_worked_examples() -> None:
    assert len(README_EXAMPLES) >= 10


@pytest.mark.parametrize("example", README_EXAMPLES, ids=lambda sql: sql.splitlines()[0][:60])
def test_readme_example_returns_rows(example: str, sample_run: PipelineRun) -> None:
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        rows = connection.execute(example).fetchall()
    assert rows, "the example returns nothing on the sample release"
