"""What the project is made of, as a digest: a run, a gate verdict or a parsed dbt manifest made
from one state of the project is stale once any of it changed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from barometre import config

# Everything of the repository a run reads, besides the landing folder.
PROJECT_INPUTS = (
    config.DBT_PROJECT_DIR / "dbt_project.yml",
    config.DBT_PROJECT_DIR / "models",
    config.DBT_PROJECT_DIR / "macros",
    config.DBT_PROJECT_DIR / "tests",
    config.SEEDS_DIR,
    config.EXPECTATIONS_DIR,
    config.REPO_ROOT / "profiles.yml",
    config.REPO_ROOT / "barometre",
    config.REPO_ROOT / "orchestration",
)
_IGNORED_SUFFIXES = {".pyc"}


def tree_digest(roots: Iterable[Path], relative_to: Path) -> str:
    """SHA-256 of the names and contents of every file under roots (files or folders)."""
    digest = hashlib.sha256()
    for root in roots:
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file() and path.suffix not in _IGNORED_SUFFIXES:
                digest.update(str(path.relative_to(relative_to)).encode())
                # a link is not its target: the run refuses links leading out of the landing
                if path.is_symlink():
                    digest.update(f"-> {path.resolve()}".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def project_digest() -> str:
    """The project's code, dbt project, seeds and expectations, as one digest."""
    return tree_digest(PROJECT_INPUTS, config.REPO_ROOT)
