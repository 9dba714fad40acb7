"""The landing folder: finding each wave's files and reading them strictly.

Layout: ``<landing>/survey/<wave>/`` holds one LimeSurvey export (CSV, "full question text"
headers) and, optionally, ``respondents_reference.csv``. The landing folder is only read.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from barometre.config import SYNTHETIC_MARKER
from barometre.errors import BarometreError, LandingError
from barometre.text import normalise_whitespace

REFERENCE_FILE_NAME = "respondents_reference.csv"
# separators a spreadsheet or another export setting may have used instead of commas
OTHER_SEPARATORS = {";": "semicolon", "\t": "tab", "|": "pipe"}
# how much of a file tells its separator: the header and the first records
_SNIFFED_ROWS = 6
_SNIFFED_CHARACTERS = 1 << 20
# how much of a file is checked at a time (UTF-8, hash)
_CHUNK_BYTES = 1 << 20
# the first column of an export, by LimeSurvey's header settings (compared case-folded)
RESPONSE_ID_HEADERS = ("id de la réponse", "response id", "id")
# response ids are integers in the warehouse (stg_limesurvey__responses)
MAX_RESPONSE_ID = 2**31 - 1
REFERENCE_COLUMNS = (
    "response_id",
    "structure_name",
    "normalised_name",
    "siren",
    "cog",
    "population",
    "category",
)


# Where a landing's data come from: the Observatoire's exports, or data made up by a generator
# (the bundled sample), which the landing declares with a marker file at its root.
OBSERVED, SYNTHETIC = "observed", "synthetic"
# What every release of each origin says of its data (meta.release.data_note, the report)
ORIGIN_NOTES = {
    SYNTHETIC: "SYNTHETIC sample data (fictive authorities, made-up answers), "
    "not the Observatoire's figures"
}
# the same, for the report's and the open-data package's French readers
ORIGIN_NOTES_FR = {
    SYNTHETIC: "Données SYNTHÉTIQUES (collectivités fictives, réponses inventées) : ce ne sont "
    "pas les chiffres de l'Observatoire"
}


def landing_origin(landing: Path) -> str:
    """synthetic when the landing holds the generator's marker, else observed."""
    return SYNTHETIC if (landing / SYNTHETIC_MARKER).is_file() else OBSERVED


def single_origin(origins: set[str], where: str) -> str:
    """The one origin of a set of inputs: a release never mixes observed and synthetic data."""
    if len(origins) > 1:
        raise BarometreError(
            f"{where} mixes {' and '.join(sorted(origins))} data: a release never mixes them"
        )
    return next(iter(origins), OBSERVED)


@dataclass(frozen=True)
class SurveyWaveFiles:
    """The files that make up one survey wave in the landing folder."""

    wave: int
    export: Path
    reference: Path | None


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read as text: header, records of the same width, and the file's hash."""

    path: Path
    header: list[str]
    records: list[list[str]]
    sha256: str


@dataclass(frozen=True)
class CsvStream:
    """A CSV file checked up to its header; each record is read and checked when iterated
    (a malformed one raises LandingError then), so a large export is never all in memory."""

    path: Path
    header: list[str]
    records: Iterator[list[str]]
    sha256: str


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read in chunks: a file of gigabytes is never held whole."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def wave_folder_years(landing: Path) -> list[int]:
    """The years of the landing's survey/<year>/ folders, unchecked (the raw load checks them)."""
    survey_dir = landing / "survey"
    if not survey_dir.is_dir():
        return []
    return sorted(int(p.name) for p in survey_dir.iterdir() if p.is_dir() and p.name.isdigit())


def discover_survey_waves(landing: Path) -> list[SurveyWaveFiles]:
    """List each wave's export and reference file, refusing ambiguous or misplaced files."""
    landing = landing.resolve()
    survey_dir = landing / "survey"
    if not landing.is_dir():
        raise LandingError(landing, "landing folder not found")
    if not survey_dir.is_dir():
        raise LandingError(survey_dir, "expected a 'survey' folder holding one folder per wave")
    waves = [
        _wave_files(landing, wave_dir)
        for wave_dir in sorted(survey_dir.iterdir())
        if wave_dir.is_dir()
    ]
    if not waves:
        raise LandingError(survey_dir, "no wave folder found (expected e.g. survey/2023/)")
    return waves


