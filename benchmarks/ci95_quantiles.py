"""Writes seeds/ci95_quantiles.csv, the home of the 95 % level of every interval:

    python -m benchmarks.ci95_quantiles [--check]

The level's normal quantile (the 97.5 % point of the standard normal) and Student's t's for 1
to LAST_EXACT_DF degrees of freedom, from scipy (a dev dependency; the product reads the seed,
never scipy). Beyond LAST_EXACT_DF, the dbt macro t_quantile_975 (dbt_project/macros/
ci95_quantiles.sql) expands t's quantile in the normal one (Cornish-Fisher, Abramowitz and
Stegun 26.7.5, four terms): within 1e-8 of the exact quantile from 38 degrees of freedom on
(3e-8 at 30), so the seed stops at 39 and the expansion starts at 40 (7e-9 there, under 1e-10
from 100 on). `--check` writes nothing and fails when the seed differs from scipy's values.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from scipy import stats

from barometre import config

LEVEL = 0.95  # the two-sided level of every interval of the marts
LAST_EXACT_DF = 39
SEED = config.SEEDS_DIR / "ci95_quantiles.csv"


def rows() -> list[dict[str, object]]:
    point = 1 - (1 - LEVEL) / 2
    normal = {
        "distribution": "normal",
        "degrees_of_freedom": "",
        "quantile_975": stats.norm.ppf(point),
    }
    student = [
        {
            "distribution": "student_t",
            "degrees_of_freedom": df,
            "quantile_975": stats.t.ppf(point, df),
        }
        for df in range(1, LAST_EXACT_DF + 1)
    ]
    return [normal, *student]


def render() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, ["distribution", "degrees_of_freedom", "quantile_975"], lineterminator="\n"
    )
    writer.writeheader()
    for row in rows():
        # repr: the shortest decimal that reads back as the same double
        writer.writerow(row | {"quantile_975": repr(float(row["quantile_975"]))})
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--seed", type=Path, default=SEED)
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        same = args.seed.read_text(encoding="utf-8") == text
        print(f"{args.seed}: {'up to date' if same else 'differs from scipy'}")
        return 0 if same else 1
    args.seed.write_text(text, encoding="utf-8")
    print(f"wrote {args.seed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
