"""``python -m dealerlab`` is the ``dealerlab`` command (for a clone run with ``PYTHONPATH=.``, no installed script)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests._paths import REPO


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "dealerlab", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=120)


def test_python_m_dealerlab_runs_the_command_line():
    done = _run("--help")
    assert done.returncode == 0 and "usage: dealerlab" in done.stdout


def test_python_m_dealerlab_exits_1_with_one_chinese_message(tmp_path):
    done = _run("validate", str(tmp_path / "没有这个文件.xlsx"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "找不到文件" in done.stdout + done.stderr
