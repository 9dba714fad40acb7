"""A wave's LimeSurvey export as a questionnaire: its columns grouped into questions (stem,
items, answers seen in the cells), read strictly by barometre/ingest/landing.py.

The export alone does not say a question's type: it is told from its columns and cells
(`ExportQuestion.kind`), the way a person reading the export would.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from barometre.codebook import not_shown_label, ticked_label
from barometre.ingest.landing import read_survey_export
from barometre.waves.headers import (
    TIMING,
    UPLOAD_COUNT,
    Header,
    headers_carry_codes,
    normalise_whitespace,
    parse_headers,
)

TICK_SCALE = (ticked_label(), "Non")  # a multi-select item's cells: ticked or not
NOT_SHOWN = not_shown_label()  # a cell hidden by the questionnaire's logic
# the codebook's question types, by what their columns hold
SCALE_TYPES = frozenset({"single_choice", "array", "ranking"})  # one answer of a scale a cell
ITEM_TYPES = frozenset({"multi_select", "array", "ranking"})  # one column per item
_RANKING_POSITION = re.compile(r"Classement \d+")
# a single-choice column shows a few labels, each given by several respondents; free text
# shows many distinct values
MAX_SCALE_LABELS = 15
MIN_ANSWERS_PER_LABEL = 2


@dataclass
class ExportColumn:
    """One column of a question: its header and the cells' normalised values."""

    header: Header
    values: Counter[str] = field(default_factory=Counter)  # answered cells
    not_shown: int = 0

    @property
    def is_tick_item(self) -> bool:
        """A multi-select item: ticked or not where shown (an "other" item holding the
        respondent's words has other values, and no not-shown mark where hidden)."""
        return set(self.values) <= set(TICK_SCALE) and bool(self.values or self.not_shown)


@dataclass
class ExportQuestion:
    """One question of the export: its columns in export order."""

    order: int  # 1-based position among the export's questions
    columns: list[ExportColumn]
    has_upload_count: bool = False

    @property
    def first(self) -> Header:
        return self.columns[0].header

    @property
    def text(self) -> str:
        return self.first.question_text

    @property
    def items(self) -> list[ExportColumn]:
        return [c for c in self.columns if c.header.item_label is not None]

    @property
    def answers(self) -> Counter[str]:
        """Every answered value of the question's cells (items' included)."""
        total: Counter[str] = Counter()
        for column in self.columns:
            total.update(column.values)
        return total

    @property
    def kind(self) -> str:
        """The question type the export shows: upload, ranking, multi_select, array,
        single_choice or free_text (metadata and personal data are told by the codebook)."""
        items = self.items
        if self.has_upload_count:
            return "upload"
        if items and all(_RANKING_POSITION.fullmatch(c.header.item_label or "") for c in items):
            return "ranking"
        if items:
            ticks = sum(c.is_tick_item for c in items)
            return "multi_select" if ticks * 2 >= len(items) else "array"
        values = self.answers
        few_labels = 0 < len(values) <= MAX_SCALE_LABELS
        if few_labels and sum(values.values()) >= MIN_ANSWERS_PER_LABEL * len(values):
            return "single_choice"
        return "free_text"

    def scale(self) -> list[str]:
        """The answer labels seen, most given first: a single choice's or an array's scale,
        or the items a ranking ranks."""
        return [label for label, _ in self.answers.most_common()]


@dataclass(frozen=True)
class ExportQuestionnaire:
    coded: bool  # headers carry LimeSurvey codes
    questions: list[ExportQuestion]


def read_export_questionnaire(path: Path, coded: bool | None = None) -> ExportQuestionnaire:
    """Read an export strictly and group its columns into questions (LimeSurvey's timing and
    upload-count columns are not questions; an upload-count column marks its question).
    `coded`: whether headers carry LimeSurvey codes (None: as the export's first header says)."""
    stream = read_survey_export(path)
    if coded is None:
        coded = headers_carry_codes(stream.header)
    headers = parse_headers(stream.header, coded)
    columns = [ExportColumn(h) for h in headers]
    for record in stream.records:
        for column, cell in zip(columns, record, strict=True):
            value = normalise_whitespace(cell)
            if value == NOT_SHOWN:
                column.not_shown += 1
            elif value:
                column.values[value] += 1
    questions: dict[str, ExportQuestion] = {}
    upload_counted = set()
    for column in columns:
        header = column.header
        if header.limesurvey_kind == UPLOAD_COUNT:
            upload_counted.add(header.question_text)
        elif header.limesurvey_kind != TIMING:
            question = questions.setdefault(header.key, ExportQuestion(len(questions) + 1, []))
            question.columns.append(column)
    for question in questions.values():
        question.has_upload_count = question.text in upload_counted
    return ExportQuestionnaire(coded, list(questions.values()))
