"""The raw layer: loaded as it is, once per file version, replaced in one transaction."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import SAMPLE_LANDING

from barometre.errors import LandingError
from barometre.ingest.landing import (
    OBSERVED,
    SurveyWaveFiles,
    discover_survey_waves,
    read_csv_table,
)
from barometre.ingest.survey_loader import load_survey_wave

EXPORT = "ID de la réponse,Question ? \u00a0,Liste [Oui]\n5,Oui,N/A\n6,,Oui\n"
REFERENCE = (
    "response_id,structure_name,normalised_name,siren,cog,population,category\n5,Ville,VILLE,,,,\n"
)


def wave_files(tmp_path: Path, export: str = EXPORT) -> SurveyWaveFiles:
    folder = tmp_path / "landing/survey/2023"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "export.csv").write_text(export, encoding="utf-8")
    (folder / "respondents_reference.csv").write_text(REFERENCE, encoding="utf-8")
    return SurveyWaveFiles(2023, folder / "export.csv", folder / "respondents_reference.csv")


def raw_state(connection: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {
        table: connection.execute(f"select * from raw.{table} order by all").fetchall()
        for table in ("survey_headers", "survey_cells", "respondents_reference")
    }


def test_every_cell_is_kept_as_text_with_its_header(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        load = load_survey_wave(connection, wave_files(tmp_path), OBSERVED)
        state = raw_state(connection)
        loads = connection.execute(
            "select wave, export_file, row_count, column_count from raw.survey_loads"
        ).fetchall()
    assert (load.status, load.row_count, load.column_count) == ("loaded", 2, 3)
    assert state["survey_headers"] == [
        (2023, 1, "ID de la réponse"),
        (2023, 2, "Question ? \u00a0"),
        (2023, 3, "Liste [Oui]"),
    ]
    assert state["survey_cells"] == [
        (2023, 1, 1, "5"),
        (2023, 1, 2, "Oui"),
        (2023, 1, 3, "N/A"),
        (2023, 2, 1, "6"),
        (2023, 2, 2, ""),
        (2023, 2, 3, "Oui"),
    ]
    assert state["respondents_reference"] == [(2023, 1, "5", "Ville", "VILLE", "", "", "", "")]
    assert loads == [(2023, "export.csv", 2, 3)]


def test_loading_the_same_files_again_adds_nothing(tmp_path: Path) -> None:
    files = wave_files(tmp_path)
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        load_survey_wave(connection, files, OBSERVED)
        before = (
            raw_state(connection),
            connection.execute("select * from raw.survey_loads").fetchall(),
        )
        again = load_survey_wave(connection, files, OBSERVED)
        after = (
            raw_state(connection),
            connection.execute("select * from raw.survey_loads").fetchall(),
        )
    assert again.status == "unchanged"
    assert after == before


def test_a_changed_file_replaces_the_wave(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        load_survey_wave(connection, wave_files(tmp_path), OBSERVED)
        load = load_survey_wave(connection, wave_files(tmp_path, EXPORT + "7,Non,Oui\n"), OBSERVED)
        rows = connection.execute(
            "select max(source_row), count(*) from raw.survey_cells"
        ).fetchone()
    assert load.status == "loaded"
    assert rows == (3, 9)


def test_a_bad_new_version_leaves_the_loaded_wave_untouched(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        load_survey_wave(connection, wave_files(tmp_path), OBSERVED)
        before = (
            raw_state(connection),
            connection.execute("select * from raw.survey_loads").fetchall(),
        )
        with pytest.raises(LandingError, match="line 4"):
            load_survey_wave(connection, wave_files(tmp_path, EXPORT + "7,Non\n"), OBSERVED)
        after = (
            raw_state(connection),
            connection.execute("select * from raw.survey_loads").fetchall(),
        )
    assert after == before


@pytest.mark.parametrize(
    "export, expected",
    [
        (
            "ID de la réponse,Question ? \u00a0,Liste [Oui]\n",
            "{path}: no response record after the header; expected one record per response",
        ),
        (
            "a",
            "{path}, line 1: not a LimeSurvey export: its first column is 'a'; expected the "
            "response id first ('ID de la réponse', or 'id. ID de la réponse' with question codes)",
        ),
    ],
    ids=["header only", "one byte"],
)
def test_an_export_without_responses_is_refused_at_load(
    tmp_path: Path, export: str, expected: str
) -> None:
    files = wave_files(tmp_path, export)
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        with pytest.raises(LandingError) as error:
            load_survey_wave(connection, files, OBSERVED)
        (loads,) = connection.execute("select count(*) from raw.survey_loads").fetchone()
    assert str(error.value) == expected.format(path=files.export)
    assert loads == 0


@pytest.mark.parametrize(
    "records, expected",
    [
        (
            "5,Oui,N/A\n6,,Oui\n5,Non,N/A\n",
            "line 4: column 1 (ID de la réponse): response id 5 was already the id of the "
            "record on line 2; each response has its own id",
        ),
        (
            '5,Oui,N/A\n"6\nbis",,Oui\n',
            "line 3: column 1 (ID de la réponse): response id '6\\nbis' is not a whole number",
        ),
        ("5,Oui,N/A\n,,Oui\n", "line 3: column 1 (ID de la réponse): response id '' is not"),
    ],
    ids=["repeated", "not a number", "empty"],
)
def test_a_bad_response_id_is_refused_at_load_naming_its_line(
    tmp_path: Path, records: str, expected: str
) -> None:
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        load_survey_wave(connection, wave_files(tmp_path), OBSERVED)
        before = raw_state(connection)
        files = wave_files(tmp_path, EXPORT.splitlines(True)[0] + records)
        with pytest.raises(LandingError) as error:
            load_survey_wave(connection, files, OBSERVED)
        after = raw_state(connection)
    assert str(error.value).startswith(f"{files.export}, {expected}"), str(error.value)
    assert after == before


# Loads wave 2022, then wave 2023 with no room left to write: past the database file's size,
# every write fails with EFBIG ("File too large"), as writes do on a full disk.
FULL_DISK_LOAD = """
import resource, signal, sys
from pathlib import Path
from barometre.database import connect
from barometre.ingest.landing import discover_survey_waves
from barometre.ingest.survey_loader import load_survey_wave

