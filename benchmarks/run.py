"""dealerlab benchmarks (issue 13): every speed and memory goal as a ratio measured within one run.

    .venv/bin/python benchmarks/run.py [--quick] [--only R1,R2,...] [--repeat N]     (make bench)

Prints a table and writes ``benchmarks/results.json``. Every timing is repeated (median, min, max of ``--repeat``
runs, 5 by default; R3 and R4 take minutes per run and are repeated less — the table says how often), and the two
sides of a ratio are run alternately so that a busy machine slows both. Generated data goes to ``benchmarks/work/``
(gitignored; regenerated when the generator changes).

- R1: ``dealerlab report`` for one store-month of the demo data ÷ the floor (papermill runs a one-cell notebook and
  nbconvert writes HTML, in one process: ``floor.py``). Goal ≤ 2.0.
- R2: the funnel KPI table (DOMAIN.md §1, every store × month) of a generated group stored as Parquet: dealerlab
  (read the Parquet tables + compute) ÷ DuckDB SQL over the same files (``funnel_sql.py``), after checking that both
  give the same numbers. Goals: time ratio ≤ 1.5; peak memory ≤ 2× the in-memory size of the data. Two dealerlab
  engines: pandas (``dealerlab.funnel.long_metrics`` on a Dataset) and DuckDB (``dealerlab.funnel.engine_duckdb``).
  Scaling: 5, 50 and 200 stores × 24 months.
- R2v: validation at scale: ``dealerlab.load`` of the 50-store Parquet folder (reads and checks the data contract)
  + the same KPI table ÷ DuckDB SQL. Goals: time ≤ 5×; peak memory above the imports ≤ 2× the data.
- R3: ``dealerlab report --all-stores`` for 50 stores ÷ one store's report (same data, 2 months). Goal ≤ 10.
- R4: executing every course notebook ÷ the floor. Goal ≤ 15.
- R5: p95 of the exercise check callbacks (``Exercise.check``), in process. Goal ≤ 50 ms.
- R6: the classroom under load (``r6_classroom.py``): 30 simulated trainees join ``dealerlab classroom`` within a
  minute in headless Chromium, each opens 3 exercises and checks an answer. Goals: page-ready p95 ÷ one trainee's
  page-ready ≤ 3; check-click-to-feedback p95 ≤ 500 ms; server memory after all left ≤ 1.2 × before; memory per
  active trainee reported. ``--quick``: 6 trainees.

``--only`` keeps the other measures of an existing ``results.json`` (each measure says when it was measured).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
PY = sys.executable
DEALERLAB = str(Path(PY).parent / "dealerlab")
MEASURES = ("R1", "R2", "R2v", "R3", "R4", "R5", "R6")
END = "2026-10"
FUNNEL_TABLES = ("stores", "staff", "leads", "visits", "calls", "test_drives", "followups", "sales", "addons", "market")


# ----------------------------------------------------------------------------------------------------- helpers
def machine() -> dict:
    import duckdb
    import numpy
    import pandas
    import pyarrow

    mem_kb = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "pyarrow": pyarrow.__version__,
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
        "load_average_at_start": list(os.getloadavg()),
    }


def stats(values: list[float]) -> dict:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "runs": values,
    }


def run(cmd: list[str], *, env: dict | None = None, cwd: Path | None = None) -> tuple[float, str]:
    """Wall time of a subprocess (which must succeed) and its stdout."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd or ROOT)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return seconds, proc.stdout


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _generator_hash() -> str:
    src = (ROOT / "dealerlab" / "datasets" / "generate.py").read_bytes()
    return hashlib.sha256(src).hexdigest()[:16]


_GEN = """
import sys
from dealerlab.data.dataset import Dataset
from dealerlab.data.write import write_dataset
from dealerlab.datasets import generate
stores, months, end, target = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
tables = sys.argv[5].split(",") if len(sys.argv) > 5 else None
ds = generate(stores=stores, months=months, end=end)
if tables:
    ds = Dataset({n: ds[n] for n in tables if ds.has(n)}, source="generated")
write_dataset(ds, target, format="parquet")
"""


