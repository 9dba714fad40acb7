"""The public-opinion polls' raw layer: every wave's SPSS file (``<landing>/poll/<wave>/``, one
``.sav`` per wave; a landing folder without ``poll`` has no poll), checked (poll_file.py) and
loaded as it is: values in long form (``poll_values``), variable labels (``poll_variables``), value
labels (``poll_value_labels``, the wave's codebook) and load metadata (``poll_loads``). A wave is
reloaded only when its file or its weight variable changed; all changes (reloaded waves, waves no
longer in the landing folder) are applied in one transaction, so a failure leaves the raw poll
tables as they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from barometre.database import transaction
from barometre.errors import LandingError
from barometre.ingest.landing import file_sha256
from barometre.ingest.poll_file import (
    PollFile,
    PollWaveFile,
    PollWaveSettings,
    read_poll_file,
    read_wave_settings,
)

POLL_FOLDER = "poll"
POLL_RAW_TABLES = ("poll_loads", "poll_variables", "poll_value_labels", "poll_values")

_POLL_DDL = """
create schema if not exists raw;
create table if not exists raw.poll_loads (
    wave integer primary key,
    file varchar not null,
    sha256 varchar not null,
    row_count integer not null,
    variable_count integer not null,
    weight_variable varchar not null,
    loaded_at timestamp not null,
    bytes bigint,
    origin varchar
);
-- columns added since the first raw layouts: a wave loaded before has them null and reloads
alter table raw.poll_loads add column if not exists bytes bigint;
alter table raw.poll_loads add column if not exists origin varchar;
create table if not exists raw.poll_variables (
    wave integer not null,
    variable varchar not null,
    position integer not null,
    label varchar,
    value_type varchar not null,
    spss_format varchar
);
create table if not exists raw.poll_value_labels (
    wave integer not null,
    variable varchar not null,
    code_number double,
    code_text varchar,
    label varchar not null
);
create table if not exists raw.poll_values (
    wave integer not null,
    respondent_row integer not null,
    variable varchar not null,
    value_number double,
    value_text varchar
);
"""


@dataclass(frozen=True)
class PollWaveLoad:
    """What loading one wave did: "loaded", "unchanged" or "removed" (gone from the landing)."""

    wave: int
    status: str
    row_count: int
    variable_count: int


def discover_poll_waves(landing: Path) -> list[PollWaveFile]:
    """Each wave's .sav file under <landing>/poll/<wave>/; no poll folder means no poll."""
    landing = landing.resolve()
    poll_dir = landing / POLL_FOLDER
    if not poll_dir.is_dir():
        return []
    stray = sorted(poll_dir.glob("*.sav"))
    if stray:
        raise LandingError(stray[0], "a poll file belongs in its wave's folder, e.g. poll/2024/")
    waves = []
    for wave_dir in sorted(p for p in poll_dir.iterdir() if p.is_dir()):
        if not re.fullmatch(r"\d{4}", wave_dir.name):
            raise LandingError(
                wave_dir, "a poll wave folder is named after its year, e.g. poll/2024"
            )
        files = sorted(p for p in wave_dir.iterdir() if p.suffix.lower() == ".sav")
        if not files:
            raise LandingError(wave_dir, "no SPSS file (*.sav) in this poll wave folder")
        if len(files) > 1:
            names = ", ".join(p.name for p in files)
            raise LandingError(wave_dir, f"several .sav files for one wave ({names}); keep one")
        if not files[0].resolve().is_relative_to(landing):
            raise LandingError(files[0], f"resolves outside the landing folder {landing}")
        waves.append(PollWaveFile(int(wave_dir.name), files[0]))
    return waves


