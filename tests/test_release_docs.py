"""The analysts' documentation: dbt's docs site, generated for every release and kept in it."""

from __future__ import annotations

import json

import duckdb
from conftest import release_id_of

from barometre.releases import DOCS_FOLDER, DOCS_INDEX


def test_the_published_release_holds_the_dbt_docs_of_its_marts(sample_run) -> None:
    docs = (sample_run.warehouse / "current").resolve() / DOCS_FOLDER / DOCS_INDEX
    assert docs.is_file(), f"no dbt docs in the published release ({docs})"
    page = docs.read_text(encoding="utf-8")
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        marts = [
            name
            for (name,) in connection.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        ]
    assert marts, "the release publishes no mart"
    # the page embeds dbt's manifest (the project) then its catalog (read from the database)
    manifest, separator, catalog = page.partition('catalog:{"metadata"')
    assert separator, "the docs site embeds no catalog"
    for part, name in ((manifest, "manifest"), (catalog, "catalog")):
        missing = [mart for mart in marts if f'"model.barometre.{mart}"' not in part]
        assert not missing, f"marts missing from the docs site's {name}: {missing}"


def _embedded(page: str, label: str) -> dict:
    """The manifest or catalog the static site embeds (`manifest:{...}`)."""
    start = page.index(f'{label}:{{"metadata"') + len(label) + 1
    return json.JSONDecoder().raw_decode(page, start)[0]


def test_the_docs_show_the_marts_as_analysts_open_them(sample_run) -> None:
    docs = (sample_run.warehouse / "current").resolve() / DOCS_FOLDER / DOCS_INDEX
    page = docs.read_text(encoding="utf-8")
    manifest, catalog = _embedded(page, "manifest"), _embedded(page, "catalog")
    marts = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    survey_results = marts["survey_results"]
    assert survey_results["relation_name"] == '"barometre"."marts"."survey_results"'
    for name, node in marts.items():
        assert node["database"] == "barometre", name
        assert node["columns"]["release_id"]["description"].startswith("The release this row")
        assert "release_id" in catalog["nodes"][node["unique_id"]]["columns"], name
    staging = [n for n in manifest["nodes"].values() if n.get("schema") == "staging"]
    assert staging and all(n["database"] == "barometre_build" for n in staging), "not published"
    overview = manifest["docs"]["doc.barometre.__overview__"]["block_contents"]
    release = release_id_of(sample_run.published_db)
    assert f"release `{release}`" in overview and "**synthetic** data" in overview
    for documented in ("duckdb -readonly barometre.duckdb", "`release_id`", "**`meta.release`**"):
        assert documented in overview
