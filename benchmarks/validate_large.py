"""Benchmark: validate a 1 000 000-row leads CSV with bounded memory; print time and peak RSS.

    .venv/bin/python benchmarks/validate_large.py [--rows 1000000] [--keep DIR]

Writes ``stores.csv``, ``staff.csv`` and a ``leads.csv`` of ``--rows`` rows (GBK-free UTF-8, Chinese values,
realistic repetition: 30 000 distinct dates/ids per column at most) into a temporary folder, then runs
``dealerlab validate --progress`` in-process and prints the elapsed time and the peak resident memory
(``resource.getrusage``; ru_maxrss is in KiB on Linux). The CSV is written in blocks, so generating it needs
little memory too. Seeded (``SEED``) so every run validates the same file.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SEED = 20261123


def write_inputs(folder: Path, rows: int) -> Path:
    rng = np.random.default_rng(SEED)
    (folder / "stores.csv").write_text("门店编码,门店名称,业务类型\nS01,一店,乘用车\nS02,二店,乘用车\nS03,三店,商用车\n", encoding="utf-8")
    staff = ["员工编号,门店编码,姓名,部门,岗位,入职日期"]
    for s in ("S01", "S02", "S03"):
        staff += [f"{s}-E{i:03d},{s},顾问{i},销售部,销售顾问,2024-01-{1 + i % 28:02d}" for i in range(40)]
    (folder / "staff.csv").write_text("\n".join(staff) + "\n", encoding="utf-8")
    head = "客户编号,门店编码,销售顾问编号,建档日期,首次接触方式,来源渠道,意向级别,意向车型,状态,结案日期,客户姓名,联系电话\n"
    contact = np.array(["到店", "来电", "网络"])
    channel = np.array(["自然到店", "来电", "网络平台", "基盘客户", "转介绍"])
    intent = np.array(list("HABCN"))
    models = np.array(["轩逸", "天籁", "奇骏", "逍客"])
    status = np.array(["跟进中", "成交", "战败"])
    days = np.datetime64("2024-01-01") + np.arange(1000)
    with open(folder / "leads.csv", "w", encoding="utf-8") as fh:
        fh.write(head)
        block = 100_000
        for lo in range(0, rows, block):
            n = min(block, rows - lo)
            ids = np.arange(lo, lo + n)
            store = rng.integers(1, 4, n)
            created = days[rng.integers(0, 900, n)]
            closed = created + rng.integers(1, 60, n).astype("timedelta64[D]")
            st = status[rng.integers(0, 3, n)]
            closed_txt = np.where(st == "跟进中", "", closed.astype(str))
            lines = [
                f"L{i:07d},S0{s},S0{s}-E{e:03d},{c},{fc},{ch},{it},{m},{sta},{cl},客户{i % 997},1380000{i % 10000:04d}\n"
                for i, s, e, c, fc, ch, it, m, sta, cl in zip(
                    ids, store, rng.integers(0, 40, n), created.astype(str), contact[rng.integers(0, 3, n)],
                    channel[rng.integers(0, 5, n)], intent[rng.integers(0, 5, n)], models[rng.integers(0, 4, n)],
                    st, closed_txt,
                )
            ]
            fh.writelines(lines)
    return folder


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", default=None, help="write the inputs here (kept) instead of a temporary folder")
    args = parser.parse_args(argv)
    from dealerlab.cli import main as cli

    with tempfile.TemporaryDirectory(prefix="dealerlab-bench-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        write_inputs(folder, args.rows)
        t1 = time.perf_counter()
        size = (folder / "leads.csv").stat().st_size / 2**20
        rss_before = peak_rss_mib()
        print(f"generated {args.rows:,} rows ({size:.0f} MiB) in {t1 - t0:.1f} s; peak RSS so far {rss_before:.0f} MiB", file=sys.stderr)
        code = cli(["validate", str(folder), "--progress"])
        t2 = time.perf_counter()
    print(f"validate: exit {code}, {t2 - t1:.1f} s, {args.rows / max(t2 - t1, 1e-9):,.0f} rows/s")
    print(f"peak RSS: {peak_rss_mib():.0f} MiB (leads.csv {size:.0f} MiB)")
    return code


if __name__ == "__main__":
    sys.exit(main())
