"""What the quality gate may print of a value it reports: a personal value masked.

A failing row is shown on screen, in the run's log, in the Dagster UI and on the validation
pages. A value is masked when it is, or holds, a value of the raw layer's personal, free-text
or upload columns (the privacy scan's list, case- and space-blind), or looks like an e-mail
address or a phone number; anything else (the codebook's words, the checks' own messages, a
label the codebook lacks) is shown whole, for the engineer to act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from barometre.text import normalise_whitespace

EMAIL_PATTERN = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.]+"
# Letters bound a number as digits do: a hexadecimal key (respondent_key) holds runs like
# a0612345678b, which are no phone number (at 20,000 keys some do).
PHONE_PATTERN = r"(^|[^0-9A-Za-z])(\+33 ?|0)[1-9]([ .-]?[0-9]{2}){4}([^0-9A-Za-z]|$)"
MIN_EMBEDDED_LENGTH = 12  # a shorter text inside a published label may be a coincidence
_CONTACT = re.compile(f"{EMAIL_PATTERN}|{PHONE_PATTERN}")


def mask(value: str) -> str:
    """Enough to tell two values apart and find them in the build database, not to read them."""
    return f"{value[:2]}…{len(value)} characters"


@dataclass(frozen=True)
class Masker:
    """Masks the values that are, or hold, one of `personal` (normalised, lower-cased)."""

    personal: frozenset[str] = frozenset()

    def shown(self, value: Any) -> Any:
        """The value as the gate may print it."""
        if not isinstance(value, str) or not self._is_personal(value):
            return value
        return mask(value)

    def shown_within(self, value: Any) -> Any:
        """Every value inside lists and dicts as `shown` gives it (a suite's result details)."""
        if isinstance(value, dict):
            return {key: self.shown_within(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.shown_within(item) for item in value]
        return self.shown(value)

    @cached_property
    def _embeddable(self) -> tuple[str, ...]:
        """The personal values long enough to be looked for inside a longer text."""
        return tuple(p for p in self.personal if len(p) >= MIN_EMBEDDED_LENGTH)

    def _is_personal(self, value: str) -> bool:
        key = normalise_whitespace(value).lower()
        return (
            key in self.personal
            or _CONTACT.search(value) is not None
            or any(p in key for p in self._embeddable)
        )


# with no raw layer to read (a frame checked on its own): e-mail addresses and phones masked
CONTACTS_ONLY = Masker()
