"""The quality gate as blocking asset checks: a failing suite stops publication."""

import dagster as dg

from barometre.quality import load_suite_definition, run_suite, suite_names, write_report
from orchestration.resources import BarometreSettings


def expectation_suite_check(suite: str) -> dg.AssetChecksDefinition:
    """One Great Expectations suite of expectations/ as a blocking check on its mart."""
    definition = load_suite_definition(suite)
    meta = definition.get("meta", {})

    @dg.asset_check(
        asset=dg.AssetKey(["marts", meta["asset"]]),
        name=f"{suite}_expectations",
        description=meta.get("description"),
        blocking=True,
    )
    def _check(
        context: dg.AssetCheckExecutionContext, barometre: BarometreSettings
    ) -> dg.AssetCheckResult:
        layout = barometre.layout
        result = run_suite(layout.build_db, suite)
        report = write_report(
            [result], layout.root / "validation" / context.run.run_id / f"{suite}.json"
        )
        if not result.success:
            context.log.error(result.describe())
        return dg.AssetCheckResult(
            passed=result.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=result.describe(),
            metadata={
                "rows": result.row_count,
                "expectations": result.evaluated,
                "failed": len(result.failures),
                "report": dg.MetadataValue.path(str(report)),
            },
        )

    return _check


EXPECTATION_CHECKS = [expectation_suite_check(suite) for suite in suite_names()]
