"""A column declared never null (`constraints: [{type: not_null}]`) is checked by its table's one
`not_null_constraints` test, on seeds and on models without an enforced contract too: a null
planted in a copy of the sample's build fails exactly the tests of the damaged tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from conftest import PipelineRun, dbt_on_build

# a seed, a table without contract, a mart (on DuckDB its contract makes the column NOT NULL:
# the test drops that, as on Spark, where the contract is off)
DAMAGED = {
    "codebook.survey_waves": "status",
    "intermediate.int_group_populations": "n_population",
    "marts.respondents": "stratum",
}
VIEW = "stg_limesurvey__loads"


def test_a_null_in_a_constrained_column_fails_its_table_test(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    build_db = shutil.copy(sample_run.build_db, tmp_path / "barometre_build.duckdb")
    with duckdb.connect(str(build_db)) as connection:
        for table, column in DAMAGED.items():
            connection.execute(f"alter table {table} alter column {column} drop not null")
            connection.execute(f"update {table} set {column} = null where rowid = 0")
        # a view's constrained column: the view redefined over a copy of its rows with a null
        connection.execute(f"create table staging.{VIEW}_rows as select * from staging.{VIEW}")
        connection.execute(f"update staging.{VIEW}_rows set wave = null where rowid = 0")
        connection.execute(
            f"create or replace view staging.{VIEW} as select * from staging.{VIEW}_rows"
        )

    completed, results = dbt_on_build(
        build_db, tmp_path, "test", "--select", "test_name:not_null_constraints"
    )
    results = [r for r in results if r["unique_id"].startswith("test.")]  # not the hook
    failed = sorted(r["unique_id"].split(".")[2] for r in results if r["status"] == "fail")
    expected = sorted(
        f"not_null_constraints_{name}_" for name in [VIEW, *(t.split(".")[1] for t in DAMAGED)]
    )
    assert completed.returncode == 1, completed.stdout[-3000:]
    assert failed == expected
    others = {r["unique_id"]: r["status"] for r in results if r["status"] != "fail"}
    assert set(others.values()) == {"pass"}, others
    # every table declaring a never-null column has its test (seeds, views, tables, marts)
    assert len(results) > 40
