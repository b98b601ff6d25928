"""Run the report notebooks with papermill, reusing kernels.

A kernel start is the floor of every notebook run (~4 s, RECIPES.md). A batch (``--all-stores``) therefore starts
one kernel per worker process — two workers for the machine's two cores — and runs every store's notebook in it
one after another (papermill's ``km=`` engine argument keeps the kernel alive between notebooks). The data is loaded
once per kernel (:func:`dealerlab.report.context.open_dataset` caches it by path and modification time).

The kernels can be started before the jobs are known (:func:`start_kernels`): ``dealerlab report`` starts them while
it validates the data, and each kernel imports the report's modules (:func:`warm_up`) in the meantime, on the other
core. A job's HTML (and PDF) export runs in the process that ran its notebook (:attr:`NotebookJob.html`), so a batch
exports on every worker at once.

A cell error becomes a :class:`~dealerlab.errors.ReportError` naming the report section (the cell's ``section-<key>``
tag; its title from :data:`dealerlab.report.sections.SECTIONS`) and the Python error, instead of papermill's traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dealerlab._interrupt import progress_line
from dealerlab._io import _signals_deferred
from dealerlab._terminal import clean_line
from dealerlab.errors import ReportError
from dealerlab.i18n import Catalogue
from dealerlab.report._nb import import_nbformat
from dealerlab.report.params import ReportParams

__all__ = ["NotebookJob", "run_jobs", "start_kernels", "Kernels", "KernelHelp", "notebook_path", "import_nbformat"]

_MSG = Catalogue.load("report/execute")

KERNEL = "python3"


def warm_up(split: bool = False) -> str:
    """What a kernel runs as soon as it is up, before its first notebook (the report's modules, matplotlib's fonts):
    the time is spent while the caller is still validating the data, and the notebook's set-up cell finds them
    imported. ``split``: the kernel is the run's only one and the machine has another core, which its reports use
    for half their sections (:mod:`dealerlab.report.forked`)."""
    return f"import dealerlab.report.context as _w; _w.preload(split={bool(split)}); del _w"


#: the warm-up of a kernel that shares the machine with other kernels (a batch's workers)
WARM_UP = warm_up()



@dataclass(frozen=True)
class NotebookJob:
    """One notebook execution: which template, with which parameters, written where."""

    template: str  # file name inside dealerlab/report/notebooks
    params: ReportParams
    output: str  # executed .ipynb path
    html: str | None = None  # the notebook exported to HTML here, by the process that ran it
    pdf: str | None = None  # and that HTML printed to PDF here

    @property
    def label(self) -> str:
        return self.params.store_id or "group"


def notebook_path(name: str) -> Path:
    """Path of a report notebook shipped in the package (an absolute path is taken as it is)."""
    if Path(name).is_absolute():
        return Path(name)
    path = resources.files("dealerlab.report") / "notebooks" / name
    return Path(str(path))


def _failed_cell(nb) -> int:
    """Index of the first code cell with an error output (papermill also inserts a markdown cell on failure, so its
    ``cell_index`` does not address the written notebook)."""
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return i
    return len(nb.cells) - 1


def _section_of(nb, index: int) -> str:
    for i in range(min(index, len(nb.cells) - 1), -1, -1):
        for tag in nb.cells[i].get("metadata", {}).get("tags", []):
            if tag.startswith("section-"):
                return tag.removeprefix("section-")
    return "setup"


def _execute(job: NotebookJob, km=None, exporter_ready: Callable[[], None] | None = None) -> str:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    try:
        pm.execute_notebook(
            str(notebook_path(job.template)),
            job.output,
            parameters=job.params.as_parameters(),
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            # the executed notebook is written once at the end (and on a failing cell, before the error), not at
            # every cell's start and end: ~30 writes of a notebook growing to ~1 MB of charts per report
            request_save_on_cell_execute=False,
            km=km,
            cwd=str(Path(job.output).parent),
        )
    except PapermillExecutionError as err:
        nb = import_nbformat().read(job.output, as_version=4)
        section = _section_of(nb, _failed_cell(nb))
        from dealerlab.report import sections  # the sections' modules (and matplotlib) only when a section failed

        zh, en = sections.title(section, "zh"), sections.title(section, "en")
        where = job.params.store_id or _MSG.get("group", job.params.lang)
        zh_text = _MSG.get("section_failed", "zh", title=zh, where=where, ename=err.ename, evalue=err.evalue)
        en_text = _MSG.get("section_failed", "en", title=en, where=where, ename=err.ename, evalue=err.evalue)
        raise ReportError(zh_text, en_text) from None
    if job.html:
        if exporter_ready is not None:  # nbconvert imported in a thread while the notebook ran
            exporter_ready()
        from dealerlab.report.export import to_html, to_pdf

        html = to_html(job.output, job.html, lang=job.params.lang)
        if job.pdf:
            to_pdf(html, job.pdf)
    return job.output


# --- a kernel per worker process -------------------------------------------------------------------------------
_KM = None


def _kernel_manager(runtime_dir: str | None):
    """A KernelManager whose connection file lies in ``runtime_dir`` (the run's private folder, removed with it, even
    after a signal) — by default jupyter_client would put it in $TMPDIR, where nothing removes it after a kill."""
    from jupyter_client.manager import KernelManager

    if runtime_dir is None:
        return KernelManager(kernel_name=KERNEL)
    return KernelManager(kernel_name=KERNEL, connection_file=str(Path(runtime_dir) / f"kernel-{uuid.uuid4()}.json"))


def _start_kernel(runtime_dir: str | None, warm: bool, split: bool = False):
    """A started kernel (its own start-up chatter is not for the consultant); with ``warm`` it is sent
    :func:`warm_up` at once (not waited for: the notebook's first cell queues behind it). Returns (km, client)."""
    km = _kernel_manager(runtime_dir)
    km.start_kernel(stderr=subprocess.DEVNULL)
    kc = None
    if warm:
        kc = km.client()
        kc.start_channels()
        kc.execute(warm_up(split), silent=True, store_history=False)
    return km, kc


def _stop_kernel(km, kc) -> None:
    if kc is not None:
        with contextlib.suppress(Exception):
            kc.stop_channels()
    km.shutdown_kernel(now=True)


_KC = None


def _worker_init(runtime_dir: str | None = None, warm: bool = False) -> None:
    global _KM, _KC
    # Ctrl-C in a terminal reaches the whole process group: the parent stops the run (and kills this worker, its
    # kernel and every other child); a worker that also took it would print its own interrupted-task warnings
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _KM, _KC = _start_kernel(runtime_dir, warm)

    atexit.register(_stop_kernel, _KM, _KC)
    if warm:  # the exporter's imports too, while the kernel warms up
        _import_exporter()


def _import_exporter() -> None:
    from dealerlab.report.export import warm_up

    warm_up()


def _import_executor() -> None:
    import_nbformat()
    import papermill  # noqa: F401


def _worker_ping() -> int:
    return os.getpid()


def _worker_run(job: NotebookJob) -> str:
    return _execute(job, km=_KM)


def _worker_help(code: str) -> bool:
    """Run ``code`` (:func:`dealerlab.report.shared.request_families`) in this worker's kernel; True once done."""
    if _KC is None:
        return False
    return KernelHelp(_KM, _KC, _KC.execute(code, silent=True, store_history=False)).wait()


class _PoolHelp:
    """The workers' kernels helping with the run's figures (:meth:`Kernels.help_with_figures`)."""

    def __init__(self, futures):
        self.futures = futures

    def wait(self) -> bool:
        ok = True
        for fut in self.futures:
            try:
                ok = bool(fut.result()) and ok
            except Exception:  # a worker that died: the figures it took are computed by the caller
                ok = False
        return ok


@contextlib.contextmanager
def _local_kernel(runtime_dir: str | None = None) -> Iterator[object]:
    km, kc = _start_kernel(runtime_dir, False)
    try:
        yield km
    finally:
        _stop_kernel(km, kc)


class KernelHelp:
    """A request a kernel is running (:meth:`Kernels.help_with_figures`); :meth:`wait` for its end."""

    #: the longest wait for the kernel's answer (a kernel that is alive but never answers is not waited for beyond)
    TIMEOUT = 900.0

    def __init__(self, km, kc, msg_id: str):
        self.km, self.kc, self.msg_id = km, kc, msg_id

    def wait(self) -> bool:
        """True once the kernel has run the request; False when it failed, died or did not answer in time."""
        import queue
        import time

        deadline = time.monotonic() + self.TIMEOUT
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_shell_msg(timeout=1.0)
            except queue.Empty:
                if not self.km.is_alive():
                    return False
                continue
            if msg.get("parent_header", {}).get("msg_id") == self.msg_id:  # not the warm-up's reply
                return msg.get("content", {}).get("status") == "ok"
        return False


def _thread(target: Callable[[], None]):
    """``target`` started in a daemon thread (imports run beside this process's work)."""
    import threading

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


class Kernels:
    """Kernels started ahead of their jobs (:func:`start_kernels`); pass to :func:`run_jobs` (``kernels=``), then
    :meth:`close`. One kernel in this process (``workers`` 1), else a pool of ``workers`` processes with one kernel
    each."""

    def __init__(self, workers: int, runtime_dir: str | None = None, *, warm: bool = True):
        self.workers = workers
        self.runtime_dir = runtime_dir
        self.km = self.kc = self.pool = None
        self._executor = self._exporter = None
        if workers <= 1:
            # the only kernel: with a second core, each report builds half its sections in a forked child
            self.km, self.kc = _start_kernel(runtime_dir, warm, split=(os.cpu_count() or 1) >= 2)
            if warm:  # papermill's imports in a thread while this process validates the data and the kernel warms up
                self._executor = _thread(_import_executor)
            return
        import multiprocessing as mp

        # the workers (and their kernels) start with SIGINT/SIGTERM blocked: Ctrl-C in the terminal reaches the whole
        # process group, but only this process decides — it stops the workers itself (no traceback from each worker)
        with _signals_deferred():
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                                            initializer=_worker_init, initargs=(runtime_dir, warm))
            for _ in range(workers):  # a spawn pool starts one worker per task submitted
                self.pool.submit(_worker_ping)

    def help_with_figures(self, data: str | os.PathLike, *, periods: list[str], stores: list[str]):
        """Ask the kernels to compute, once they have warmed up, the run's figures that this process has not taken
        yet (:func:`dealerlab.report.shared.compute_families`, from the data pickle ``data``); pass the result to
        :func:`~dealerlab.report.shared.write_shared_figures` (its ``wait()``: True once every kernel asked is done).
        A pool's kernels are asked through their workers (no notebook runs before the figures are written). None for
        a kernel without a client."""
        from dealerlab.report.shared import request_families

        if self.pool is not None:
            code = request_families(data, periods=periods, stores=stores)
            with _signals_deferred():
                return _PoolHelp([self.pool.submit(_worker_help, code) for _ in range(self.workers)])
        if self.kc is None or self.km is None:
            return None
        code = request_families(data, periods=periods, stores=stores)
        return KernelHelp(self.km, self.kc, self.kc.execute(code, silent=True, store_history=False))

    def run(self, jobs: Sequence[NotebookJob], progress: Callable[[int, int, str], None] | None = None) -> list[str]:
        """Execute ``jobs`` on these kernels; their output paths in order."""
        done = 0
        if self.pool is None:
            out = []
            if self._executor is not None:
                self._executor.join()
            if self._exporter is None and any(job.html for job in jobs):
                # nbconvert's imports (~1 CPU s) while the kernel runs the notebook: this process only relays it then
                self._exporter = _thread(_import_exporter)
            for job in jobs:
                out.append(_execute(job, km=self.km, exporter_ready=self._exporter.join if self._exporter else None))
                done += 1
                if progress:
                    progress(done, len(jobs), job.label)
            return out
        results: dict[int, str] = {}
        try:
            with _signals_deferred():
                futures = {self.pool.submit(_worker_run, job): i for i, job in enumerate(jobs)}
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()
                done += 1
                if progress:
                    progress(done, len(jobs), jobs[futures[fut]].label)
        except BaseException:
            self.close(kill=True)
            raise
        return [results[i] for i in range(len(jobs))]

    def close(self, *, kill: bool = False) -> None:
        """Shut the kernels down (``kill``: at once, a running notebook is not waited for)."""
        if self.pool is not None:
            pool, self.pool = self.pool, None
            if kill:
                _stop_pool(pool)
            else:
                pool.shutdown(wait=True)
        if self.km is not None:
            km, self.km = self.km, None
            _stop_kernel(km, self.kc)

    def __enter__(self) -> Kernels:
        return self

    def __exit__(self, *exc) -> None:
        self.close(kill=exc[0] is not None)


