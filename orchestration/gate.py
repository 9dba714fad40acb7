"""The quality gate as blocking asset checks: any failure stops publication.

Every check is its own asset check (its own result, its own line in the UI, its own validation
page), but they run in one step: one Great Expectations context and one Dagster step for the
whole gate, instead of one of each per check (most of the gate's time on a small warehouse).
The step runs only the checks a run selects, and records their results as the
gate's verdict on the build it checked (barometre/gate_verdict.py): publication reads it.
"""

from collections.abc import Iterator
from datetime import datetime
from itertools import chain

import dagster as dg

from barometre.quality.expectations import (
    load_suite_definition,
    suite_names,
    validate_suites,
    write_report,
)
from barometre.quality.gate_verdict import DBT_BUILD_CHECK, AuditedBuild, record_verdict
from barometre.quality.privacy import scan_marts
from barometre.quality.published_figures import GuardedMart, compare_with_release, revise_hint
from barometre.quality.validation_report import (
    ValidationRun,
    prune_validation_runs,
    write_run_index,
    write_suite_page,
)
from barometre.releases import current_release
from orchestration.dbt.assets import MART_KEYS
from orchestration.dbt.manifest import guarded_marts
from orchestration.descriptions import markdown_text
from orchestration.resources import BUILD_DB_POOL, BarometreSettings


def _spec(asset: dg.AssetKey, name: str, description: str | None) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(name=name, asset=asset, description=description, blocking=True)


def _suite_spec(suite: str) -> dg.AssetCheckSpec:
    """One Great Expectations suite of expectations/, on the asset its meta names."""
    meta = load_suite_definition(suite).get("meta", {})
    description = meta.get("description")
    return _spec(
        dg.AssetKey(meta["asset"].split("/")),
        f"{suite}_expectations",
        markdown_text(description) if description else None,
    )


def _personal_data_spec(mart: dg.AssetKey) -> dg.AssetCheckSpec:
    return _spec(
        mart,
        "no_personal_data",
        "No personal data or free text in any text column (values masked in reports).",
    )


def _published_figures_spec(mart: GuardedMart) -> dg.AssetCheckSpec:
    return _spec(
        dg.AssetKey(["marts", mart.table]),
        "published_figures_unchanged",
        "The rows of every wave of the current release come out of the build unchanged, unless "
        "the run revises the wave (--revise).",
    )


SUITE_CHECKS = [(_suite_spec(suite), suite) for suite in suite_names()]
PERSONAL_DATA_CHECKS = [(_personal_data_spec(mart), mart) for mart in MART_KEYS]
PUBLISHED_FIGURES_CHECKS = [(_published_figures_spec(mart), mart) for mart in guarded_marts()]
GATE_CHECKS = [
    spec for spec, _ in (*SUITE_CHECKS, *PERSONAL_DATA_CHECKS, *PUBLISHED_FIGURES_CHECKS)
]
# what publication requires of a build's verdict: every check of the gate, and dbt's build
REQUIRED_CHECKS = sorted(spec.key.to_user_string() for spec in GATE_CHECKS) + [DBT_BUILD_CHECK]


@dg.multi_asset_check(specs=GATE_CHECKS, name="quality_gate", can_subset=True, pool=BUILD_DB_POOL)
def quality_gate(
    context: dg.AssetCheckExecutionContext, barometre: BarometreSettings
) -> Iterator[dg.AssetCheckResult]:
    """Every check of the gate that the run selected; their results are the gate's verdict on
    the build as it was when they started."""
    with barometre.run_lock(context.log):
        layout = barometre.layout
        release = current_release(layout)
        baseline = release.release_id if release else None
        audited = AuditedBuild.of_build_db(layout.build_db, baseline, barometre.revised_waves)
        selected = context.selected_asset_check_keys
        suites = [(spec.key, suite) for spec, suite in SUITE_CHECKS if spec.key in selected]
        marts = [(spec.key, mart) for spec, mart in PERSONAL_DATA_CHECKS if spec.key in selected]
        guarded = [
            (spec.key, mart) for spec, mart in PUBLISHED_FIGURES_CHECKS if spec.key in selected
        ]
        verdict = {}
        for result in chain(
            _expectation_results(context, barometre, suites, baseline),
            _personal_data_results(context, barometre, marts),
            _published_figures_results(context, barometre, guarded),
        ):
            verdict[dg.AssetCheckKey(result.asset_key, result.check_name).to_user_string()] = (
                result.passed
            )
            yield result
        record_verdict(layout, audited, verdict, context.run.run_id)


def _expectation_results(
    context: dg.AssetCheckExecutionContext,
    barometre: BarometreSettings,
    suites: list[tuple[dg.AssetCheckKey, str]],
    baseline_release: str | None,
) -> Iterator[dg.AssetCheckResult]:
    """Each suite's result as soon as it is validated, with its JSON report and its page."""
    if not suites:
        return
    layout = barometre.layout
    run = ValidationRun(context.run.run_id, baseline_release, datetime.now())
    prune_validation_runs(layout.validation_dir)
    results = validate_suites(
        layout.build_db, [suite for _, suite in suites], layout.validation_dir / "gx", run.run_id
    )
    validated = []
    for (key, suite), result in zip(suites, results, strict=True):
        report = write_report([result], layout.validation_dir / run.run_id / f"{suite}.json")
        spec = next(spec for spec, name in SUITE_CHECKS if name == suite)
        asset = key.asset_key.to_user_string()
        page = write_suite_page(layout.validation_dir, run, result, asset, spec.description or "")
        validated.append((result, asset))
        reported: dict[str, object] = {}
        if result.reported:  # rows the suite shows (meta.report_rows): in the log and metadata
            context.log.info(f"{suite}: {result.reported.describe()}")
            reported["reported_rows"] = dg.MetadataValue.json(result.reported.rows)
        yield _result(
            context,
            key,
            result.success,
            result.describe(),
            report=dg.MetadataValue.path(str(report)),
            validation_page=dg.MetadataValue.url(page.as_uri()),
            **reported,
        )
    write_run_index(layout.validation_dir, run, validated)


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


def _published_figures_results(
    context: dg.AssetCheckExecutionContext,
    barometre: BarometreSettings,
    guarded: list[tuple[dg.AssetCheckKey, GuardedMart]],
) -> Iterator[dg.AssetCheckResult]:
    """Rows of the current release's waves are unchanged, unless the run revises the wave."""
    if not guarded:
        return
    changes = compare_with_release(
        barometre.layout, [mart for _, mart in guarded], barometre.revised_waves
    )
    for key, mart in guarded:
        found = changes[mart.table]
        lines = [change.describe() for change in found]
        if found:
            lines.append(revise_hint(found, barometre.revised_waves))
        description = "\n".join(lines) or "no published figure changes"
        yield _result(context, key, not found, description, waves_changed=len(found))


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
