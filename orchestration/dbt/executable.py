"""`barometre-dbt`, the dbt executable the pipeline runs: dbt's own command line, except that a
DuckDB profile's `path` is not one of its connection details, with the garbage collector set for
a short-lived process (orchestration/garbage_collection.py).

dbt starts from its last parse only when the profile's connection details are the same, and the
path names the warehouse: every new warehouse (a first run, each test's) parsed the whole
project again, about 3.5 s. Without the path, a parse made for one warehouse holds for any
other. The connection details are also what dbt's Jinja sees as `target`, so no model or macro
can read `target.path` and make a parse depend on the warehouse; the raw Parquet folder, which
names the warehouse too, is read only when a command runs (the project's `source` macro,
macros/raw_sources.sql). tests/test_run_artefacts.py starts dbt on another warehouse from the
project's parse state and checks that no file is parsed again.
"""

import sys

from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.cli.main import cli

from orchestration.garbage_collection import short_lived_process

_DUCKDB_CONNECTION_KEYS = DuckDBCredentials._connection_keys


def _connection_keys_but_path(credentials: DuckDBCredentials) -> tuple[str, ...]:
    return tuple(key for key in _DUCKDB_CONNECTION_KEYS(credentials) if key != "path")


def main() -> None:
    DuckDBCredentials._connection_keys = _connection_keys_but_path
    with short_lived_process():
        sys.exit(cli())
