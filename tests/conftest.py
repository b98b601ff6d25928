"""Shared fixtures. Paths come from fixtures or importlib.resources, never the working directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests._paths import REPO

os.environ.setdefault("MPLBACKEND", "Agg")



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


def pytest_configure(config):
    """Exercise answers of every test run (unit tests and nbval over exercises/) go to a temp folder, never to
    ~/dealerlab-answers (exercise platform, H3). Kernels started by nbval inherit these variables."""
    import tempfile

    if not os.environ.get("DEALERLAB_ANSWERS_DIR"):
        os.environ["DEALERLAB_ANSWERS_DIR"] = tempfile.mkdtemp(prefix="dealerlab-answers-test-")
    os.environ.setdefault("DEALERLAB_TRAINEE", "测试学员")
