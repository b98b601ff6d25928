"""Trainee copies of the trainer's exercise notebooks (``trainer/exercises`` → ``exercises``).

Cells tagged ``solution`` or ``trainer`` are removed, outputs and execution counts cleared, per-run metadata dropped;
the JSON is written deterministically so ``--check`` (and the test) can compare bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from dealerlab.errors import ExerciseError
from dealerlab.exercises.store import atomic_write_text
from dealerlab.i18n import Catalogue

__all__ = ["BuildResult", "build_trainee_copies", "trainee_copy", "find_project_root", "REMOVED_TAGS"]

#: Cell tags removed from trainee copies.
REMOVED_TAGS = ("solution", "trainer")
_MSG = Catalogue.load("exercises/build")
_NOTEBOOK_RE = re.compile(r"^\d\d[a-z]?-[\w.-]+\.ipynb$")
_KEEP_CELL_META = ("tags",)


@dataclass
class BuildResult:
    """What a build wrote (or, with ``check=True``, would write)."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return bool(self.written or self.removed)


def find_project_root(start: str | os.PathLike | None = None) -> Path:
    """The folder holding ``trainer/exercises``: searched upward from ``start`` (default: the working directory),
    then beside the installed package (an editable install)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "trainer" / "exercises").is_dir():
            return folder
    pkg_parent = Path(__file__).resolve().parents[2]
    if (pkg_parent / "trainer" / "exercises").is_dir():
        return pkg_parent
    raise ExerciseError(*_MSG.both("no_trainer_folder"))


def trainee_copy(text: str, *, source_name: str = "") -> str:
    """The trainee version (JSON text) of a trainer notebook (JSON text)."""
    import nbformat

    raw = json.loads(text)
    # sources older than nbformat 4.5 get random cell ids on reading: derive stable ones instead
    keep_ids = (raw.get("nbformat"), raw.get("nbformat_minor", 0)) >= (4, 5)
    nb = nbformat.reads(text, as_version=4)
    cells = []
    for i, cell in enumerate(nb.cells):
        tags = list(cell.get("metadata", {}).get("tags", []))
        if any(t in REMOVED_TAGS for t in tags):
            continue
        meta = {k: v for k, v in cell.get("metadata", {}).items() if k in _KEEP_CELL_META}
        if "tags" in meta:
            meta["tags"] = [t for t in tags if t not in REMOVED_TAGS]
            if not meta["tags"]:
                del meta["tags"]
        cell["metadata"] = meta
        if cell.cell_type == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        if not keep_ids or not cell.get("id"):
            cell["id"] = hashlib.sha1(f"{source_name}:{i}".encode()).hexdigest()[:8]
        cells.append(cell)
    nb.cells = cells
    kernelspec = nb.metadata.get("kernelspec") or {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata = {
        "kernelspec": {k: kernelspec[k] for k in ("display_name", "language", "name") if k in kernelspec},
        "language_info": {"name": "python"},
        "dealerlab": {"generated_from": f"trainer/exercises/{source_name}" if source_name else "trainer/exercises"},
    }
    nb.nbformat, nb.nbformat_minor = 4, 5
    out = nbformat.writes(nb, version=4)
    return out if out.endswith("\n") else out + "\n"


def build_trainee_copies(
    source_dir: str | os.PathLike, output_dir: str | os.PathLike, *, check: bool = False
) -> BuildResult:
    """Write (or with ``check=True`` only compare) trainee copies of every ``NNx-name.ipynb`` in ``source_dir``.

    Trainee copies in ``output_dir`` with no trainer source are removed (listed in ``removed``).
    """
    source_dir, output_dir = Path(source_dir), Path(output_dir)
    result = BuildResult()
    sources = sorted(p for p in source_dir.glob("*.ipynb") if _NOTEBOOK_RE.match(p.name))
    for src in sources:
        try:
            text = trainee_copy(src.read_text(encoding="utf-8"), source_name=src.name)
        except Exception as err:
            raise ExerciseError(*_MSG.both("trainer_notebook_unreadable", name=src.name, err=err)) from err
        dest = output_dir / src.name
        current = dest.read_text(encoding="utf-8") if dest.exists() else None
        if current == text:
            result.unchanged.append(dest)
            continue
        result.written.append(dest)
        if not check:
            atomic_write_text(dest, text, mode=0o644)
    names = {p.name for p in sources}
    if output_dir.is_dir():
        for old in sorted(output_dir.glob("*.ipynb")):
            if _NOTEBOOK_RE.match(old.name) and old.name not in names:
                result.removed.append(old)
                if not check:
                    old.unlink()
    return result
