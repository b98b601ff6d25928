"""Output rules: dealerlab never deletes or overwrites anything it did not write.

Every command that writes (``report -o``, ``metrics -o``, ``template -o``, ``class report -o``,
``datasets generate -o``) checks its output path here before it does anything else:

* an **input** (the data file or folder, the benchmarks file) is never an output, nor is a folder containing an
  input, nor anything inside an input folder;
* an **output folder** (report, generated data set) may be new, empty, or a folder dealerlab wrote before. dealerlab
  marks such folders with a small manifest (``audit/.dealerlab-report.json`` — ``.dealerlab-report.json`` at the top
  before — and ``.dealerlab-dataset.json``: tool, version,
  time, inputs and the list of files written). A folder holding anything not listed in its manifest (a file the user
  added) is refused, naming the file; a folder without a manifest is refused unless it has exactly the layout of a
  report written by an older dealerlab (index.html, report.ipynb, metrics.csv, 附录.xlsx/appendix.xlsx, report.pdf,
  stores/<id>/ with the same files) — nothing else;
* an **output file** must not be a folder; an existing file is replaced only when dealerlab wrote it (recognised by
  its content, :func:`is_dealerlab_file`), otherwise only with ``--force``.

Every refusal is an :class:`~dealerlab.errors.OutputError` (exit 1) saying what is in the way and what to do.
"""

from __future__ import annotations

import datetime as _dt
import errno
import hashlib
import json
import os
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from dealerlab import __version__
from dealerlab.errors import OutputError
from dealerlab.i18n import Catalogue

__all__ = [
    "MANIFESTS",
    "resolve",
    "check_output_dir",
    "check_output_file",
    "foreign_entries",
    "write_manifest",
    "is_dealerlab_file",
    "environment_error",
]

#: manifest path (relative to the output folder) by kind; a report's is in its ``audit/`` folder, with the other
#: files that are not for the client (:mod:`dealerlab.report.layout`)
MANIFESTS = {"report": "audit/.dealerlab-report.json", "dataset": ".dealerlab-dataset.json"}
#: where an older dealerlab put the manifest (still recognised, so its report folders can be replaced)
_OLD_MANIFESTS = {"report": ".dealerlab-report.json"}

#: the files a report folder held before manifests existed (recognised so ``make demo`` can replace its old output)
_LEGACY_REPORT_FILES = {"index.html", "report.ipynb", "metrics.csv", "findings.csv", "附录.xlsx", "appendix.xlsx", "report.pdf"}

_MSG = Catalogue.load("_output")

#: the generator mark of dealerlab's HTML and workbook outputs
GENERATOR = "dealerlab"


def resolve(path: str | os.PathLike) -> Path:
    """``path`` made absolute with symlinks and ``..`` resolved (the path need not exist)."""
    return Path(os.path.expanduser(os.fspath(path))).resolve()


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def _same(a: Path, b: Path) -> bool:
    if a == b:
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)  # hard links, bind mounts
    except OSError:
        return False


def _check_inputs(out: Path, inputs: Iterable, *, shown: str, folder: bool) -> None:
    for given in inputs:
        if given is None:
            continue
        inp = resolve(given)
        if _same(out, inp):
            raise OutputError(*_MSG.both("output_is_input", shown=shown, given=given))
        if folder and _inside(inp, out):
            raise OutputError(*_MSG.both("output_contains_input", shown=shown, given=given))
        if inp.is_dir() and _inside(out, inp):
            raise OutputError(*_MSG.both("output_inside_input", shown=shown, given=given))


def _walk(folder: Path) -> list[str]:
    """Every file and symlink under ``folder`` (relative POSIX paths; symlinks are not followed)."""
    out = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        rel = Path(root).relative_to(folder)
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            out.append((rel / name).as_posix())
    return sorted(out)


def _read_manifest(folder: Path, kind: str) -> dict | None:
    for name in (MANIFESTS[kind], _OLD_MANIFESTS.get(kind)):
        if name is not None:
            data = _read_manifest_at(folder / name, kind)
            if data is not None:
                return data
    return None


def _read_manifest_at(path: Path, kind: str) -> dict | None:
    if path.is_symlink() or not path.is_file() or path.stat().st_size > 4_000_000:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("tool") != "dealerlab" or data.get("kind") != kind:
        return None
    if not isinstance(data.get("files"), list):
        return None
    return data


