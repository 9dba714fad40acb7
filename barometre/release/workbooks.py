"""Excel workbooks of a release (`<release>/open_data/xlsx/<theme>.xlsx`), one per theme of the
authorities' survey, for spreadsheet users: a "Lisez-moi" sheet (source, method, bases,
rounding, release, licence, synthetic warning), one sheet per question laid out as the
Observatoire's tables (answers × groups, counts and percentages, bases on the last row, one block
per wave with its wording), and a long "Données" sheet for pivot tables."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from barometre.codebook import no_answer_label, publication, small_base, theme_labels
from barometre.database import connect
from barometre.french import moment
from barometre.ingest.landing import ORIGIN_NOTES_FR
from barometre.sources import survey_source

XLSX_FOLDER = "xlsx"
README_SHEET = "Lisez-moi"
LONG_SHEET = "Données"
BASE_ROW = "Base (effectif du groupe)"
ITEM, ANSWER, COUNT, PERCENT = "Item", "Réponse", "Effectif", "%"
# cell formats, by name (each workbook registers its own)
FORMATS = {
    "bold": {"bold": True},
    "header": {"bold": True, "bg_color": "#DDE4EE", "text_wrap": True, "valign": "top"},
    "wrap": {"text_wrap": True, "valign": "top"},
    "bold_wrap": {"bold": True, "text_wrap": True, "valign": "top"},
    "heading": {"bold": True, "bg_color": "#DDE4EE"},
}
# text is written as text: an answer typed "=..." or "http..." is no formula and no link
OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
Row = dict[str, Any]


def workbook_name(theme: str) -> str:
    """The file of a theme: its French label without accents, e.g. "droit-et-gouvernance.xlsx"."""
    plain = unicodedata.normalize("NFKD", theme_labels().get(theme, theme))
    plain = plain.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") + ".xlsx"


def write_workbooks(
    database: Path, folder: Path, release: Mapping[str, Any], titles: Mapping[str, str]
) -> list[Path]:
    """One workbook per theme of marts.survey_results; `titles` are the French titles of its
    columns, the long sheet's headers."""
    with connect(database, read_only=True) as connection:
        cursor = connection.execute(
            "select * from marts.survey_results "
            "order by question_order, question_id, wave desc, item_order, answer_order, group_order"
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    themes: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        themes[row["theme"]].append(row)
    folder.mkdir(parents=True)
    written = []
    for theme, theme_rows in themes.items():
        path = folder / workbook_name(theme)
        _write_workbook(path, theme, theme_rows, names, release, titles)
        written.append(path)
    return written


class _Rows:
    """A worksheet written row after row (XlsxWriter writes cells by position): `append` writes
    the next row, in a named format, its first cell in another if given."""

    def __init__(self, sheet: Worksheet, formats: Mapping[str, Format]) -> None:
        self.sheet, self.formats = sheet, formats
        self.next_row, self.width = 0, 0

    def append(
        self, values: Sequence[Any] = (), style: str | None = None, first: str | None = None
    ) -> int:
        row = self.next_row
        for column, value in enumerate(values):
            name = first if column == 0 and first else style
            self.sheet.write(row, column, value, self.formats[name] if name else None)
        self.next_row, self.width = row + 1, max(self.width, len(values))
        return row


def _write_workbook(
    path: Path,
    theme: str,
    rows: list[Row],
    names: list[str],
    release: Mapping[str, Any],
    titles: Mapping[str, str],
) -> None:
    with Workbook(str(path), OPTIONS) as book:
        formats = {name: book.add_format(properties) for name, properties in FORMATS.items()}
        readme = book.add_worksheet(README_SHEET)
        questions: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            questions[row["question_id"]].append(row)
        sheets = []
        for number, (question_id, question_rows) in enumerate(questions.items(), start=1):
            name = f"Q{number}"
            _question_sheet(_Rows(book.add_worksheet(name), formats), question_rows)
            sheets.append((name, question_id, question_rows))
        _long_sheet(_Rows(book.add_worksheet(LONG_SHEET), formats), rows, names, titles)
        _readme(_Rows(readme, formats), theme, rows, sheets, release)


def _readme(
    sheet: _Rows,
    theme: str,
    rows: list[Row],
    sheets: list[tuple[str, str, list[Row]]],
    release: Mapping[str, Any],
) -> None:
    facts = publication()
    waves = sorted({row["wave"] for row in rows})
    note = ORIGIN_NOTES_FR.get(release["origin"])
    lines = [
        ("Baromètre de l'Observatoire Data Publica", ""),
        ("Thème", theme_labels().get(theme, theme)),
        ("Source", survey_source(waves)),
        (
            "Méthode",
            "Questionnaire en ligne (LimeSurvey) auprès des collectivités et structures publiques "
            "locales. Sont retenues les réponses complètes ; une seule réponse par structure "
            "(celle qui a le moins de cellules vides).",
        ),
        (
            "Bases",
            "Les pourcentages portent sur tous les répondants du groupe, « "
            f"{no_answer_label()} » compris (la base de l'Observatoire). La dernière ligne de "
            f"chaque tableau donne l'effectif du groupe ; sous {small_base()} répondants, un "
            "chiffre est à lire avec prudence.",
        ),
        (
            "Arrondi",
            "Pourcentages arrondis à l'entier, à égalité vers le pair, comme les chiffres publiés "
            f"(valeurs non arrondies : feuille « {LONG_SHEET} »). Plusieurs réponses possibles : "
            "le total peut dépasser 100.",
        ),
        ("Publication", release["release_id"]),
        ("Publiée le", moment(datetime.fromisoformat(release["published_at"]))),
        ("Licence", f"{facts['licence_title']} ({facts['licence_path']})"),
        ("Données ouvertes", "Les tables complètes en CSV : dossier open_data (datapackage.json)."),
    ]
    if note:
        lines.insert(1, ("Avertissement", note))
    for line in lines:
        sheet.append(line, "wrap", first="bold_wrap")
    sheet.append()
    sheet.append(["Feuille", "Question (dernière vague)", "Vagues"], "wrap", first="bold_wrap")
    for name, _, question_rows in sheets:
        question_waves = ", ".join(sorted({str(r["wave"]) for r in question_rows}))
        _link(sheet, name, [question_rows[0]["question_text"], question_waves])
    _link(
        sheet, LONG_SHEET, ["Toutes les lignes du thème, une par ligne, pour les tableaux croisés"]
    )
    sheet.sheet.set_column(0, 0, 22)
    sheet.sheet.set_column(1, 1, 100)
    sheet.sheet.set_column(2, 2, 18)


def _link(sheet: _Rows, target: str, values: list[str]) -> None:
    """A row of the readme whose first cell opens the sheet `target`."""
    row = sheet.append(["", *values], "wrap")
    sheet.sheet.write_url(
        row, 0, f"internal:'{target}'!A1", sheet.formats["bold_wrap"], string=target
    )


def _question_sheet(sheet: _Rows, rows: list[Row]) -> None:
    """One block per wave, latest first: its wording, answers × groups (count, %), bases."""
    by_wave: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_wave[row["wave"]].append(row)
    for wave, wave_rows in by_wave.items():
        groups = list(dict.fromkeys(r["group_label"] for r in sorted(wave_rows, key=_group_order)))
        sheet.append([f"Vague {wave}", f"« {wave_rows[0]['question_text']} »"], first="bold")
        top = sheet.append([ITEM, ANSWER], "header")
        for position, group in enumerate(groups):
            column = 2 + 2 * position
            sheet.sheet.merge_range(top, column, top, column + 1, group, sheet.formats["header"])
        sheet.append(["", "", *[h for _ in groups for h in (COUNT, PERCENT)]], "header")
        cells: dict[tuple[str, str], dict[str, Row]] = defaultdict(dict)
        for row in wave_rows:
            cells[(row["item_label"] or "", row["answer_label"])][row["group_label"]] = row
        for (item, answer), by_group in cells.items():
            values: list[Any] = [item, answer]
            for group in groups:
                row = by_group.get(group)
                values += [row["n"], row["pct_rounded"]] if row else [None, None]
            sheet.append(values)
        sizes = {r["group_label"]: r["n_group"] for r in wave_rows}
        base = sheet.append(["", BASE_ROW, *[v for group in groups for v in (sizes[group], None)]])
        sheet.sheet.write(base, 1, BASE_ROW, sheet.formats["bold"])
        sheet.append()
    sheet.sheet.set_column(0, 1, 40)
    sheet.sheet.set_column(2, max(sheet.width, 3) - 1, 11)
    sheet.sheet.freeze_panes(0, 2)


def _long_sheet(sheet: _Rows, rows: list[Row], names: list[str], titles: Mapping[str, str]) -> None:
    sheet.append([titles.get(name, name) for name in names], "heading")
    for row in rows:
        sheet.append([row[name] for name in names])
    sheet.sheet.freeze_panes(1, 0)
    sheet.sheet.autofilter(0, 0, sheet.next_row - 1, len(names) - 1)


def _group_order(row: Row) -> tuple[int, str]:
    return row.get("group_order") or 0, row["group_label"]
