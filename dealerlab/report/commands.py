"""``dealerlab metrics`` and ``dealerlab report``: thin wrappers over :func:`write_metrics` and :func:`build_report`."""

from __future__ import annotations

import argparse
import hashlib
import pickle
import re
import sys
import tempfile
from pathlib import Path

from dealerlab._io import atomic_dir
from dealerlab._options import check_lang
from dealerlab.calendar import check_period
from dealerlab.errors import ParameterError
from dealerlab.report.execute import NotebookJob, print_progress, run_jobs
from dealerlab.report.export import to_html, to_pdf
from dealerlab.report.metrics_file import metrics_table, write_metrics
from dealerlab.report.params import ReportParams, check_output_dir, check_scope

__all__ = ["metrics_command", "report_command", "build_report", "store_folder"]

_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def store_folder(store_id: str) -> str:
    """The folder name of a store's report under ``stores/``: the id itself when it is a plain file name.

    A store id is client text: ``../x`` or ``/tmp/x`` must never become a path outside the report folder. Characters
    not allowed in file names (``/ \\ : * ? " < > |``, control characters), leading dots and trailing dots/spaces are
    replaced by ``_`` and, when anything was changed, a short hash of the id is appended (two ids never share a folder).

    >>> store_folder("S01"), store_folder("../../x")
    ('S01', '___.._x-9bdbf20b')
    """
    name = _UNSAFE_NAME.sub("_", store_id)
    name = re.sub(r"^\.+", lambda m: "_" * len(m.group()), name).rstrip(". ")[:80]
    if name != store_id or not name:
        name = f"{name or 'store'}-{hashlib.sha1(store_id.encode('utf-8')).hexdigest()[:8]}"
    return name


def _load(data: str, *, lang: str, progress: bool = False):
    from dealerlab.data import load

    if not Path(data).exists():
        raise ParameterError(
            f"找不到数据：{data}。请给出工作簿 .xlsx 或 CSV/Parquet 文件夹的路径。",
            f"Data not found: {data}. Give the path of an .xlsx workbook or a CSV/Parquet folder.",
        )
    return load(data, lang=lang, progress=progress)


def metrics_command(args: argparse.Namespace) -> int:
    check_lang(args.lang)
    check_period(args.period)
    ds = _load(args.data, lang=args.lang)
    periods, stores = check_scope(ds, period=args.period, stores=args.store, months=args.months, lang=args.lang)
    long = metrics_table(ds, periods=periods, stores=stores)
    path = write_metrics(long, args.output, lang=args.lang)
    n = long["value"].notna().sum()
    print(f"已写入 {path}：{len(long)} 行（{n} 个有值）" if args.lang == "zh" else f"wrote {path}: {len(long)} rows ({n} with a value)")
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
    show_pii: bool = False,
    progress: bool = True,
    workers: int | None = None,
) -> Path:
    """Validate ``data``, execute the report notebooks and write the report folder atomically.

    Layout of ``output``: ``index.html`` (the store report, or the group report with ``all_stores``),
    ``report.ipynb`` (the executed notebook, for audit), ``metrics.csv``, ``附录.xlsx`` (``appendix.xlsx`` in
    English), ``report.pdf`` with ``pdf``; with ``all_stores`` one sub-folder ``stores/<store_id>/`` per store
    holding the same files (an id that is not a plain file name is made one by :func:`store_folder`). Nothing is
    written at ``output`` unless every step succeeds.
    """
    check_lang(lang)
    check_period(period)
    out = check_output_dir(output)
    ds = _load(data, lang=lang)
    if benchmarks is not None and not Path(benchmarks).exists():
        raise ParameterError(f"找不到标杆值文件：{benchmarks}", f"Benchmarks file not found: {benchmarks}")
    store_ids = ds.store_ids
    if store is None and not all_stores and len(store_ids) == 1:
        store = store_ids[0]
    periods, _ = check_scope(ds, period=period, stores=store, months=1, lang=lang)
    with tempfile.TemporaryDirectory(prefix="dealerlab-report-") as work, atomic_dir(out) as tmp:
        cache = Path(work) / "dataset.pkl"  # kernels unpickle this instead of re-reading the client files
        with open(cache, "wb") as fh:
            pickle.dump(ds, fh, protocol=pickle.HIGHEST_PROTOCOL)
        common = dict(data=str(cache), source=Path(data).name, period=period, lang=lang, show_pii=show_pii,
                      benchmarks=str(Path(benchmarks).resolve()) if benchmarks else None)
        jobs: list[NotebookJob] = []
        if all_stores:
            for sid in store_ids:
                folder = tmp / "stores" / store_folder(sid)
                folder.mkdir(parents=True)
                jobs.append(NotebookJob("store_report.ipynb", ReportParams(store_id=sid, **common), str(folder / "report.ipynb")))
            jobs.append(NotebookJob("group_report.ipynb", ReportParams(store_id=None, **common), str(tmp / "report.ipynb")))
        elif store is not None:
            jobs.append(NotebookJob("store_report.ipynb", ReportParams(store_id=store, **common), str(tmp / "report.ipynb")))
        else:
            jobs.append(NotebookJob("group_report.ipynb", ReportParams(store_id=None, **common), str(tmp / "report.ipynb")))
        run_jobs(jobs, workers=workers, progress=print_progress if progress else None)
        # the metrics table once for every store in the run, sliced per report (each store-month is independent)
        wanted = store_ids if (all_stores or store is None) else [store]
        long_all = metrics_table(ds, periods=[period], stores=wanted)
        for job in jobs:
            folder = Path(job.output).parent
            html = to_html(job.output, folder / "index.html", lang=lang)
            stores = [job.params.store_id] if job.params.store_id else store_ids
            long = long_all[long_all["store_id"].isin(stores)].reset_index(drop=True)
            write_metrics(long, folder / "metrics.csv", lang=lang)
            _write_findings_file(str(cache), job.params, folder / "findings.csv")
            write_metrics(long, folder / ("附录.xlsx" if lang == "zh" else "appendix.xlsx"), lang=lang)
            if pdf:
                to_pdf(html, folder / "report.pdf")
    return out


