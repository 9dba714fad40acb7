"""Reading the landing folder: strict CSV parsing with errors that name file and line."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from barometre.errors import LandingError
from barometre.ingest import landing
from barometre.ingest.landing import (
    discover_survey_waves,
    read_csv_table,
    read_reference_table,
    read_survey_export,
)

HEADER = "ID de la réponse,Question ?,Autre question [item]\n"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_reads_quoted_multiline_cells_and_drops_a_byte_order_mark(tmp_path: Path) -> None:
    path = write(
        tmp_path / "export.csv", "\ufeff" + HEADER + '5,"Oui, bien sûr","deux\nlignes"\n6,,N/A\n'
    )
    table = read_csv_table(path)
    assert table.header == ["ID de la réponse", "Question ?", "Autre question [item]"]
    assert table.records == [["5", "Oui, bien sûr", "deux\nlignes"], ["6", "", "N/A"]]


def test_a_short_record_names_the_line_where_it_starts(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", HEADER + '5,"a\nb",c\n6,x\n')
    with pytest.raises(LandingError) as error:
        read_csv_table(path)
    assert error.value.line == 4
    assert str(error.value).startswith(f"{path}, line 4: 2 fields where the header has 3")


def test_an_unclosed_quote_at_the_end_is_a_truncated_file(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", HEADER + '5,a,b\n6,"cut in the mid')
    with pytest.raises(LandingError, match="line 3: malformed CSV .*truncated"):
        read_csv_table(path)


@pytest.mark.parametrize("separator, name", [(";", "semicolon"), ("\t", "tab")])
def test_a_file_separated_by_another_character_is_refused(
    tmp_path: Path, separator: str, name: str
) -> None:
    # question texts hold commas: read as comma-separated, the header has several columns
    header = ["ID de la réponse", "Selon vous, la donnée est-elle, ou non, un enjeu ?", "Q, 2"]
    records = separator.join(header) + "\n" + separator.join(["5", "Oui", "Non"]) + "\n"
    path = write(tmp_path / "export.csv", records)
    with pytest.raises(LandingError) as error:
        read_survey_export(path)
    assert str(error.value) == (
        f"{path}, line 1: {name}-separated; expected comma-separated values "
        "(export again with ',' as separator)"
    )


def test_commas_and_semicolons_in_a_comma_separated_header_are_text(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", 'ID de la réponse,"Q ; a, b ; c",Q;d\n5,Oui,Non\n')
    assert read_csv_table(path).header == ["ID de la réponse", "Q ; a, b ; c", "Q;d"]


def test_latin1_is_refused_rather_than_read_as_mojibake(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", (HEADER + "5,Déjà,x\n").encode("latin-1"))
    with pytest.raises(LandingError, match="line 1: not valid UTF-8"):
        read_csv_table(path)


@pytest.mark.parametrize("chunk_bytes", [1, 2, 3, 7, 1 << 20])
def test_a_file_is_checked_a_chunk_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_bytes: int
) -> None:
    """Characters cut between two chunks are read whole; a bad byte, or a character cut by the
    end of the file, is named by its place in the file."""
    monkeypatch.setattr(landing, "_CHUNK_BYTES", chunk_bytes)
    good = ("\ufeff" + HEADER + "5,Déjà vu,€\n").encode()
    table = read_csv_table(write(tmp_path / "good.csv", good))
    assert table.records == [["5", "Déjà vu", "€"]]
    assert table.sha256 == hashlib.sha256(good).hexdigest()

    bad = good + b"6,caf\xe9,x\n"
    bad_byte = bad.index(b"\xe9")
    with pytest.raises(LandingError) as error:
        read_csv_table(write(tmp_path / "bad.csv", bad))
    assert error.value.line == 3
    assert f"not valid UTF-8 at byte {bad_byte};" in str(error.value)

    cut = good[: good.index("€".encode()) + 2]
    with pytest.raises(LandingError) as error:
        read_csv_table(write(tmp_path / "cut.csv", cut))
    assert error.value.line == 2
    assert f"not valid UTF-8 at byte {len(cut) - 2};" in str(error.value)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", "\n")
    with pytest.raises(LandingError, match="the file is empty"):
        read_csv_table(path)


def test_reference_file_must_have_the_expected_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "respondents_reference.csv", "response_id,category\n5,Commune\n")
    with pytest.raises(LandingError, match="missing: \\['structure_name'"):
        read_reference_table(path)


def test_discovers_one_export_and_its_reference_per_wave(tmp_path: Path) -> None:
    export = write(tmp_path / "survey/2023/results.csv", HEADER)
    reference = write(tmp_path / "survey/2023/respondents_reference.csv", "x\n")
    write(tmp_path / "survey/2022/results-2022.csv", HEADER)
    waves = discover_survey_waves(tmp_path)
    assert [(w.wave, w.export, w.reference) for w in waves] == [
        (2022, tmp_path / "survey/2022/results-2022.csv", None),
        (2023, export, reference),
    ]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            ["survey/2023/a.csv", "survey/2023/b.csv"],
            "several exports for one wave \\(a.csv, b.csv\\)",
        ),
        (["survey/2023/respondents_reference.csv"], "no LimeSurvey export"),
        (["survey/latest/a.csv"], "named after its year"),
        ([], "expected a 'survey' folder"),
    ],
)
def test_ambiguous_landing_folders_are_refused(
    tmp_path: Path, files: list[str], message: str
) -> None:
    for name in files:
        write(tmp_path / name, HEADER)
    with pytest.raises(LandingError, match=message):
        discover_survey_waves(tmp_path)


def test_a_link_out_of_the_landing_folder_is_refused(tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere/export.csv", HEADER)
    (tmp_path / "landing/survey/2023").mkdir(parents=True)
    os.symlink(outside, tmp_path / "landing/survey/2023/export.csv")
    with pytest.raises(LandingError, match="resolves outside the landing folder"):
        discover_survey_waves(tmp_path / "landing")
