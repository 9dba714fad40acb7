"""The quality gate as blocking asset checks: any failure stops publication.

Every check is its own asset check (its own result, its own line in the UI), but they run in
one step: one Great Expectations context, one drawing of its Data Docs and one Dagster step
for the whole gate, instead of one of each per check (most of the gate's time on a small
warehouse). The step runs only the checks a run selects.
"""

from collections.abc import Iterator

import dagster as dg

from barometre.privacy import scan_marts
from barometre.quality import (
    data_docs_index,
    load_suite_definition,
    run_suites,
    suite_names,
    write_report,
)
from barometre.run_lock import warehouse_run_lock
from barometre.snapshots import SNAPSHOTS, SnapshotSpec, compare_with_snapshots
from orchestration.assets import MART_KEYS
from orchestration.resources import BUILD_DB_POOL, BarometreSettings


def _spec(asset: dg.AssetKey, name: str, description: str | None) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(name=name, asset=asset, description=description, blocking=True)


def _suite_spec(suite: str) -> dg.AssetCheckSpec:
    """One Great Expectations suite of expectations/, on the asset its meta names."""
    meta = load_suite_definition(suite).get("meta", {})
    return _spec(
        dg.AssetKey(meta["asset"].split("/")), f"{suite}_expectations", meta.get("description")
    )


def _personal_data_spec(mart: dg.AssetKey) -> dg.AssetCheckSpec:
    return _spec(
        mart,
        "no_personal_data",
        "No personal data or free text in any text column (values masked in reports).",
    )


def _published_figures_spec(snapshot: SnapshotSpec) -> dg.AssetCheckSpec:
    return _spec(
        dg.AssetKey(["marts", snapshot.table]),
        "published_figures_unchanged",
        "Figures already published for a wave are unchanged, unless revised.",
    )


SUITE_CHECKS = [(_suite_spec(suite), suite) for suite in suite_names()]
PERSONAL_DATA_CHECKS = [(_personal_data_spec(mart), mart) for mart in MART_KEYS]
PUBLISHED_FIGURES_CHECKS = [
    (_published_figures_spec(snapshot), snapshot) for snapshot in SNAPSHOTS.values()
]


@dg.multi_asset_check(
    specs=[spec for spec, _ in (*SUITE_CHECKS, *PERSONAL_DATA_CHECKS, *PUBLISHED_FIGURES_CHECKS)],
    name="quality_gate",
    can_subset=True,
    pool=BUILD_DB_POOL,
)
def quality_gate(
    context: dg.AssetCheckExecutionContext, barometre: BarometreSettings
) -> Iterator[dg.AssetCheckResult]:
    """Every check of the gate that the run selected."""
    with warehouse_run_lock(barometre.layout.root, on_wait=context.log.warning):
        selected = context.selected_asset_check_keys
        suites = [(spec.key, suite) for spec, suite in SUITE_CHECKS if spec.key in selected]
        yield from _expectation_results(context, barometre, suites)
        marts = [(spec.key, mart) for spec, mart in PERSONAL_DATA_CHECKS if spec.key in selected]
        yield from _personal_data_results(context, barometre, marts)
        for spec, snapshot in PUBLISHED_FIGURES_CHECKS:
            if spec.key in selected:
                yield _published_figures_result(context, barometre, spec.key, snapshot)


def _expectation_results(
    context: dg.AssetCheckExecutionContext,
    barometre: BarometreSettings,
    suites: list[tuple[dg.AssetCheckKey, str]],
) -> Iterator[dg.AssetCheckResult]:
    if not suites:
        return
    layout = barometre.layout
    gx_root = layout.validation_dir / "gx"
    results = run_suites(layout.build_db, [suite for _, suite in suites], gx_root)
    docs = dg.MetadataValue.url(data_docs_index(gx_root).as_uri())
    for (key, suite), result in zip(suites, results, strict=True):
        report = write_report(
            [result], layout.validation_dir / context.run.run_id / f"{suite}.json"
        )
        yield _result(
            context,
            key,
            result.success,
            result.describe(),
            report=dg.MetadataValue.path(str(report)),
            data_docs=docs,
        )


def _personal_data_results(
    context: dg.AssetCheckExecutionContext,
    barometre: BarometreSettings,
    marts: list[tuple[dg.AssetCheckKey, dg.AssetKey]],
) -> Iterator[dg.AssetCheckResult]:
    if not marts:
        return
    scans = scan_marts(barometre.layout.build_db, [mart.path[-1] for _, mart in marts])
    for key, mart in marts:
        findings = scans[mart.path[-1]]
        description = "\n".join(f.describe() for f in findings) or "no personal data found"
        yield _result(context, key, not findings, description, findings=len(findings))


def _published_figures_result(
    context: dg.AssetCheckExecutionContext,
    barometre: BarometreSettings,
    key: dg.AssetCheckKey,
    snapshot: SnapshotSpec,
) -> dg.AssetCheckResult:
    """Figures already published for a wave are unchanged, unless the run revises the wave."""
    differences = compare_with_snapshots(barometre.layout, snapshot, barometre.revised_waves)
    lines = [d.describe() for d in differences]
    if differences:
        waves = " ".join(sorted({str(d.wave) for d in differences}))
        lines.append(f"if this revision is intended, rerun with --revise {waves}")
    description = "\n".join(lines) or "no published figure changes"
    return _result(context, key, not differences, description, waves_changed=len(differences))


def _result(
    context: dg.AssetCheckExecutionContext,
    key: dg.AssetCheckKey,
    passed: bool,
    description: str,
    **metadata: object,
) -> dg.AssetCheckResult:
    if not passed:
        context.log.error(description)
    return dg.AssetCheckResult(
        asset_key=key.asset_key,
        check_name=key.name,
        passed=passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata=metadata,
    )
