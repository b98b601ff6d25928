"""Sizing a national OEM (1 000 stores × 36 months) from the measured curve of R2 — the table of benchmarks/README.md.

    .venv/bin/python benchmarks/sizing.py                     # the table from results.json + sizing.json
    .venv/bin/python benchmarks/sizing.py --measure 400       # one fresh point: 400 stores × 24 months, one run each
    .venv/bin/python benchmarks/sizing.py --measure 50,200 --engines datafusion
    .venv/bin/python benchmarks/sizing.py --update-readme     # write the table between <!-- sizing --> markers
    .venv/bin/python benchmarks/sizing.py --check 400         # DataFusion's table = DuckDB's, every value (R2's rules)

Measured points: R2 of ``results.json`` (5/50/200 stores × 24 months: DuckDB SQL, the pandas engine, the validating
loader at 50) and the points of ``sizing.json`` (written by ``--measure``: the same funnel SQL on DuckDB and on
Apache DataFusion, and the pandas engine, each side in its own process, one run — the machine is shared). Each
quantity is fitted over store-months (stores × months) from 50 stores on (below, the interpreter dominates):

- sizes (event rows, Parquet, pandas tables) and memory above the interpreter: a straight line (least squares);
- time: a power law ``t = a · x^k`` (least squares in log-log; ``k`` > 1 means worse than linear), and the largest
  point scaled linearly; the estimate is the range between the two.

The estimate for 1 000 stores × 36 months (36 000 store-months) and the largest group that fits this machine
(2 cores, 24 GiB; 20 GiB usable) are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

RESULTS = HERE / "results.json"
SIZING = HERE / "sizing.json"
README = HERE / "README.md"
TARGET_STORES, TARGET_MONTHS = 1000, 36
USABLE_GIB = 20.0  # of the machine's 24 GiB: the OS, a Jupyter server and the page cache keep the rest
ENGINES = {"duckdb": "DuckDB SQL", "datafusion": "DataFusion SQL", "pandas": "pandas engine"}


# ------------------------------------------------------------------------------------------------ measuring
def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def worker(engine: str, folder: Path, periods: list[str]) -> dict:
    """One side in this process (imports before the clock, as in r2_worker.py): the funnel SQL on DuckDB or
    DataFusion, or dealerlab's pandas engine as R2 runs it. Wall and CPU seconds, resident memory."""
    import pandas  # noqa: F401
    from r2_worker import run_dealerlab, status_mib

    if engine == "duckdb":
        import duckdb  # noqa: F401
    elif engine == "datafusion":
        import datafusion  # noqa: F401
    from funnel_sql import funnel_table

    import dealerlab.funnel  # noqa: F401

    base = status_mib("VmRSS")
    t0, c0 = time.perf_counter(), _cpu()
    if engine == "pandas":
        ds, _ = run_dealerlab(folder, periods)
    else:
        funnel_table(folder, periods, engine=engine)
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    out = {"engine": engine, "seconds": seconds, "cpu_seconds": cpu, "base_mib": base, "peak_mib": status_mib("VmHWM")}
    if engine == "pandas":
        out["data_mib"] = sum(int(ds[n].memory_usage(deep=True).sum()) for n in ds) / 2**20
    return out


def measure(stores: int, engines: list[str]) -> dict:
    """Generate (once) ``stores`` × 24 months as Parquet and run each engine once in its own process."""
    import run

    periods = run._periods(24)
    folder = run.ensure_data(f"funnel_{stores}x24", stores, 24, run.FUNNEL_TABLES)
    point = {
        "stores": stores,
        "months": 24,
        "event_rows": sum(v for k, v in run._rows(folder).items() if k not in ("stores", "staff")),
        "parquet_mib": sum(p.stat().st_size for p in folder.glob("*.parquet")) / 2**20,
        "measured_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average": list(__import__("os").getloadavg()),
    }
    for engine in engines:
        run.say(f"sizing: {stores} stores × 24 months — {engine} …")
        cmd = [sys.executable, str(Path(__file__)), "--worker", engine, str(folder), *periods]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        side = json.loads(out.strip().splitlines()[-1])
        point[engine] = {k: side[k] for k in ("seconds", "cpu_seconds", "base_mib", "peak_mib")}
        if "data_mib" in side:
            point["data_mib"] = side["data_mib"]
    return point


