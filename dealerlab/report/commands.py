"""``dealerlab metrics`` and ``dealerlab report``: thin wrappers over :func:`write_metrics` and :func:`build_report`."""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import re
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from dealerlab._interrupt import temporary
from dealerlab._io import atomic_dir, clean_stale_temp
from dealerlab._options import check_lang
from dealerlab._output import check_output_dir, check_output_file, environment_error
from dealerlab.calendar import check_period
from dealerlab.data import load
from dealerlab.errors import OutputError, ParameterError
from dealerlab.i18n import Catalogue
from dealerlab.report.execute import NotebookJob, print_progress, run_jobs, start_kernels
from dealerlab.report.export import CHROMIUM_PREFIX
from dealerlab.report.layout import AUDIT, file_name
from dealerlab.report.metrics_file import metrics_table, write_metrics
from dealerlab.report.params import ReportParams, check_benchmarks, check_scope
from dealerlab.report.shared import write_shared_figures

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["metrics_command", "report_command", "build_report", "store_folder", "store_folders"]

_MSG = Catalogue.load("report/commands")

_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]')
#: names Windows reserves whatever the extension (CON.txt too), compared case-insensitively
_RESERVED = {"con", "prn", "aux", "nul", "conin$", "conout$",
             *(f"com{i}" for i in "123456789¹²³"), *(f"lpt{i}" for i in "123456789¹²³")}
#: longest folder name in UTF-8 bytes (file systems allow 255; leave room for the hash)
_MAX_BYTES = 180
#: prefix of the private working folder of a run in $TMPDIR (the pid lets the next run remove a killed run's folder)
WORK_PREFIX = "dealerlab-report-"


def store_folder(store_id: str) -> str:
    """The folder name of a store's report under ``stores/``: the id itself when it is a plain file name.

    A store id is client text: ``../x`` or ``/tmp/x`` must never become a path outside the report folder, nor ``CON``
    a Windows device. Characters not allowed in file names (``/ \\ : * ? " < > |``, control and invisible
    direction characters), leading dots and trailing dots/spaces are replaced by ``_``; a name Windows reserves
    (``CON``, ``NUL``, ``COM1``, ``LPT1``… with any extension, any case) gets a leading ``_`` (as
    :func:`dealerlab.exercises.store.safe_name` does); a name is cut to 180 bytes of UTF-8. When anything was
    changed, a short hash of the id is appended (two ids never share a folder).

    >>> store_folder("S01"), store_folder("../../x"), store_folder("con")
    ('S01', '___.._x-9bdbf20b', '_con-b1f6e510')
    """
    name = _UNSAFE_NAME.sub("_", store_id)
    name = re.sub(r"^\.+", lambda m: "_" * len(m.group()), name).rstrip(". ")
    if name.split(".")[0].rstrip(" ").casefold() in _RESERVED:
        name = "_" + name
    while len(name.encode("utf-8")) > _MAX_BYTES:
        name = name[:-1]
    if name != store_id or not name:
        name = f"{name or 'store'}-{hashlib.sha1(store_id.encode('utf-8')).hexdigest()[:8]}"
    return name


def store_folders(store_ids) -> dict[str, str]:
    """:func:`store_folder` of each id, made unique where two names differ only by case or Unicode form
    (``S01``/``s01`` would share one folder on Windows and macOS): those get the id's hash appended."""
    names = {sid: store_folder(sid) for sid in store_ids}
    seen: dict[str, int] = {}
    for name in names.values():
        key = unicodedata.normalize("NFC", name).casefold()
        seen[key] = seen.get(key, 0) + 1
    for sid, name in names.items():
        if seen[unicodedata.normalize("NFC", name).casefold()] > 1:
            names[sid] = f"{name}-{hashlib.sha1(sid.encode('utf-8')).hexdigest()[:8]}"
    return names


def _load(data: str, *, lang: str, progress: bool = False):
    if not Path(data).exists():
        raise ParameterError(*_MSG.both("data_missing", data=data))
    return load(data, lang=lang, progress=progress)


def metrics_command(args: argparse.Namespace) -> int:
    check_lang(args.lang)
    check_period(args.period)
    check_output_file(args.output, inputs=[args.data], force=getattr(args, "force", False))
    ds = _load(args.data, lang=args.lang)
    periods, stores = check_scope(ds, period=args.period, stores=args.store, months=args.months, lang=args.lang)
    long = metrics_table(ds, periods=periods, stores=stores)
    try:
        path = write_metrics(long, args.output, lang=args.lang)
    except OSError as err:
        env = environment_error(err, where=args.output)
        if env is None:
            raise
        raise env from None
    n = long["value"].notna().sum()
    print(_MSG.get("metrics_written", args.lang, path=path, rows=len(long), n=n))
    return 0


