"""Ctrl-C (SIGINT) and SIGTERM: stop at once and leave nothing behind.

The CLI installs :func:`handle_signals` around every command. A long run (``dealerlab report``) asks for the *hard*
stop: on the first signal the handler freezes and kills every process the run started (pool workers, Jupyter kernels,
Chromium — the whole tree of child processes), removes the kernels' connection files and every temporary path the run
registered with :func:`temporary`, prints one line and ends the process with 130 (SIGINT) or 143 (SIGTERM). Other
commands get :class:`Interrupted` raised where they are, so their ``finally`` blocks remove half-written files.

A swap of the output folder defers signals (:func:`dealerlab._io.atomic_dir`), so it is never cut in the middle.
Library callers (notebooks, tests) install nothing: there a KeyboardInterrupt simply propagates.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from dealerlab.i18n import Catalogue

__all__ = ["Interrupted", "handle_signals", "temporary", "kill_children", "exit_code", "message", "progress_line"]

_MSG = Catalogue.load("_interrupt")

_TEMPORARY: list[Path] = []
_STATE = {"hard": False, "lang": "zh", "committed": False, "line_open": False}


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def exit_code(signum: int) -> int:
    """The shell's convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM)."""
    return 128 + int(signum)


def message(signum: int, lang: str = "zh") -> str:
    """The one line printed when a run is stopped by ``signum``."""
    what = _MSG.get("sigint" if signum == signal.SIGINT else "sigterm", lang)
    return _MSG.get("stopped", lang, what=what)


@contextlib.contextmanager
def temporary(path: str | os.PathLike) -> Iterator[Path]:
    """Register ``path`` (a file or folder) for removal if the run is stopped by a signal while the block runs."""
    p = Path(path)
    _TEMPORARY.append(p)
    try:
        yield p
    finally:
        with contextlib.suppress(ValueError):
            _TEMPORARY.remove(p)


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.lexists(path):
            path.unlink()
    except OSError:
        pass


#: connection files: jupyter's runtime-dir names (kernel-<id>.json) and its $TMPDIR fallback (tmp<random>.json)
_CONNECTION_FILE = re.compile(r"^(kernel-[\w.-]+|tmp\w+)\.json$")


def kill_children() -> list[int]:
    """Freeze, then kill (SIGKILL) every descendant process of this one; remove the connection files of the Jupyter
    kernels among them. Returns the pids killed. Never raises."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with ipykernel
        return []
    me = psutil.Process()
    seen: dict[int, psutil.Process] = {}
    for _ in range(5):  # freeze first, so that no process starts a new child between the scan and the kill
        try:
            found = [p for p in me.children(recursive=True) if p.pid not in seen]
        except psutil.Error:
            break
        if not found:
            break
        for p in found:
            seen[p.pid] = p
            with contextlib.suppress(psutil.Error):
                p.suspend()
    files = []
    for p in seen.values():
        with contextlib.suppress(psutil.Error):
            cmd = p.cmdline()
            for i, arg in enumerate(cmd[:-1]):
                if arg in ("-f", "--f") and _CONNECTION_FILE.match(Path(cmd[i + 1]).name):
                    files.append(Path(cmd[i + 1]))
            for arg in cmd:
                if arg.startswith("--f=") and _CONNECTION_FILE.match(Path(arg[4:]).name):
                    files.append(Path(arg[4:]))
    for p in seen.values():
        with contextlib.suppress(psutil.Error):
            p.kill()
    with contextlib.suppress(Exception):
        psutil.wait_procs(list(seen.values()), timeout=5)
    for f in files:
        _remove(f)
    return list(seen)


def _handler(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
    if not _STATE["hard"]:
        raise Interrupted(signum)
    for s in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut the clean-up short
        signal.signal(s, signal.SIG_IGN)
    kill_children()
    for path in list(_TEMPORARY):
        _remove(path)
    try:
        sys.stdout.flush()
    except Exception:  # noqa: BLE001 - a closed stdout must not stop the exit
        pass
    # a progress bar may have left its line open ("\r[####....] 2/4 S02"): the message starts a line of its own.
    # Written to the file descriptor: the signal may have arrived inside a write to sys.stderr, whose buffer then
    # refuses a second (reentrant) write and the one line would be lost.
    text = ("\n" if _STATE["line_open"] else "") + message(signum, _STATE["lang"]) + "\n"
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    with contextlib.suppress(Exception):
        os.write(2, text.encode(getattr(sys.stderr, "encoding", None) or "utf-8", "replace"))
    os._exit(exit_code(signum))


def progress_line(open_: bool) -> None:
    """Tell the signal handler whether a progress bar's line is open on stderr (its message then starts a new line).

    Parameters
    ----------
    open_ : bool
        ``True`` after a progress bar wrote a line without its newline, ``False`` once the line is ended.
    """
    _STATE["line_open"] = open_


@contextlib.contextmanager
def handle_signals(*, lang: str = "zh", hard: bool = False) -> Iterator[None]:
    """Install the SIGINT/SIGTERM handler for the block (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    state = dict(_STATE)
    _STATE.update(hard=hard, lang=lang)
    for s in previous:
        signal.signal(s, _handler)
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)
        _STATE.update(state)
