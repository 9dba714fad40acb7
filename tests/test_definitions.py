"""The asset graph is part of the interface: any change to it shows as a diff in review.

Regenerate the snapshot after an intended change with
`BAROMETRE_UPDATE_SNAPSHOTS=1 pytest tests/test_definitions.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import REPO_ROOT

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"


def current_graph() -> str:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    lines = [
        f"asset {key.to_user_string()} [{graph.get(key).group_name}]{_partitions(graph.get(key))}"
        for key in sorted(graph.get_all_asset_keys())
    ]
    lines += [
        f"check {check.asset_key.to_user_string()}:{check.name}"
        for check in sorted(graph.asset_check_keys, key=lambda c: (c.asset_key, c.name))
    ]
    return "\n".join(lines) + "\n"


def _partitions(node: object) -> str:
    partitions = getattr(node, "partitions_def", None)
    return f" partitioned by {partitions.name}" if partitions is not None else ""


def test_asset_graph_matches_the_snapshot() -> None:
    graph = current_graph()
    if os.environ.get("BAROMETRE_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(graph, encoding="utf-8")
    assert graph == SNAPSHOT.read_text(encoding="utf-8")


def test_every_mart_has_a_blocking_quality_check() -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    blocking = {
        spec.asset_key
        for checks in defs.asset_checks or []
        for spec in checks.check_specs
        if spec.blocking
    }
    marts = {key for key in graph.get_all_asset_keys() if key.path[0] == "marts"}
    published = {path.stem for path in (REPO_ROOT / "dbt_project/models/marts").rglob("*.sql")}
    assert {key.path[-1] for key in marts} == published, "every mart model is an asset"
    unguarded = sorted(key.to_user_string() for key in marts - blocking)
    assert not unguarded, f"marts without a blocking quality check: {unguarded}"
