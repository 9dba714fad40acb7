"""The public-opinion polls: SPSS ``.sav`` exports read with pyreadstat, checked, loaded into raw.

Layout: ``<landing>/poll/<wave>/`` holds one ``.sav`` file per wave (a landing folder without a
``poll`` folder has no poll: nothing is loaded). Each file is checked before anything is written:

- it is a readable SPSS file with at least one respondent;
- it holds the wave's weight variable and respondent id named in ``seeds/poll_waves.csv``
  (pyreadstat does not expose SPSS's own weight setting), every weight numeric and > 0, every id
  present and unique;
- every value of a variable with value labels is one of its labelled codes.

The raw tables keep the file as it is: values in long form (``poll_values``), variable labels
(``poll_variables``), value labels (``poll_value_labels``, the wave's codebook) and load metadata
(``poll_loads``). A wave is reloaded only when its file or its weight variable changed; all
changes (reloaded waves, waves no longer in the landing folder) are applied in one transaction,
so a failure leaves the raw poll tables as they were.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyreadstat

from barometre.database import transaction
from barometre.errors import LandingError
from barometre.landing import file_sha256
from barometre.settings import SEEDS_DIR

POLL_FOLDER = "poll"
POLL_WAVES_SEED = "poll_waves.csv"
POLL_RAW_TABLES = ("poll_loads", "poll_variables", "poll_value_labels", "poll_values")
MAX_LISTED = 10

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
class PollWaveSettings:
    """What seeds/poll_waves.csv says about a wave's file."""

    wave: int
    weight_variable: str
    respondent_id_variable: str


@dataclass(frozen=True)
class PollWaveFile:
    """The one .sav file of a wave in the landing folder."""

    wave: int
    path: Path


@dataclass(frozen=True)
class PollFile:
    """A .sav file read and checked, ready to load."""

    wave: int
    path: Path
    sha256: str
    weight_variable: str
    variables: pd.DataFrame
    value_labels: pd.DataFrame
    values: pd.DataFrame
    row_count: int


@dataclass(frozen=True)
class PollWaveLoad:
    """What loading one wave did: "loaded", "unchanged" or "removed" (gone from the landing)."""

    wave: int
    status: str
    row_count: int
    variable_count: int


def read_wave_settings(seeds_dir: Path = SEEDS_DIR) -> dict[int, PollWaveSettings]:
    """The weight and respondent id variable of every wave, from seeds/poll_waves.csv."""
    path = seeds_dir / POLL_WAVES_SEED
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    settings = {}
    for line, row in enumerate(rows, start=2):
        try:
            wave = int(row["wave"])
            weight, identifier = row["weight_variable"].strip(), row["respondent_id_variable"]
        except (KeyError, TypeError, ValueError) as error:
            raise LandingError(
                path, f"expected wave, weight_variable and respondent_id_variable ({error})", line
            ) from error
        if not weight or not identifier.strip():
            raise LandingError(path, f"wave {wave}: weight_variable is empty", line)
        settings[wave] = PollWaveSettings(wave, weight, identifier.strip())
    return settings


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


def read_poll_file(wave_file: PollWaveFile, settings: dict[int, PollWaveSettings]) -> PollFile:
    """Read one wave's .sav file and check it; raise LandingError naming file and variable."""
    path = wave_file.path
    wave_settings = settings.get(wave_file.wave)
    if wave_settings is None:
        raise LandingError(
            path,
            f"wave {wave_file.wave} is not in seeds/{POLL_WAVES_SEED}: add it with its "
            "weight_variable and respondent_id_variable",
        )
    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as error:
        raise LandingError(
            path, f"not a readable SPSS .sav file ({error}); expected the pollster's SPSS export"
        ) from error
    if frame.empty:
        raise LandingError(path, "the file holds no respondent")
    _check_weight(path, frame, wave_settings)
    _check_respondent_id(path, frame, wave_settings)
    _check_codes(path, frame, meta.variable_value_labels)
    return PollFile(
        wave=wave_file.wave,
        path=path,
        sha256=file_sha256(path),
        weight_variable=wave_settings.weight_variable,
        variables=_variables_frame(wave_file.wave, frame, meta),
        value_labels=_value_labels_frame(wave_file.wave, meta.variable_value_labels),
        values=_values_frame(wave_file.wave, frame),
        row_count=len(frame),
    )


def _check_weight(path: Path, frame: pd.DataFrame, settings: PollWaveSettings) -> None:
    name = settings.weight_variable
    if name not in frame.columns:
        raise LandingError(
            path,
            f"weight variable {name} not found (seeds/{POLL_WAVES_SEED} names it for wave "
            f"{settings.wave}); the file's variables are {_listed(frame.columns)}",
        )
    weights = frame[name]
    if not pd.api.types.is_numeric_dtype(weights):
        raise LandingError(path, f"weight variable {name}: expected numbers, found text")
    bad = ~(weights > 0)  # NaN (system missing) is not a weight either
    if bad.any():
        first = int(bad.to_numpy().nonzero()[0][0])
        raise LandingError(
            path,
            f"weight variable {name}: {int(bad.sum())} missing or non-positive weight(s), first "
            f"at respondent row {first + 1} ({weights.iloc[first]}); every weight must be > 0",
        )


def _check_respondent_id(path: Path, frame: pd.DataFrame, settings: PollWaveSettings) -> None:
    name = settings.respondent_id_variable
    if name not in frame.columns:
        raise LandingError(
            path,
            f"respondent id variable {name} not found (seeds/{POLL_WAVES_SEED}, wave "
            f"{settings.wave}); the file's variables are {_listed(frame.columns)}",
        )
    ids = frame[name]
    duplicated = ids.duplicated(keep="first") | ids.isna()
    if duplicated.any():
        first = int(duplicated.to_numpy().nonzero()[0][0])
        raise LandingError(
            path,
            f"respondent id variable {name}: missing or repeated id {ids.iloc[first]!r} at "
            f"respondent row {first + 1}; every respondent needs a distinct id",
        )


