"""One home for every fact: group labels, strata bounds, theme labels and answer conventions
are data in seeds/, which the dbt models and the quality gate's queries read, and Python reads
through barometre/codebook.py: none of their SQL, JSON or Python types one again."""

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
    *(REPO_ROOT / "barometre").glob("**/*.py"),
    *(REPO_ROOT / "orchestration").glob("**/*.py"),
]


def seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS / f"{name}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_no_source_file_types_a_fact_of_the_seeds() -> None:
    groups, conventions = seed("survey_groups"), seed("answer_conventions")
    labels = {g["group_label"] for g in groups}
    labels |= {t["theme_label"] for name in ("survey_themes", "poll_themes") for t in seed(name)}
    labels |= {c["answer_label"] for c in conventions if c["answer_label"]}
    # the strata bounds, and (in SQL and JSON) the orders that put the conventions after every
    # answer scale
    bounds = {g[bound] for g in groups for bound in ("population_min", "population_max")}
    orders = {o for c in conventions if (o := c["answer_order"]) and int(o) >= 1000}
    quoted = [re.compile(rf"""(['"]){re.escape(label)}\1""") for label in sorted(labels)]

    def written(numbers: set[str]) -> list[re.Pattern[str]]:
        return [re.compile(rf"(?<![\w.]){n}(?![\w.])") for n in sorted(numbers - {""})]

    found = [
        f"{path.relative_to(REPO_ROOT)}: {pattern.pattern}"
        for path in CODE
        for pattern in quoted + written(bounds | (orders if path.suffix != ".py" else set()))
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


def test_no_source_file_types_a_quantile_of_the_95_percent_level() -> None:
    """The 95% level's quantiles are the seed ci95_quantiles' (its generator writes them): no SQL,
    JSON or Python types one, whole or to 2 or 3 decimals (1.96 for the normal)."""
    quantiles = [float(row["quantile_975"]) for row in seed("ci95_quantiles")]
    numbers = {repr(q) for q in quantiles} | {f"{q:.{k}f}" for q in quantiles for k in (2, 3)}
    patterns = [re.compile(rf"(?<![\w.]){re.escape(n)}(?![\w.])") for n in sorted(numbers)]
    found = [
        f"{path.relative_to(REPO_ROOT)}: {pattern.pattern}"
        for path in CODE
        for pattern in patterns
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert CODE and not found, found
