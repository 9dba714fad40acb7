"""A draft as files: one CSV per seed, with the seed's own columns, ready to append to it
(question_crosswalk.csv, survey_question_items.csv, answer_crosswalk.csv, survey_waves.csv),
and the review page (review.html)."""

from __future__ import annotations

import csv
from pathlib import Path

from barometre.codebook import Row
from barometre.waves.draft import Draft
from barometre.waves.review import review_page

REVIEW_PAGE = "review.html"


def seed_columns(name: str, seeds_dir: Path) -> list[str]:
    with open(seeds_dir / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def seed_rows(draft: Draft) -> dict[str, list[Row]]:
    """The draft's rows of each seed it drafts."""
    questions = draft.questions
    return {
        "question_crosswalk": [q.row(draft.wave) for q in questions],
        "survey_question_items": [
            item.row(draft.wave, q.question_id, order)
            for q in questions
            for order, item in enumerate(q.items, start=1)
        ],
        "answer_crosswalk": [
            answer.row(draft.wave, q.question_id, order)
            for q in questions
            for order, answer in enumerate(q.answers, start=1)
        ],
        "survey_waves": wave_rows(draft),
    }


def wave_rows(draft: Draft) -> list[Row]:
    """The wave's survey_waves row: in fieldwork until its final sizes are known."""
    classification = "reference_file" if draft.has_reference_file else "self_declared"
    return [
        {
            "wave": str(draft.wave),
            "status": "fieldwork",
            "completeness_question_id": draft.completeness_question_id,
            "classification": classification,
            "note": f"drafted by barometre wave draft from {draft.export.name}",
        }
    ]


def write_draft(draft: Draft, out: Path, seeds_dir: Path) -> list[Path]:
    """Write the draft's seed rows and review page into `out` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    rows = seed_rows(draft)
    written = []
    for name in rows:
        path = out / f"{name}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=seed_columns(name, seeds_dir), lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows(rows[name])
        written.append(path)
    review = out / REVIEW_PAGE
    review.write_text(review_page(draft), encoding="utf-8")
    return [*written, review]


def draft_report(draft: Draft, written: list[Path], seeds_dir: Path) -> list[str]:
    """What `barometre wave draft` prints."""
    grades: dict[str, int] = {}
    for question in draft.questions:
        grades[question.grade.comparability] = grades.get(question.grade.comparability, 0) + 1
    summary = ", ".join(f"{n} {grade}" for grade, n in sorted(grades.items()))
    return [
        f"wave {draft.wave}: {len(draft.questions)} questions drafted ({summary})",
        *(f"wrote {path}" for path in written),
        f"review {written[-1]}, then append the CSV files' rows to {seeds_dir} "
        "(docs/recipes.md, Adding a wave)",
    ]
