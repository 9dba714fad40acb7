"""One home for every fact: group labels, strata bounds, theme labels and answer conventions
are data in seeds/, which the dbt models and the quality gate's queries read: none of their
SQL or JSON types one again."""

from __future__ import annotations

import csv
import re

from conftest import REPO_ROOT

SEEDS = REPO_ROOT / "seeds"
CODE = [
    *(REPO_ROOT / "dbt_project").glob("models/**/*.sql"),
    *(REPO_ROOT / "dbt_project").glob("macros/**/*.sql"),
    *(REPO_ROOT / "dbt_project").glob("tests/**/*.sql"),
    *(REPO_ROOT / "expectations").glob("*.sql"),
    *(REPO_ROOT / "expectations").glob("*.json"),
]


def seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS / f"{name}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_no_sql_or_json_types_a_fact_of_the_seeds() -> None:
    groups, conventions = seed("survey_groups"), seed("answer_conventions")
    labels = {g["group_label"] for g in groups} | {t["theme_label"] for t in seed("survey_themes")}
    labels |= {c["answer_label"] for c in conventions if c["answer_label"]}
    # the strata bounds, and the orders that put the conventions after every answer scale
    numbers = {g[bound] for g in groups for bound in ("population_min", "population_max")}
    numbers |= {c["answer_order"] for c in conventions if int(c["answer_order"]) >= 1000}
    quoted = [re.compile(rf"""(['"]){re.escape(label)}\1""") for label in sorted(labels)]
    written = [re.compile(rf"(?<![\w.]){number}(?![\w.])") for number in sorted(numbers - {""})]

    found = [
        f"{path.relative_to(REPO_ROOT)}: {pattern.pattern}"
        for path in CODE
        for pattern in quoted + written
        if pattern.search(path.read_text(encoding="utf-8"))
    ]

    assert CODE and not found, found


def test_every_theme_mart_is_a_seed_row_and_a_one_line_model() -> None:
    marts = {t["mart_name"] for t in seed("survey_themes") if t["mart_name"]}
    models = REPO_ROOT / "dbt_project" / "models" / "marts" / "themes"
    assert {path.stem for path in models.glob("*.sql")} == marts
    for path in models.glob("*.sql"):
        code = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:2] != "--"]
        assert code == ["{{ survey_theme_mart() }}"], path.name
