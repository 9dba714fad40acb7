"""What the codebook knows of the waves before a new one: their questionnaires, the latest
version of every question, and the codes its labels already have (the vocabulary a draft
reuses before building a code)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from barometre.codebook import Question, load_questions, read_seed
from barometre.waves.similarity import comparable


@dataclass(frozen=True)
class EarlierQuestion:
    """A question as the latest earlier wave that asked it has it."""

    wave: int
    question: Question
    previous: str | None  # the question before it in that wave's questionnaire
    next: str | None  # the question after it

    @property
    def question_id(self) -> str:
        return self.question.question_id


@dataclass(frozen=True)
class History:
    waves: list[int]
    latest: dict[str, EarlierQuestion]  # question_id -> its latest earlier version
    answer_codes: dict[str, str]  # vocabulary key of a label -> the code it has most often
    item_codes: dict[str, str]
    harmonised: dict[tuple[str, str], str]  # (question_id, answer_code) -> harmonised label
    # comparable label -> where it sits on the scales that have it (0 first, 1 last), on average
    answer_positions: dict[str, float]
    question_ids: frozenset[str]

    def answer_code(self, label: str) -> str | None:
        return self.answer_codes.get(vocabulary_key(label))

    def item_code(self, label: str) -> str | None:
        return self.item_codes.get(vocabulary_key(label))


def vocabulary_key(label: str) -> str:
    """A label as the vocabulary knows it: its words, singular (a plural "s" dropped)."""
    return " ".join(w[:-1] if w.endswith("s") else w for w in comparable(label).split())


def codebook_waves(seeds_dir: Path) -> list[int]:
    """The waves the question crosswalk has rows for."""
    return sorted({int(row["wave"]) for row in read_seed("question_crosswalk", seeds_dir)})


def load_history(before_wave: int, seeds_dir: Path) -> History:
    """The codebook of every wave before `before_wave`."""
    waves = [w for w in codebook_waves(seeds_dir) if w < before_wave]
    latest: dict[str, EarlierQuestion] = {}
    for wave in waves:
        questions = load_questions(wave, seeds_dir)
        for index, question in enumerate(questions):
            before = questions[index - 1].question_id if index > 0 else None
            after = questions[index + 1].question_id if index + 1 < len(questions) else None
            latest[question.question_id] = EarlierQuestion(wave, question, before, after)
    answers = [r for r in read_seed("answer_crosswalk", seeds_dir) if int(r["wave"]) in waves]
    items = [r for r in read_seed("survey_question_items", seeds_dir) if int(r["wave"]) in waves]
    return History(
        waves=waves,
        latest=latest,
        answer_codes=_most_common_codes(answers, "answer_label", "answer_code"),
        item_codes=_most_common_codes(items, "item_label", "item_code"),
        harmonised={(r["question_id"], r["answer_code"]): r["harmonised_label"] for r in answers},
        answer_positions=_mean_positions(answers),
        question_ids=frozenset(latest),
    )


def _most_common_codes(rows: list[dict[str, str]], label: str, code: str) -> dict[str, str]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        counts[vocabulary_key(row[label])][row[code]] += 1
    return {key: codes.most_common(1)[0][0] for key, codes in counts.items()}


def _mean_positions(answers: list[dict[str, str]]) -> dict[str, float]:
    scale_sizes = Counter((r["wave"], r["question_id"]) for r in answers)
    positions: dict[str, list[float]] = defaultdict(list)
    for row in answers:
        size = scale_sizes[row["wave"], row["question_id"]]
        # answer_order counts from 1
        position = (int(row["answer_order"]) - 1) / max(1, size - 1)
        positions[comparable(row["answer_label"])].append(min(1.0, position))
    return {label: sum(found) / len(found) for label, found in positions.items()}
