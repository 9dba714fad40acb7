"""The codebook seeds (seeds/*.csv) as Python reads them: the one reader, beside dbt, which
loads the same files into the codebook schema for SQL.

Values are text as in the files; callers convert what they need. `load_questions` gives one
wave's questionnaire as the codebook describes it (questions, items and answer scales).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from barometre.config import SEEDS_DIR

Row = dict[str, str]


def read_seed(name: str, seeds_dir: Path = SEEDS_DIR) -> list[Row]:
    """Every row of seeds/<name>.csv."""
    with open(seeds_dir / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def wave_rows(name: str, wave: int | str, seeds_dir: Path = SEEDS_DIR) -> list[Row]:
    """The rows of a per-wave seed (question_crosswalk, answer_crosswalk, ...) for one wave."""
    return [row for row in read_seed(name, seeds_dir) if row["wave"] == str(wave)]


@dataclass(frozen=True)
class Item:
    label: str
    kind: str  # choice | free_text
    code: str = ""  # stable item code (survey_question_items.item_code)
    subcode: str = ""  # LimeSurvey subquestion code, for waves whose headers carry codes


@dataclass(frozen=True)
class Question:
    question_id: str
    order: int
    theme: str
    qtype: str
    text: str
    shown_if: tuple[str, str] | None
    items: tuple[Item, ...]
    options: tuple[str, ...]
    code: str = ""  # LimeSurvey question code, for waves whose headers carry codes (2022)
    option_codes: tuple[str, ...] = ()  # answer_crosswalk.answer_code of each option
    option_harmonised: tuple[str, ...] = ()  # answer_crosswalk.harmonised_label of each option


def _ordered(rows: list[Row], order_key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in sorted(rows, key=lambda r: (r["question_id"], int(r[order_key]))):
        grouped.setdefault(row["question_id"], []).append(row)
    return grouped


def load_questions(wave: int | str, seeds_dir: Path = SEEDS_DIR) -> list[Question]:
    """One wave's questionnaire, in questionnaire order."""
    items = _ordered(wave_rows("survey_question_items", wave, seeds_dir), "item_order")
    options = _ordered(wave_rows("answer_crosswalk", wave, seeds_dir), "answer_order")
    questions = []
    for row in wave_rows("question_crosswalk", wave, seeds_dir):
        qid = row["question_id"]
        parent, _, prefix = row["shown_if"].partition(":")
        scale = options.get(qid, [])
        questions.append(
            Question(
                question_id=qid,
                order=int(row["question_order"]),
                theme=row["theme"],
                qtype=row["question_type"],
                text=row["question_text"],
                shown_if=(parent, prefix) if parent else None,
                items=tuple(
                    Item(i["item_label"], i["item_kind"], i["item_code"], i["subquestion_code"])
                    for i in items.get(qid, [])
                ),
                options=tuple(o["answer_label"] for o in scale),
                code=row["question_code"],
                option_codes=tuple(o["answer_code"] for o in scale),
                option_harmonised=tuple(o["harmonised_label"] for o in scale),
            )
        )
    return sorted(questions, key=lambda q: q.order)


@dataclass(frozen=True)
class Group:
    """A reporting group of the survey (seeds/survey_groups.csv)."""

    label: str
    order: int
    kind: str  # total, category, stratum or combined (a comparison base)
    parent: str
    population_min: int | None  # a stratum's bounds: lower inclusive, upper exclusive
    population_max: int | None
    excluded: str  # a total's group left out
    is_default: bool  # the category of a respondent not classified otherwise


def groups() -> list[Group]:
    """Every reporting group, in display order."""
    return sorted(
        (
            Group(
                row["group_label"],
                int(row["group_order"]),
                row["group_kind"],
                row["parent_group"],
                int(row["population_min"]) if row["population_min"] else None,
                int(row["population_max"]) if row["population_max"] else None,
                row["excluded_group"],
                row["is_default_category"] == "true",
            )
            for row in read_seed("survey_groups")
        ),
        key=lambda group: group.order,
    )


def totals() -> list[str]:
    """The total groups (Total, then the totals leaving a group out), in display order."""
    return [group.label for group in groups() if group.kind == "total"]


def strata() -> list[Group]:
    """The commune strata, smallest first."""
    return [group for group in groups() if group.kind == "stratum"]


def default_category() -> str:
    """The group of respondents classified as no authority."""
    return next(group.label for group in groups() if group.is_default)


def category_labels() -> dict[str, str]:
    """Reference category code (respondents_reference.csv) -> its group label."""
    return {row["category"]: row["category_label"] for row in read_seed("structure_categories")}


def theme_labels() -> dict[str, str]:
    """Theme code -> French label, the survey's themes then the poll's, each in display order."""
    labels: dict[str, str] = {}
    for seed in ("survey_themes", "poll_themes"):
        for row in sorted(read_seed(seed), key=lambda r: int(r["theme_order"])):
            labels.setdefault(row["theme"], row["theme_label"])
    return labels


def no_answer_label() -> str:
    """The answer label of the no-answer row."""
    return _convention("no_answer")["answer_label"]


def ticked_label() -> str:
    """How a ticked multi-select item is exported."""
    return _convention("ticked")["answer_label"]


def not_shown_label() -> str:
    """How the export marks a cell the questionnaire's logic did not show."""
    return _convention("not_shown")["answer_label"]


def small_base() -> int:
    """A figure resting on fewer respondents is to be read with care."""
    return int(
        next(
            r["value"] for r in read_seed("reporting_thresholds") if r["threshold"] == "small_base"
        )
    )


def publication() -> dict[str, str]:
    """The facts of publication (publisher, licence, sources): fact -> value."""
    return {row["fact"]: row["value"] for row in read_seed("publication")}


def poll_waves() -> dict[int, Row]:
    """The poll's waves (pollster, fieldwork dates, universe) by wave."""
    return {int(row["wave"]): row for row in read_seed("poll_waves")}


def survey_theme_marts() -> dict[str, str]:
    """Theme mart name -> its theme code, in display order."""
    rows = sorted(read_seed("survey_themes"), key=lambda r: int(r["theme_order"]))
    return {row["mart_name"]: row["theme"] for row in rows if row["mart_name"]}


def _convention(name: str) -> Row:
    return next(row for row in read_seed("answer_conventions") if row["convention"] == name)
