"""Paths of the repository for the tests, computed once here (a test file's own depth under tests/ never matters)."""

from __future__ import annotations

from pathlib import Path

#: the repository's root folder (holds dealerlab/, docs/, notebooks/, tests/)
REPO = Path(__file__).resolve().parent.parent
#: the client-file corpus: bad/ (each case's expected error) and good/ (accepted variants); tests/data/README.md
CORPUS = REPO / "tests" / "data"
