"""Whitespace as the warehouse normalises it, in Python: the export's headers and labels mix
no-break, narrow no-break, figure and thin spaces with ordinary ones.

The one definition is dbt's `normalise_whitespace` macro (dbt_project/macros/), which staging
applies to every header and label; this is its Python reading (for checks made before dbt runs),
and tests hold the two to the same results. RE2's \\s (DuckDB's regular expressions) is ASCII:
so is this class, plus the four spaces the macro names.
"""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment

from barometre.config import DBT_PROJECT_DIR

NORMALISE_MACRO = DBT_PROJECT_DIR / "macros" / "normalise_whitespace.sql"
_WHITESPACE = re.compile(r"[\t\n\f\r \u00a0\u202f\u2007\u2009]+")
# what DuckDB's trim() removes: the Unicode space separators, not tabs nor line breaks
_TRIMMED = " \u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))


def normalise_whitespace(text: str) -> str:
    """Every run of whitespace as one space, trimmed."""
    return trim(_WHITESPACE.sub(" ", text))


def trim(text: str) -> str:
    """The text without the spaces DuckDB's trim() takes off its ends."""
    return text.strip(_TRIMMED)


@cache
def normalise_whitespace_sql(expression: str) -> str:
    """The SQL expression normalising `expression` in DuckDB: the macro's DuckDB variant,
    rendered from its file (for queries the Python code makes on dbt's tables)."""
    macros = Environment().from_string(NORMALISE_MACRO.read_text(encoding="utf-8")).module
    return str(macros.default__normalise_whitespace(expression)).strip()
