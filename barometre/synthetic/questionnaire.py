"""The questionnaire of a SYNTHETIC wave laid out as a LimeSurvey export: its questions, items
and answers from the codebook seeds, its pages and its headers ("full question text", or with
LimeSurvey codes for waves whose exports carry them, as 2022's), timing columns included."""

from __future__ import annotations

from dataclasses import dataclass, field

from barometre.codebook import Item, Question, load_questions, theme_labels, wave_rows

ITEM_SEPARATORS = (" ", "  ", "    ")
NBSP = "\u00a0"
THEME_LABELS = theme_labels()  # the export's page titles


@dataclass
class Survey:
    """The questionnaire laid out as export columns."""

    questions: list[Question]
    pages: list[list[Question]]
    completeness_id: str
    headers: list[str] = field(default_factory=list)
    first_column: dict[str, int] = field(default_factory=dict)
    page_index: dict[str, int] = field(default_factory=dict)

    def page_of(self, question_id: str) -> int:
        return self.page_index.get(question_id, 0)  # 0 = metadata, on no page

    def span(self, question_id: str) -> range:
        start = self.first_column[question_id]
        question = next(q for q in self.questions if q.question_id == question_id)
        return range(start, start + column_count(question))


def load_completeness_question_id(wave: str) -> str:
    return wave_rows("survey_waves", wave)[0]["completeness_question_id"]


def column_count(question: Question) -> int:
    if question.items:
        return len(question.items)
    return 2 if question.qtype == "upload" else 1


def split_pages(questions: list[Question]) -> list[list[Question]]:
    """One page per run of consecutive questions sharing a theme (metadata is on no page)."""
    pages: list[list[Question]] = []
    for question in questions:
        if question.qtype == "metadata":
            continue
        if pages and pages[-1][-1].theme == question.theme:
            pages[-1].append(question)
        else:
            pages.append([question])
    return pages


def _stem(question: Question) -> str:
    # A no-break space before the final "?" on a few questions, as in the real export.
    if question.order % 11 == 5 and question.text.endswith(" ?"):
        return question.text[:-2] + NBSP + "?"
    return question.text


def question_headers(question: Question) -> list[str]:
    """The export's headers: "<stem> [<item>]", or with codes "<code>[<sub>]. <stem> [<item>]"."""
    stem = _stem(question)
    if question.items:
        separator = ITEM_SEPARATORS[question.order % 3]
        return [
            f"{_code_prefix(question, item)}{stem}{separator}[{item.label}]"
            for item in question.items
        ]
    # Trailing spaces on some headers, as in the real export (never on the untitled column).
    header = _code_prefix(question) + (stem + " " if stem and question.order % 7 == 0 else stem)
    return [header, f"filecount - {header}"] if question.qtype == "upload" else [header]


def _code_prefix(question: Question, item: Item | None = None) -> str:
    if not question.code:
        return ""
    return f"{question.code}[{item.subcode}]. " if item else f"{question.code}. "


def _page_name(index: int, page: list[Question]) -> str:
    # The real export has one untitled page: keep its timing header name empty too.
    if not any(q.text for q in page):
        return ""
    return f"Page {index:02d} (exemple) - {THEME_LABELS.get(page[0].theme, page[0].theme)}"


def timing_headers(pages: list[list[Question]], coded: bool = False) -> list[str]:
    # A coded export names timings too ("interviewtime. Temps total :").
    headers = [("interviewtime. " if coded else "") + "Temps total :"]
    for index, page in enumerate(pages, start=1):
        prefix = f"G{index}time. " if coded else ""
        headers.append(f"{prefix}Durée pour le groupe : {_page_name(index, page)}")
        headers.extend(
            f"{q.code + 'time. ' if coded else ''}Durée pour la question: Q{q.order:02d}"
            for q in page
        )
    return headers


def build_survey(wave: str) -> Survey:
    questions = load_questions(wave)
    survey = Survey(questions, split_pages(questions), load_completeness_question_id(wave))
    for index, page in enumerate(survey.pages, start=1):
        survey.page_index.update((q.question_id, index) for q in page)
    for question in questions:
        survey.first_column[question.question_id] = len(survey.headers)
        survey.headers.extend(question_headers(question))
    survey.headers.extend(timing_headers(survey.pages, coded=any(q.code for q in questions)))
    return survey
