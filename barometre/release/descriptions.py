"""What the dbt docs say of a published mart, as publication uses it: the English descriptions
written into the DuckDB file (COMMENT ON) for BI tools, the French dictionary, the grain and the
references of the open-data package's Table Schemas.

The French dictionary is data in the marts' YAML (`config.meta.fr`: `title`, `description`),
beside each English description, and reaches publication through dbt's manifest."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class French:
    """A French title and description, for a table or a column."""

    title: str
    description: str


@dataclass(frozen=True)
class ForeignKey:
    """Columns of a mart whose values are the key of another mart (a dbt relationships test)."""

    columns: tuple[str, ...]
    table: str
    table_columns: tuple[str, ...]


@dataclass(frozen=True)
class TableDescription:
    """A mart's docs: English for the published file, French for the open-data package."""

    description: str
    columns: dict[str, str]
    french: French | None = None  # a theme mart takes its title from its theme's label
    french_columns: dict[str, French] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
