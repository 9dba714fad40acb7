"""Every SQL example of the README runs against a published release and returns rows."""

from __future__ import annotations

import re

import duckdb
import pytest
from conftest import REPO_ROOT, PipelineRun

EXAMPLES = re.findall(
    r"^```sql\n(.*?)^```", (REPO_ROOT / "README.md").read_text(encoding="utf-8"), re.M | re.S
)


def test_the_readme_has_its_worked_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda sql: sql.splitlines()[0][:60])
def test_readme_example_returns_rows(example: str, sample_run: PipelineRun) -> None:
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        rows = connection.execute(example).fetchall()
    assert rows, "the example returns nothing on the sample release"