def foreign_entries(folder: str | os.PathLike, kind: str = "report") -> list[str]:
    """The entries of an existing ``folder`` that dealerlab did not write (empty: the folder may be replaced).

    A folder with a manifest of ``kind``: every file not listed in it (the manifest itself is ours) or changed since
    dealerlab wrote it (its digest differs: the consultant edited 叙述模板.md, say). A report folder
    without one: every entry that is not a file of the older report layout. Other folders: all their entries.
    Symlinks and special files are always foreign.
    """
    folder = Path(folder)
    files = _walk(folder)
    manifest = _read_manifest(folder, kind)
    if manifest is not None:
        ours = {str(f) for f in manifest["files"]} | {MANIFESTS[kind]} | ({_OLD_MANIFESTS[kind]} if kind in _OLD_MANIFESTS else set())
        digests = manifest.get("sha256") if isinstance(manifest.get("sha256"), dict) else {}
        return [f for f in files if f not in ours or not (folder / f).is_file() or (folder / f).is_symlink()
                or (f in digests and _digest(folder / f) != digests[f])]
    if kind == "report" and files and (folder / "index.html").is_file():
        foreign = []
        for f in files:
            parts = f.split("/")
            ok = (len(parts) == 1 and parts[0] in _LEGACY_REPORT_FILES) or (
                len(parts) == 3 and parts[0] == "stores" and parts[2] in _LEGACY_REPORT_FILES
            )
            if not ok or (folder / f).is_symlink() or not (folder / f).is_file():
                foreign.append(f)
        if not foreign:
            return []
    if not files:  # an empty folder (possibly with empty sub-folders): nothing of the user's would be lost
        return []
    return files


def _list(names: list[str], lang: str, limit: int = 5) -> str:
    shown = _MSG.get("list_sep", lang).join(names[:limit])
    return shown + (_MSG.get("list_more", lang, n=len(names)) if len(names) > limit else "")


def check_output_dir(path: str | os.PathLike, *, inputs: Iterable = (), kind: str = "report") -> Path:
    """Check an output folder against the rules above; return it resolved (``-o .`` becomes the real folder).

    Raises
    ------
    OutputError
        The path is an existing file, an input, contains an input or lies in an input folder, or is a non-empty
        folder holding something dealerlab did not write.
    """
    shown = os.fspath(path)
    out = resolve(path)
    if out.exists() and not out.is_dir():
        raise OutputError(*_MSG.both("output_not_a_folder", shown=shown))
    if out.parent == out:
        raise OutputError(*_MSG.both("output_is_root", shown=shown))
    _check_inputs(out, inputs, shown=shown, folder=True)
    if out.is_dir():
        foreign = foreign_entries(out, kind)
        if foreign:
            what = _MSG.get("kind_report" if kind == "report" else "kind_data", "zh")
            raise OutputError(_MSG.get("output_folder_foreign", "zh", shown=shown, foreign=_list(foreign, "zh"), what=what),
                              _MSG.get("output_folder_foreign", "en", shown=shown, foreign=_list(foreign, "en"), what=what))
    return out


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_manifest(folder: str | os.PathLike, *, kind: str, inputs: Iterable = (), **extra) -> Path:
    """Write the manifest of ``kind`` into ``folder``, listing every file in it (call it last)."""
    folder = Path(folder)
    data = {
        "tool": "dealerlab",
        "kind": kind,
        "version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "inputs": [str(resolve(i)) for i in inputs if i is not None],
        **extra,
        "files": [f for f in _walk(folder) if f != MANIFESTS[kind]],
    }
    # each file's digest: a file the user edits afterwards (叙述模板.md, say) is theirs, never replaced silently
    data["sha256"] = {f: _digest(folder / f) for f in data["files"] if (folder / f).is_file()}
    path = folder / MANIFESTS[kind]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


#: the keywords property of a result workbook dealerlab wrote (see :func:`is_dealerlab_file`)
XLSX_MARK = "dealerlab-output"
_METRICS_HEAD = re.compile(rb"^(\xef\xbb\xbf)?store_id,period,metric,value(,|\r?\n)")
_METRICS_JSON = re.compile(rb'^\s*\[\s*(\]|\{\s*"store_id"\s*:)')
_GENERATOR_META = re.compile(rb"""<meta\s+name=["']generator["']\s+content=["']dealerlab""", re.I)