database = Path(sys.argv[1])
first, second = discover_survey_waves(Path(sys.argv[2]))[:2]
with connect(database) as connection:
    load_survey_wave(connection, first, 'observed')
    connection.execute("checkpoint")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (database.stat().st_size, resource.RLIM_INFINITY))
try:
    with connect(database) as connection:
        load_survey_wave(connection, second, 'observed')
except Exception as error:
    sys.exit(str(error))
"""


def test_a_full_disk_names_the_cause_and_the_wave_and_keeps_the_loaded_waves(
    tmp_path: Path,
) -> None:
    database = tmp_path / "build.duckdb"
    first, second = discover_survey_waves(SAMPLE_LANDING)[:2]

    load = subprocess.run(
        [sys.executable, "-c", FULL_DISK_LOAD, str(database), str(SAMPLE_LANDING)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert load.returncode == 1, load.stdout + load.stderr
    message = load.stderr.strip()
    assert message.startswith(f"{second.export}: loading survey wave {second.wave} "), message
    assert "File too large" in message
    with duckdb.connect(str(database), read_only=True) as connection:
        waves = connection.execute(
            "select wave, count(*) from raw.survey_cells group by wave"
        ).fetchall()
        loads = connection.execute("select wave from raw.survey_loads").fetchall()
    assert loads == [(first.wave,)]
    export = read_csv_table(first.export)
    kept_cells = len(export.records) * len(export.header)
    assert waves == [(first.wave, kept_cells)], "the loaded wave is kept whole"


def test_quoted_cells_are_kept_as_written(tmp_path: Path) -> None:
    """Quotes, commas, line breaks and spaces inside quoted cells, and empty cells quoted or
    not, as the file has them (DuckDB's CSV reader loads the export)."""
    records = '5,"Oui, ""sûr""\r\nligne 2"," "\n6,"",\n'
    files = wave_files(tmp_path, EXPORT.splitlines(True)[0] + records)
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        load_survey_wave(connection, files, OBSERVED)
        cells = raw_state(connection)["survey_cells"]
    assert cells == [
        (2023, 1, 1, "5"),
        (2023, 1, 2, 'Oui, "sûr"\r\nligne 2'),
        (2023, 1, 3, " "),
        (2023, 2, 1, "6"),
        (2023, 2, 2, ""),
        (2023, 2, 3, ""),
    ]


def test_a_last_record_whose_quote_never_closes_is_refused_naming_its_line(
    tmp_path: Path,
) -> None:
    """DuckDB's reader drops such a record without an error: the load must not."""
    files = wave_files(tmp_path, EXPORT + '7,"Oui,N/A\n')
    with (
        duckdb.connect(str(tmp_path / "build.duckdb")) as connection,
        pytest.raises(LandingError) as error,
    ):
        load_survey_wave(connection, files, OBSERVED)
    assert str(error.value).startswith(f"{files.export}, line 4: malformed CSV record")
