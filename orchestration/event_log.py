"""The event log storage of `barometre run`'s instance: Dagster's SQLite event log (the same files
and schema, which `dagster dev` reads as they are) with its connections kept for the run.

Dagster's own storage creates an engine, opens a connection, commits with an fsync and closes it
for every event; a run of the sample stores about 1,200 events (each check's evaluation is one),
which took about 10 s of its 44. Here each database file (the run's and the cross-run index) has
one engine for the process, its connection pooled, and commits do not wait for the disk (WAL with
synchronous=NORMAL: a killed process loses nothing, a power cut may lose the last events of a run
whose warehouse holds its own proof of publication). The CLI's process holds one run, so the
engines it keeps are few; `dagster dev`'s long-lived processes keep Dagster's own storage.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from sqlite3 import Connection as SQLiteConnection
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy import Connection, Engine, event


class RunScopedSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log, one pooled connection per database file for the process."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: dict[str, Engine] = {}  # set first: the parent's init connects
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> RunScopedSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engines.get(shard) or self._new_engine(shard)
            with engine.connect() as connection, connection.begin():
                yield connection

    def _new_engine(self, shard: str) -> Engine:
        engine = create_engine(
            self.conn_string_for_shard(shard),
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
        )
        event.listen(engine, "connect", _commit_without_fsync)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        return engine

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        super().dispose()


def _commit_without_fsync(connection: SQLiteConnection, _record: Any) -> None:
    connection.execute("PRAGMA synchronous=NORMAL")
