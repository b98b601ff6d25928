"""Answer storage: one JSON file per trainee × exercise in a workshop folder, never lost, never torn.

Layout::

    <folder>/profile.json                      {"trainee": "张三"}   (the name asked once per folder)
    <folder>/<trainee>/<exercise_id>.json      values, attempts, revealed (see README.md)

Every write is atomic (temp file in the same folder + fsync + ``os.replace``) and happens under an exclusive lock
file (``<file>.lock``); a save re-reads the file and merges it (attempts: union by time + session; values: last
writer wins), so two browser tabs or kernels on one answer file neither corrupt it nor drop each other's attempts.
A file that cannot be read is renamed ``<file>.corrupt-<timestamp>`` and reported (Chinese warning); the exercise
then starts clean.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dealerlab import __version__
from dealerlab._io import atomic_file
from dealerlab.errors import ExerciseError
from dealerlab.i18n import Catalogue

__all__ = [
    "AnswerStore",
    "answers_dir",
    "atomic_write_bytes",
    "atomic_write_text",
    "file_lock",
    "safe_name",
    "FORMAT",
    "ENV_DIR",
    "ENV_TRAINEE",
    "AnswerFileError",
    "read_json_limited",
    "MAX_ANSWER_BYTES",
    "MAX_PROFILE_BYTES",
    "MAX_JSON_DEPTH",
]

_MSG = Catalogue.load("exercises/store")

FORMAT = 1
ENV_DIR = "DEALERLAB_ANSWERS_DIR"
ENV_TRAINEE = "DEALERLAB_TRAINEE"
PROFILE = "profile.json"

#: an answer file holds a few hundred attempts of a few hundred bytes each; anything far larger is not one
MAX_ANSWER_BYTES = 4 * 1024 * 1024
#: profile.json holds one name
MAX_PROFILE_BYTES = 64 * 1024
#: answer files nest 5 levels deep (record → attempts → attempt → answer → table row); 200 000 levels is an attack
MAX_JSON_DEPTH = 32


class AnswerFileError(ValueError):
    """An answer or profile file that is not read: too large, too deeply nested, not a regular file, not JSON.

    ``zh`` / ``en`` say why (the file is named by the caller).
    """

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en
        super().__init__(zh)


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def _json_depth(text: str) -> int:
    """Deepest nesting of ``[`` / ``{`` outside strings (linear, no recursion)."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    depth = deepest = 0
    for ch in brackets:
        if ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


def read_json_limited(
    path: str | os.PathLike, *, max_bytes: int = MAX_ANSWER_BYTES, max_depth: int = MAX_JSON_DEPTH
) -> Any:
    """Parse a small JSON file defensively.

    The file must be a regular file (a FIFO would block forever, ``/dev/zero`` never ends), is opened without
    following a symbolic link and without blocking, read up to ``max_bytes`` (one byte more means too large) and its
    nesting is measured before :func:`json.loads` (a deep file would raise ``RecursionError``).

    Parameters
    ----------
    path : path
        The file.
    max_bytes : int
        Largest accepted size in bytes.
    max_depth : int
        Deepest accepted nesting of lists and objects.

    Returns
    -------
    object
        The parsed JSON.

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    AnswerFileError
        When the file is not read (the reason in Chinese and English).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as err:
        if os.path.islink(path):
            raise AnswerFileError(*_MSG.both("symlink")) from err
        raise AnswerFileError(*_MSG.both("cannot_open", why=err.strerror or err)) from err
    try:
        st = os.fstat(fd)
        import stat as _stat

        if not _stat.S_ISREG(st.st_mode):
            raise AnswerFileError(*_MSG.both("not_regular"))
        if st.st_size > max_bytes:
            raise AnswerFileError(*_MSG.both("too_large", mb=st.st_size / 1e6, max=max_bytes / 1e6))
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise AnswerFileError(*_MSG.both("grew_too_large", max=max_bytes / 1e6))
    finally:
        os.close(fd)
    try:
        text = b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise AnswerFileError(*_MSG.both("not_utf8")) from err
    if _json_depth(text) > max_depth:
        raise AnswerFileError(*_MSG.both("too_deep", depth=max_depth))
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise AnswerFileError(*_MSG.both("not_json")) from err


def answers_dir(root: str | os.PathLike | None = None) -> Path:
    """The workshop folder: ``root`` > env ``DEALERLAB_ANSWERS_DIR`` > ``~/dealerlab-answers``."""
    if root is not None and str(root) != "":
        return Path(root).expanduser()
    env = os.environ.get(ENV_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path.home() / "dealerlab-answers"


_BAD_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_name(name: str) -> str:
    """A file-system-safe folder name for a trainee (keeps Chinese; replaces separators and control characters)."""
    text = unicodedata.normalize("NFC", str(name)).strip()
    text = _BAD_CHARS.sub("_", text)
    text = text.strip(" .")
    text = text[:60]
    if not text:
        raise ExerciseError(*_MSG.both("name_empty"))
    if text.split(".")[0].casefold() in _RESERVED:
        text = "_" + text
    return text


def now_iso() -> str:
    """Current UTC time, ISO 8601 with microseconds (sortable)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ----------------------------------------------------------------------------------------------------------------
# atomic writes and locks

def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically (temp file + fsync + ``os.replace``): never a torn file.

    ``mode`` (e.g. ``0o600`` for a secret) sets the permissions before the file appears; by default the user's usual
    permissions.
    """
    with atomic_file(path, suffix=".tmp", mode=mode) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: str | os.PathLike, text: str, *, mode: int | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


@contextlib.contextmanager
def file_lock(path: str | os.PathLike, *, timeout: float = 15.0) -> Iterator[None]:
    """Exclusive advisory lock on ``path`` (created if needed): ``fcntl.flock`` on POSIX, ``msvcrt`` on Windows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if os.name == "nt":  # pragma: no cover - exercised on Windows only
            import msvcrt

            deadline = time.monotonic() + timeout
            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            try:
                yield
            finally:
                os.lseek(fd, 0, 0)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------------------------------------------
def _valid_record(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("values", {}), dict)
        and isinstance(data.get("attempts", []), list)
        and all(isinstance(a, dict) and isinstance(a.get("time"), str) for a in data.get("attempts", []))
    )


def _attempt_key(a: dict) -> tuple[str, str]:
    return (str(a.get("time", "")), str(a.get("session", "")))


def merge_attempts(*lists: list[dict]) -> list[dict]:
    """Union of attempt lists (by time + session), sorted by time."""
    seen: dict[tuple[str, str], dict] = {}
    for attempts in lists:
        for a in attempts or []:
            seen.setdefault(_attempt_key(a), a)
    return [seen[k] for k in sorted(seen)]


class AnswerStore:
    """The answer files of one workshop folder.

    Parameters
    ----------
    root : path, optional
        Workshop folder; default env ``DEALERLAB_ANSWERS_DIR`` or ``~/dealerlab-answers``.
    trainee : str, optional
        Trainee name; default env ``DEALERLAB_TRAINEE`` or the folder's ``profile.json``. When none is known,
        :attr:`trainee` is ``None`` and an exercise asks for the name (:meth:`set_trainee`).
    """

    def __init__(self, root: str | os.PathLike | None = None, *, trainee: str | None = None) -> None:
        self.root = answers_dir(root)
        self._trainee = trainee.strip() if isinstance(trainee, str) and trainee.strip() else None

    def __repr__(self) -> str:
        return f"AnswerStore({str(self.root)!r}, trainee={self.trainee!r})"

    # -- trainee ----------------------------------------------------------------------------------------------------
    @property
    def profile_path(self) -> Path:
        return self.root / PROFILE

    @property
    def trainee(self) -> str | None:
        if self._trainee:
            return self._trainee
        env = os.environ.get(ENV_TRAINEE, "").strip()
        if env:
            return env
        try:
            data = read_json_limited(self.profile_path, max_bytes=MAX_PROFILE_BYTES)
        except (OSError, ValueError):
            return None
        name = data.get("trainee") if isinstance(data, dict) else None
        return name.strip() if isinstance(name, str) and name.strip() else None

    def set_trainee(self, name: str) -> str:
        """Remember ``name`` for this folder (``profile.json``); returns the cleaned name."""
        name = unicodedata.normalize("NFC", str(name or "")).strip()
        safe_name(name)  # raises a Chinese error when empty
        with file_lock(self.root / (PROFILE + ".lock")):
            atomic_write_text(
                self.profile_path, json.dumps({"trainee": name, "updated": now_iso()}, ensure_ascii=False, indent=1)
            )
        self._trainee = name
        return name

    # -- answer files -----------------------------------------------------------------------------------------------
    def path(self, exercise_id: str, trainee: str | None = None) -> Path:
        trainee = trainee or self.trainee
        if not trainee:
            raise ExerciseError(*_MSG.both("name_unknown"))
        return self.root / safe_name(trainee) / f"{safe_name(exercise_id)}.json"

    def _read(self, path: Path) -> tuple[dict | None, str | None]:
        """(record, warning). A corrupt file is moved aside and reported."""
        try:
            data = read_json_limited(path)
        except FileNotFoundError:
            return None, None
        except (OSError, ValueError):  # AnswerFileError is a ValueError: too large, too deep, not a file, not JSON
            data = None
        if data is not None and _valid_record(data):
            return data, None
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        try:
            os.replace(path, aside)
        except FileNotFoundError:
            return None, None
        return None, _MSG.get("answers_damaged", "zh", name=aside.name)

    def load(self, exercise_id: str) -> tuple[dict | None, str | None]:
        """The saved record of ``exercise_id`` for the current trainee, and a Chinese warning (or None)."""
        path = self.path(exercise_id)
        if not os.path.lexists(path):
            return None, None
        with file_lock(path.with_name(path.name + ".lock")):
            return self._read(path)

    def save(
        self,
        exercise_id: str,
        *,
        values: dict,
        attempts: list[dict],
        revealed: bool = False,
        title: str = "",
        extra: dict | None = None,
    ) -> tuple[dict, str | None]:
        """Merge and write; returns the merged record (what is now on disk) and a warning if a corrupt file was
        moved aside."""
        trainee = self.trainee
        path = self.path(exercise_id, trainee)
        with file_lock(path.with_name(path.name + ".lock")):
            old, warning = self._read(path)
            old = old or {}
            record = {
                "format": FORMAT,
                "exercise_id": exercise_id,
                "title": title or old.get("title", ""),
                "trainee": trainee,
                "dealerlab_version": __version__,
                "updated": now_iso(),
                "values": values,
                "attempts": merge_attempts(old.get("attempts", []), attempts),
                "revealed": bool(revealed or old.get("revealed", False)),
            }
            if extra:
                record.update(extra)
            atomic_write_text(path, json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True, default=str))
        return record, warning
