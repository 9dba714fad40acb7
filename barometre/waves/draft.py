"""`barometre wave draft`: the crosswalk rows of a wave the codebook does not know, proposed by
pairing its export's questions, items and answers with earlier waves' (matching.py), graded
(grading.py), coded with the codebook's own codes where it has them (naming.py otherwise).
The draft is written beside the seeds, never into them (files.py, review.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from barometre.codebook import Question, Row, read_seed
from barometre.errors import BarometreError
from barometre.ingest.landing import discover_survey_waves
from barometre.waves.export import (
    ITEM_TYPES,
    SCALE_TYPES,
    TICK_SCALE,
    ExportQuestion,
    read_export_questionnaire,
)
from barometre.waves.grading import Comparison, Grade, grade, grade_new
from barometre.waves.history import History, codebook_waves, load_history
from barometre.waves.matching import QuestionMatch, match_questions
from barometre.waves.naming import code_from_label, id_from_wording
from barometre.waves.similarity import comparable, is_dont_know, match_labels

# question types the export cannot tell (a column of free text or a few values): the
# earlier version's type is kept
CODEBOOK_ONLY_TYPES = frozenset({"metadata", "personal"})


@dataclass(frozen=True)
class DraftItem:
    label: str
    code: str
    kind: str  # choice | free_text
    subquestion_code: str
    earlier_label: str | None

    def row(self, wave: int, question_id: str, order: int) -> Row:
        """Its survey_question_items row."""
        return {
            "wave": str(wave),
            "question_id": question_id,
            "item_order": str(order),
            "item_code": self.code,
            "item_label": self.label,
            "item_kind": self.kind,
            "subquestion_code": self.subquestion_code,
        }


@dataclass(frozen=True)
class DraftAnswer:
    label: str
    code: str
    harmonised_label: str
    earlier_label: str | None
    seen: bool  # False: an earlier answer nobody chose in the export, carried over

    def row(self, wave: int, question_id: str, order: int) -> Row:
        """Its answer_crosswalk row."""
        return {
            "wave": str(wave),
            "question_id": question_id,
            "answer_order": str(order),
            "answer_label": self.label,
            "answer_code": self.code,
            "harmonised_label": self.harmonised_label,
        }


@dataclass(frozen=True)
class DraftQuestion:
    match: QuestionMatch
    question_id: str
    question_type: str
    theme: str
    shown_if: str
    grade: Grade
    items: list[DraftItem]
    answers: list[DraftAnswer]

    @property
    def export(self) -> ExportQuestion:
        return self.match.new

    @property
    def earlier(self) -> Question | None:
        return self.match.earlier.question if self.match.earlier else None

    def row(self, wave: int) -> Row:
        """Its question_crosswalk row."""
        return {
            "wave": str(wave),
            "question_id": self.question_id,
            "question_order": str(self.export.order),
            "theme": self.theme,
            "question_type": self.question_type,
            "question_code": self.export.first.question_code or "",
            "question_text": self.export.text,
            "shown_if": self.shown_if,
            "comparability": self.grade.comparability,
            "comparability_note": self.grade.note,
        }


@dataclass
class Draft:
    wave: int
    export: Path
    earlier_waves: list[int]
    questions: list[DraftQuestion] = field(default_factory=list)
    has_reference_file: bool = False
    completeness_question_id: str = ""


def draft_wave(landing: Path, wave: int, seeds_dir: Path) -> Draft:
    """Draft a wave's crosswalk rows from its export in the landing and the codebook's
    earlier waves; refused for a wave the codebook already has rows for."""
    if wave in codebook_waves(seeds_dir):
        raise BarometreError(
            f"{seeds_dir / 'question_crosswalk.csv'} already has rows for wave {wave}: "
            "a draft is for a wave the codebook does not know (barometre wave check says "
            "what its rows lack)"
        )
    files = next((f for f in discover_survey_waves(landing) if f.wave == wave), None)
    if files is None:
        raise BarometreError(f"{landing / 'survey'}: no folder for wave {wave}")
    history = load_history(wave, seeds_dir)
    if not history.waves:
        raise BarometreError(f"{seeds_dir}: no wave before {wave} to draft from")
    questionnaire = read_export_questionnaire(files.export)
    draft = Draft(wave, files.export, history.waves, has_reference_file=files.reference is not None)
    taken_ids = set(history.question_ids)
    for match in match_questions(questionnaire.questions, history):
        question = _draft_question(match, wave, history, taken_ids)
        taken_ids.add(question.question_id)
        draft.questions.append(question)
    _fill_themes(draft.questions)
    _keep_known_filters(draft.questions)
    draft.completeness_question_id = _completeness_question(draft, seeds_dir)
    return draft


def _draft_question(
    match: QuestionMatch, wave: int, history: History, taken_ids: set[str]
) -> DraftQuestion:
    new, earlier = match.new, match.earlier
    kind = match.kind
    if earlier and earlier.question.qtype in CODEBOOK_ONLY_TYPES and not new.items:
        kind = earlier.question.qtype
    items = [c.header.item_label or "" for c in new.items] if kind in ITEM_TYPES else []
    scale = list(TICK_SCALE) if kind == "multi_select" else new.scale()
    scale = scale if kind in SCALE_TYPES | {"multi_select"} else []
    if earlier is None:
        question_id = id_from_wording(new.text, taken_ids)
        graded, old = grade_new(wave), None
    else:
        question_id, old = earlier.question_id, earlier.question
        comparison = Comparison.of(wave, new.text, kind, scale, items, old, earlier.wave)
        graded = grade(comparison)
    carry = graded.comparability in ("identical", "reworded") and kind in SCALE_TYPES
    return DraftQuestion(
        match=match,
        question_id=question_id,
        question_type=kind,
        theme=old.theme if old else "",
        shown_if=_shown_if(old),
        grade=graded,
        items=_items(new, kind, old, history),
        answers=_answers(question_id, scale, old, history, carry_unseen=carry),
    )


def _items(
    new: ExportQuestion, kind: str, old: Question | None, history: History
) -> list[DraftItem]:
    if kind not in ITEM_TYPES:
        return []
    old_items = {item.label: item for item in old.items} if old else {}
    labels = [c.header.item_label or "" for c in new.items]
    paired = match_labels(labels, list(old_items))
    taken = [old_items[label].code for label in paired.values()]
    drafted = []
    for column, label in zip(new.items, labels, strict=True):
        earlier = old_items.get(paired.get(label, ""))
        if earlier is not None:
            code, item_kind = earlier.code, earlier.kind
        else:
            code = _known_or_new(history.item_code(label), label, taken)
            taken.append(code)
            tick = kind != "multi_select" or column.is_tick_item
            item_kind = "choice" if tick else "free_text"
        subquestion = column.header.subquestion_code or ""
        drafted.append(DraftItem(label, code, item_kind, subquestion, paired.get(label)))
    return drafted


def _answers(
    question_id: str,
    scale: list[str],
    old: Question | None,
    history: History,
    carry_unseen: bool,
) -> list[DraftAnswer]:
    """The scale's answers with their codes, in scale order: an earlier answer's place, else
    where the codebook's scales usually have the label, "Je ne sais pas" last."""
    old_scale = list(old.options) if old else []
    old_codes = dict(zip(old_scale, old.option_codes, strict=True)) if old else {}
    paired = match_labels(scale, old_scale)
    unseen = [label for label in old_scale if label not in paired.values()] if carry_unseen else []
    answers = [(label, True, paired.get(label)) for label in scale]
    answers += [(label, False, label) for label in unseen]
    taken = [old_codes[earlier] for _, _, earlier in answers if earlier is not None]
    drafted = []
    for label, seen, earlier in answers:
        if earlier is not None:
            code = old_codes[earlier]
        else:
            code = _known_or_new(history.answer_code(label), label, taken)
            taken.append(code)
        harmonised = history.harmonised.get((question_id, code), label)
        drafted.append(DraftAnswer(label, code, harmonised, earlier, seen))
    position = {label: i / max(1, len(old_scale) - 1) for i, label in enumerate(old_scale)}

    def place(answer: DraftAnswer) -> float:
        if is_dont_know(answer.label):
            return 2.0
        if answer.earlier_label is not None:
            return position[answer.earlier_label]
        return history.answer_positions.get(comparable(answer.label), 1.0)

    return sorted(drafted, key=place)  # stable: most given first among equals


