"""Pairing each question of a new export with a question of earlier waves, or none (new).

A pair's score adds up the evidence a reviewer would weigh:
- wording: how alike the two stems are (0 to 1, barometre/waves/similarity.py), the main one;
- content: how many of their items and answer labels pair up (0 to 1), worth CONTENT_WEIGHT;
- position: the questions just before or just after them are the same question, asked in
  both waves with nearly the same wording (an anchor), worth POSITION_WEIGHT.
Pairs are taken best first, one question of each side at most once; a question whose best
remaining pair scores under MATCH_THRESHOLD is new. On the real 2023 export against 2022
(benchmarks/wave_draft.py) the true pairs of choice questions score 0.80 or more, no false one
more than 0.76 (the figures are the same for any threshold from 0.70 to 0.80).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from barometre.codebook import Question
from barometre.waves.export import ITEM_TYPES, SCALE_TYPES, ExportQuestion
from barometre.waves.history import EarlierQuestion, History
from barometre.waves.similarity import overlap, similarity

MATCH_THRESHOLD = 0.78
CONTENT_WEIGHT = 0.15
POSITION_WEIGHT = 0.05
ANCHOR_WORDING = 0.85  # two questions this alike, each the other's closest, anchor positions
# a new question is surely new when its best candidate scores this far under the threshold
SURELY_NEW_MARGIN = 0.3
# a pair is surely right when the runner-up scores this far under it
SURE_MARGIN = 0.1


@dataclass(frozen=True)
class Evidence:
    """What pairs a new question with an earlier one."""

    candidate: EarlierQuestion
    wording: float
    content: float | None  # None when either side has no items nor answers to compare
    neighbours: bool

    @property
    def score(self) -> float:
        content = CONTENT_WEIGHT * self.content if self.content is not None else 0.0
        return self.wording + content + (POSITION_WEIGHT if self.neighbours else 0.0)


@dataclass(frozen=True)
class QuestionMatch:
    """A new question and what it was paired with (None: new), with the runner-up."""

    new: ExportQuestion
    kind: str
    evidence: Evidence | None
    best_unpaired: Evidence | None  # the best candidate of a new question, or the runner-up

    @property
    def earlier(self) -> EarlierQuestion | None:
        return self.evidence.candidate if self.evidence else None

    @property
    def confidence(self) -> float:
        """0 to 1: how sure the pairing (or its absence) is; the review shows the least sure
        first."""
        rival = self.best_unpaired.score if self.best_unpaired else 0.0
        if self.evidence is None:
            return round(min(1.0, max(0.0, (MATCH_THRESHOLD - rival) / SURELY_NEW_MARGIN)), 2)
        margin = self.evidence.score - rival
        sure = min(1.0, self.evidence.score) - max(0.0, SURE_MARGIN - margin)
        return round(max(0.0, sure), 2)


def new_items(question: ExportQuestion, kind: str) -> list[str]:
    if kind not in ITEM_TYPES or kind == "ranking":
        return []
    return [c.header.item_label or "" for c in question.items]


def new_scale(question: ExportQuestion, kind: str) -> list[str]:
    return question.scale() if kind in SCALE_TYPES else []


def old_items(question: Question) -> list[str]:
    if question.qtype not in ITEM_TYPES or question.qtype == "ranking":
        return []
    return [item.label for item in question.items]


def old_scale(question: Question) -> list[str]:
    return list(question.options) if question.qtype in SCALE_TYPES else []


def content_overlap(new: ExportQuestion, kind: str, old: Question) -> float | None:
    """Mean overlap of the items and of the answer scales, over those both sides have."""
    overlaps = [
        overlap(mine, theirs)
        for mine, theirs in (
            (new_items(new, kind), old_items(old)),
            (new_scale(new, kind), old_scale(old)),
        )
        if mine and theirs
    ]
    return sum(overlaps) / len(overlaps) if overlaps else None


def match_questions(questions: Sequence[ExportQuestion], history: History) -> list[QuestionMatch]:
    """Pair every question of a new export with at most one earlier question."""
    candidates = list(history.latest.values())
    kinds = {q.order: q.kind for q in questions}
    wordings = {
        (q.order, c.question_id): similarity(q.text, c.question.text)
        for q in questions
        for c in candidates
    }
    anchors = _anchors(questions, candidates, wordings)
    neighbours_of = {q.order: _neighbours(questions, i) for i, q in enumerate(questions)}
    evidence = {
        (q.order, c.question_id): Evidence(
            c,
            wordings[q.order, c.question_id],
            content_overlap(q, kinds[q.order], c.question),
            (neighbours_of[q.order][0], c.previous) in anchors
            or (neighbours_of[q.order][1], c.next) in anchors,
        )
        for q in questions
        for c in candidates
    }
    paired: dict[int, Evidence] = {}
    taken: set[str] = set()
    for (order, question_id), found in sorted(
        evidence.items(), key=lambda pair: (-pair[1].score, pair[0][0])
    ):
        if found.score < MATCH_THRESHOLD:
            break
        if order not in paired and question_id not in taken:
            paired[order] = found
            taken.add(question_id)
    matches = []
    for question in questions:
        chosen = paired.get(question.order)
        others = [evidence[question.order, c.question_id] for c in candidates]
        rival = max(
            (found for found in others if found is not chosen),
            key=lambda found: found.score,
            default=None,
        )
        matches.append(QuestionMatch(question, kinds[question.order], chosen, rival))
    return matches


def _neighbours(questions: Sequence[ExportQuestion], index: int) -> tuple[int | None, int | None]:
    """The orders of the questions just before and just after one."""
    before = questions[index - 1].order if index > 0 else None
    after = questions[index + 1].order if index + 1 < len(questions) else None
    return before, after


def _anchors(
    questions: Sequence[ExportQuestion],
    candidates: Sequence[EarlierQuestion],
    wordings: dict[tuple[int, str], float],
) -> set[tuple[int, str]]:
    """(new order, earlier id) of the pairs alike enough, each the other's closest, for the
    questions around them to count as in the same place."""
    if not questions or not candidates:
        return set()
    best_of_new = {
        q.order: max(candidates, key=lambda c: wordings[q.order, c.question_id]).question_id
        for q in questions
    }
    best_of_old = {
        c.question_id: max(questions, key=lambda q: wordings[q.order, c.question_id]).order
        for c in candidates
    }
    return {
        (order, question_id)
        for order, question_id in best_of_new.items()
        if best_of_old[question_id] == order and wordings[order, question_id] >= ANCHOR_WORDING
    }
