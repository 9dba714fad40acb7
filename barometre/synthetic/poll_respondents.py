"""The SYNTHETIC poll's respondents: quota variables drawn as a real quota sample deviates from
the population (young people and workers under-represented, retired people and executives
over-represented), then weights raked to the national margins of seeds/poll_margins.csv."""

from __future__ import annotations

import numpy as np
import pandas as pd

N_RESPONDENTS = 1000
# How the quota sample deviates from the population before weighting.
# Respondents: how the quota sample deviates from the population before weighting.
AGE_BAND_BIAS = (0.7, 0.85, 1.0, 1.05, 1.25)
OCCUPATION_BIAS = (1.0, 1.4, 1.1, 0.9, 0.7, 1.0, 0.9)
RETIRED_CODE = 6
OLDEST_BAND = 5
AGE_RANGES = ((18, 24), (25, 34), (35, 49), (50, 64), (65, 92))
PARIS_REGION, PARIS_AREA = 1, 5
PARIS_REGION_AREAS = (0.02, 0.03, 0.03, 0.02, 0.90)


def draw_respondents(rng: np.random.Generator, margins: list[dict[str, str]]) -> pd.DataFrame:
    """Quota variables of N_RESPONDENTS fictive respondents, biased like a real quota sample."""
    n = N_RESPONDENTS
    sex_age = [m for m in margins if m["margin"] == "sex_age"]
    cell_p = np.array(
        [float(m["share_pct"]) * AGE_BAND_BIAS[int(m["code_2"]) - 1] for m in sex_age]
    )
    cells = rng.choice(len(sex_age), size=n, p=cell_p / cell_p.sum())
    sex = np.array([int(sex_age[c]["code_1"]) for c in cells])
    age_band = np.array([int(sex_age[c]["code_2"]) for c in cells])
    low = np.array([AGE_RANGES[b - 1][0] for b in age_band])
    high = np.array([AGE_RANGES[b - 1][1] for b in age_band])
    age = low + np.floor(rng.random(n) * (high - low + 1)).astype(int)

    occupation_p = _shares(margins, "occupation") * np.array(OCCUPATION_BIAS)
    working = occupation_p.copy()
    working[RETIRED_CODE - 1] = 0
    occupation = np.where(
        age_band == OLDEST_BAND,
        np.where(rng.random(n) < 0.85, RETIRED_CODE, _draw(rng, working, n)),
        np.where(rng.random(n) < 0.10, RETIRED_CODE, _draw(rng, working, n)),
    )

    region_p = _shares(margins, "region") * np.exp(rng.normal(0, 0.1, size=13))
    region = _draw(rng, region_p, n)
    area_p = _shares(margins, "urban_area")
    area_p[PARIS_AREA - 1] = 0
    area_p[0] *= 0.9  # rural areas are harder to reach
    area = np.where(
        region == PARIS_REGION,
        _draw(rng, np.array(PARIS_REGION_AREAS), n),
        _draw(rng, area_p, n),
    )
    return pd.DataFrame(
        {
            "sex": sex,
            "age": age,
            "age_band": age_band,
            "occupation": occupation,
            "urban_area": area,
            "region": region,
        }
    )


def _shares(margins: list[dict[str, str]], margin: str) -> np.ndarray:
    rows = sorted(
        (int(m["code_1"]), float(m["share_pct"])) for m in margins if m["margin"] == margin
    )
    return np.array([share for _, share in rows])


def _draw(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    return rng.choice(len(p), size=n, p=p / p.sum()) + 1


def rake(
    respondents: pd.DataFrame, margins: list[dict[str, str]], tolerance: float = 1e-10
) -> np.ndarray:
    """Weights whose weighted shares equal every margin, summing to the number of respondents."""
    n = len(respondents)
    constraints = []
    for m in margins:
        mask = respondents[m["quota_1"]].to_numpy() == int(m["code_1"])
        if m["quota_2"]:
            mask &= respondents[m["quota_2"]].to_numpy() == int(m["code_2"])
        if not mask.any():
            raise ValueError(f"no respondent in margin {m['margin']} {m['code_1']} {m['code_2']}")
        constraints.append((mask, float(m["share_pct"]) / 100 * n))
    weights = np.ones(n)
    for _ in range(1000):
        for mask, target in constraints:
            weights[mask] *= target / weights[mask].sum()
        if max(abs(weights[mask].sum() - target) for mask, target in constraints) < tolerance:
            return weights * n / weights.sum()
    raise ValueError("raking did not converge")
