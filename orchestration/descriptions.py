"""Descriptions as the Dagster UI renders them (Markdown): a `<warehouse>` left as it is would be
taken for an HTML tag and disappear, and a dbt test has no description of its own."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# code blocks and spans, which Markdown shows as they are
_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)
_BRACKET = re.compile(r"(?<!\\)([<>])")  # not escaped yet


def markdown_text(text: str) -> str:
    """Text that Markdown shows as it is: angle brackets escaped outside code."""
    parts = _CODE.split(text)
    # split() puts the code at odd positions
    return "".join(
        part if position % 2 else _BRACKET.sub(r"\\\1", part) for position, part in enumerate(parts)
    )


def dbt_test_description(test: Mapping[str, Any]) -> str:
    """What a dbt test checks, from its YAML description, else its name and arguments, e.g.
    "dbt test `accepted_values` on column `value_type`: values `number`, `text`"."""
    if test.get("description"):
        return markdown_text(test["description"])
    metadata = test.get("test_metadata") or {}
    if not metadata:  # a singular test: a SQL file of its own
        return f"singular dbt test `{test['original_file_path']}`"
    arguments = {k: v for k, v in metadata.get("kwargs", {}).items() if k != "model"}
    column = test.get("column_name") or arguments.pop("column_name", None)
    arguments.pop("column_name", None)
    text = f"dbt test `{metadata['name']}`" + (f" on column `{column}`" if column else "")
    details = [f"{name.replace('_', ' ')}: {_listed(value)}" for name, value in arguments.items()]
    return text + (f"; {'; '.join(details)}" if details else "")


def _listed(value: Any) -> str:
    values = value if isinstance(value, list) else [value]
    return ", ".join(f"`{item}`" for item in values)
