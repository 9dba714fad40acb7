"""Descriptions as the Dagster UI renders them (Markdown): a `<warehouse>` left as it is would be
taken for an HTML tag and disappear, and a dbt test has no description of its own."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# code blocks and spans, which Markdown shows as they are
_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)
_BRACKET = re.compile(r"(?<!\\)([<>])")  # not escaped yet
# the project's generic test of the columns a node declares never null
NOT_NULL_CONSTRAINTS = "not_null_constraints"


def markdown_text(text: str) -> str:
    """Text that Markdown shows as it is: angle brackets escaped outside code."""
    parts = _CODE.split(text)
    # split() puts the code at odd positions
    return "".join(
        part if position % 2 else _BRACKET.sub(r"\\\1", part) for position, part in enumerate(parts)
    )


def dbt_test_description(test: Mapping[str, Any], tested: Mapping[str, Any]) -> str:
    """What a dbt test of the node `tested` checks, from its YAML description, else its name
    and arguments, e.g. "dbt test `accepted_values` on column `value_type`: values `number`,
    `text`"; `not_null_constraints` names the columns it checks (the node's constraints)."""
    if test.get("description"):
        return markdown_text(test["description"])
    metadata = test.get("test_metadata") or {}
    if not metadata:  # a singular test: a SQL file of its own
        return f"singular dbt test `{test['original_file_path']}`"
    arguments = {k: v for k, v in metadata.get("kwargs", {}).items() if k != "model"}
    column = test.get("column_name") or arguments.pop("column_name", None)
    arguments.pop("column_name", None)
    if metadata["name"] == NOT_NULL_CONSTRAINTS:
        arguments["never null"] = _never_null(tested)
    text = f"dbt test `{metadata['name']}`" + (f" on column `{column}`" if column else "")
    details = [f"{name.replace('_', ' ')}: {_listed(value)}" for name, value in arguments.items()]
    return text + (f"; {'; '.join(details)}" if details else "")


def _never_null(node: Mapping[str, Any]) -> list[str]:
    """The columns a model or seed declares `not_null` (what `not_null_constraints` checks)."""
    return [
        name
        for name, column in node.get("columns", {}).items()
        if any(c.get("type") == "not_null" for c in column.get("constraints", []))
    ]


def _listed(value: Any) -> str:
    values = value if isinstance(value, list) else [value]
    return ", ".join(f"`{item}`" for item in values)
