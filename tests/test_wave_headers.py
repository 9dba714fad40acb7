"""barometre/waves/headers.py reads headers as the staging model stg_limesurvey__columns does:
compared header by header with what the model built from the sample, and with the model's own
SQL (as dbt compiled it for that build) run on headers made to be awkward."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from barometre.waves.headers import headers_carry_codes, parse_header
from tests.conftest import PipelineRun

MODEL = "compiled/barometre/models/staging/limesurvey/stg_limesurvey__columns.sql"
PARSED = "header, question_code, question_text, item_label"
LIMESURVEY_KINDS = "case when column_kind in ('timing', 'upload_count') then column_kind end"
# waves whose crosswalk has question codes, as the model decides it
CODED_WAVES = (
    "select distinct wave from codebook.question_crosswalk where question_code is not null"
)

AWKWARD_HEADERS = [
    "Question\u00a0?\u202f[Item\u2009un ]",
    "Question\u2003 [item]",  # an em space is no whitespace to RE2, but trim() removes it
    "\u000bVertical\u000btab [x]",
    "Tab\tand  double  space   [Classement 1]",
    "Line\nbreak [item]",
    "Question [ ]",
    "Question [a] [b]",
    "Question [a] suffix",
    "filecount - Souhaitez-vous partager des documents ? ",
    "filecount - Documents [item]",
    "Durée pour la question: G01Q02",
    "Temps total :",
    "",
    " ",
    "G2Q00005[SQ001]. Quels sont les domaines ? [Le respect du RGPD]",
    "G2Q00005[SQ001].NoSpace [x]",
    "interviewtime. Temps total :",
    "G1time. Durée pour le groupe : Page 01",
    "id. ID de la réponse",
    "Droitdesdonnees1. Commençons ?\u00a0",
    "3D. Not a code",
    "G3Q00002[1]. Classez  [Classement 1]",
]


def _model_rows(connection: duckdb.DuckDBPyConnection, source: str) -> list[tuple]:
    return connection.execute(
        f"select wave, column_position, header_raw, {PARSED}, {LIMESURVEY_KINDS} "
        f"from {source} order by wave, column_position"
    ).fetchall()


def _python_rows(rows: list[tuple], coded_waves: set[int]) -> list[tuple]:
    parsed = []
    for wave, position, raw, *_ in rows:
        header = parse_header(position, raw, wave in coded_waves)
        parsed.append(
            (wave, position, raw, header.header, header.question_code, header.question_text)
            + (header.item_label, header.limesurvey_kind)
        )
    return parsed


def test_every_header_of_the_sample_parses_as_the_staging_model_parsed_it(
    sample_run: PipelineRun,
) -> None:
    with duckdb.connect(str(sample_run.build_db), read_only=True) as connection:
        rows = _model_rows(connection, "staging.stg_limesurvey__columns")
        coded = {wave for (wave,) in connection.execute(CODED_WAVES).fetchall()}
    assert {wave for wave, *_ in rows} == {2022, 2023, 2024} and coded == {2022}
    assert len(rows) > 700
    assert _python_rows(rows, coded) == rows


@pytest.fixture(scope="module")
def compiled_model(sample_run: PipelineRun) -> str:
    """The model's SQL as dbt compiled it for the sample's build."""
    (run_folder,) = sorted((sample_run.warehouse / "build" / "dbt" / "runs").iterdir())[-1:]
    return (run_folder / MODEL).read_text(encoding="utf-8")


def test_awkward_headers_parse_as_the_model_sql_parses_them(
    sample_run: PipelineRun, compiled_model: str, tmp_path: Path
) -> None:
    # the model's SQL over these headers instead of the raw layer's: 2022 (coded) and 2023
    source = re.compile(r"read_parquet\('[^']*survey_headers[^']*'\)")
    assert len(source.findall(compiled_model)) == 1
    sql = source.sub("awkward_headers", compiled_model)
    with duckdb.connect(str(tmp_path / "awkward.duckdb")) as connection:
        connection.execute(f"attach '{sample_run.build_db}' as barometre_build (read_only)")
        connection.execute(
            "create table awkward_headers (wave integer, column_position integer, header varchar)"
        )
        connection.executemany(
            "insert into awkward_headers values (?, ?, ?)",
            [(wave, i, h) for wave in (2022, 2023) for i, h in enumerate(AWKWARD_HEADERS, 1)],
        )
        rows = _model_rows(connection, f"({sql})")
    assert len(rows) == 2 * len(AWKWARD_HEADERS)
    assert _python_rows(rows, {2022}) == rows
    # the cases are awkward indeed: codes only where the wave is coded, items, kinds
    by_wave = {(wave, raw): row for wave, _, raw, *row in rows}
    assert by_wave[2022, AWKWARD_HEADERS[14]][1:4] == [
        "G2Q00005",
        "Quels sont les domaines ?",
        "Le respect du RGPD",
    ]
    assert by_wave[2023, AWKWARD_HEADERS[14]][1] is None
    assert by_wave[2022, "interviewtime. Temps total :"][-1] == "timing"
    assert by_wave[2023, "Question [ ]"][2:4] == ["Question [ ]", None]
    assert by_wave[2023, "Question\u2003 [item]"][2] == "Question"


def test_subquestion_codes_and_code_headers() -> None:
    header = parse_header(18, "G2Q00005[SQ001]. Quels sont ? [Le respect du RGPD]", coded=True)
    assert (header.question_code, header.subquestion_code, header.key) == (
        "G2Q00005",
        "SQ001",
        "G2Q00005",
    )
    assert parse_header(13, "Quels sont ? [Autre]", coded=False).key == "Quels sont ?"
    assert headers_carry_codes(["id. ID de la réponse", "submitdate. Date de soumission"])
    assert not headers_carry_codes(["ID de la réponse", "Date de soumission"])