def _known_or_new(known: str | None, label: str, taken: list[str]) -> str:
    """The code the codebook gives this label elsewhere, else one built from it."""
    return known if known is not None and known not in taken else code_from_label(label, taken)


def _shown_if(old: Question | None) -> str:
    if old is None or old.shown_if is None:
        return ""
    return ":".join(old.shown_if)


def _keep_known_filters(questions: list[DraftQuestion]) -> None:
    """An earlier filter stays only if the question it depends on is in this wave too."""
    ids = {q.question_id for q in questions}
    for index, question in enumerate(questions):
        if question.shown_if and question.shown_if.partition(":")[0] not in ids:
            questions[index] = replace(question, shown_if="")


def _fill_themes(questions: list[DraftQuestion]) -> None:
    """A new question takes the theme of the question before it (the first ones: the one
    after), as questionnaires keep a theme's questions together."""
    for index, question in enumerate(questions):
        if not question.theme:
            before = [q.theme for q in questions[:index] if q.theme]
            after = [q.theme for q in questions[index + 1 :] if q.theme]
            theme = (before[-1:] or after[:1] or ["respondent"])[0]
            questions[index] = replace(question, theme=theme)


def _completeness_question(draft: Draft, seeds_dir: Path) -> str:
    """The latest earlier wave's completeness question, when this wave asks it."""
    waves = sorted(read_seed("survey_waves", seeds_dir), key=lambda row: int(row["wave"]))
    ids = {q.question_id for q in draft.questions}
    earlier = [row["completeness_question_id"] for row in waves if int(row["wave"]) < draft.wave]
    return earlier[-1] if earlier and earlier[-1] in ids else ""
