"""Target answer distributions of the SYNTHETIC polls (percent by answer key), where the 2024
report publishes part of a distribution or none: consistent with its prose and partial figures,
otherwise invented. The report's own figures come from seeds/poll_report_figures.csv."""

from __future__ import annotations

# Invented target distributions (percent by answer key), consistent with the report's prose and
# partial figures; report figures themselves come from seeds/poll_report_figures.csv.
_TRUST = ("full_trust", "fair_trust", "little_trust", "no_trust")
_USEFUL = ("very_useful", "fairly_useful", "not_very_useful", "not_useful_at_all")
_YES_NO = ("yes_definitely", "yes_rather", "no_rather", "no_definitely")
_WORRY = ("very_worried", "fairly_worried", "not_very_worried", "not_worried_at_all")
_ROLE = ("essential", "important", "secondary")
_FEELING = ("worry", "curiosity", "enthusiasm", "indifference")
_PRIORITY = ("priority", "important", "secondary")


def _dist(keys: tuple[str, ...], *values: float) -> dict[str, float]:
    return dict(zip(keys, values, strict=True))


SYNTHETIC_TARGETS: dict[tuple[int, str, str], dict[str, float]] = {
    # report: 55% bad = 41% assez + 14% très mauvaise; the 45% good split is invented
    (2024, "data_use_society", ""): {
        "very_good": 8,
        "fairly_good": 37,
        "fairly_bad": 41,
        "very_bad": 14,
    },
    # report: useful 70% (daily services) and 66% (public spending), "en baisse" since 2022
    (2024, "data_usefulness", "improve_daily_services"): _dist(_USEFUL, 21, 49, 20, 10),
    (2024, "data_usefulness", "reduce_public_spending"): _dist(_USEFUL, 18, 48, 23, 11),
    (2022, "data_usefulness", "improve_daily_services"): _dist(_USEFUL, 25, 53, 15, 7),
    (2022, "data_usefulness", "reduce_public_spending"): _dist(_USEFUL, 22, 50, 19, 9),
    # report: trust 66% commune/interco, 65% département/région, 49% État; health actors first;
    # platforms and social networks very distrusted. Other figures and the 2022 wave invented.
    (2024, "trust_data_actors", "commune_interco"): _dist(_TRUST, 14, 52, 23, 11),
    (2024, "trust_data_actors", "departement_region"): _dist(_TRUST, 12, 53, 24, 11),
    (2024, "trust_data_actors", "state"): _dist(_TRUST, 9, 40, 31, 20),
    (2024, "trust_data_actors", "health_actors"): _dist(_TRUST, 20, 55, 17, 8),
    (2024, "trust_data_actors", "french_companies"): _dist(_TRUST, 5, 31, 40, 24),
    (2024, "trust_data_actors", "telecom_operators"): _dist(_TRUST, 4, 27, 42, 27),
    (2024, "trust_data_actors", "digital_platforms"): _dist(_TRUST, 3, 17, 38, 42),
    (2024, "trust_data_actors", "social_networks"): _dist(_TRUST, 2, 11, 33, 54),
    (2022, "trust_data_actors", "commune_interco"): _dist(_TRUST, 16, 55, 20, 9),
    (2022, "trust_data_actors", "departement_region"): _dist(_TRUST, 14, 55, 21, 10),
    (2022, "trust_data_actors", "state"): _dist(_TRUST, 11, 43, 29, 17),
    (2022, "trust_data_actors", "health_actors"): _dist(_TRUST, 22, 56, 15, 7),
    (2022, "trust_data_actors", "french_companies"): _dist(_TRUST, 6, 33, 39, 22),
    (2022, "trust_data_actors", "digital_platforms"): _dist(_TRUST, 3, 19, 38, 40),
    (2022, "trust_data_actors", "social_networks"): _dist(_TRUST, 2, 13, 34, 51),
    # report: "surtout confiance aux services publics et aux entreprises françaises"
    (2024, "trust_rules_application", "public_services"): _dist(_YES_NO, 13, 47, 27, 13),
    (2024, "trust_rules_application", "french_companies"): _dist(_YES_NO, 9, 45, 32, 14),
    (2024, "trust_rules_application", "european_companies"): _dist(_YES_NO, 6, 38, 38, 18),
    (2024, "trust_rules_application", "non_european_companies"): _dist(_YES_NO, 3, 16, 39, 42),
    # report: "l'inquiétude ... est en forte hausse en deux ans"
    (2024, "ai_feelings", ""): _dist(_FEELING, 41, 35, 9, 15),
    (2022, "ai_feelings", ""): _dist(_FEELING, 27, 43, 13, 17),
    # report: energy, water, transport first
    (2024, "ai_future_role", "energy"): _dist(_ROLE, 36, 45, 19),
    (2024, "ai_future_role", "water"): _dist(_ROLE, 34, 46, 20),
    (2024, "ai_future_role", "transport"): _dist(_ROLE, 35, 45, 20),
    (2024, "ai_future_role", "health"): _dist(_ROLE, 33, 45, 22),
    (2024, "ai_future_role", "security"): _dist(_ROLE, 31, 44, 25),
    (2024, "ai_future_role", "education"): _dist(_ROLE, 20, 41, 39),
    (2024, "ai_future_role", "local_public_services"): _dist(_ROLE, 24, 46, 30),
    (2024, "ai_future_role", "environment"): _dist(_ROLE, 32, 45, 23),
    # report: "reste très élevée"
    (2024, "cyber_worry", ""): _dist(_WORRY, 29, 47, 19, 5),
    (2022, "cyber_worry", ""): _dist(_WORRY, 32, 48, 16, 4),
    # report: "la quasi-totalité ... important voire prioritaire"
    (2024, "data_protection_priority", ""): _dist(_PRIORITY, 57, 39, 4),
    (2022, "data_protection_priority", ""): _dist(_PRIORITY, 59, 37, 4),
}


# Targets within quota groups: {(wave, question, item): {(quota, code): distribution}}. The
# report quotes AI at the counter for 25-34 (30%), women (16%) and men (24%); the overall 20%
# follows from the sex split (women 16.3 and men 24.0 give 20.0 with the sex margins).
GROUP_TARGETS: dict[tuple[int, str, str], dict[tuple[str, int], dict[str, float]]] = {
    (2024, "ai_or_human_counter", ""): {
        ("sex", 2): {"ai": 16.3, "human": 83.7},
        ("sex", 1): {"ai": 24.0, "human": 76.0},
        ("age_band", 2): {"ai": 30.0, "human": 70.0},
    },
}
