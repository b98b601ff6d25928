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
            raise OutputError(
                f"输出路径 {shown} 就是输入 {given}：dealerlab 不会覆盖输入数据。请用 -o 指定另一个位置。",
                f"The output {shown} is the input {given}: dealerlab never overwrites its input. Choose another -o.",
            )
        if folder and _inside(inp, out):
            raise OutputError(
                f"输出文件夹 {shown} 包含输入 {given}：写输出会替换整个文件夹。请用 -o 指定一个不包含输入数据的新文件夹。",
                f"The output folder {shown} contains the input {given}: writing it would replace the whole folder. "
                f"Choose a new folder with -o.",
            )
        if inp.is_dir() and _inside(out, inp):
            raise OutputError(
                f"输出 {shown} 位于输入文件夹 {given} 之内：dealerlab 不往客户数据文件夹里写东西。请把输出放到数据文件夹之外。",
                f"The output {shown} is inside the input folder {given}: dealerlab never writes into the client's "
                f"data folder. Put the output elsewhere.",
            )


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


def _list(names: list[str], limit: int = 5) -> str:
    shown = "、".join(names[:limit])
    return shown + (f" 等 {len(names)} 项" if len(names) > limit else "")


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
        raise OutputError(
            f"输出路径 {shown} 已存在且不是文件夹。请用 -o 指定一个文件夹。",
            f"The output {shown} exists and is not a folder. Give a folder with -o.",
        )
    if out.parent == out:
        raise OutputError(f"不能把输出写到根目录 {shown}。", f"Cannot write the output to the root folder {shown}.")
    _check_inputs(out, inputs, shown=shown, folder=True)
    if out.is_dir():
        foreign = foreign_entries(out, kind)
        if foreign:
            what = "报告" if kind == "report" else "数据"
            raise OutputError(
                f"输出文件夹 {shown} 已存在，且其中有不是 dealerlab 写的内容（{_list(foreign)}）。dealerlab 只替换它自己写的"
                f"{what}文件夹，不会删除其他文件。请用 -o 指定一个新的或空的文件夹。",
                f"The output folder {shown} exists and holds things dealerlab did not write ({', '.join(foreign[:5])}"
                f"{' …' if len(foreign) > 5 else ''}). dealerlab only replaces folders it wrote itself. Choose a new "
                f"or empty folder with -o.",
            )
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
                      example: str = "指标.xlsx") -> Path:
    """Check an output file against the rules above; return ``path`` (as given, as a Path).

    ``example`` is the file name suggested when ``path`` is a folder.

    Raises
    ------
    OutputError
        ``path`` is a folder, an input or inside an input folder, or an existing file dealerlab did not write
        (without ``force``).
    """
    shown = os.fspath(path)
    out = resolve(path)
    if out.is_dir():
        raise OutputError(
            f"输出路径 {shown} 是一个文件夹，这里需要文件名。请写成例如 {Path(shown) / example}。",
            f"The output {shown} is a folder; a file name is needed here, e.g. {Path(shown) / example}.",
        )
    _check_inputs(out, inputs, shown=shown, folder=False)
    if os.path.lexists(path) and not force and not is_dealerlab_file(path):
        raise OutputError(
            f"输出文件 {shown} 已存在，且不是 dealerlab 写的文件。为避免覆盖你的文件，dealerlab 不会替换它："
            f"请换一个文件名，或确认要覆盖时加 --force。",
            f"The output file {shown} exists and was not written by dealerlab. To avoid overwriting your file it is "
            f"left alone: choose another name, or add --force to overwrite it.",
        )
    return Path(path)


_ENV_ERRNOS = {
    errno.EACCES: ("没有写入权限", "permission denied"),
    errno.EPERM: ("没有写入权限", "operation not permitted"),
    errno.EROFS: ("所在的磁盘是只读的", "the file system is read-only"),
    errno.ENOSPC: ("磁盘空间已满", "the disk is full"),
    errno.EDQUOT: ("磁盘配额已用完", "the disk quota is exhausted"),
    errno.EFBIG: ("文件超过了文件系统允许的大小", "the file is larger than the file system allows"),
    errno.EISDIR: ("这是一个文件夹，需要的是文件", "it is a folder where a file is needed"),
    errno.ENOTDIR: ("路径中有一段不是文件夹", "a part of the path is not a folder"),
    errno.ENAMETOOLONG: ("文件名太长", "the file name is too long"),
    errno.EMFILE: ("打开的文件太多", "too many open files"),
    errno.EIO: ("磁盘读写出错", "input/output error on the disk"),
    errno.ENOENT: ("路径不存在", "the path does not exist"),
    errno.EEXIST: ("路径已存在", "the path already exists"),
    errno.ENOTEMPTY: ("文件夹不是空的", "the folder is not empty"),
    errno.EXDEV: ("不能跨磁盘移动", "cannot move across file systems"),
    errno.ETXTBSY: ("文件正被使用", "the file is busy"),
}


def environment_error(err: OSError, *, where: str | os.PathLike | None = None) -> OutputError | None:
    """An :class:`OutputError` for an OSError caused by the user's machine (read-only folder, disk full, …), naming
    what happened and where; ``None`` for other errors (a bug). ``where`` is shown when the error has no file name
    (or names a hidden temporary file)."""
    if not isinstance(err, OSError) or err.errno not in _ENV_ERRNOS:
        return None
    zh, en = _ENV_ERRNOS[err.errno]
    name = err.filename if err.filename is not None else where
    if name is not None and where is not None and "/." in f"/{os.fspath(name)}" and ".tmp" in os.fspath(name):
        name = where  # a hidden temporary path of ours means nothing to the user: show the output they asked for
    place = os.fspath(name) if name is not None else ""
    return OutputError(
        f"无法读写{('「' + place + '」') if place else ''}：{zh}（{err.strerror or err}）。这不是 dealerlab 的错误："
        f"请检查该位置的权限和剩余空间，或用 -o 换一个位置后重试。",
        f"Cannot read or write{(' ' + place) if place else ''}: {en} ({err.strerror or err}). This is not a dealerlab bug: "
        f"check the permissions and free space there, or choose another -o, then retry.",
    )
