"""Gather a class's answers: ``dealerlab class collect`` (zips or folders from trainees' laptops → one class folder)
and ``dealerlab class new`` (archive a finished class, start empty).

Nothing from a zip is extracted to disk as it is named: every member is read in memory (size- and depth-limited like
any answer file), checked to be a dealerlab answer record, and written where the record's own trainee and exercise id
say (:meth:`~dealerlab.exercises.store.AnswerStore.path`, which makes both safe names) — a member called
``../../x.json`` cannot write outside the class folder. The same trainee × exercise from several laptops is merged:
attempts are the union (one attempt = one time + session, so collecting the same zip twice adds nothing), the values
shown are the most recently updated ones, a revealed model answer stays revealed.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dealerlab.errors import ExerciseError
from dealerlab.exercises.gradebook import _answer_files
from dealerlab.exercises.mydata import remove_uploads
from dealerlab.exercises.store import (
    MAX_ANSWER_BYTES,
    MAX_JSON_DEPTH,
    AnswerFileError,
    AnswerStore,
    _json_depth,
    read_json_limited,
)
from dealerlab.i18n import Catalogue

__all__ = ["CollectResult", "collect_into", "new_class"]

_MSG = Catalogue.load("exercises/collect")

#: a zip of one trainee's answers is a few hundred kB; a class's a few MB
MAX_ZIP_TOTAL = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 20_000


@dataclass
class CollectResult:
    """What ``class collect`` did: files merged, new attempts, trainees, and the files skipped (with the reason)."""

    files: int = 0
    new_attempts: int = 0
    trainees: set = field(default_factory=set)
    skipped: list = field(default_factory=list)


def _records_from_zip(path: Path, skipped: list) -> list[tuple[str, dict]]:
    out = []
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as err:
        raise ExerciseError(*_MSG.both("not_a_zip", name=path.name, err=err)) from err
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise ExerciseError(*_MSG.both("zip_too_many_members", name=path.name, n=len(infos)))
        total = 0
        for info in infos:
            name = info.filename
            label = f"{path.name}:{name}"
            if info.is_dir() or not name.endswith(".json") or name.rsplit("/", 1)[-1] in ("profile.json",) \
                    or name.rsplit("/", 1)[-1].startswith("."):
                continue
            if info.file_size > MAX_ANSWER_BYTES:
                skipped.append((label, _MSG.get("skip_member_too_large", "zh", mb=info.file_size / 1e6)))
                continue
            total += info.file_size
            if total > MAX_ZIP_TOTAL:
                skipped.append((label, _MSG.get("skip_zip_too_large", "zh")))
                break
            try:
                with zf.open(info) as fh:
                    data = fh.read(MAX_ANSWER_BYTES + 1)  # the declared size can lie: never read more
                if len(data) > MAX_ANSWER_BYTES:
                    raise AnswerFileError(*_MSG.both("too_large"))
                text = data.decode("utf-8-sig")
                if _json_depth(text) > MAX_JSON_DEPTH:
                    raise AnswerFileError(*_MSG.both("too_deep"))
                out.append((label, json.loads(text)))
            except AnswerFileError as err:
                skipped.append((label, err.zh))
            except (ValueError, RecursionError, OSError, zipfile.BadZipFile, NotImplementedError, RuntimeError) as err:
                skipped.append((label, _MSG.get("skip_unreadable", "zh", error=type(err).__name__)))
    return out


def _records_from_folder(path: Path, skipped: list) -> list[tuple[str, dict]]:
    out = []
    for shown, target in _answer_files(path, skipped):
        try:
            out.append((str(shown), read_json_limited(target)))
        except AnswerFileError as err:
            skipped.append((shown, err.zh))
        except Exception as err:  # one bad file never stops the collection
            skipped.append((shown, _MSG.get("skip_unreadable", "zh", error=type(err).__name__)))
    return out


def _is_record(data) -> bool:
    return (isinstance(data, dict) and isinstance(data.get("exercise_id"), str) and data["exercise_id"].strip()
            and isinstance(data.get("trainee"), str) and data["trainee"].strip()
            and isinstance(data.get("values", {}), dict) and isinstance(data.get("attempts", []), list))


def collect_into(sources, answers_dir) -> CollectResult:
    """Merge the answer files of ``sources`` (zips or folders) into the class folder ``answers_dir``.

    Parameters
    ----------
    sources : iterable of path
        Zip files or folders (a trainee's ``dealerlab-answers`` or several of them).
    answers_dir : path
        The class answers folder (created when missing).

    Returns
    -------
    CollectResult
        Counts and the files skipped with the reason.
    """
    root = Path(answers_dir)
    root.mkdir(parents=True, exist_ok=True)
    result = CollectResult()
    real_root = root.resolve()
    for src in sources:
        src = Path(src)
        if not src.exists():
            raise ExerciseError(*_MSG.both("source_missing", src=src))
        if src.is_dir():
            if src.resolve() == real_root:
                raise ExerciseError(*_MSG.both("source_is_class", src=src))
            records = _records_from_folder(src, result.skipped)
        else:
            records = _records_from_zip(src, result.skipped)
        for label, data in records:
            if not _is_record(data):
                result.skipped.append((label, _MSG.get("skip_not_answers", "zh")))
                continue
            try:
                result.new_attempts += _merge(root, data)
            except (ExerciseError, OSError) as err:
                result.skipped.append((label, _MSG.get("skip_not_merged", "zh", err=err)))
                continue
            result.files += 1
            result.trainees.add(data["trainee"].strip())
    return result


def _merge(root: Path, data: dict) -> int:
    trainee, ex_id = data["trainee"].strip(), data["exercise_id"].strip()
    store = AnswerStore(root, trainee=trainee)
    old, _warning = store.load(ex_id)
    old = old or {}
    attempts = [a for a in data.get("attempts", []) if isinstance(a, dict) and isinstance(a.get("time"), str)]
    before = {(str(a.get("time")), str(a.get("session"))) for a in old.get("attempts", [])}
    new = sum(1 for a in attempts if (str(a.get("time")), str(a.get("session"))) not in before)
    incoming_newer = str(data.get("updated", "")) >= str(old.get("updated", ""))
    values = data.get("values", {}) if (incoming_newer or not old) else old.get("values", {})
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    # the record keeps the time its values were last changed on a laptop (not the time of the collection), so the
    # next laptop's values are compared with the right time
    updated = max(str(data.get("updated", "")), str(old.get("updated", "")))
    store.save(ex_id, values=values, attempts=attempts, revealed=bool(data.get("revealed")), title=title,
               extra={"updated": updated} if updated else None)
    return new


def new_class(answers_dir, *, now: datetime | None = None) -> Path:
    """Archive the class folder (renamed) and start an empty one; returns the archive folder.

    The answers are kept whole; the store data trainees uploaded (``<trainee>/.mydata/``, written by dealerlab) is
    deleted: it belongs to their dealership, not to the class archive.

    Parameters
    ----------
    answers_dir : path
        The class answers folder.
    now : datetime, optional
        Time stamp of the archive name (default: now).

    Returns
    -------
    Path
        ``<answers_dir>-存档-YYYYmmdd-HHMMSS`` beside the class folder.
    """
    root = Path(answers_dir)
    if not root.is_dir():
        raise ExerciseError(*_MSG.both("class_missing", root=root))
    if not any(p for p in root.iterdir() if p.name not in (".classroom",)):
        raise ExerciseError(*_MSG.both("class_empty", root=root))
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    archive = root.with_name(_MSG.get("archive_name", "zh", name=root.name, stamp=stamp))
    n = 1
    while archive.exists():
        n += 1
        archive = root.with_name(_MSG.get("archive_name", "zh", name=root.name, stamp=f"{stamp}-{n}"))
    os.replace(root, archive)  # a rename: the finished class is kept whole
    root.mkdir()

    remove_uploads(archive)  # except the trainees' own store data: it leaves with the class
    return archive
