"""Build some of a report's sections in a forked child process, on the core the kernel does not use.

A one-store ``dealerlab report`` runs its notebook in one kernel while the machine's other core waits (the CLI only
relays the kernel's messages). :class:`SectionWorker` forks the kernel once the report's context is open — the child
shares the data, the figures and every imported module with the kernel, copy on write — and the child runs its tasks
one after another, each result into a file of a private folder, while the kernel renders the other sections: first
the findings of :data:`FORKED_SECTIONS` (which the executive summary ranks with the others'), then those sections.
When the notebook needs one of them, :meth:`SectionWorker.take` hands it over (waiting for the child if it is not
done yet); the section's cell shows exactly what the kernel would have built, and prints or warnings of the task are
replayed in the cell that takes it.

Nothing depends on the child succeeding: a section the child could not build (an error, a killed or stuck child, a
platform without ``os.fork``) is built by the kernel itself when its cell runs, as it would be without a child — the
same HTML, or the same error in the same cell.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import shutil
import signal
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["FORKED_SECTIONS", "SectionWorker"]

#: the sections the child builds: about half the CPU of the sections (measured on the demo: the child repeats some
#: of what the executive summary's findings computed in the kernel), so that kernel and child finish together
FORKED_SECTIONS = ("aftersales", "csi", "accounts", "policy")

#: a child that finishes no section for this long is taken as stuck: it is killed and the kernel builds the rest
STALL_SECONDS = 120.0


def _run_captured(run: Callable[[str], object], key: str) -> dict:
    """``run(key)`` with its prints and warnings captured (the child has no cell to show them in)."""
    out, err = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        value = run(key)
    return {
        "value": value,
        "stdout": out.getvalue(),
        "stderr": err.getvalue(),
        "warnings": [(str(w.message), w.category, w.filename, w.lineno) for w in caught],
    }


class SectionWorker:
    """A forked child running the tasks ``keys`` with ``run`` (``run(key)``: a section's HTML before the context's own
    post-processing, or another picklable result), each result into ``<folder>/<key>.pkl``.

    Parameters
    ----------
    run : callable
        ``run(key)`` returns the task's result; called in the child only.
    keys : sequence of str
        The tasks the child runs, in this order.
    parent_folder : str or path-like, optional
        Where the child's private result folder is made (default: the system's temporary folder).
    """

    def __init__(self, run: Callable[[str], object], keys: Sequence[str], *, parent_folder=None):
        self.keys = list(keys)
        self.pid: int | None = None
        self._status: int | None = None
        self._last = time.monotonic()
        self.folder = Path(tempfile.mkdtemp(prefix="dealerlab-sections-", dir=parent_folder))
        try:
            pid = os.fork()
        except (AttributeError, OSError):  # no fork on this platform, or no memory for it: the kernel builds them
            self.keys = []
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        if pid == 0:  # pragma: no cover - the child (coverage does not follow it)
            self._child(run)
        self.pid = pid

    # ---- the child -------------------------------------------------------------------------------------------
    def _child(self, run: Callable[[str], object]) -> None:  # pragma: no cover - runs in the child
        code = 0
        try:
            import gc

            # objects inherited from the kernel are never collected here (no finaliser of the kernel's sockets runs
            # in the child); Ctrl-C and a kill end the child at once
            gc.freeze()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            sys.stdout, sys.stderr = io.StringIO(), io.StringIO()  # never the kernel's streams
            for key in self.keys:
                try:
                    payload = pickle.dumps(_run_captured(run, key), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:  # noqa: BLE001 - the kernel runs it again and shows the error in its cell
                    payload = pickle.dumps(None)
                tmp = self.folder / f".{key}.tmp"
                tmp.write_bytes(payload)
                os.replace(tmp, self.folder / f"{key}.pkl")
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)

    # ---- the kernel ------------------------------------------------------------------------------------------
    def _alive(self) -> bool:
        if self.pid is None or self._status is not None:
            return False
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self._status = status
        return False

    def take(self, key: str):
        """The result of task ``key`` (a section's HTML) from the child, waiting for it; its prints and warnings are
        replayed here. None when the child does not run ``key`` or could not (then the caller does it)."""
        if key not in self.keys:
            return None
        path = self.folder / f"{key}.pkl"
        while not path.exists():
            if not self._alive():
                if path.exists():  # written just before the child ended
                    break
                self.close()
                return None
            if time.monotonic() - self._last > STALL_SECONDS:
                self.close()
                return None
            time.sleep(0.005)
        self._last = time.monotonic()
        with open(path, "rb") as fh:
            result = pickle.load(fh)
        path.unlink()
        self.keys.remove(key)
        if not self.keys:
            self.close()
        if result is None:
            return None
        if result["stdout"]:
            sys.stdout.write(result["stdout"])
        if result["stderr"]:
            sys.stderr.write(result["stderr"])
        for message, category, filename, lineno in result["warnings"]:
            warnings.showwarning(message, category, filename, lineno)
        return result["value"]

    def close(self) -> None:
        """End the child (killed if still running) and remove its folder; the sections it had not handed over are
        built by the kernel."""
        self.keys = []
        if self.pid is not None and self._status is None:
            with contextlib.suppress(OSError):
                if self._alive():
                    os.kill(self.pid, signal.SIGKILL)
                    _, self._status = os.waitpid(self.pid, 0)
        shutil.rmtree(self.folder, ignore_errors=True)