def ensure_poll_schema(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(_POLL_DDL)


def load_poll_waves(
    connection: duckdb.DuckDBPyConnection,
    wave_files: list[PollWaveFile],
    origin: str,
    settings: dict[int, PollWaveSettings] | None = None,
) -> list[PollWaveLoad]:
    """Make the raw poll tables hold exactly the landing folder's waves: changed files are read,
    checked and replaced, waves gone from the landing removed, all in one transaction."""
    settings = read_wave_settings() if settings is None else settings
    ensure_poll_schema(connection)
    previous = {
        wave: (sha, weight, source, rows, variables)
        for wave, sha, weight, source, rows, variables in connection.execute(
            "select wave, sha256, weight_variable, origin, row_count, variable_count "
            "from raw.poll_loads"
        ).fetchall()
    }
    loads: list[PollWaveLoad] = []
    changed: list[PollWaveFile] = []
    for wave_file in wave_files:
        weight = settings[wave_file.wave].weight_variable if wave_file.wave in settings else None
        before = previous.get(wave_file.wave)
        if before and before[:3] == (file_sha256(wave_file.path), weight, origin):
            loads.append(PollWaveLoad(wave_file.wave, "unchanged", before[3], before[4]))
        else:
            changed.append(wave_file)
    present = {wave_file.wave for wave_file in wave_files}
    removed = sorted(set(previous) - present)
    loads += [PollWaveLoad(w, "removed", previous[w][3], previous[w][4]) for w in removed]
    if changed or removed:
        loads += _replace_waves(connection, changed, removed, origin, settings)
    return sorted(loads, key=lambda load: load.wave)


def _replace_waves(
    connection: duckdb.DuckDBPyConnection,
    changed: list[PollWaveFile],
    removed: list[int],
    origin: str,
    settings: dict[int, PollWaveSettings],
) -> list[PollWaveLoad]:
    """Replace the changed waves and remove the others in one transaction, reading and checking
    each changed file in turn (one wave in memory at a time): a file that fails its checks rolls
    back the waves loaded before it."""
    actions = [f"{wave_file.path}: loading poll wave {wave_file.wave}" for wave_file in changed]
    actions += [f"removing poll wave {wave}" for wave in removed]
    loads = []
    with transaction(connection, "; ".join(actions)):
        for wave in [wave_file.wave for wave_file in changed] + removed:
            for table in POLL_RAW_TABLES:
                connection.execute(f"delete from raw.{table} where wave = ?", [wave])
        for wave_file in changed:
            poll_file = read_poll_file(wave_file, settings)
            for table, frame in (
                ("poll_variables", poll_file.variables),
                ("poll_value_labels", poll_file.value_labels),
            ):
                connection.register("incoming", frame)
                connection.execute(f"insert into raw.{table} select * from incoming")
                connection.unregister("incoming")
            _insert_values(connection, poll_file)
            variables = len(poll_file.variables)
            connection.execute(
                "insert into raw.poll_loads values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    poll_file.wave,
                    poll_file.path.name,
                    poll_file.sha256,
                    poll_file.row_count,
                    variables,
                    poll_file.weight_variable,
                    datetime.now(UTC).replace(tzinfo=None),
                    poll_file.path.stat().st_size,
                    origin,
                ],
            )
            loads.append(PollWaveLoad(poll_file.wave, "loaded", poll_file.row_count, variables))
    return loads


def _insert_values(connection: duckdb.DuckDBPyConnection, poll_file: PollFile) -> None:
    """poll_values: every cell in long form, numbers in value_number, text in value_text (empty
    text is null), unpivoted by DuckDB from the file's frame as it streams it (a melt in pandas
    held the long form several times over: gigabytes at 1,000 times the sample)."""
    frame = poll_file.respondents
    names = [str(name) for name in frame.columns]
    # columns by position (SQL names are case-blind, a frame's are not), the cells not copied
    wide = frame.copy(deep=False)
    wide.columns = [f"c{i}" for i in range(len(names))]
    wide.insert(0, "respondent_row", range(1, len(wide) + 1))
    connection.register("incoming", wide)
    for kind, value in (("double", "value_number"), ("varchar", "value_text")):
        columns = [
            f"c{i}"
            for i, dtype in enumerate(frame.dtypes)
            if pd.api.types.is_numeric_dtype(dtype) == (kind == "double")
        ]
        if not columns:
            continue
        cast = ", ".join(f"cast({column} as {kind}) as {column}" for column in columns)
        cell = "value" if kind == "double" else "nullif(value, '')"
        connection.execute(
            f"insert into raw.poll_values (wave, respondent_row, variable, {value}) "
            f"select ?, respondent_row, (?::varchar[])[cast(substr(position, 2) as integer) + 1], "
            f"{cell} from (select respondent_row, {cast} from incoming) "
            f"unpivot include nulls (value for position in ({', '.join(columns)}))",
            [poll_file.wave, names],
        )
    connection.unregister("incoming")