def ensure_data(name: str, stores: int, months: int, tables: tuple[str, ...] | None = None) -> Path:
    """A generated group as a Parquet folder under benchmarks/work (made once; remade when the generator changes)."""
    folder = WORK / name
    stamp = folder / ".made.json"
    want = {
        "stores": stores,
        "months": months,
        "end": END,
        "tables": list(tables or []),
        "generator": _generator_hash(),
    }
    if stamp.is_file() and json.loads(stamp.read_text()) == want:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    say(f"  generating {name}: {stores} stores × {months} months …")
    args = [PY, "-c", _GEN, str(stores), str(months), END, str(folder)] + ([",".join(tables)] if tables else [])
    seconds, _ = run(args)
    stamp.write_text(json.dumps(want))
    say(f"  generated in {seconds:.0f} s")
    return folder


def alternate(cmds: dict[str, list[str]], repeat: int, **kw) -> dict[str, list[float]]:
    """Run every command ``repeat`` times, alternating between them; wall seconds per command."""
    out: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(repeat):
        for key, cmd in cmds.items():
            out[key].append(run(cmd, **kw)[0])
    return out


def verdict(value: float, goal: float) -> str:
    return "pass" if value <= goal else "FAIL"


# ----------------------------------------------------------------------------------------------------- measures
class Bench:
    def __init__(self, quick: bool, repeat: int, r6_pages: int = 3, r2_stores: list[int] | None = None):
        self.r2_stores = r2_stores
        self.r6_pages = r6_pages
        self.quick = quick
        self.repeat = repeat
        self.results: dict[str, dict] = {}
        self._floor: dict | None = None

    def floor(self) -> dict:
        if self._floor is None:
            say("floor: papermill one-cell notebook + nbconvert HTML …")
            runs = alternate({"floor": [PY, str(HERE / "floor.py"), str(WORK / "floor")]}, self.repeat)["floor"]
            self._floor = stats(runs)
        return self._floor

    def r1(self) -> None:
        say("R1: dealerlab report, one store-month of the demo data …")
        cmds = {
            "floor": [PY, str(HERE / "floor.py"), str(WORK / "floor")],
            "report": [
                DEALERLAB,
                "report",
                str(ROOT / "datasets" / "demo"),
                "--store",
                "S01",
                "--period",
                END,
                "-o",
                str(WORK / "r1"),
            ],
        }
        runs = alternate(cmds, self.repeat)
        self._floor = stats(runs["floor"])
        report = stats(runs["report"])
        ratio = report["median"] / self._floor["median"]
        self.results["R1"] = {
            "what": "dealerlab report S01 2026-10 (demo) ÷ floor",
            "seconds": report,
            "floor_seconds": self._floor,
            "ratio": ratio,
            "goal": 2.0,
            "verdict": verdict(ratio, 2.0),
        }

    def r2(self) -> None:
        sizes = self.r2_stores or ([5] if self.quick else [5, 50, 200])
        periods = _periods(24)
        for n in sizes:
            folder = ensure_data(f"funnel_{n}x24", n, 24, FUNNEL_TABLES)
            say(f"R2: funnel KPI table, {n} stores × 24 months — checking equality …")
            check = check_equal(folder, periods)
            # one round of the three engines takes ~45 s at 200 stores: 3 rounds there keep make bench near 20 min
            repeat = min(self.repeat, 3) if n >= 200 else self.repeat
            say(f"R2: {n} stores — timing ({repeat} runs per engine) …")
            sides = {e: [] for e in ("dealerlab", "dealerlab-pandas", "dealerlab-duckdb", "duckdb")}
            for _ in range(repeat):
                for engine in sides:
                    _, out = run([PY, str(HERE / "r2_worker.py"), engine, str(folder), *periods])
                    sides[engine].append(json.loads(out))
            data_mib = sides["dealerlab"][0]["data_mib"]
            ref = stats([r["seconds"] for r in sides["duckdb"]])
            block = {
                "stores": n,
                "months": 24,
                "cells": sides["duckdb"][0]["rows"],
                "data_mib": data_mib,
                "parquet_mib": sum(p.stat().st_size for p in folder.glob("*.parquet")) / 2**20,
                "event_rows": _rows(folder),
                "check": check,
                "engine_chosen": sides["dealerlab"][0].get("engine_chosen"),
                "duckdb_sql": _side(sides["duckdb"], data_mib),
            }
            for engine in ("dealerlab", "dealerlab-pandas", "dealerlab-duckdb"):
                side = _side(sides[engine], data_mib)
                side["time_ratio"] = side["seconds"]["median"] / ref["median"]
                side["time_goal"], side["memory_goal"] = 1.5, 2.0
                ok = side["time_ratio"] <= 1.5 and side["memory_ratio_above_base"] <= 2.0
                side["verdict"] = "pass" if ok else "FAIL"
                block[engine] = side
            self.results[f"R2@{n}"] = block

    def r2v(self) -> None:
        """Validation at scale: ``dealerlab.load`` (the validating loader) + compute ÷ DuckDB SQL, 50 stores."""
        n = 5 if self.quick else 50
        periods = _periods(24)
        folder = ensure_data(f"funnel_{n}x24", n, 24, FUNNEL_TABLES)
        say(f"R2v: validating loader, {n} stores × 24 months — checking equality …")
        check = check_equal(folder, periods, engines=("dealerlab-validated",))
        say(f"R2v: {n} stores — timing ({self.repeat} runs per side) …")
        sides = {e: [] for e in ("dealerlab-validated", "duckdb")}
        for _ in range(self.repeat):
            for engine in sides:
                _, out = run([PY, str(HERE / "r2_worker.py"), engine, str(folder), *periods])
                sides[engine].append(json.loads(out))
        data_mib = sides["dealerlab-validated"][0]["data_mib"]
        side = _side(sides["dealerlab-validated"], data_mib)
        ref = _side(sides["duckdb"], data_mib)
        side["time_ratio"] = side["seconds"]["median"] / ref["seconds"]["median"]
        ok = side["time_ratio"] <= 5.0 and side["memory_ratio_above_base"] <= 2.0
        self.results[f"R2v@{n}"] = {
            "what": "dealerlab.load (reads and validates the data contract) + long_metrics ÷ DuckDB SQL",
            # the figures of the earlier one-run form, which sizing.py reads: median seconds, peak, peak ÷ data
            "seconds": side["seconds"]["median"],
            "peak_mib": side["peak_mib"],
            "time_ratio": side["time_ratio"],
            "memory_ratio": side["memory_ratio"],
            "stores": n,
            "data_mib": data_mib,
            "event_rows": _rows(folder),
            "check": check,
            "duckdb_sql": ref,
            "dealerlab-validated": side,
            "engine_chosen": sides["dealerlab-validated"][0].get("engine_chosen"),  # of the compute after the load
            "time_goal": 5.0,
            "memory_goal": 2.0,
            "verdict": "pass" if ok else "FAIL",
        }

    def r3(self) -> None:
        n = 5 if self.quick else 50
        folder = ensure_data(f"group_{n}x2", n, 2)
        say(f"R3: --all-stores for {n} stores ÷ one store (one run each: minutes) …")
        one, _ = run([DEALERLAB, "report", str(folder), "--store", "S01", "--period", END, "-o", str(WORK / "r3_one")])
        out = WORK / "r3_all"
        if out.exists():
            shutil.rmtree(out)
        every, _ = run([DEALERLAB, "report", str(folder), "--all-stores", "--period", END, "-o", str(out)])
        ratio = every / one
        self.results["R3"] = {
            "what": f"dealerlab report --all-stores ({n} stores × 2 months) ÷ one store's report; 1 run each",
            "seconds": stats([every]),
            "one_store_seconds": stats([one]),
            "stores": n,
            "ratio": ratio,
            "per_store_seconds": every / n,
            "goal": 10.0,
            "verdict": verdict(ratio, 10.0),
        }

    def r4(self) -> None:
        floor = self.floor()
        repeat = 1 if self.quick else max(1, min(self.repeat, 3))
        say(f"R4: every course notebook ({repeat} runs: minutes each) …")
        runs, per = [], []
        for _ in range(repeat):
            seconds, out = run([PY, str(HERE / "course_worker.py"), str(WORK / "r4")])
            runs.append(seconds)
            per.append(json.loads(out.strip().splitlines()[-1]))
        s = stats(runs)
        ratio = s["median"] / floor["median"]
        self.results["R4"] = {
            "what": f"execute every course notebook ({len(per[0])}) ÷ floor",
            "seconds": s,
            "floor_seconds": floor,
            "per_notebook_seconds": {k: statistics.median(p[k] for p in per) for k in per[0]},
            "ratio": ratio,
            "goal": 15.0,
            "verdict": verdict(ratio, 15.0),
        }

    def r5(self) -> None:
        say("R5: exercise check callbacks, in process …")
        self.results["R5"] = exercise_checks(rounds=3 if self.quick else 20)

    def r6(self) -> None:
        trainees = 6 if self.quick else 30
        say(f"R6: classroom, {trainees} trainees in headless Chromium (one run: ~10–20 min on 2 shared cores) …")
        out = WORK / "r6.json"
        out.unlink(missing_ok=True)
        pages = str(self.r6_pages)
        proc = subprocess.run([PY, str(HERE / "r6_classroom.py"), "--trainees", str(trainees), "--pages", pages,
                               "--json", str(out)], cwd=ROOT, text=True, capture_output=True)
        if proc.returncode != 0 or not out.exists():
            raise SystemExit(f"R6 failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        r = json.loads(out.read_text(encoding="utf-8"))
        r["verdicts"] = {
            "page_ready_ratio": "FAIL" if r.get("pages_failed") else verdict(r["page_ready_ratio"],
                                                                            r["goal_page_ready_ratio"]),
            "check_feedback_p95_ms": verdict(r["check_feedback_p95_ms"], r["goal_check_feedback_ms"]),
            "memory_after_ratio": verdict(r["memory_after_ratio"], r["goal_memory_after_ratio"]),
        }
        self.results["R6"] = r


def _periods(months: int) -> list[str]:
    from dealerlab.calendar import period_range

    return list(period_range(END, months))


def _rows(folder: Path) -> dict:
    import pyarrow.parquet as pq

    return {p.stem: pq.ParquetFile(p).metadata.num_rows for p in sorted(folder.glob("*.parquet"))}


def _side(runs: list[dict], data_mib: float) -> dict:
    peak = max(r["peak_mib"] for r in runs)
    base = statistics.median(r["base_mib"] for r in runs)
    return {
        "seconds": stats([r["seconds"] for r in runs]),
        "peak_mib": peak,
        "base_mib": base,
        "memory_ratio": peak / data_mib,
        "memory_ratio_above_base": (peak - base) / data_mib,
    }


def check_equal(folder: Path, periods: list[str],
                engines: tuple[str, ...] = ("dealerlab", "dealerlab-pandas", "dealerlab-duckdb")) -> dict:
    """dealerlab's ``engines`` (and the same SQL on DataFusion, when installed) against the DuckDB SQL reference: the
    same numbers, or SystemExit."""
    import numpy as np
    import pandas as pd

    from dealerlab.funnel import FUNNEL_METRICS

    tmp = Path(tempfile.mkdtemp(prefix="dealerlab-r2-", dir=WORK))
    try:
        tables = {}
        for engine in (*engines, "duckdb"):
            target = tmp / f"{engine}.parquet"
            run([PY, str(HERE / "r2_worker.py"), engine, str(folder), *periods, "--out", str(target)])
            tables[engine] = pd.read_parquet(target).sort_values(["store_id", "period"]).reset_index(drop=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    import importlib.util

    if importlib.util.find_spec("datafusion") is not None:  # the same SQL on a second engine (benchmarks/README.md)
        from funnel_sql import funnel_table

        tables["datafusion"] = (
            funnel_table(folder, periods, engine="datafusion").sort_values(["store_id", "period"]).reset_index(drop=True)
        )
    ref = tables["duckdb"]
    problems, inexact = [], []
    for engine in [e for e in tables if e != "duckdb"]:
        got = tables[engine]
        if (
            got[["store_id", "period"]].astype(str).values.tolist()
            != ref[["store_id", "period"]].astype(str).values.tolist()
        ):
            problems.append(f"{engine}: the store × month cells differ")
            continue
        for m in FUNNEL_METRICS:
            a = got[m].to_numpy(dtype=float, na_value=np.nan)
            b = ref[m].to_numpy(dtype=float, na_value=np.nan)
            if np.array_equal(a, b, equal_nan=True):
                continue
            same_nan = np.array_equal(np.isnan(a), np.isnan(b))
            close = same_nan and np.allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=1e-12, atol=0)
            if close and not m.startswith(tuple(_COUNTS)):
                inexact.append(f"{engine}:{m}")
            else:
                bad = ~((a == b) | (np.isnan(a) & np.isnan(b)))
                i = int(np.flatnonzero(bad)[0])
                problems.append(
                    f"{engine}: {m} differs in {int(bad.sum())} cells, e.g. {ref.store_id[i]} "
                    f"{ref.period[i]}: {a[i]} vs DuckDB SQL {b[i]}"
                )
    if problems:
        raise SystemExit("R2 CHECK FAILED — dealerlab and DuckDB SQL disagree:\n  " + "\n  ".join(problems))
    return {"cells": len(ref), "metrics": len(FUNNEL_METRICS), "engines": [e for e in tables if e != "duckdb"],
            "identical": not inexact, "equal_within_1e-12": inexact}


_COUNTS = ("traffic", "FV", "FC", "W", "C", "N", "CV", "L", "R", "RnoTD", "TD", "TDi", "S_room", "volume")


def _filled(field):
    """A complete (not necessarily right) value for a field: the check's full path, not the "nothing typed" one."""
    from dealerlab.exercises import ChoiceField, ClassifyField, NumberField, SliderField, TableField, TextField

    if isinstance(field, NumberField):
        return 0.5 if field.percent else 12.0
    if isinstance(field, ChoiceField):
        first = next(iter(field.options), None)
        return [first] if field.multiple else first
    if isinstance(field, ClassifyField):
        first = next(iter(field.classes), None)
        return {item: first for item in field.items}
    if isinstance(field, TableField):
        return {r: {c: 10.0 for c in field.columns} for r in field.rows}
    if isinstance(field, TextField):
        return "目标：本月展厅成交率提升到 20%，由销售经理负责，每周复盘，月底前完成。"
    if isinstance(field, SliderField):
        return (field.min + field.max) / 2
    return field.parse(field.empty())


def _answers(ex) -> list[dict]:
    """Answers to check: untouched fields, every field filled in, and the model answer when it is given as values."""
    makers = [lambda f, name: f.parse(f.empty()), lambda f, name: _filled(f)]
    if isinstance(ex.model_answer, dict):
        model = ex.model_answer
        makers.append(lambda f, name: f.parse(f.to_raw(model[name])) if name in model else f.parse(f.empty()))
    out = []
    for make in makers:
        try:
            out.append({name: make(f, name) for name, f in ex.fields.items()})
        except Exception:  # a value this field cannot take: that answer is not checked
            pass
    return out


def exercise_checks(rounds: int) -> dict:
    """Time ``Exercise.check`` for every exercise of dealerlab/exercises/course/*.py (and the ``live`` callbacks)."""
    import importlib
    import pkgutil

    import dealerlab.exercises.course as course
    from dealerlab.exercises import Exercise

    exercises = {}
    for mod in pkgutil.iter_modules(course.__path__):
        module = importlib.import_module(f"{course.__name__}.{mod.name}")
        for value in vars(module).values():
            if isinstance(value, Exercise):
                exercises[value.id] = value
    checks, lives, first, per = [], [], [], {}
    for ex_id, ex in sorted(exercises.items()):
        answers = _answers(ex)
        mine = []
        for r in range(rounds):
            for answer in answers:
                t0 = time.perf_counter()
                ex.check(answer)
                dt = time.perf_counter() - t0
                (first if r == 0 else mine).append(dt)
                if ex.live is not None:
                    t0 = time.perf_counter()
                    try:
                        ex.live(answer)
                    except Exception:
                        pass
                    lives.append(time.perf_counter() - t0)
        checks.extend(mine)
        if mine:
            per[ex_id] = statistics.median(mine)
    every = checks + first

    def p95(xs):
        return (
            statistics.quantiles(xs, n=20, method="inclusive")[-1] if len(xs) > 1 else (xs[0] if xs else float("nan"))
        )

    p = p95(every)
    return {
        "what": "p95 of Exercise.check over every course exercise (untouched, filled-in and model answers)",
        "exercises": len(exercises),
        "calls": len(every),
        "p95_ms": p * 1000,
        "max_ms": max(every) * 1000,
        "first_call_max_ms": max(first) * 1000 if first else None,
        "slowest": dict(sorted(((k, v * 1000) for k, v in per.items()), key=lambda kv: -kv[1])[:3]),
        "live_p95_ms": p95(lives) * 1000 if lives else None,
        "goal_ms": 50.0,
        "verdict": verdict(p * 1000, 50.0),
    }


# ----------------------------------------------------------------------------------------------------- output
def table(results: dict) -> list[list[str]]:
    rows = [["measure", "what", "median", "min", "max", "n", "ratio", "goal", "result"]]

    def sec(s):
        return [f"{s['median']:.2f} s", f"{s['min']:.2f}", f"{s['max']:.2f}", str(s["n"])]

    if "R1" in results:
        r = results["R1"]
        rows.append(["floor", "papermill 1-cell notebook + nbconvert HTML", *sec(r["floor_seconds"]), "", "", ""])
        rows.append(
            ["R1", "report S01 2026-10 ÷ floor", *sec(r["seconds"]), f"{r['ratio']:.2f}", "≤ 2.0", r["verdict"]]
        )
    for key, r in results.items():
        if not key.startswith("R2@"):
            continue
        n = r["stores"]
        rows.append(
            [
                key,
                f"DuckDB SQL, {n} stores × 24 months",
                *sec(r["duckdb_sql"]["seconds"]),
                "",
                "",
                f"peak {r['duckdb_sql']['peak_mib']:.0f} MiB",
            ]
        )
        for engine, label in (("dealerlab", f"default path [{r.get('engine_chosen', '?')}]"),
                              ("dealerlab-pandas", "pandas engine"), ("dealerlab-duckdb", "DuckDB engine")):
            if engine not in r:  # results of a run before the default path was measured
                continue
            s = r[engine]
            rows.append(
                [
                    key,
                    f"dealerlab {label} ÷ SQL (time)",
                    *sec(s["seconds"]),
                    f"{s['time_ratio']:.2f}",
                    "≤ 1.5",
                    verdict(s["time_ratio"], 1.5),
                ]
            )
            above = s["peak_mib"] - s["base_mib"]
            rows.append(
                [
                    key,
                    f"dealerlab {label}: peak {s['peak_mib']:.0f} MiB − imports {s['base_mib']:.0f} MiB "
                    f"÷ data {r['data_mib']:.0f} MiB",
                    f"{above:.0f} MiB",
                    "",
                    "",
                    "",
                    f"{s['memory_ratio_above_base']:.2f}",
                    "≤ 2.0",
                    verdict(s["memory_ratio_above_base"], 2.0),
                ]
            )
    for key, r in results.items():
        if not key.startswith("R2v@"):
            continue
        if "dealerlab-validated" not in r:  # a run before R2v was its own measure (one run, information only)
            rows.append([key, "dealerlab.load (validating) + compute ÷ SQL", f"{r['seconds']:.2f} s", "", "", "1",
                         f"{r['time_ratio']:.1f}", "(info)", f"peak {r['peak_mib']:.0f} MiB"])
            continue
        s, ref = r["dealerlab-validated"], r["duckdb_sql"]
        rows.append([key, f"DuckDB SQL, {r['stores']} stores × 24 months", *sec(ref["seconds"]), "", "",
                     f"peak {ref['peak_mib']:.0f} MiB"])
        rows.append([key, "dealerlab.load (validating) + compute ÷ SQL (time)", *sec(s["seconds"]),
                     f"{s['time_ratio']:.2f}", "≤ 5.0", verdict(s["time_ratio"], 5.0)])
        rows.append([key, f"dealerlab.load + compute: peak {s['peak_mib']:.0f} MiB − imports {s['base_mib']:.0f} MiB "
                     f"÷ data {r['data_mib']:.0f} MiB", f"{s['peak_mib'] - s['base_mib']:.0f} MiB", "", "", "",
                     f"{s['memory_ratio_above_base']:.2f}", "≤ 2.0", verdict(s["memory_ratio_above_base"], 2.0)])
    if "R3" in results:
        r = results["R3"]
        rows.append(
            [
                "R3",
                f"--all-stores {r['stores']} stores ÷ one store ({r['one_store_seconds']['median']:.1f} s)",
                *sec(r["seconds"]),
                f"{r['ratio']:.2f}",
                "≤ 10",
                r["verdict"],
            ]
        )
    if "R4" in results:
        r = results["R4"]
        if "R1" not in results:
            rows.append(["floor", "papermill 1-cell notebook + nbconvert HTML", *sec(r["floor_seconds"]), "", "", ""])
        rows.append(
            ["R4", "every course notebook ÷ floor", *sec(r["seconds"]), f"{r['ratio']:.2f}", "≤ 15", r["verdict"]]
        )
    if "R5" in results:
        r = results["R5"]
        rows.append(
            [
                "R5",
                f"exercise checks p95 ({r['exercises']} exercises, {r['calls']} calls)",
                f"{r['p95_ms']:.2f} ms",
                "",
                f"{r['max_ms']:.1f}",
                str(r["calls"]),
                "",
                "≤ 50 ms",
                r["verdict"],
            ]
        )
    rows += r6_rows(results)
    return rows


def r6_rows(results: dict) -> list[list[str]]:
    """The R6 rows of the table (the classroom under load)."""
    if "R6" not in results:
        return []
    r = results["R6"]
    v = r.get("verdicts", {})
    n = str(r["trainees"])
    load = f"load {r['load_avg_during']:.1f}" if "load_avg_during" in r else ""
    return [
        ["R6", f"page ready, {n} trainees × {r['pages_per_trainee']} exercise(s): p95 {r['page_ready_p95_s']:.1f} s "
               f"÷ one trainee ({r['one_trainee_page_ready_s']:.1f} s)",
         f"{r.get('page_ready_median_s', float('nan')):.1f} s", "", f"{r.get('page_ready_max_s', float('nan')):.1f}",
         str(r.get("pages_measured", "")), f"{r['page_ready_ratio']:.2f}", "≤ 3",
         v.get("page_ready_ratio", "") + (f" ({r['pages_failed']} pages not ready in 300 s)" if r.get("pages_failed")
                                          else "")],
        ["R6", f"check click → feedback: p95 {r['check_feedback_p95_ms']:.0f} ms ({load})",
         f"{r.get('check_feedback_median_ms', float('nan')):.0f} ms", "", "", str(r.get("checks_measured", "")),
         "", "p95 ≤ 500 ms", v.get("check_feedback_p95_ms", "")],
        ["R6", f"server + kernels memory after all left ({r['memory_after_mb']} MiB, {r.get('kernels_after', '?')} "
               f"kernels) ÷ before ({r['memory_before_mb']} MiB)",
         "", "", "", "", f"{r['memory_after_ratio']:.2f}", "≤ 1.2", v.get("memory_after_ratio", "")],
        ["R6", f"memory per active trainee (peak {r['memory_peak_mb']} MiB, {r.get('kernels_peak', '?')} kernels)",
         f"{r['memory_per_active_trainee_mb']} MiB", "", "", "", "", "(info)", ""],
    ]


def render(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows[1:]]
    return "\n".join(out)


def _between(text: str, tag: str, body: str) -> str:
    start, end = f"<!-- {tag} -->", f"<!-- /{tag} -->"
    i, j = text.index(start) + len(start), text.index(end)
    return text[:i] + body + text[j:]


def update_readme(result: dict) -> None:
    """Write the run's table (and R6's) between the README's markers."""
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8")
    m, info = result["measures"], result["machine"]
    now = set(result.get("measured_now", m))
    if "R6" in now:
        r = m["R6"]
        text = _between(text, "r6", (
            f"\nRun of {r['measured_utc']} ({r['trainees']} trainees, {r['wall_s'] / 60:.0f} min): {info['cores']} cores, "
            f"{info['memory_gib']} GiB; load average {r['load_avg_before'][0]:.1f} before, {r['load_avg_during']:.1f} "
            f"on average during the run (the machine is shared).\n\n" + markdown([table({})[0], *r6_rows(m)]) + "\n"))
    if not now & {"R1", "R2", "R2v", "R3", "R4", "R5"}:
        readme.write_text(text, encoding="utf-8")
        return
    head = (
        f"\nRun of {result['started_utc']} ({'quick' if result['quick'] else 'full'}, {result['total_seconds'] / 60:.0f} min): "
        f"{info['cores']} cores, {info['memory_gib']} GiB, Python {info['python']}, pandas {info['pandas']}, "
        f"pyarrow {info['pyarrow']}, DuckDB {info['duckdb']}; load average {info['load_average_at_start'][0]:.1f} "
        "at the start.\n\n"
    )
    text = _between(text, "results", head + result["table_markdown"] + "\n")
    # the scaling table and the 1 000-store sizing are benchmarks/sizing.py's (`sizing.py --update-readme`)
    readme.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer repetitions, smaller data")
    parser.add_argument("--only", default="", help="comma-separated measures, e.g. R2 or R1,R4")
    parser.add_argument("--repeat", type=int, default=None, help="runs per timing (default 5; --quick 2)")
    parser.add_argument("--r2-stores", default="", help="R2: group sizes to measure, e.g. 50 (default 5,50,200)")
    parser.add_argument("--r6-pages", type=int, default=3, help="R6: exercises each trainee opens (default 3)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--update-readme", action="store_true", help="put this run's tables into benchmarks/README.md")
    args = parser.parse_args(argv)
    names = {m.upper(): m for m in MEASURES}
    only = [names.get(m.strip().upper(), m.strip()) for m in args.only.split(",") if m.strip()] or list(MEASURES)
    unknown = sorted(set(only) - set(MEASURES))
    if unknown:
        parser.error(f"unknown measure(s) {unknown}; choose among {', '.join(MEASURES)}")
    repeat = args.repeat or (2 if args.quick else 5)
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    t0 = time.perf_counter()
    r2_stores = [int(n) for n in args.r2_stores.split(",") if n.strip()] or None
    bench = Bench(args.quick, repeat, r6_pages=args.r6_pages, r2_stores=r2_stores)
    info = machine()
    for m in MEASURES:
        if m in only:
            getattr(bench, m.lower())()
    for block in bench.results.values():
        block.setdefault("measured_utc", started)
    measures = dict(bench.results)
    if args.only and args.out.exists():  # a partial run keeps the other measures of the last results
        try:
            previous = json.loads(args.out.read_text(encoding="utf-8")).get("measures", {})
        except ValueError:
            previous = {}
        measures = {**previous, **bench.results}
    rows = table(measures)
    result = {
        "started_utc": started,
        "total_seconds": time.perf_counter() - t0,
        "quick": args.quick,
        "repeat": repeat,
        "machine": info,
        "measured_now": sorted(bench.results),
        "measures": measures,
        "table_markdown": markdown(rows),
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=float) + "\n", encoding="utf-8")
    print(render(table(bench.results)))
    if args.update_readme:
        update_readme(result)
    print(
        f"\nmachine: {info['cores']} cores, {info['memory_gib']} GiB, Python {info['python']}, pandas "
        f"{info['pandas']}, DuckDB {info['duckdb']}; load average at start {info['load_average_at_start'][0]:.1f}; "
        f"total {result['total_seconds'] / 60:.1f} min → {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