# ------------------------------------------------------------------------------------------------ fitting
def points() -> list[dict]:
    """Every measured point: R2 of results.json and sizing.json, one dict per (source, stores)."""
    out = []
    if RESULTS.is_file():
        for key, block in json.loads(RESULTS.read_text())["measures"].items():
            if not key.startswith("R2@"):
                continue
            p = {
                "source": "results.json " + key,
                "stores": block["stores"],
                "months": block["months"],
                "event_rows": sum(v for k, v in block["event_rows"].items() if k not in ("stores", "staff")),
                "parquet_mib": block["parquet_mib"],
                "data_mib": block["data_mib"],
            }
            # before the engine was chosen by size (no "engine_chosen"), "dealerlab" was the pandas engine
            pandas_side = "dealerlab-pandas" if "dealerlab-pandas" in block else "dealerlab"
            if pandas_side == "dealerlab" and block.get("engine_chosen") not in (None, "pandas"):
                pandas_side = None
            for engine, side in (("duckdb", "duckdb_sql"), ("pandas", pandas_side)):
                if side in block:
                    p[engine] = {
                        "seconds": block[side]["seconds"]["median"],
                        "base_mib": block[side]["base_mib"],
                        "peak_mib": block[side]["peak_mib"],
                    }
            out.append(p)
    if SIZING.is_file():
        for p in json.loads(SIZING.read_text())["points"]:
            out.append({"source": "sizing.json " + p["measured_utc"], **p})
    return out


