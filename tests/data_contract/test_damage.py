"""Random byte-level damage to client files (issue 16): `validate` and `metrics` exit 0 or 1 — never 2 (internal
error), never a signal (a native abort) — and never take more than 4× the memory of the undamaged file.

The client files are a slice of the demo data (the first rows of every table) as an .xlsx workbook, a CSV folder
and a Parquet folder. Each run happens in a child forked from one worker process (dealerlab imported once), so its
peak memory (``ru_maxrss`` from ``wait4``) and its fate (exit code or signal) are its own; the child also runs under
an address-space limit, so a runaway allocation fails fast instead of exhausting the machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests._paths import REPO

ROOT = REPO
DEMO = ROOT / "datasets" / "demo"
ROWS = 150  # data rows kept per demo table

WORKER = textwrap.dedent(
    """
    import json, os, resource, sys
    from dealerlab.cli import main
    # import once here, not in every child: what the commands import lazily
    import openpyxl, pyarrow.parquet, python_calamine  # noqa: F401
    import dealerlab.data.load, dealerlab.data.read, dealerlab.data.commands, dealerlab.metrics  # noqa: F401
    import dealerlab.report.commands  # noqa: F401

    def run(argv, limit):
        pid = os.fork()
        if pid == 0:
            code = 3
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                if limit:
                    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
                code = main(argv)
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 3
            except BaseException:
                code = 3
            finally:
                os._exit(code if isinstance(code, int) else 3)
        _, status, usage = os.wait4(pid, 0)
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        return {"code": code, "signal": sig, "maxrss_kb": usage.ru_maxrss}

    for line in sys.stdin:
        job = json.loads(line)
        print(json.dumps(run(job["argv"], job.get("limit", 0))), flush=True)
    """
)


def _vm_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


class Worker:
    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=env, cwd=ROOT)

    def run(self, argv: list[str], *, limit: int = 0) -> dict:
        self.proc.stdin.write(json.dumps({"argv": argv, "limit": limit}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "worker died"
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.proc.kill()


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    """``{kind: (path, file to damage)}`` for xlsx, csv and parquet slices of the demo."""
    base = tmp_path_factory.mktemp("clients")
    frames = {}
    for f in sorted(DEMO.glob("*.csv")):
        frames[f.stem] = pd.read_csv(f, dtype=str, keep_default_na=False, nrows=ROWS)
    csv_dir = base / "csv"
    csv_dir.mkdir()
    for name, df in frames.items():
        df.to_csv(csv_dir / f"{name}.csv", index=False)
    pq_dir = base / "parquet"
    pq_dir.mkdir()
    for name, df in frames.items():
        df.to_parquet(pq_dir / f"{name}.parquet", index=False)
    xlsx = base / "client.xlsx"
    with pd.ExcelWriter(xlsx, engine="openpyxl") as w:
        for name, df in frames.items():
            df.to_excel(w, sheet_name=name, index=False)
    return {"xlsx": (xlsx, xlsx), "csv": (csv_dir, csv_dir / "leads.csv"), "parquet": (pq_dir, pq_dir / "leads.parquet")}


@pytest.fixture(scope="module")
def worker():
    w = Worker()
    yield w
    w.close()


@pytest.fixture(scope="module")
def baseline(clients, worker, tmp_path_factory):
    """Peak memory (kB) of each command on each undamaged client."""
    out = tmp_path_factory.mktemp("base")
    peaks = {}
    for kind, (path, _) in clients.items():
        for command in ("validate", "metrics"):
            r = worker.run(_argv(command, path, out))
            assert r["signal"] == 0 and r["code"] in (0, 1), (kind, command, r)
            peaks[kind, command] = r["maxrss_kb"]
    return peaks


def _argv(command: str, path: Path, out: Path) -> list[str]:
    if command == "metrics":
        return ["metrics", str(path), "--period", "2026-10", "-o", str(out / "m.csv")]
    return ["validate", str(path)]


#: one damage: (operation, position as a fraction of the file, length, byte)
damage = st.tuples(st.sampled_from(["flip", "set", "delete", "duplicate", "insert", "truncate", "zero"]),
                   st.floats(0, 1), st.integers(1, 4096), st.integers(0, 255))


def _damage(data: bytes, ops) -> bytes:
    b = bytearray(data)
    for op, where, n, byte in ops:
        if not b:
            break
        i = min(int(where * len(b)), len(b) - 1)
        if op == "flip":
            b[i] ^= 1 << (byte % 8)
        elif op == "set":
            b[i] = byte
        elif op == "delete":
            del b[i:i + n]
        elif op == "duplicate":
            b[i:i] = b[i:i + n]
        elif op == "insert":
            b[i:i] = bytes([byte]) * n
        elif op == "truncate":
            del b[i:]
        elif op == "zero":
            b[i:i + n] = bytes(len(b[i:i + n]))
    return bytes(b)


def _check(kind, clients, worker, baseline, tmp_path_factory, ops):
    path, target = clients[kind]
    work = tmp_path_factory.mktemp(kind)
    if path.is_dir():
        copy = work / path.name
        shutil.copytree(path, copy)
        victim = copy / target.name
    else:
        copy = victim = work / path.name
        shutil.copy(path, copy)
    victim.write_bytes(_damage(target.read_bytes(), ops))
    limit = _vm_bytes() + (3 << 30)  # far above 4× the undamaged peak; a runaway allocation fails fast
    for command in ("validate", "metrics"):
        r = worker.run(_argv(command, copy, work), limit=limit)
        assert r["signal"] == 0, (kind, command, ops, r)
        assert r["code"] in (0, 1), (kind, command, ops, r)
        assert r["maxrss_kb"] <= 4 * baseline[kind, command], (kind, command, ops, r, baseline[kind, command])


@pytest.mark.parametrize("kind", ["xlsx", "csv", "parquet"])
def test_random_damage_exits_0_or_1_with_bounded_memory(kind, clients, worker, baseline, tmp_path_factory):
    @settings(max_examples=6, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.lists(damage, min_size=1, max_size=4))
    def check(ops):
        _check(kind, clients, worker, baseline, tmp_path_factory, ops)

    check()


@pytest.mark.parametrize("kind, ops", [
    ("xlsx", [("truncate", 0.6, 1, 0)]),
    ("xlsx", [("zero", 0.3, 2048, 0)]),
    ("csv", [("insert", 0.5, 200, 0)]),  # NUL bytes inside leads.csv
    ("csv", [("duplicate", 0.0, 3, 0)]),  # a second BOM-less start: "lealead_id"
    ("parquet", [("truncate", 0.9, 1, 0)]),
    ("parquet", [("flip", 0.5, 1, 7)]),
])
def test_fixed_damage(kind, ops, clients, worker, baseline, tmp_path_factory):
    _check(kind, clients, worker, baseline, tmp_path_factory, ops)


@pytest.mark.slow
@pytest.mark.parametrize("kind, ops", [("xlsx", [("zero", 0.5, 4096, 0)]), ("csv", [("set", 0.4, 1, 0x22)])])
def test_report_on_damaged_files(kind, ops, clients, worker, tmp_path_factory):
    path, target = clients[kind]
    work = tmp_path_factory.mktemp("report-" + kind)
    if path.is_dir():
        copy = work / path.name
        shutil.copytree(path, copy)
        victim = copy / target.name
    else:
        copy = victim = work / path.name
        shutil.copy(path, copy)
    victim.write_bytes(_damage(target.read_bytes(), ops))
    r = worker.run(["report", str(copy), "--period", "2026-10", "-o", str(work / "report")])
    assert r["signal"] == 0 and r["code"] in (0, 1), r
