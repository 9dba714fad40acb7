"""The dbt docs site as analysts read it: dbt documents the build, whose marts live in the private
build database (`barometre_build.marts.survey_results`); analysts open the published file, where
they are `barometre.marts.survey_results` and carry the `release_id` column publication adds.

The static site embeds dbt's manifest and catalog as JSON (``manifest:{...},catalog:{...}``):
the marts' nodes are rewritten there, the other layers are left as dbt built them."""

from __future__ import annotations

import json
from typing import Any

from barometre.config import PUBLISHED_DB_NAME
from barometre.releases import PUBLISHED_SCHEMA, RELEASE_ID_COLUMN, RELEASE_ID_DESCRIPTION

PUBLISHED_DATABASE = PUBLISHED_DB_NAME.removesuffix(".duckdb")  # as DuckDB names the open file


def as_published(page: str) -> str:
    """The site's page with every mart shown as the published file holds it."""
    rewrites = (("manifest", _manifest_as_published), ("catalog", _catalog_as_published))
    for label, rewrite in rewrites:
        start = page.index(f'{label}:{{"metadata"') + len(label) + 1
        data, end = json.JSONDecoder().raw_decode(page, start)
        page = page[:start] + json.dumps(rewrite(data)) + page[end:]
    return page


def _is_mart(node: dict[str, Any]) -> bool:
    return node.get("resource_type") == "model" and node.get("schema") == PUBLISHED_SCHEMA


def _manifest_as_published(manifest: dict[str, Any]) -> dict[str, Any]:
    for node in manifest["nodes"].values():
        if _is_mart(node):
            node["database"] = PUBLISHED_DATABASE
            node["relation_name"] = f'"{PUBLISHED_DATABASE}"."{PUBLISHED_SCHEMA}"."{node["alias"]}"'
            node["columns"][RELEASE_ID_COLUMN] = {
                "name": RELEASE_ID_COLUMN,
                "description": RELEASE_ID_DESCRIPTION,
                "data_type": "varchar",
                "meta": {},
                "tags": [],
            }
    return manifest


def _catalog_as_published(catalog: dict[str, Any]) -> dict[str, Any]:
    for node in catalog["nodes"].values():
        metadata = node["metadata"]
        if metadata.get("schema") == PUBLISHED_SCHEMA:
            metadata["database"] = PUBLISHED_DATABASE
            columns = node["columns"]
            columns[RELEASE_ID_COLUMN] = {
                "name": RELEASE_ID_COLUMN,
                "type": "VARCHAR",
                "index": len(columns) + 1,
                "comment": RELEASE_ID_DESCRIPTION,
            }
    return catalog
