"""Cutoffs shared by the churn tests: six quarterly training cutoffs and a later test cutoff."""

TRAIN = ["2023-07-01", "2023-10-01", "2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01"]

TEST = "2025-04-01"
