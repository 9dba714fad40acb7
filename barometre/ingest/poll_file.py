"""A poll wave's SPSS ``.sav`` file read with pyreadstat and checked before anything is written:

- it is a readable SPSS file with at least one respondent;
- it holds the wave's weight variable and respondent id named in ``seeds/poll_waves.csv``
  (pyreadstat does not expose SPSS's own weight setting), every weight numeric and > 0, every id
  present and unique;
- every value of a variable with value labels is one of its labelled codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat

from barometre.codebook import read_seed
from barometre.config import SEEDS_DIR
from barometre.errors import LandingError
from barometre.ingest.landing import file_sha256

POLL_WAVES_SEED = "poll_waves.csv"
MAX_LISTED = 10


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
    respondents: pd.DataFrame  # as the file holds them: a row per respondent, a column per variable

    @property
    def row_count(self) -> int:
        return len(self.respondents)


def read_wave_settings(seeds_dir: Path = SEEDS_DIR) -> dict[int, PollWaveSettings]:
    """The weight and respondent id variable of every wave, from seeds/poll_waves.csv."""
    path = seeds_dir / POLL_WAVES_SEED
    rows = read_seed(path.stem, seeds_dir)
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
        respondents=frame,
    )


def _variable(path: Path, frame: pd.DataFrame, role: str, name: str, wave: int) -> pd.Series:
    """The variable seeds/poll_waves.csv names for this role, which the file must hold."""
    if name not in frame.columns:
        raise LandingError(
            path,
            f"{role} variable {name} not found (seeds/{POLL_WAVES_SEED} names it for wave "
            f"{wave}); the file's variables are {_listed(frame.columns)}",
        )
    return frame[name]


def _check_weight(path: Path, frame: pd.DataFrame, settings: PollWaveSettings) -> None:
    name = settings.weight_variable
    weights = _variable(path, frame, "weight", name, settings.wave)
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
    ids = _variable(path, frame, "respondent id", name, settings.wave)
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
