"""The personal-data scan: nothing from a personal or free-text column may be published.

Every text column of every mart is compared with the values of the raw layer's personal,
free-text and upload columns (and the structure names of the reference files), as dbt lists
them whitespace-normalised (staging.stg_limesurvey__personal_values), and searched for e-mail
addresses and phone numbers, case-blind (a name typed in capitals is the same name). The
questionnaire's own wording (codebook) is not respondent text and is left out, as are values
shorter than four characters (a yes, a digit). Findings are reported masked, so the logs do not
leak what the scan protects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from barometre.database import connect
from barometre.quality.masking import EMAIL_PATTERN, MIN_EMBEDDED_LENGTH, PHONE_PATTERN, mask
from barometre.text import normalise_whitespace_sql

MIN_LENGTH = 4

_PERSONAL_VALUES = r"""
with vocabulary as (
    select question_text as value from codebook.question_crosswalk
    union select item_label from codebook.survey_question_items
    union select answer_label from codebook.answer_crosswalk
    -- the project's own labels: the no-answer row's, the export's "not shown", the groups',
    -- the themes'
    union select answer_label from codebook.answer_conventions
    union select group_label from codebook.survey_groups
    union select theme_label from codebook.survey_themes
)
select distinct lower(value) as value
from staging.stg_limesurvey__personal_values as personal
where length(value) >= {min_length}
    -- words of the questionnaire itself, typed back by a respondent ("prestataire
    -- informatique" for "Un prestataire informatique"), reveal nothing of them
    and not exists (
        select 1 from vocabulary where contains(lower(vocabulary.value), lower(personal.value))
    )
"""


@dataclass(frozen=True)
class Finding:
    """Personal data found in a published column (value masked)."""

    table: str
    column: str
    masked_value: str
    reason: str

    def describe(self) -> str:
        return f"marts.{self.table}.{self.column}: {self.reason} ({self.masked_value})"


def personal_values(connection: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The raw layer's personal values the scan looks for (normalised, lower-cased), for
    the gate to mask them wherever it prints a value."""
    query = _PERSONAL_VALUES.format(min_length=MIN_LENGTH)
    return frozenset(value for (value,) in connection.execute(query).fetchall())


def scan_marts(database: Path, tables: Sequence[str]) -> dict[str, list[Finding]]:
    """Look for personal data in every text column of these marts; the personal values are
    gathered from the raw layer once for them all."""
    personal = _PERSONAL_VALUES.format(min_length=MIN_LENGTH)
    findings: dict[str, list[Finding]] = {}
    with connect(database, read_only=True) as connection:
        connection.execute(f"create temp table personal_values as {personal}")
        for table in tables:
            columns = connection.execute(
                "select column_name from duckdb_columns() where schema_name = 'marts' "
                "and table_name = ? and data_type = 'VARCHAR' order by column_index",
                [table],
            ).fetchall()
            findings[table] = _scan_table(connection, table, [column for (column,) in columns])
    return findings


def _scan_table(
    connection: duckdb.DuckDBPyConnection, table: str, columns: list[str]
) -> list[Finding]:
    """One query over the mart: each text column's distinct normalised values, joined with the
    personal values, and searched for e-mail addresses, phone numbers and embedded free text."""
    if not columns:
        return []
    # each column's distinct values first: normalising them is then a few thousand regexp
    # calls, not one per published row (responses holds millions at 100x); `key` is the value
    # lower-cased, as the personal values are
    distinct_values = " union all ".join(
        f"""select column_name, value, lower(value) as key from (
            select distinct ? as column_name, {normalise_whitespace_sql("value")} as value
            from (select distinct "{column}" as value from marts."{table}") as column_values
            where value is not null
        ) as normalised"""
        for column in columns
    )
    rows = connection.execute(
        f"""
        with published as ({distinct_values}),
        -- a long personal value found inside a published one: a hash join on each 12-character
        -- window of the published value against the personal value's first 12 characters,
        -- then the full containment (a join of every pair would be billions at 100x)
        long_personal as (
            select value, left(value, {MIN_EMBEDDED_LENGTH}) as head from personal_values
            where length(value) >= {MIN_EMBEDDED_LENGTH}
        ),
        windows as (
            select key, substr(key, start, {MIN_EMBEDDED_LENGTH}) as head
            from (
                select distinct key,
                    unnest(range(1, length(key) - {MIN_EMBEDDED_LENGTH - 2})) as start
                from published where length(key) > {MIN_EMBEDDED_LENGTH}
            )
        ),
        embedding as (
            select distinct windows.key from windows
            inner join long_personal as p on windows.head = p.head
            where contains(windows.key, p.value) and windows.key <> p.value
        )
        select
            column_name,
            published.value,
            case
                when exact.value is not null then 'value of a personal column'
                when regexp_matches(published.value, '{EMAIL_PATTERN}') then 'e-mail address'
                when regexp_matches(published.value, '{PHONE_PATTERN}') then 'phone number'
                else 'contains the text of a personal column'
            end as reason
        from published
        left join personal_values as exact on published.key = exact.value
        where exact.value is not null
            or regexp_matches(published.value, '{EMAIL_PATTERN}')
            or regexp_matches(published.value, '{PHONE_PATTERN}')
            or (
                published.key in (select key from embedding)
                and published.value not in (
                    select question_text from codebook.question_crosswalk
                    where question_text is not null
                )
            )
        order by list_position(?, column_name), published.value
        """,
        [*columns, columns],
    ).fetchall()
    return [Finding(table, column, mask(value), reason) for column, value, reason in rows]
