"""Helpers for browser tests: a free port, Voilà in a subprocess, Debian Chromium through Playwright.

Never downloads a browser (no ``playwright install``): Chromium comes from Debian (``.ci/system-deps.sh``).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> None:
    """Skip (with the fix in the reason) when Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} 不存在：运行 `bash .ci/system-deps.sh`（Debian chromium）后再测 / install Debian chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright 未安装：pip install playwright（不要运行 playwright install）")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def voila_server(notebook: Path, *, env: dict[str, str], log: Path, timeout: float = 300.0) -> Iterator[str]:
    """Serve ``notebook`` with Voilà on a free local port; yields the page URL; stops the server afterwards."""
    port = free_port()
    voila = Path(sys.executable).parent / "voila"
    argv = [str(voila), str(notebook), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
            "--show_tracebacks=False"]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=notebook.parent)
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"voila exited with {proc.returncode}; see {log}")
                # wait for Voilà's own "running at" line: a GET of the page would execute the notebook, and on a
                # loaded machine every 2-second probe that timed out left another kernel starting
                if b"is running at" in log.read_bytes():
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"voila did not answer within {timeout} s; see {log}") from None
                time.sleep(0.2)
            yield url
        finally:
            stop(proc, 15)


def stop(proc: subprocess.Popen, grace: float = 20) -> None:
    """Terminate a server started by a test; kill it when it has not ended after ``grace`` seconds."""
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@contextlib.contextmanager
def served(argv: list[str], *, env: dict[str, str], log: Path, cwd: Path, ready: str, what: str,
           timeout: float = 180.0) -> Iterator[subprocess.Popen]:
    """Run a server (``argv``, output to ``log``) until the URL ``ready`` answers; yields the process; stops it
    afterwards. A server that exits first fails with the end of its log."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        try:
            deadline = time.monotonic() + timeout
            while True:
                assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
                try:
                    urllib.request.urlopen(ready, timeout=2).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, f"{what} server did not start"
                    time.sleep(0.3)
            yield proc
        finally:
            stop(proc)


def wait_for_json(path: Path, predicate: Callable[[object], bool], timeout: float = 30.0):
    """Poll a JSON file until ``predicate(data)`` holds (answers are saved after a short delay); returns the data."""
    deadline = time.monotonic() + timeout
    data = None
    while time.monotonic() < deadline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if predicate(data):
                return data
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{path} never reached the expected state: {data}")


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A Playwright Chromium browser (Debian's binary, headless)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshots_dir(repo_root: Path) -> Path:
    """``artifacts/screenshots`` (gitignored), created."""
    path = repo_root / "artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def server_env(**extra: str) -> dict[str, str]:
    """The environment for a served notebook: this venv first on PATH, plus ``extra``."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env
