"""What the quality gate may print of a value it reports: the project's own words as they are,
any other text masked.

A failing row is shown on screen, in the run's log, in the Dagster UI and on the validation
pages; a label the codebook does not know may be a respondent's own typing (a name, an e-mail),
so only the codebook's words and numbers are shown whole.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from barometre.codebook import seed_cells
from barometre.text import normalise_whitespace


def mask(value: str) -> str:
    """Enough to tell two values apart and find them in the build database, not to read them."""
    return f"{value[:2]}…{len(value)} characters"


def shown(value: Any) -> Any:
    """The value as the gate may print it: text outside the codebook masked."""
    if not isinstance(value, str) or normalise_whitespace(value) in _project_words():
        return value
    return mask(value)


def shown_within(value: Any) -> Any:
    """Every value inside lists and dicts as `shown` gives it (a suite's result details)."""
    if isinstance(value, dict):
        return {key: shown_within(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shown_within(item) for item in value]
    return shown(value)


@cache
def _project_words() -> frozenset[str]:
    return frozenset(normalise_whitespace(cell) for cell in seed_cells())