def _wave_files(landing: Path, wave_dir: Path) -> SurveyWaveFiles:
    if not re.fullmatch(r"\d{4}", wave_dir.name):
        raise LandingError(wave_dir, "a wave folder is named after its year, e.g. survey/2023")
    exports = sorted(p for p in wave_dir.glob("*.csv") if p.name != REFERENCE_FILE_NAME)
    if not exports:
        raise LandingError(wave_dir, "no LimeSurvey export (*.csv) in this wave folder")
    if len(exports) > 1:
        names = ", ".join(p.name for p in exports)
        raise LandingError(wave_dir, f"several exports for one wave ({names}); keep exactly one")
    reference = wave_dir / REFERENCE_FILE_NAME
    files = [exports[0], reference] if reference.exists() else [exports[0]]
    for path in files:
        # a link may point anywhere: only files inside the landing folder are trusted
        if not path.resolve().is_relative_to(landing):
            raise LandingError(path, f"resolves outside the landing folder {landing}")
    return SurveyWaveFiles(
        wave=int(wave_dir.name),
        export=exports[0],
        reference=reference if reference.exists() else None,
    )


def read_csv_table(path: Path) -> CsvTable:
    """Read a comma-separated UTF-8 file; every record must have the header's width."""
    stream = open_csv(path)
    return CsvTable(path, stream.header, list(stream.records), stream.sha256)


def open_csv(path: Path) -> CsvStream:
    """Open a comma-separated UTF-8 file for reading its records one at a time."""
    header, rows, sha256 = _open_numbered(path)
    return CsvStream(path, header, (record for _, record in rows), sha256)


