"""The quality gate as blocking asset checks: any failure stops publication."""

import dagster as dg

from barometre.privacy import scan_mart
from barometre.quality import (
    data_docs_index,
    load_suite_definition,
    run_suite,
    suite_names,
    write_report,
)
from barometre.snapshots import SNAPSHOTS, SnapshotSpec, compare_with_snapshots
from orchestration.assets import MART_KEYS
from orchestration.resources import BUILD_DB_POOL, BarometreSettings


def expectation_suite_check(suite: str) -> dg.AssetChecksDefinition:
    """One Great Expectations suite of expectations/ as a blocking check on the asset it guards."""
    meta = load_suite_definition(suite).get("meta", {})

    @dg.asset_check(
        asset=dg.AssetKey(meta["asset"].split("/")),
        name=f"{suite}_expectations",
        description=meta.get("description"),
        blocking=True,
        pool=BUILD_DB_POOL,
    )
    def _check(
        context: dg.AssetCheckExecutionContext, barometre: BarometreSettings
    ) -> dg.AssetCheckResult:
        layout = barometre.layout
        gx_root = layout.validation_dir / "gx"
        result = run_suite(layout.build_db, suite, gx_root)
        report = write_report(
            [result], layout.validation_dir / context.run.run_id / f"{suite}.json"
        )
        return _result(
            context,
            result.success,
            result.describe(),
            report=dg.MetadataValue.path(str(report)),
            data_docs=dg.MetadataValue.url(data_docs_index(gx_root).as_uri()),
        )

    return _check


def personal_data_check(mart: dg.AssetKey) -> dg.AssetChecksDefinition:
    """No value of a personal or free-text column, no e-mail or phone number, in a mart."""

    @dg.asset_check(
        asset=mart,
        name="no_personal_data",
        description="No personal data or free text in any text column (values masked in reports).",
        blocking=True,
        pool=BUILD_DB_POOL,
    )
    def _check(
        context: dg.AssetCheckExecutionContext, barometre: BarometreSettings
    ) -> dg.AssetCheckResult:
        findings = scan_mart(barometre.layout.build_db, mart.path[-1])
        description = "\n".join(f.describe() for f in findings) or "no personal data found"
        return _result(context, not findings, description, findings=len(findings))

    return _check


def published_figures_check(spec: SnapshotSpec) -> dg.AssetChecksDefinition:
    """Figures already published for a wave are unchanged, unless the run revises the wave."""

    @dg.asset_check(
        asset=dg.AssetKey(["marts", spec.table]),
        name="published_figures_unchanged",
        description="Figures already published for a wave are unchanged, unless revised.",
        blocking=True,
        pool=BUILD_DB_POOL,
    )
    def _check(
        context: dg.AssetCheckExecutionContext, barometre: BarometreSettings
    ) -> dg.AssetCheckResult:
        differences = compare_with_snapshots(barometre.layout, spec, barometre.revised_waves)
        lines = [d.describe() for d in differences]
        if differences:
            waves = " ".join(sorted({str(d.wave) for d in differences}))
            lines.append(f"if this revision is intended, rerun with --revise {waves}")
        description = "\n".join(lines) or "no published figure changes"
        return _result(context, not differences, description, waves_changed=len(differences))

    return _check


def _result(
    context: dg.AssetCheckExecutionContext, passed: bool, description: str, **metadata: object
) -> dg.AssetCheckResult:
    if not passed:
        context.log.error(description)
    return dg.AssetCheckResult(
        passed=passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata=metadata,
    )


QUALITY_GATE = [
    *(expectation_suite_check(suite) for suite in suite_names()),
    *(personal_data_check(mart) for mart in MART_KEYS),
    *(published_figures_check(spec) for spec in SNAPSHOTS.values()),
]
