"""The analysts' documentation: dbt's docs site, generated for every release and kept in it."""

from __future__ import annotations

import duckdb

from barometre.release.publish import DOCS_FOLDER, DOCS_INDEX


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
