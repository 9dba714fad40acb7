"""LimeSurvey export headers read the way the staging model reads them
(dbt_project/models/staging/limesurvey/stg_limesurvey__columns.sql), without dbt: whitespace
normalised, the 2022 "CODE[SUB]. " prefix taken off, then split into question stem and
bracketed item. tests/test_wave_headers.py compares this parse with the model's, header by
header. Only what LimeSurvey adds itself (timing and upload-count columns) is classified here;
questions are classified by the codebook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from barometre.text import normalise_whitespace, trim

_CODE_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9]*)(\[([^\]]*)\])?\. ")
_ITEM = re.compile(r"\[([^\[\]]*)\]\Z")
_STEM_BEFORE_ITEM = re.compile(r"^(.*?)[\t\n\f\r ]*\[[^\[\]]*\]\Z")
UPLOAD_COUNT_PREFIX = "filecount - "
# what LimeSurvey adds to an export beside the questions (no codebook row)
UPLOAD_COUNT, TIMING = "upload_count", "timing"


@dataclass(frozen=True)
class Header:
    """One export column's header, parsed."""

    position: int  # 1-based, as column_position
    raw: str
    header: str  # whitespace-normalised
    question_code: str | None  # "G2Q00005" in "G2Q00005[SQ001]. …" (coded waves only)
    subquestion_code: str | None  # "SQ001" there
    question_text: str  # the stem: no code, "[item]" suffix nor "filecount - " prefix
    item_label: str | None  # array row, multi-select item or "Classement k"
    limesurvey_kind: str | None  # upload_count, timing, or None for a question's column

    @property
    def key(self) -> str:
        """What the question crosswalk knows this column's question by: its code when the
        export carries codes, else its stem."""
        return self.question_code if self.question_code is not None else self.question_text


def parse_header(position: int, raw: str, coded: bool) -> Header:
    """Parse one header; `coded` when the wave's headers carry LimeSurvey codes (2022)."""
    header = normalise_whitespace(raw)
    code_match = _CODE_PREFIX.match(header) if coded else None
    text = header[code_match.end() :] if code_match else header
    if text.startswith(UPLOAD_COUNT_PREFIX):
        kind: str | None = UPLOAD_COUNT
        text_without_prefix = trim(text[len(UPLOAD_COUNT_PREFIX) :])
    else:
        kind = TIMING if text == "Temps total :" or text.startswith("Durée pour ") else None
        text_without_prefix = text
    item_match = _ITEM.search(text)
    item_label = trim(item_match.group(1)) if item_match else None
    if item_label:
        stem_match = _STEM_BEFORE_ITEM.match(text_without_prefix)
        stem = trim(stem_match.group(1)) if stem_match else ""
    else:
        item_label, stem = None, text_without_prefix
    return Header(
        position=position,
        raw=raw,
        header=header,
        question_code=code_match.group(1) if code_match else None,
        subquestion_code=code_match.group(3) if code_match else None,
        question_text=stem,
        item_label=item_label,
        limesurvey_kind=kind,
    )


def parse_headers(raw_headers: list[str], coded: bool) -> list[Header]:
    return [parse_header(i, raw, coded) for i, raw in enumerate(raw_headers, start=1)]


def headers_carry_codes(raw_headers: list[str]) -> bool:
    """Whether an export was written with "question code. text" headers: its response id
    column is then headed "id. ID de la réponse" (barometre/ingest/landing.py)."""
    return bool(raw_headers) and normalise_whitespace(raw_headers[0]).casefold().startswith("id. ")
