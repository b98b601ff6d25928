"""The code passes the linter with the rules in pyproject.toml ([tool.ruff]); `make lint` runs the same check."""

import subprocess

import pytest


def test_ruff_clean(repo_root):
    ruff = pytest.importorskip("ruff", reason="ruff comes with the dev extra: pip install -e '.[dev]'")
    result = subprocess.run(
        [ruff.find_ruff_bin(), "check", "--no-cache", "dealerlab", "tests", "benchmarks"],
        cwd=repo_root, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