def build_report(
    data: str,
    *,
    period: str,
    output: str | Path,
    store: str | None = None,
    all_stores: bool = False,
    lang: str = "zh",
    benchmarks: str | None = None,
    pdf: bool = False,
    pptx: bool = False,
    notes: str | None = None,
    brand: str | None = None,
    show_pii: bool = False,
    progress: bool = True,
    workers: int | None = None,
) -> Path:
    """Validate ``data``, execute the report notebooks and write the report folder atomically.

    Layout of ``output`` (:mod:`dealerlab.report.layout`; names in the report's language): the client's files
    ``报告.html`` (the store report, or the group report with ``all_stores``), ``报告.pdf`` with ``pdf``,
    ``报告.pptx`` with ``pptx``, ``附录.xlsx``, ``指标.csv`` (the months of the comparison, with a ``层级`` level
    column), ``发现清单.csv``; and ``audit/``, not for the client: the executed notebook ``report.ipynb``, the
    consultant's notes template ``叙述模板.md`` and the manifest ``.dealerlab-report.json`` (:mod:`dealerlab._output`).
    ``notes`` (a filled-in template) and ``brand`` (brand.yaml) are checked before anything runs. With
    ``all_stores`` one sub-folder ``stores/<store_id>/`` per store holds the same files (an id that is not a plain
    file name is made one by :func:`store_folder`). Nothing is written at ``output`` unless every
    step succeeds, and ``output`` is refused before anything runs when it is an input, contains one or lies in an
    input folder, or is a folder holding anything dealerlab did not write (a previous report is replaced).

    The validated data is handed to the kernels as a pickle in a private (0700) folder
    ``$TMPDIR/dealerlab-report-<pid>-*``, removed when the run ends or is stopped by a signal; a folder left by a
    killed run (SIGKILL) is removed by the next run.
    """
    check_lang(lang)
    check_period(period)
    inputs = [data] + [p for p in (benchmarks, notes, brand) if p is not None]
    if not Path(data).exists():
        _load(data, lang=lang)  # raises the "not found" message
    out = check_output_dir(output, inputs=inputs, kind="report")
    if benchmarks is not None:
        check_benchmarks(benchmarks, lang=lang)
    if brand is not None:  # checked here, so a wrong file stops the run before any kernel starts
        from dealerlab.report.brand import load_brand

        load_brand(brand)
        brand = str(Path(brand).resolve())
    if notes is not None:
        from dealerlab.report.notes import load_notes
        from dealerlab.report.sections import SECTIONS

        load_notes(notes, sections=[s.key for s in SECTIONS])
        notes = str(Path(notes).resolve())
    clean_stale_temp(tempfile.gettempdir(), WORK_PREFIX)
    clean_stale_temp(tempfile.gettempdir(), CHROMIUM_PREFIX)
    work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))  # 0700: private to the user
    try:
        with temporary(work):
            # the kernel(s) start and import the report's modules on the other core while the data is validated
            kernels = start_kernels(2 if all_stores else 1, workers=workers, runtime_dir=work)
            try:
                ds = _load(data, lang=lang)
                store_ids = ds.store_ids
                if store is None and not all_stores and len(store_ids) == 1:
                    store = store_ids[0]
                check_scope(ds, period=period, stores=store, months=1, lang=lang)
                result = _run_report(ds, data=data, out=out, inputs=inputs, period=period, store=store,
                                     all_stores=all_stores, lang=lang, benchmarks=benchmarks, pdf=pdf,
                                     show_pii=show_pii, progress=progress, workers=workers, pptx=pptx, notes=notes,
                                     brand=brand, work=work, kernels=kernels)
            except BaseException:
                kernels.close(kill=True)
                raise
            kernels.close()
            return result
    except OSError as err:
        env = environment_error(err, where=output)
        if env is None:
            raise
        raise env from None
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the pickle never outlives the run


