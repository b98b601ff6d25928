"""Nothing lost: a report killed with SIGKILL mid-run leaves no output folder, and the next run cleans up after it.

``atomic_dir`` (dealerlab/_io.py) builds the report in a hidden folder ``.<name>.tmp-<pid>-*`` beside ``-o`` and moves
it into place only when complete. SIGKILL cannot be caught, so the hidden folder stays; the next run for the same
``-o`` removes it when its owner process is dead (``clean_stale_dirs``). Tests of the rules first (fast), then the
real thing: ``dealerlab report`` in a subprocess, killed (process group, kill -9) while papermill executes.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dealerlab._io import STALE_ALIVE_SECONDS, STALE_UNKNOWN_SECONDS, atomic_dir, clean_stale_dirs

SEED = 20261123  # named fixed seed of the small generated group
PERIOD = "2026-10"


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_stale_folders_of_dead_runs_are_removed_live_ones_kept(tmp_path):
    out = tmp_path / "report"
    dead = tmp_path / f".report.tmp-{_dead_pid()}-abc"
    live = tmp_path / f".report.tmp-{os.getppid()}-def"  # our parent process is alive
    mine = tmp_path / f".report.tmp-{os.getpid()}-ghi"
    for folder in (dead, live, mine):
        (folder / "stores").mkdir(parents=True)
        (folder / "index.html").write_text("half", encoding="utf-8")
    assert clean_stale_dirs(out) == [dead]
    assert not dead.exists() and live.exists() and mine.exists()
    # a live pid may be a reused one: after STALE_ALIVE_SECONDS the folder counts as stale anyway
    _age(live, STALE_ALIVE_SECONDS + 60)
    assert clean_stale_dirs(out) == [live]
    assert mine.exists()


def test_folders_without_a_pid_are_removed_only_when_old(tmp_path):
    out = tmp_path / "report"
    legacy = tmp_path / ".report.tmp-k2j4h1"  # the name older versions used (no pid)
    legacy.mkdir()
    assert clean_stale_dirs(out) == [] and legacy.exists()
    _age(legacy, STALE_UNKNOWN_SECONDS + 60)
    assert clean_stale_dirs(out) == [legacy] and not legacy.exists()


def test_other_names_files_and_symlinks_are_never_touched(tmp_path):
    out = tmp_path / "report"
    pid = _dead_pid()
    other = tmp_path / f".report2.tmp-{pid}-x"  # another output's folder
    plain = tmp_path / f"report.tmp-{pid}-x"  # not hidden: not ours
    afile = tmp_path / f".report.tmp-{pid}-file"
    target = tmp_path / "precious"
    link = tmp_path / f".report.tmp-{pid}-link"
    for folder in (other, plain, target):
        folder.mkdir()
    (target / "keep.txt").write_text("keep", encoding="utf-8")
    afile.write_text("x", encoding="utf-8")
    link.symlink_to(target, target_is_directory=True)
    assert clean_stale_dirs(out) == []
    assert other.exists() and plain.exists() and afile.exists() and link.is_symlink() and (target / "keep.txt").exists()


def test_previous_output_hidden_by_a_killed_swap_is_restored(tmp_path):
    """Killed between the two renames of the swap: the previous report sits in ``.old-*/x`` and -o is missing."""
    out = tmp_path / "report"
    old = tmp_path / f".report.old-{_dead_pid()}-abc"
    (old / "x").mkdir(parents=True)
    (old / "x" / "index.html").write_text("previous report", encoding="utf-8")
    assert clean_stale_dirs(out) == [old]
    assert (out / "index.html").read_text(encoding="utf-8") == "previous report"
    assert not old.exists()
    # with -o present, a stale .old- folder is simply removed
    old.mkdir()
    (old / "x").mkdir()
    assert clean_stale_dirs(out) == [old] and (out / "index.html").exists()


def test_atomic_dir_cleans_before_it_starts(tmp_path):
    out = tmp_path / "report"
    stale = tmp_path / f".report.tmp-{_dead_pid()}-abc"
    stale.mkdir()
    with atomic_dir(out) as tmp:
        assert tmp.name.startswith(f".report.tmp-{os.getpid()}-")
        assert not stale.exists()
        (tmp / "index.html").write_text("ok", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


@pytest.fixture(scope="module")
def small_data(tmp_path_factory):
    from dealerlab.data.write import write_dataset
    from dealerlab.datasets import generate

    folder = tmp_path_factory.mktemp("kill") / "data"
    write_dataset(generate(seed=SEED, stores=2, months=2, scale=0.3), folder, format="csv")
    return folder


def _executing(folder: Path) -> bool:
    """Whether some report notebook under a hidden temporary folder has an executed cell."""
    for nb in folder.glob(".report.tmp-*/**/report.ipynb"):
        try:
            if re.search(r'"execution_count": [1-9]', nb.read_text(encoding="utf-8")):
                return True
        except (OSError, UnicodeDecodeError):  # being written
            continue
    return False


@pytest.mark.slow
@pytest.mark.parametrize("scope", [["--store", "S01"], ["--all-stores"]], ids=["store", "all-stores"])
def test_sigkill_mid_run_leaves_no_output_and_the_next_run_cleans_up(tmp_path, small_data, scope, monkeypatch):
    """``--all-stores`` runs its notebooks in worker processes (each with a kernel): all of them go too. The private
    working folder with the data pickle in $TMPDIR cannot be removed by a killed run: the next run removes it."""
    import tempfile

    psutil = pytest.importorskip("psutil")  # installed with ipykernel
    from dealerlab.cli import main

    tmpdir = tmp_path.parent / f"{tmp_path.name}-tmp"
    tmpdir.mkdir()
    out = tmp_path / "report"
    code = "import sys; from dealerlab.cli import main; sys.exit(main(sys.argv[1:]))"
    argv = [sys.executable, "-c", code, "report", str(small_data), "--period", PERIOD, *scope, "-o", str(out)]
    proc = subprocess.Popen(argv, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "TMPDIR": str(tmpdir)})
    kids = []
    try:
        # wait until a kernel has executed a cell of a report notebook in the hidden temporary folder (papermill
        # saves the notebook after each cell): the run is then truly in the middle
        deadline = time.monotonic() + 180
        while not _executing(tmp_path):
            assert proc.poll() is None, f"report ended before it was killed: {proc.stderr.read().decode()[-2000:]}"
            assert time.monotonic() < deadline, "the report never started executing its notebook"
            time.sleep(0.1)
        kids = psutil.Process(proc.pid).children(recursive=True)  # worker processes and kernels
        assert [k for k in kids if "ipykernel" in " ".join(k.cmdline())], "no kernel running at the kill"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:  # an assertion failed above: do not leave the run behind
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    # kernels run in their own session (jupyter_client); they notice that their parent died and exit
    _gone, alive = psutil.wait_procs(kids, timeout=30)
    for p in alive:  # ours: never leave them behind, but fail
        p.kill()
    assert not alive, [p.pid for p in alive]

    assert not out.exists()  # nothing half-written where the user looks
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != out.name]
    assert len(leftovers) == 1 and leftovers[0].startswith(f".report.tmp-{proc.pid}-")
    stale = list(tmpdir.glob(f"dealerlab-report-{proc.pid}-*"))
    assert len(stale) == 1 and (stale[0].stat().st_mode & 0o777) == 0o700  # private to the user

    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
    assert main(["report", str(small_data), "--period", PERIOD, *scope, "-o", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # the dead run's folder was removed
    assert list(tmpdir.iterdir()) == []  # and its working folder with the data pickle
    assert {"报告.html", "指标.csv", "附录.xlsx", "audit"} <= {p.name for p in out.iterdir()}
    assert (out / "audit" / "report.ipynb").exists()  # the executed notebook, for audit, out of the client's way


# ---- SIGINT / SIGTERM: a clean stop ---------------------------------------------------------------------------------
def _data_file_open(proc, data: Path) -> bool:
    """Whether the run has a client file open (it is reading and validating the data)."""
    try:
        return any(str(data) in f.path for f in proc.open_files())
    except Exception:  # noqa: BLE001 - the process may be between states
        return False


def _chromium_running(proc) -> bool:
    try:
        return any("chrom" in p.name() for p in proc.children(recursive=True))
    except Exception:  # noqa: BLE001
        return False


def _exporting(folder: Path) -> bool:
    return any(folder.glob(".report.tmp-*/stores/*/报告.html")) or any(folder.glob(".report.tmp-*/报告.html"))


STOPS = [
    (signal.SIGINT, "validation", ["--store", "S01"]),
    (signal.SIGTERM, "validation", ["--all-stores"]),
    (signal.SIGTERM, "kernel", ["--store", "S01"]),
    (signal.SIGINT, "kernel", ["--all-stores"]),
    (signal.SIGTERM, "kernel", ["--all-stores"]),
    (signal.SIGINT, "export", ["--store", "S01", "--pdf"]),
    (signal.SIGTERM, "export", ["--all-stores"]),
]


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "point", "scope"), STOPS,
                         ids=[f"{s.name}-{p}-{'all' if '--all-stores' in a else 'store'}" for s, p, a in STOPS])
def test_a_signal_stops_every_child_and_leaves_nothing(tmp_path, small_data, sig, point, scope):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) or ``kill`` (SIGTERM to the run only) while
    the data is validated, while a kernel executes the notebook, or while the outputs are exported: within 10 s every
    child process (pool workers, kernels, Chromium) has ended, the private working folder with the data pickle is
    gone from $TMPDIR, no kernel connection file remains, nothing appears at -o or beside it, and the run prints one
    Chinese line and exits 130 (SIGINT) or 143 (SIGTERM), without a traceback."""
    psutil = pytest.importorskip("psutil")
    work, tmpdir, runtime = tmp_path / "work", tmp_path / "tmp", tmp_path / "runtime"
    for d in (work, tmpdir, runtime):
        d.mkdir()
    out = work / "report"
    env = {**os.environ, "TMPDIR": str(tmpdir), "JUPYTER_RUNTIME_DIR": str(runtime)}
    code = "import sys; from dealerlab.cli import main; sys.exit(main(sys.argv[1:]))"
    argv = [sys.executable, "-c", code, "report", str(small_data), "--period", PERIOD, *scope, "-o", str(out)]
    proc = subprocess.Popen(argv, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    me = psutil.Process(proc.pid)
    ready = {
        "validation": lambda: _data_file_open(me, small_data),
        "kernel": lambda: _executing(work),
        "export": (lambda: _chromium_running(me)) if "--pdf" in scope else (lambda: _exporting(work)),
    }[point]
    kids = []
    try:
        deadline = time.monotonic() + 240
        while not ready():
            assert proc.poll() is None, f"report ended before the signal: {proc.stderr.read().decode()[-2000:]}"
            assert time.monotonic() < deadline, f"the run never reached {point}"
            time.sleep(0.01)
        kids = me.children(recursive=True)
        if point == "kernel":
            assert [k for k in kids if "ipykernel" in " ".join(k.cmdline())], "no kernel running at the signal"
            assert list(tmpdir.glob("dealerlab-report-*/kernel-*.json")), "no connection file to clean up"
        if point == "validation":  # still validating: the data pickle does not exist yet (the working folder does:
            # the kernel starts while the data is validated, its connection file is there)
            assert not list(tmpdir.glob("dealerlab-report-*/*.pkl"))
        sent = time.monotonic()
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)  # the terminal sends Ctrl-C to the whole foreground process group
        else:
            os.kill(proc.pid, sig)
        proc.wait(15)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
    stderr = proc.stderr.read().decode("utf-8", "replace")
    _gone, alive = psutil.wait_procs(kids, timeout=max(0.1, 10 - took))
    for p in alive:
        p.kill()
    assert proc.returncode == 128 + sig, stderr
    assert took < 10
    assert not alive, [(p.pid, p.name()) for p in alive]
    assert "Traceback" not in stderr
    lines = [ln for ln in stderr.replace("\r", "\n").splitlines() if ln.strip() and not ln.startswith("[")]  # progress bar
    assert len(lines) == 1 and lines[0].startswith("已按 Ctrl-C 中断" if sig == signal.SIGINT else "已被终止（SIGTERM）"), lines
    assert not [p for p in tmpdir.rglob("*") if p.name.startswith("dealerlab-") or p.suffix in (".pkl", ".json")]
    assert not list(runtime.glob("kernel-*.json"))
    assert list(work.iterdir()) == []  # nothing at -o, no hidden temporary folder beside it
