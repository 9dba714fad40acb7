"""French as readers read it: numbers with a no-break space between thousands, percentages
and punctuation after a no-break space (narrow before ; ! ? as the Imprimerie nationale's
rules say, ordinary no-break before : and %), « quotes » held to their text, dates in words
with their time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

NBSP = "\u00a0"  # before : and %, between thousands, inside « »
NNBSP = "\u202f"  # narrow, before ; ! ?
PARIS = ZoneInfo("Europe/Paris")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def number(value: float, decimals: int = 0) -> str:
    """12345 -> "12 345", 12.5 with one decimal -> "12,5" (no-break spaces)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def percent(value: float | None) -> str:
    """A share rounded half to even (Python's round, the Observatoire's rounding): "43 %"."""
    return "n.d." if value is None else f"{round(value)}{NBSP}%"


def points(value: float) -> str:
    """A change in points, signed: "+4 pts", "−3 pts"."""
    rounded = round(value)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else "±"
    return f"{sign}{abs(rounded)}{NBSP}pts"


def day(value: date) -> str:
    """2024-07-17 -> "17 juillet 2024" (1er for the first of the month)."""
    first = "1er" if value.day == 1 else str(value.day)
    return f"{first} {MONTHS[value.month - 1]} {value.year}"


def moment(value: datetime) -> str:
    """A time stamp (UTC when naive, as DuckDB returns published_at) in Paris time, with its
    zone: "6 décembre 2026 à 07 h 33 (heure de Paris, UTC+1)"."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    local = aware.astimezone(PARIS)
    offset = local.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return f"{day(local.date())} à {local:%H} h {local:%M} (heure de Paris, UTC{hours:+d})"


def typography(text: str) -> str:
    """No-break spaces where French typography holds two signs together."""
    text = re.sub(r"\s*([;!?])", lambda m: NNBSP + m.group(1), text)
    text = re.sub(r"(?<=\S)\s+(:|%)", lambda m: NBSP + m.group(1), text)
    text = re.sub(r"«\s*", "«" + NBSP, text)
    text = re.sub(r"\s*»", NBSP + "»", text)
    # a number of four digits or more gets its thousands separated ("12345" -> "12 345")
    return re.sub(r"(?<![\w.,:/-])(\d{4,})(?![\w.,:/-])", _thousands, text)


def _thousands(match: re.Match[str]) -> str:
    digits = match.group(1)
    # years stay whole: a survey wave, a date
    if len(digits) == 4 and 1900 <= int(digits) <= 2100:
        return digits
    return number(int(digits))
