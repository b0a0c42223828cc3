"""Scoring policies, live scores, ranking snapshots and runs (the scoring issue builds these)."""
