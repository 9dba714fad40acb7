"""The quality gate: expectation suites, the privacy scan, the published-figures guard and the
verdict that publication reads."""
