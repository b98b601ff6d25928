"""Atomic output: a file or folder appears complete, or not at all (never half-written)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_file", "atomic_dir", "clean_stale_dirs", "clean_stale_temp"]

#: a hidden temporary folder whose owner process is still alive is stale only after this long (pid reuse)
STALE_ALIVE_SECONDS = 24 * 3600
#: a hidden temporary folder without an owner pid in its name (older dealerlab) is stale after this long
STALE_UNKNOWN_SECONDS = 3600


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, *, suffix: str | None = None, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` (os.replace), on error it is removed.

    ``mode`` sets the file's permissions before it appears (e.g. ``0o600`` for a secret); by default the user's usual
    permissions (``0o666`` less the umask)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix if suffix is not None else path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        # mkstemp makes 0600; give the file the permissions asked for, else the user's usual ones
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a process of another user counts as alive)."""
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's process
        return True
    return True


def _matching(folder: Path, pattern: re.Pattern) -> list[tuple[Path, re.Match]]:
    """The entries of ``folder`` whose name matches ``pattern``, with the match (none when it cannot be read)."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    return [(entry, m) for entry in entries if (m := pattern.match(entry.name)) is not None]


def _stale(pid: int | None, age: float) -> bool:
    """Whether a working folder of process ``pid`` (``None``: not in its name), ``age`` seconds old, was left by a
    killed run: its process is gone, or it is older than a run of a live (perhaps reused) pid could be."""
    if pid is None:
        return age > STALE_UNKNOWN_SECONDS
    if pid == os.getpid() or _pid_alive(pid):
        return age > STALE_ALIVE_SECONDS
    return True


def clean_stale_dirs(path: str | os.PathLike) -> list[Path]:
    """Remove the hidden temporary folders that killed runs of :func:`atomic_dir` left beside ``path``.

    A folder ``.<name>.tmp-<pid>-*`` (or ``.<name>.old-<pid>-*``) is stale when process ``<pid>`` no longer exists,
    or when it is older than :data:`STALE_ALIVE_SECONDS` (the pid may have been reused); a folder without a pid in
    its name when older than :data:`STALE_UNKNOWN_SECONDS`. Folders of this process, of live processes, symlinks and
    other names are never touched. A stale ``.old-`` folder holds the previous output of a run killed while swapping
    folders: when ``path`` is missing it is moved back to ``path`` (nothing lost), otherwise removed.
    Never raises; returns the folders removed or restored.
    """
    path = Path(path)
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.(tmp|old)-(?:(\d+)-)?")
    done: list[Path] = []
    now = time.time()
    for entry, m in _matching(path.parent, pattern):
        try:
            if entry.is_symlink() or not entry.is_dir():
                continue
            if not _stale(int(m.group(2)) if m.group(2) else None, now - entry.stat().st_mtime):
                continue
            previous = entry / "x"
            if m.group(1) == "old" and previous.is_dir() and not os.path.lexists(path):
                os.replace(previous, path)
            shutil.rmtree(entry, ignore_errors=True)
            done.append(entry)
        except OSError:
            continue
    return done


def clean_stale_temp(folder: str | os.PathLike, prefix: str) -> list[Path]:
    """Remove the private working folders ``<folder>/<prefix><pid>-*`` that killed runs left (their pid is dead or
    they are older than :data:`STALE_ALIVE_SECONDS`), and ``<prefix>*`` folders without a pid (older dealerlab)
    older than :data:`STALE_UNKNOWN_SECONDS`. Only folders of the current user; symlinks never. Never raises."""
    pattern = re.compile(rf"^{re.escape(prefix)}(?:(\d+)-)?[^/]*$")
    done: list[Path] = []
    now = time.time()
    for entry, m in _matching(Path(folder), pattern):
        try:
            st = entry.lstat()
            if entry.is_symlink() or not entry.is_dir() or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
                continue
            if _stale(int(m.group(1)) if m.group(1) else None, now - st.st_mtime):
                shutil.rmtree(entry, ignore_errors=True)
                done.append(entry)
        except OSError:
            continue
    return done


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """SIGINT/SIGTERM wait until the block ends (a swap of two folders is never cut in the middle)."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike, *, kind: str | None = None, inputs=()) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; on success it takes the place of ``path`` (an old folder is replaced).

    ``path`` is resolved first (``-o .`` is the real folder, its temporary sibling lies in the parent). With ``kind``
    ("report", "dataset") the folder gets dealerlab's manifest (:func:`dealerlab._output.write_manifest`) and an
    existing ``path`` is replaced only if it holds nothing dealerlab did not write (checked again just before the
    swap): otherwise :class:`~dealerlab.errors.OutputError` and nothing changes.

    On error nothing appears at ``path``. After SIGKILL the hidden temporary folder ``.<name>.tmp-<pid>-*`` remains;
    the next run for the same ``path`` removes it (:func:`clean_stale_dirs`: only folders of dead processes). The
    swap itself defers SIGINT/SIGTERM, so a signal never leaves the previous output hidden in ``.<name>.old-*``.
    """
    path = Path(os.path.expanduser(os.fspath(path))).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_dirs(path)
    pid = os.getpid()
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-{pid}-", dir=path.parent))
    try:
        yield tmp
        if kind is not None:
            from dealerlab._output import write_manifest

            write_manifest(tmp, kind=kind, inputs=inputs)
        for folder, _dirs, files in os.walk(tmp):  # mkdtemp/mkstemp make 0700/0600: use the user's usual permissions
            os.chmod(folder, 0o777 & ~_umask())
            for name in files:
                os.chmod(os.path.join(folder, name), 0o666 & ~_umask())
        with _signals_deferred():
            if os.path.lexists(path):
                if kind is not None:
                    from dealerlab._output import check_output_dir

                    check_output_dir(path, inputs=inputs, kind=kind)  # the user may have added a file meanwhile
                old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-{pid}-", dir=path.parent))
                os.replace(path, old / "x")
                os.replace(tmp, path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