def _run_report(ds: Dataset, *, data, out, inputs, period, store, all_stores, lang, benchmarks, pdf, show_pii, progress,
                workers, pptx=False, notes=None, brand=None, work: Path, kernels=None) -> Path:
    store_ids = ds.store_ids
    with atomic_dir(out, kind="report", inputs=inputs) as tmp, temporary(tmp):
        cache = work / "dataset.pkl"  # kernels unpickle this instead of re-reading the client files
        try:
            with open(cache, "wb") as fh:
                pickle.dump(ds, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as err:  # $TMPDIR full or read-only: say so (not the -o folder)
            env = environment_error(err, where=work)
            if env is None:
                raise
            raise env from None
        common = dict(data=str(cache), source=Path(data).name, period=period, lang=lang, show_pii=show_pii,
                      benchmarks=str(Path(benchmarks).resolve()) if benchmarks else None, notes=notes, brand=brand,
                      pptx=pptx)
        jobs: list[NotebookJob] = []

        def job(template: str, store_id: str | None, folder: Path) -> NotebookJob:
            # each notebook's HTML (and PDF) is exported by the process that ran it; its metrics and findings CSV
            # and appendix are written by its kernel (ReportContext.write_deliverables), from the figures it showed
            return NotebookJob(template, ReportParams(store_id=store_id, folder=str(folder), **common),
                               str(folder / file_name("notebook", lang)), html=str(folder / file_name("html", lang)),
                               pdf=str(folder / file_name("pdf", lang)) if pdf else None)

        if all_stores:
            folders = store_folders(store_ids)
            for sid in store_ids:
                folder = tmp / "stores" / folders[sid]
                (folder / AUDIT).mkdir(parents=True)  # the executed notebook: for audit, out of the client's way
                jobs.append(job("store_report.ipynb", sid, folder))
        (tmp / AUDIT).mkdir(parents=True, exist_ok=True)
        if all_stores or store is None:
            jobs.append(job("group_report.ipynb", None, tmp))
        else:
            jobs.append(job("store_report.ipynb", store, tmp))
        # the figures of every store, once for the run (each store-month is independent) and here, while the
        # kernel is still importing: every notebook takes its own rows (dealerlab.report.shared)
        wanted = store_ids if (all_stores or store is None) else [store]
        trend, _ = check_scope(ds, period=period, stores=wanted, months=ReportParams.months, lang=lang)
        # the kernels, once warm, compute the parts this process has not taken yet (Kernels.help_with_figures)
        helper = kernels.help_with_figures(cache, periods=trend, stores=wanted) if kernels is not None else None
        write_shared_figures(ds, cache, periods=trend, stores=wanted, helper=helper)
        run_jobs(jobs, workers=workers, progress=print_progress if progress else None, runtime_dir=work,
                 kernels=kernels)
    return out


def report_command(args: argparse.Namespace) -> int:
    build_report(
        args.data,
        period=args.period,
        output=args.output,
        store=args.store,
        all_stores=args.all_stores,
        lang=args.lang,
        benchmarks=args.benchmarks,
        pdf=args.pdf,
        pptx=getattr(args, "pptx", False),
        notes=getattr(args, "notes", None),
        brand=getattr(args, "brand", None),
        show_pii=args.show_pii,
        progress=sys.stderr.isatty() or args.all_stores,
    )
    index = Path(args.output) / file_name("html", args.lang)  # as the user wrote it
    print(_MSG.get("report_written", args.lang, index=index))
    return 0


def findings_command(args: argparse.Namespace) -> int:
    """``dealerlab findings DATA --period P [--store S] -o findings.csv|.xlsx``: the ranked findings list alone.
    Never writes over an input or into an input folder (:mod:`dealerlab._output`); an existing output file is
    replaced only with ``--force``; the benchmarks file is checked before anything runs."""
    # the findings modules (and the PDCA ones they import) only for this command: `dealerlab report` does not need
    # them in its own process (its kernel computes the findings)
    from dealerlab.report.context import ReportContext
    from dealerlab.report.findings import findings_frame, write_findings

    out = Path(args.output)
    inputs = ([args.data] if args.data != "demo" or os.path.lexists(args.data) else []) + [args.benchmarks]
    if out.is_dir() or out.resolve() in {Path(i).resolve() for i in inputs if i}:
        check_output_file(out, inputs=inputs, example="findings.csv")  # the folder / input messages
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise ParameterError(*_MSG.both("findings_suffix", name=out.name))
    if out.exists() and not args.force:
        raise OutputError(*_MSG.both("findings_exists", path=out))
    check_output_file(out, inputs=inputs, force=True, example="findings.csv")  # never inside an input folder
    if args.benchmarks is not None:
        check_benchmarks(args.benchmarks, lang=args.lang)
    ctx = ReportContext.open(args.data, args.period, store_id=args.store, lang=args.lang, show_pii=args.show_pii,
                             benchmarks=args.benchmarks)
    found = ctx.findings()
    frame = findings_frame(ctx, found, lang=args.lang)
    path = write_findings(frame, out, lang=args.lang, findings=found)
    print(_MSG.get("findings_written", args.lang, path=path, rows=len(frame)))
    return 0