def _check_codes(path: Path, frame: pd.DataFrame, value_labels: dict[str, dict[Any, str]]) -> None:
    """Every value of a labelled variable must be one of its labelled codes."""
    for variable, labels in value_labels.items():
        column = frame[variable]
        unknown = column.notna() & ~column.isin(list(labels))
        if unknown.any():
            rows = unknown.to_numpy().nonzero()[0]
            codes = sorted({_code_text(v) for v in column[unknown]})
            raise LandingError(
                path,
                f"variable {variable}: value(s) {', '.join(codes[:MAX_LISTED])} not in its value "
                f"labels (codes {', '.join(_code_text(c) for c in labels)}); {len(rows)} "
                f"respondent(s), first at respondent row {rows[0] + 1}",
            )


def _code_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _listed(names: Any) -> str:
    names = list(names)
    more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
    return ", ".join(names[:MAX_LISTED]) + more


def _variables_frame(wave: int, frame: pd.DataFrame, meta: Any) -> pd.DataFrame:
    names = list(frame.columns)
    return pd.DataFrame(
        {
            "wave": wave,
            "variable": names,
            "position": range(1, len(names) + 1),
            "label": [meta.column_names_to_labels.get(name) for name in names],
            "value_type": [
                "number" if pd.api.types.is_numeric_dtype(frame[name]) else "text" for name in names
            ],
            "spss_format": [meta.original_variable_types.get(name) for name in names],
        },
        columns=["wave", "variable", "position", "label", "value_type", "spss_format"],
    )


def _value_labels_frame(wave: int, value_labels: dict[str, dict[Any, str]]) -> pd.DataFrame:
    rows = [
        (
            wave,
            variable,
            float(code) if isinstance(code, int | float) else None,
            _code_text(code),
            label,
        )
        for variable, labels in value_labels.items()
        for code, label in labels.items()
    ]
    return pd.DataFrame(
        rows, columns=["wave", "variable", "code_number", "code_text", "label"]
    ).astype({"code_number": "float64"})


def _values_frame(wave: int, frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell in long form: numbers in value_number, text in value_text (empty = null)."""
    wide = frame.copy()
    wide.columns = range(len(wide.columns))
    names = dict(enumerate(frame.columns))
    wide["respondent_row"] = range(1, len(wide) + 1)
    parts = []
    numeric = [c for c in wide.columns[:-1] if pd.api.types.is_numeric_dtype(wide[c])]
    text = [c for c in wide.columns[:-1] if c not in numeric]
    if numeric:
        long = wide.melt(id_vars="respondent_row", value_vars=numeric, value_name="value_number")
        long["value_text"] = None
        parts.append(long)
    if text:
        long = wide.melt(id_vars="respondent_row", value_vars=text, value_name="value_text")
        long["value_text"] = long["value_text"].astype(object).where(long["value_text"] != "")
        long["value_number"] = float("nan")
        parts.append(long)
    values = pd.concat(parts, ignore_index=True)
    values["variable"] = values["variable"].map(names)
    values.insert(0, "wave", wave)
    values = values[["wave", "respondent_row", "variable", "value_number", "value_text"]]
    return values.astype({"value_number": "float64", "value_text": object})


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
    changed: list[PollFile] = []
    for wave_file in wave_files:
        weight = settings[wave_file.wave].weight_variable if wave_file.wave in settings else None
        before = previous.get(wave_file.wave)
        if before and before[:3] == (file_sha256(wave_file.path), weight, origin):
            loads.append(PollWaveLoad(wave_file.wave, "unchanged", before[3], before[4]))
            continue
        # read and check every changed file before touching the database
        poll_file = read_poll_file(wave_file, settings)
        changed.append(poll_file)
        loads.append(
            PollWaveLoad(wave_file.wave, "loaded", poll_file.row_count, len(poll_file.variables))
        )
    present = {wave_file.wave for wave_file in wave_files}
    removed = sorted(set(previous) - present)
    loads += [PollWaveLoad(w, "removed", previous[w][3], previous[w][4]) for w in removed]
    if changed or removed:
        _replace_waves(connection, changed, removed, origin)
    return sorted(loads, key=lambda load: load.wave)


def _replace_waves(
    connection: duckdb.DuckDBPyConnection, changed: list[PollFile], removed: list[int], origin: str
) -> None:
    actions = [f"{poll_file.path}: loading poll wave {poll_file.wave}" for poll_file in changed]
    actions += [f"removing poll wave {wave}" for wave in removed]
    with transaction(connection, "; ".join(actions)):
        for wave in [poll_file.wave for poll_file in changed] + removed:
            for table in POLL_RAW_TABLES:
                connection.execute(f"delete from raw.{table} where wave = ?", [wave])
        for poll_file in changed:
            for table, frame in (
                ("poll_variables", poll_file.variables),
                ("poll_value_labels", poll_file.value_labels),
                ("poll_values", poll_file.values),
            ):
                connection.register("incoming", frame)
                connection.execute(f"insert into raw.{table} select * from incoming")
                connection.unregister("incoming")
            connection.execute(
                "insert into raw.poll_loads values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    poll_file.wave,
                    poll_file.path.name,
                    poll_file.sha256,
                    poll_file.row_count,
                    len(poll_file.variables),
                    poll_file.weight_variable,
                    datetime.now(UTC).replace(tzinfo=None),
                    poll_file.path.stat().st_size,
                    origin,
                ],
            )