def is_dealerlab_file(path: str | os.PathLike) -> bool:
    """Whether the existing file ``path`` was written by dealerlab, recognised by its content.

    * ``.xlsx``: the workbook property *keywords* (docProps/core.xml) is ``dealerlab-output`` (:data:`XLSX_MARK`),
      set only on workbooks that are results (metrics, 附录, class report/gradebook). Data workbooks — the template,
      generated or written client data — are never "ours": a client fills in a template and keeps its creator
      property, so overwriting it needs ``--force`` (a reviewer lost a filled-in workbook to ``template -o``);
    * ``.csv``: the header of the metrics table (``store_id,period,metric,value…``);
    * ``.json``: the metrics records (``[{"store_id": …`` or ``[]``);
    * ``.html``/``.htm``: ``<meta name="generator" content="dealerlab">``.

    Anything else (another extension, a symlink, an unreadable file) is not ours.
    """
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        return False
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                info = zf.getinfo("docProps/core.xml")
                if info.file_size > 1_000_000:
                    return False
                core = zf.read(info)
            return re.search(rb"<(?:\w+:)?keywords\b[^>]*>\s*" + XLSX_MARK.encode() + rb"\s*</(?:\w+:)?keywords>",
                             core) is not None
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return False
    if suffix == ".csv":
        return _METRICS_HEAD.match(head) is not None
    if suffix == ".json":
        return _METRICS_JSON.match(head) is not None
    if suffix in (".html", ".htm"):
        return _GENERATOR_META.search(head) is not None
    return False


def check_output_file(path: str | os.PathLike, *, inputs: Iterable = (), force: bool = False,
                      example: str | None = None) -> Path:
    """Check an output file against the rules above; return ``path`` (as given, as a Path).

    ``example`` is the file name suggested when ``path`` is a folder (default ``指标.xlsx``).

    Raises
    ------
    OutputError
        ``path`` is a folder, an input or inside an input folder, or an existing file dealerlab did not write
        (without ``force``).
    """
    shown = os.fspath(path)
    out = resolve(path)
    if out.is_dir():
        example = _MSG.text("example_file") if example is None else example
        raise OutputError(*_MSG.both("output_is_a_folder", shown=shown, example=Path(shown) / example))
    _check_inputs(out, inputs, shown=shown, folder=False)
    if os.path.lexists(path) and not force and not is_dealerlab_file(path):
        raise OutputError(*_MSG.both("output_file_foreign", shown=shown))
    return Path(path)


#: the errors caused by the user's machine, by errno → their key in the catalogue (``errno.<name>``)
_ENV_ERRNOS = {
    errno.EACCES: "EACCES",
    errno.EPERM: "EPERM",
    errno.EROFS: "EROFS",
    errno.ENOSPC: "ENOSPC",
    errno.EDQUOT: "EDQUOT",
    errno.EFBIG: "EFBIG",
    errno.EISDIR: "EISDIR",
    errno.ENOTDIR: "ENOTDIR",
    errno.ENAMETOOLONG: "ENAMETOOLONG",
    errno.EMFILE: "EMFILE",
    errno.EIO: "EIO",
    errno.ENOENT: "ENOENT",
    errno.EEXIST: "EEXIST",
    errno.ENOTEMPTY: "ENOTEMPTY",
    errno.EXDEV: "EXDEV",
    errno.ETXTBSY: "ETXTBSY",
}


def environment_error(err: OSError, *, where: str | os.PathLike | None = None) -> OutputError | None:
    """An :class:`OutputError` for an OSError caused by the user's machine (read-only folder, disk full, …), naming
    what happened and where; ``None`` for other errors (a bug). ``where`` is shown when the error has no file name
    (or names a hidden temporary file)."""
    if not isinstance(err, OSError) or err.errno not in _ENV_ERRNOS:
        return None
    zh, en = _MSG.both(f"errno.{_ENV_ERRNOS[err.errno]}")
    name = err.filename if err.filename is not None else where
    if name is not None and where is not None and "/." in f"/{os.fspath(name)}" and ".tmp" in os.fspath(name):
        name = where  # a hidden temporary path of ours means nothing to the user: show the output they asked for
    place = os.fspath(name) if name is not None else ""
    why = err.strerror or err
    return OutputError(
        _MSG.get("environment", "zh", place=_MSG.get("environment_place", "zh", place=place) if place else "", what=zh, why=why),
        _MSG.get("environment", "en", place=_MSG.get("environment_place", "en", place=place) if place else "", what=en, why=why),
    )