def start_kernels(n_jobs: int, *, workers: int | None = None, runtime_dir: str | os.PathLike | None = None) -> Kernels:
    """Start the kernels for ``n_jobs`` notebooks now (they warm up while the caller does something else):
    ``workers`` processes (default: the number of cores, at most 2 and at most ``n_jobs``)."""
    if workers is None:
        workers = min(n_jobs, 2, os.cpu_count() or 1)
    return Kernels(max(1, workers), None if runtime_dir is None else str(runtime_dir))


def run_jobs(
    jobs: Sequence[NotebookJob],
    *,
    workers: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    runtime_dir: str | os.PathLike | None = None,
    kernels: Kernels | None = None,
) -> list[str]:
    """Execute ``jobs``; return their output paths in order. Raises ReportError on the first failing job.

    One job runs in this process with a fresh kernel; several run in ``workers`` processes (default: the number of
    cores, at most 2 and at most the number of jobs), each starting a single kernel that it reuses. The kernels'
    connection files are written to ``runtime_dir`` when given (a private folder the caller removes). ``kernels``:
    kernels already started by :func:`start_kernels` (then ``workers`` and ``runtime_dir`` are theirs); the caller
    closes them.
    """
    runtime_dir = None if runtime_dir is None else str(runtime_dir)
    jobs = list(jobs)
    if not jobs:
        return []
    if kernels is not None:
        return kernels.run(jobs, progress)
    if workers is None:
        workers = min(len(jobs), 2, os.cpu_count() or 1)
    done = 0
    if workers <= 1:
        with _local_kernel(runtime_dir) as km:
            out = []
            for job in jobs:
                out.append(_execute(job, km=km))
                done += 1
                if progress:
                    progress(done, len(jobs), job.label)
            return out
    import multiprocessing as mp

    results: dict[int, str] = {}
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"), initializer=_worker_init,
                               initargs=(runtime_dir,))
    try:
        # the workers (and their kernels) start with SIGINT/SIGTERM blocked: Ctrl-C in the terminal reaches the whole
        # process group, but only this process decides — it stops the workers itself (no traceback from each worker)
        with _signals_deferred():
            futures = {pool.submit(_worker_run, job): i for i, job in enumerate(jobs)}
        for fut in as_completed(futures):
            results[futures[fut]] = fut.result()
            done += 1
            if progress:
                progress(done, len(jobs), jobs[futures[fut]].label)
    except BaseException:
        _stop_pool(pool)
        raise
    pool.shutdown(wait=True)
    return [results[i] for i in range(len(jobs))]


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """End a pool at once: its workers and their kernels are killed (a running notebook is not waited for) and the
    kernels' connection files removed."""
    procs = list(getattr(pool, "_processes", {}).values())
    try:
        import psutil

        tree = []
        for p in procs:
            try:
                proc = psutil.Process(p.pid)
                tree += [proc, *proc.children(recursive=True)]
            except psutil.Error:
                continue
        files = []
        for proc in tree:
            try:
                cmd = proc.cmdline()
            except psutil.Error:
                continue
            files += [Path(cmd[i + 1]) for i, a in enumerate(cmd[:-1]) if a == "-f" and cmd[i + 1].endswith(".json")
                      and Path(cmd[i + 1]).name.startswith("kernel-")]
        for proc in tree:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        psutil.wait_procs(tree, timeout=5)
        for f in files:
            with contextlib.suppress(OSError):
                f.unlink()
    except ImportError:  # pragma: no cover - psutil comes with ipykernel
        for p in procs:
            with contextlib.suppress(Exception):
                p.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def print_progress(done: int, total: int, label: str) -> None:
    """A one-line progress bar on stderr."""
    width = 30
    filled = int(width * done / total)
    # the label is a store id (client text): no escape sequence reaches the terminal
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {clean_line(label)[:40]}   ")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
    progress_line(done != total)
