"""Checks of the repository as a whole: lint, imports (no circle), docstrings, docs and their references,
packaging, the course map and coverage tables."""
