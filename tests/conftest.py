"""Shared fixtures. Paths come from fixtures or importlib.resources, never the working directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test opened (as seaborn's tests do)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture
def chinese_style():
    """The house style with the Chinese font applied; restores rcParams afterwards."""
    import matplotlib as mpl

    from dealerlab.plots.style import set_style

    with mpl.rc_context():
        set_style()
        yield
