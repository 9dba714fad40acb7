"""The quality gate's verdict, bound to the build it checked; publication reads it.

Checks record their results against the **audited build**: the build database's content
fingerprint (marts and the codebook they are checked against), the project that defines the
checks, the release the published-figures guard compared with, and the waves the run revises.
Publication, however it is started (the CLI, a schedule, a sensor, the UI's "Materialize
selected"), publishes a build only when the verdict is for that same audited build, holds every
required check, and every one passed. A build edited after its checks, or checks run under
another project, another current release or other revised waves, leave a stale verdict.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from barometre.config import WarehouseLayout
from barometre.database import connect
from barometre.errors import BarometreError
from barometre.fingerprint import schema_fingerprint
from barometre.project import project_digest

VERDICT_FILE = "gate_verdict.json"
# dbt's own tests are checks too: a build records this when every model built and every dbt
# test passed
DBT_BUILD_CHECK = "dbt build"
AUDITED_SCHEMAS = ("marts", "codebook")


class GateNotPassed(BarometreError):
    """Publication refused: the build has no complete, passing verdict."""


@dataclass(frozen=True)
class AuditedBuild:
    """What a verdict is about."""

    fingerprint: str
    gate_definition: str
    baseline_release: str | None
    revised_waves: tuple[int, ...]

    @classmethod
    def of(
        cls,
        connection: duckdb.DuckDBPyConnection,
        database: str,
        baseline_release: str | None,
        revised_waves: tuple[int, ...],
        known: Mapping[str, str] | None = None,
    ) -> AuditedBuild:
        """`known`: fingerprints of audited schemas the caller has just computed, by schema."""
        known = known or {}
        parts = [
            known.get(schema) or schema_fingerprint(connection, database, schema)
            for schema in AUDITED_SCHEMAS
        ]
        return cls("/".join(parts), project_digest(), baseline_release, tuple(revised_waves))

    @classmethod
    def of_build_db(
        cls, build_db: Path, baseline_release: str | None, revised_waves: tuple[int, ...]
    ) -> AuditedBuild:
        with connect(build_db, read_only=True) as connection:
            (database,) = connection.execute("select current_database()").fetchone()
            return cls.of(connection, database, baseline_release, revised_waves)

    def differences(self, other: AuditedBuild) -> list[str]:
        """How a verdict's build differs from this one, in words."""
        reasons = {
            "fingerprint": "the build's content changed since it was checked",
            "gate_definition": "the project (checks, seeds, code) changed since",
            "baseline_release": "the current release changed since "
            f"(it was {other.baseline_release})",
            "revised_waves": f"it was checked revising waves {list(other.revised_waves)}, "
            f"this publication revises {list(self.revised_waves)}",
        }
        return [
            text for name, text in reasons.items() if getattr(self, name) != getattr(other, name)
        ]


def record_verdict(
    layout: WarehouseLayout, build: AuditedBuild, results: Mapping[str, bool], run_id: str
) -> None:
    """Add check results to the verdict on this build (a verdict on another build is dropped)."""
    verdict = _read(layout)
    checks = verdict["checks"] if verdict and _subject(verdict) == build else {}
    at = datetime.now(UTC).isoformat(timespec="seconds")
    checks |= {
        name: {"passed": passed, "run_id": run_id, "at": at} for name, passed in results.items()
    }
    path = _path(layout)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    payload = {"build": {**asdict(build), "revised_waves": list(build.revised_waves)}}
    temporary.write_text(json.dumps(payload | {"checks": checks}, indent=2), encoding="utf-8")
    temporary.replace(path)


def verify_verdict(layout: WarehouseLayout, build: AuditedBuild, required: Sequence[str]) -> None:
    """Raise GateNotPassed, naming what is missing or failed, unless every required check
    passed on exactly this build."""
    verdict = _read(layout)
    if verdict is None:
        raise GateNotPassed(
            "publication refused: the quality gate has never run on this build (no verdict in "
            f"{_path(layout)}); run the whole refresh (barometre run) or the quality_gate checks"
        )
    checked = _subject(verdict)
    if checked != build:
        reasons = "; ".join(build.differences(checked))
        raise GateNotPassed(
            f"publication refused: the quality gate's verdict is not about this build ({reasons}); "
            "run the quality_gate checks on it again (barometre run does)"
        )
    checks = verdict["checks"]
    failed = sorted(name for name in required if name in checks and not checks[name]["passed"])
    missing = sorted(name for name in required if name not in checks)
    if failed or missing:
        lines = ["publication refused: the quality gate has not passed on this build"]
        lines += [f"    failed: {name} (run {checks[name]['run_id']})" for name in failed]
        lines += [f"    not run: {name}" for name in missing]
        raise GateNotPassed("\n".join(lines))


def _subject(verdict: Mapping[str, object]) -> AuditedBuild:
    build = dict(verdict["build"])  # type: ignore[call-overload]
    return AuditedBuild(**{**build, "revised_waves": tuple(build["revised_waves"])})


def _read(layout: WarehouseLayout) -> dict[str, object] | None:
    path = _path(layout)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _path(layout: WarehouseLayout) -> Path:
    return layout.build_db.parent / VERDICT_FILE