def _open_numbered(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]], str]:
    """The header, each record with the line it starts on (read when iterated), the hash. The
    file is checked and hashed a chunk at a time, then read as a stream of lines: an export is
    never held whole (held as bytes, text and the reader's copy, the 137 MB export of the
    benchmark's 100x landing took 946 MiB beside DuckDB's own memory during the raw load)."""
    sha256 = _hash_checking_utf8(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        head = handle.read(_SNIFFED_CHARACTERS)
        whole = not handle.read(1)
    _check_comma_separated(path, head, whole)
    rows = _read_rows(path, csv.reader(_lines(path), strict=True))
    _, header = next(rows, (1, []))
    return header, _same_width(path, header, rows), sha256


def _hash_checking_utf8(path: Path) -> str:
    """The file's SHA-256, read a chunk at a time, refusing a blank file and one that is not
    UTF-8 (a byte-order mark is tolerated: it is UTF-8, and the reader drops it)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    blank, offset, lines = True, 0, 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(_CHUNK_BYTES)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                # the decoder puts the bytes of a character cut by the previous chunk first
                start = offset - (len(error.object) - len(chunk)) + error.start
                line = lines + chunk[: max(start - offset, 0)].count(b"\n") + 1
                raise LandingError(
                    path, f"not valid UTF-8 at byte {start}; export the file as UTF-8", line
                ) from error
            if not chunk:
                break
            digest.update(chunk)
            blank = blank and not chunk.strip()
            offset, lines = offset + len(chunk), lines + chunk.count(b"\n")
    if blank:
        raise LandingError(path, "the file is empty; expected a header row and records")
    return digest.hexdigest()


def _lines(path: Path) -> Iterator[str]:
    """The file's lines as the CSV reader wants them (newlines kept as they are)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from handle


def _check_comma_separated(path: Path, head: str, whole: bool) -> None:
    """Refuse a file whose separator is not the comma, from its `head` (the whole file, or its
    start). A question text may hold commas, so a semicolon-separated header splits on commas
    too: the separator is the one that splits the header and the first records into the same
    number of fields, more than one (the widest if several do, the comma on a tie; if none
    does, the one giving the widest header: a malformed record is then reported as such)."""
    widths = {}
    for separator in (",", *OTHER_SEPARATORS):
        rows = csv.reader(io.StringIO(head, newline=""), delimiter=separator)
        sniffed = [len(row) for row in islice(rows, _SNIFFED_ROWS) if row]
        # the last row read from a cut head may itself be cut
        widths[separator] = sniffed if whole else sniffed[:-1]
    consistent = [sep for sep, found in widths.items() if len(set(found)) == 1 and found[0] > 1]
    separator = max(consistent or widths, key=lambda s: widths[s][0] if widths[s] else 0)
    if separator != ",":
        raise LandingError(
            path,
            f"{OTHER_SEPARATORS[separator]}-separated; expected comma-separated values "
            "(export again with ',' as separator)",
            1,
        )


def _read_rows(path: Path, reader: csv.Reader) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank row with the line it starts on (the header first)."""
    start_line = 1
    try:
        for row in reader:
            if row:  # a blank line is not a record
                yield start_line, row
            start_line = reader.line_num + 1
    except csv.Error as error:
        raise LandingError(
            path,
            f"malformed CSV record starting on this line ({error}): "
            "truncated file or unclosed quote",
            start_line,
        ) from error


def _same_width(
    path: Path, header: list[str], rows: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, list[str]]]:
    for line, record in rows:
        if len(record) != len(header):
            raise LandingError(
                path,
                f"{len(record)} fields where the header has {len(header)}: "
                "truncated or malformed record",
                line,
            )
        yield line, record


def read_survey_export(path: Path) -> CsvStream:
    """Open a LimeSurvey export: the response id first, then one column per question; two
    columns whose headers normalise alike are refused, as they would be counted as one
    question. Its records are read as they are loaded, each with a distinct response id."""
    header, rows, sha256 = _open_numbered(path)
    if not _is_response_id_header(header[0]):
        raise LandingError(
            path,
            f"not a LimeSurvey export: its first column is {header[0]!r}; expected the "
            "response id first ('ID de la réponse', or 'id. ID de la réponse' with question "
            "codes)",
            1,
        )
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        key = normalise_whitespace(name)  # as staging will, no-break spaces included
        if key in seen:
            raise LandingError(
                path,
                f"columns {seen[key]} and {position} have the same header {key!r}",
                1,
            )
        seen[key] = position
    return CsvStream(path, header, _distinct_responses(path, header[0], rows), sha256)


def _is_response_id_header(header: str) -> bool:
    """LimeSurvey's response id column, as headed by each of its export settings: the text
    ("ID de la réponse", "Response ID"), the code ("id") or both ("id. ID de la réponse")."""
    text = normalise_whitespace(header).casefold()
    code, _, label = text.partition(". ")
    return text in RESPONSE_ID_HEADERS or (code == "id" and label in RESPONSE_ID_HEADERS)


def _distinct_responses(
    path: Path, id_header: str, rows: Iterator[tuple[int, list[str]]]
) -> Iterator[list[str]]:
    """The records, each with a whole-number response id that no record before had (the
    warehouse keys responses by it); an export of no record at all is refused."""
    first_lines: dict[int, int] = {}
    column = f"column 1 ({normalise_whitespace(id_header)})"
    for line, record in rows:
        value = record[0].strip()
        if not value.isascii() or not value.isdigit() or int(value) > MAX_RESPONSE_ID:
            raise LandingError(
                path,
                f"{column}: response id {record[0]!r} is not a whole number "
                f"(from 0 to {MAX_RESPONSE_ID})",
                line,
            )
        first = first_lines.setdefault(int(value), line)
        if first != line:
            raise LandingError(
                path,
                f"{column}: response id {value} was already the id of the record on line "
                f"{first}; each response has its own id",
                line,
            )
        yield record
    if not first_lines:
        raise LandingError(
            path, "no response record after the header; expected one record per response"
        )


def read_reference_table(path: Path) -> CsvTable:
    """Read respondents_reference.csv and check it has exactly the expected columns."""
    table = read_csv_table(path)
    header = tuple(name.strip() for name in table.header)
    if header != REFERENCE_COLUMNS:
        missing = [name for name in REFERENCE_COLUMNS if name not in header]
        unexpected = [name for name in header if name not in REFERENCE_COLUMNS]
        raise LandingError(
            path,
            f"expected the columns {', '.join(REFERENCE_COLUMNS)}; "
            f"missing: {missing or 'none'}, unexpected: {unexpected or 'none'}",
            1,
        )
    return table