def report_command(args: argparse.Namespace) -> int:
    out = build_report(
        args.data,
        period=args.period,
        output=args.output,
        store=args.store,
        all_stores=args.all_stores,
        lang=args.lang,
        benchmarks=args.benchmarks,
        pdf=args.pdf,
        show_pii=args.show_pii,
        progress=sys.stderr.isatty() or args.all_stores,
    )
    index = Path(out) / "index.html"
    print(f"报告已生成：{index}" if args.lang == "zh" else f"report written: {index}")
    return 0


def _write_findings_file(data: str, params, path: Path) -> Path:
    """findings.csv of one report (the same ranked list as its executive summary)."""
    from dealerlab.report.context import ReportContext
    from dealerlab.report.findings import findings_frame, write_findings

    ctx = ReportContext.open(data, params.period, store_id=params.store_id, lang=params.lang, show_pii=params.show_pii,
                             benchmarks=params.benchmarks)
    return write_findings(findings_frame(ctx, ctx.findings(), lang=params.lang), path, lang=params.lang)


def findings_command(args: argparse.Namespace) -> int:
    """``dealerlab findings DATA --period P [--store S] -o findings.csv|.xlsx``: the ranked findings list alone.
    Never overwrites the input; an existing output file is replaced only with ``--force``."""
    from dealerlab.report.context import ReportContext
    from dealerlab.report.findings import findings_frame, write_findings

    out = Path(args.output)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise ParameterError(f"输出文件 {out.name} 应以 .csv 或 .xlsx 结尾。", f"The output {out.name} must end in .csv or .xlsx.")
    if args.data != "demo" and out.resolve() == Path(args.data).resolve():
        raise ParameterError(f"输出文件 {out} 就是输入数据文件，不能覆盖：请换一个文件名。",
                             f"The output {out} is the input data file; choose another name.")
    if out.exists() and not args.force:
        raise ParameterError(f"输出文件 {out} 已存在：请换一个文件名，或加 --force 覆盖。",
                             f"{out} exists: choose another name or add --force.")
    if args.benchmarks is not None and not Path(args.benchmarks).exists():
        raise ParameterError(f"找不到标杆值文件：{args.benchmarks}", f"Benchmarks file not found: {args.benchmarks}")
    ctx = ReportContext.open(args.data, args.period, store_id=args.store, lang=args.lang, show_pii=args.show_pii,
                             benchmarks=args.benchmarks)
    frame = findings_frame(ctx, ctx.findings(), lang=args.lang)
    path = write_findings(frame, out, lang=args.lang)
    print(f"发现清单已写入 {path}（{len(frame)} 条）" if args.lang == "zh" else f"findings written to {path} ({len(frame)} rows)")
    return 0
