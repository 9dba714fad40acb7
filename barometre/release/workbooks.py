"""Excel workbooks of a release (`<release>/open_data/xlsx/<theme>.xlsx`), one per theme of the
authorities' survey, for spreadsheet users: a "Lisez-moi" sheet (source, method, bases,
rounding, release, licence, synthetic warning), one sheet per question laid out as the
Observatoire's tables (answers × groups, counts and percentages, bases on the last row, one block
per wave with its wording), and a long "Données" sheet for pivot tables."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")
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
        _workbook(theme, theme_rows, names, release, titles).save(path)
        written.append(path)
    return written


def _workbook(
    theme: str,
    rows: list[Row],
    names: list[str],
    release: Mapping[str, Any],
    titles: Mapping[str, str],
) -> Workbook:
    book = Workbook()
    readme = book.active
    readme.title = README_SHEET
    questions: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        questions[row["question_id"]].append(row)
    sheets = []
    for number, (question_id, question_rows) in enumerate(questions.items(), start=1):
        sheet = book.create_sheet(f"Q{number}")
        _question_sheet(sheet, question_rows)
        sheets.append((sheet.title, question_id, question_rows))
    _long_sheet(book.create_sheet(LONG_SHEET), rows, names, titles)
    _readme(readme, theme, rows, sheets, release)
    return book


def _readme(
    sheet: Worksheet,
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
    for label, value in lines:
        sheet.append([label, value])
    sheet.append([])
    sheet.append(["Feuille", "Question (dernière vague)", "Vagues"])
    for name, _, question_rows in sheets:
        latest = question_rows[0]
        sheet.append(
            [
                name,
                latest["question_text"],
                ", ".join(sorted({str(r["wave"]) for r in question_rows})),
            ]
        )
        sheet.cell(sheet.max_row, 1).hyperlink = f"#'{name}'!A1"
    sheet.append(
        [LONG_SHEET, "Toutes les lignes du thème, une par ligne, pour les tableaux croisés"]
    )
    sheet.cell(sheet.max_row, 1).hyperlink = f"#'{LONG_SHEET}'!A1"
    for row in sheet.iter_rows():
        row[0].font = BOLD
        for cell in row:
            cell.alignment = WRAP
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100
    sheet.column_dimensions["C"].width = 18


def _question_sheet(sheet: Worksheet, rows: list[Row]) -> None:
    """One block per wave, latest first: its wording, answers × groups (count, %), bases."""
    by_wave: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_wave[row["wave"]].append(row)
    for wave, wave_rows in by_wave.items():
        groups = list(dict.fromkeys(r["group_label"] for r in sorted(wave_rows, key=_group_order)))
        sheet.append([f"Vague {wave}", f"« {wave_rows[0]['question_text']} »"])
        sheet.cell(sheet.max_row, 1).font = BOLD
        sheet.append([ITEM, ANSWER, *[g for group in groups for g in (group, "")]])
        top = sheet.max_row
        for position in range(len(groups)):
            sheet.merge_cells(
                start_row=top,
                end_row=top,
                start_column=3 + 2 * position,
                end_column=4 + 2 * position,
            )
        sheet.append(["", "", *[h for _ in groups for h in (COUNT, PERCENT)]])
        for cell in (*sheet[top], *sheet[top + 1]):
            cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
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
        sheet.append(["", BASE_ROW, *[v for group in groups for v in (sizes[group], None)]])
        sheet.cell(sheet.max_row, 2).font = BOLD
        sheet.append([])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 40
    for column in range(3, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    sheet.freeze_panes = "C1"


def _long_sheet(
    sheet: Worksheet, rows: list[Row], names: list[str], titles: Mapping[str, str]
) -> None:
    sheet.append([titles.get(name, name) for name in names])
    for cell in sheet[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for row in rows:
        sheet.append([row[name] for name in names])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _group_order(row: Row) -> tuple[int, str]:
    return row.get("group_order") or 0, row["group_label"]