def _line(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares ``y = a + b x``."""
    n = len(xs)
    if n == 1:
        return 0.0, ys[0] / xs[0]
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return my - b * mx, b


def _power(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares ``log y = log a + k log x``: (a, k)."""
    la, k = _line([math.log(x) for x in xs], [math.log(y) for y in ys])
    return math.exp(la), k


def series(pts: list[dict], path: tuple[str, ...], *, from_stores: int = 50) -> tuple[list[float], list[float]]:
    """(store-months, value) of every point ≥ ``from_stores`` that has ``path``."""
    xs, ys = [], []
    for p in pts:
        v = p
        for key in path:
            v = v.get(key) if isinstance(v, dict) else None
        if v is None or p["stores"] < from_stores:
            continue
        xs.append(p["stores"] * p["months"])
        ys.append(float(v))
    return xs, ys


def estimate(pts: list[dict], x: float) -> dict:
    """Every sized quantity at ``x`` store-months."""
    est: dict = {"store_months": x}
    for key in ("event_rows", "parquet_mib", "data_mib"):
        xs, ys = series(pts, (key,))
        a, b = _line(xs, ys)
        est[key] = a + b * x
        est[key + "_per_store_month"] = b
    for engine in ENGINES:
        xs, cpu = series(pts, (engine, "cpu_seconds"))  # CPU time: what a busy shared machine distorts least
        if len(xs) < 2:
            continue
        a, k = _power(xs, cpu)
        big = max(range(len(xs)), key=lambda i: xs[i])
        linear, power = cpu[big] * x / xs[big], a * x**k
        _, walls = series(pts, (engine, "seconds"))
        wall_pts = [p for p in pts if "cpu_seconds" in p.get(engine, {}) and p["stores"] * p["months"] == xs[big]]
        xs_m, peaks = series(pts, (engine, "peak_mib"))
        _, bases = series(pts, (engine, "base_mib"))
        ma, mb = _line(xs_m, [p - b for p, b in zip(peaks, bases)])
        base = sum(bases) / len(bases)
        est[engine] = {
            "points": len(xs),
            "k": k,
            "cpu_low": min(linear, power),
            "cpu_high": max(linear, power),
            # wall seconds scaled linearly from the largest point, at the load average it was measured under
            "wall_as_measured": wall_pts[0][engine]["seconds"] * x / xs[big],
            "load_as_measured": wall_pts[0].get("load_average", [float("nan")])[0],
            "peak_mib": base + ma + mb * x,
            "mib_per_store_month": mb,
            # the largest group of TARGET_MONTHS months whose peak fits USABLE_GIB
            "max_stores": (USABLE_GIB * 1024 - base - ma) / mb / TARGET_MONTHS if mb > 0 else math.inf,
        }
    return est


def _r2v_and_r3() -> tuple[dict | None, dict | None]:
    if not RESULTS.is_file():
        return None, None
    m = json.loads(RESULTS.read_text())["measures"]
    r2v, r3 = m.get("R2v@50"), m.get("R3")
    if r2v is not None and "R2@50" in m:
        r2v = dict(r2v)
        rows = sum(v for k, v in m["R2@50"]["event_rows"].items() if k not in ("stores", "staff"))
        r2v["seconds_per_million_rows"] = r2v["seconds"] / rows * 1e6
        r2v["data_mib"] = m["R2@50"]["data_mib"]
    return r2v, r3


# ------------------------------------------------------------------------------------------------ the table
def _t(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _gib(mib: float) -> str:
    return f"{mib / 1024:.1f} GiB"


def markdown(pts: list[dict]) -> str:
    x = TARGET_STORES * TARGET_MONTHS
    est = estimate(pts, x)
    lines = [
        "Measured points (24 months; each side in its own process; wall / CPU seconds, peak resident memory;"
        " `results.json` = the R2 run of the table above, `sizing.json` = `sizing.py --measure`):",
        "",
        "| stores | store-months | event rows | Parquet | pandas tables | DuckDB SQL | DataFusion SQL | pandas engine"
        " | source (load average) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]

    def side(p: dict, engine: str) -> str:
        s = p.get(engine)
        if not s:
            return "—"
        cpu = f" / {s['cpu_seconds']:.1f}" if "cpu_seconds" in s else ""
        return f"{s['seconds']:.1f}{cpu} s, {s['peak_mib']:.0f} MiB"

    for p in sorted(pts, key=lambda p: (p["stores"], p["source"])):
        data = f"{p['data_mib']:.0f} MiB" if p.get("data_mib") else "—"
        load = f" ({p['load_average'][0]:.1f})" if p.get("load_average") else ""
        lines.append(
            f"| {p['stores']} | {p['stores'] * p['months']} | {p['event_rows'] / 1e6:.2f} M | {p['parquet_mib']:.0f} MiB"
            f" | {data} | {side(p, 'duckdb')} | {side(p, 'datafusion')} | {side(p, 'pandas')}"
            f" | {p['source'].split(' ')[0]}{load} |"
        )
    largest = max(p["stores"] * p["months"] for p in pts)
    lines += [
        "",
        f"Fitted from 50 stores on and extrapolated to {TARGET_STORES} stores × {TARGET_MONTHS} months"
        f" ({x} store-months, {x / largest:.1f}× the largest point). Time is fitted on CPU seconds (user + system,"
        " every thread; a power law and a straight line from the largest point give the range), which a shared"
        " machine distorts far less than wall time; the wall time of the largest point, scaled, is given at the"
        " load it was measured under. On an idle machine the pandas engine (one thread) takes about its CPU time"
        " as wall time, DuckDB and DataFusion (2 threads) between half of it and all of it:",
        "",
        "| quantity | per store-month | at 1 000 × 36 | largest group in 20 GiB (36 months) |",
        "|---|---|---|---|",
        f"| funnel event rows | {est['event_rows_per_store_month']:.0f} | {est['event_rows'] / 1e6:.0f} M | |",
        f"| Parquet (as write_dataset writes it) | {est['parquet_mib_per_store_month'] * 1024:.0f} KiB"
        f" | {_gib(est['parquet_mib'])} | |",
        f"| tables in pandas | {est['data_mib_per_store_month']:.2f} MiB | {_gib(est['data_mib'])} | |",
    ]
    for engine, name in ENGINES.items():
        e = est.get(engine)
        if e is None:
            continue
        stop = "no limit (spills to disk)" if engine == "duckdb" else f"{e['max_stores']:.0f} stores"
        cpu = _t(e["cpu_low"]) if _t(e["cpu_low"]) == _t(e["cpu_high"]) else f"{_t(e['cpu_low'])}–{_t(e['cpu_high'])}"
        lines.append(
            f"| {name}: time (CPU ∝ x^{e['k']:.2f}, {e['points']} points) | | CPU {cpu}; wall"
            f" {_t(e['wall_as_measured'])} at load {e['load_as_measured']:.0f} | |"
        )
        lines.append(f"| {name}: peak memory | {e['mib_per_store_month']:.3f} MiB | {_gib(e['peak_mib'])} | {stop} |")
    r2v, r3 = _r2v_and_r3()
    if r2v is not None:
        t = r2v["seconds_per_million_rows"] * est["event_rows"] / 1e6
        mem = r2v["memory_ratio"] * est["data_mib"]
        fit = USABLE_GIB * 1024 / (r2v["memory_ratio"] * est["data_mib_per_store_month"]) / TARGET_MONTHS
        lines.append(
            f"| validating loader + pandas (R2v@50: {r2v['seconds_per_million_rows']:.1f} s per M rows,"
            f" {r2v['memory_ratio']:.1f}× the data) | | {_t(t)}, {_gib(mem)} | {fit:.0f} stores |"
        )
    if r3 is not None:
        per = r3["per_store_seconds"]
        lines.append(
            f"| report batch (R3: {per:.1f} s per store on 2 workers, {r3['stores']} stores × 2 months)"
            f" | | {_t(per * TARGET_STORES)} for 1 000 reports | |"
        )
    return "\n".join(lines)


def update_readme(table: str) -> None:
    text = README.read_text()
    start, end = "<!-- sizing -->", "<!-- /sizing -->"
    if start not in text:
        raise SystemExit(f"{README} has no {start} marker")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    README.write_text(f"{head}{start}\n{table}\n{end}{tail}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", default=None, help="stores (comma-separated) to measure: one run per engine")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--update-readme", action="store_true")
    parser.add_argument("--check", type=int, default=None, help="stores: compare DataFusion's table with DuckDB's")
    parser.add_argument("--worker", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.check:
        import run
        from funnel_sql import funnel_table
        from spark_check import compare

        folder = run.ensure_data(f"funnel_{args.check}x24", args.check, 24, run.FUNNEL_TABLES)
        periods = run._periods(24)
        got = funnel_table(folder, periods, engine="datafusion")
        problems = compare(got, funnel_table(folder, periods, engine="duckdb"))
        print(json.dumps({"stores": args.check, "cells": len(got), "equal": not problems, "problems": problems}))
        return 1 if problems else 0
    if args.worker:
        engine, folder, *periods = args.worker
        print(json.dumps(worker(engine, Path(folder), periods)))
        return 0
    if args.measure:
        saved = json.loads(SIZING.read_text()) if SIZING.is_file() else {"points": []}
        for n in (int(s) for s in args.measure.split(",")):
            point = measure(n, args.engines.split(","))
            before = next((p for p in saved["points"] if p["stores"] == n), {})
            point = {**before, **point}  # a point measured again keeps the engines not run this time
            saved["points"] = [p for p in saved["points"] if p["stores"] != n] + [point]
            saved["points"].sort(key=lambda p: p["stores"])
            SIZING.write_text(json.dumps(saved, indent=1) + "\n")
    table = markdown(points())
    print(table)
    if args.update_readme:
        update_readme(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
