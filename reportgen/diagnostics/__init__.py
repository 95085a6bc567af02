"""Diagnostics: pure functions from a Sweep to small typed results and Findings (no drawing)."""
