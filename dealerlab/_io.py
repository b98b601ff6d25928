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

__all__ = ["atomic_file", "atomic_dir", "clean_stale_dirs"]

#: a hidden temporary folder whose owner process is still alive is stale only after this long (pid reuse)
STALE_ALIVE_SECONDS = 24 * 3600
#: a hidden temporary folder without an owner pid in its name (older dealerlab) is stale after this long
STALE_UNKNOWN_SECONDS = 3600


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` (os.replace), on error it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix if suffix is not None else path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the user's usual permissions
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
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return done
    now = time.time()
    for entry in entries:
        m = pattern.match(entry.name)
        if m is None:
            continue
        try:
            if entry.is_symlink() or not entry.is_dir():
                continue
            age = now - entry.stat().st_mtime
            pid = int(m.group(2)) if m.group(2) else None
            if pid is None:
                stale = age > STALE_UNKNOWN_SECONDS
            elif pid == os.getpid() or _pid_alive(pid):
                stale = age > STALE_ALIVE_SECONDS
            else:
                stale = True
            if not stale:
                continue
            previous = entry / "x"
            if m.group(1) == "old" and previous.is_dir() and not os.path.lexists(path):
                os.replace(previous, path)
            shutil.rmtree(entry, ignore_errors=True)
            done.append(entry)
        except OSError:
            continue
    return done


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; on success it takes the place of ``path`` (an old folder is replaced).

    On error nothing appears at ``path``. After SIGKILL the hidden temporary folder ``.<name>.tmp-<pid>-*`` remains;
    the next run for the same ``path`` removes it (:func:`clean_stale_dirs`: only folders of dead processes).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_dirs(path)
    pid = os.getpid()
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-{pid}-", dir=path.parent))
    try:
        yield tmp
        for folder, _dirs, files in os.walk(tmp):  # mkdtemp/mkstemp make 0700/0600: use the user's usual permissions
            os.chmod(folder, 0o777 & ~_umask())
            for name in files:
                os.chmod(os.path.join(folder, name), 0o666 & ~_umask())
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-{pid}-", dir=path.parent))
            os.replace(path, old / "x")
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
