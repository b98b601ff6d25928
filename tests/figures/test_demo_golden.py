"""Golden test: the bundled demo's figures are those of the committed ``tests/figures/golden/demo_metrics.csv``.

The table is the report's metrics file (``指标.csv`` / ``metrics.csv``), computed by the function the report uses
(:func:`dealerlab.report.metrics_file.metrics_table`) for every store, consultant and the group over all twelve demo
months. A refactor must not change one figure, one reason or the row order. A deliberate change of a figure (a
corrected formula) regenerates the file and the commit says why::

    PYTHONPATH=. python tests/figures/test_demo_golden.py --write
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

GOLDEN = Path(__file__).resolve().parent / "golden" / "demo_metrics.csv"
WRITE = "PYTHONPATH=. python tests/figures/test_demo_golden.py --write"
KEY = ["level", "store_id", "staff_id", "period", "metric"]
COLUMNS = [*KEY, "value", "reason"]
#: significant digits kept in the file; the comparison allows a relative difference well below the last one
DIGITS = 10
RTOL = 1e-8


def _current() -> pd.DataFrame:
    from dealerlab.datasets import load_demo
    from dealerlab.report.metrics_file import metrics_table

    ds = load_demo()
    long = metrics_table(ds, periods=ds.periods())
    out = long[COLUMNS].copy()
    for c in ("level", "store_id", "staff_id", "period", "metric", "reason"):
        out[c] = out[c].astype("string").fillna("")
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype("float64")
    return out.reset_index(drop=True)


def _write(frame: pd.DataFrame, path: Path) -> None:
    shown = frame.copy()
    shown["value"] = [("" if np.isnan(v) else f"{v:.{DIGITS}g}") for v in shown["value"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    shown.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _read(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    df["value"] = pd.to_numeric(df["value"].replace("", np.nan)).astype("float64")
    return df


@pytest.fixture(scope="module")
def tables():
    return _read(GOLDEN), _current()


def test_demo_figures_unchanged(tables):
    golden, now = tables
    g = golden.set_index(KEY)
    n = now.set_index(KEY)
    assert not n.index.duplicated().any(), "the metrics table repeats a key"
    missing, added = g.index.difference(n.index), n.index.difference(g.index)
    assert not len(missing) and not len(added), (
        f"rows gone: {list(missing[:10])} … ({len(missing)}); rows new: {list(added[:10])} … ({len(added)}). "
        f"A new (or removed) registry id changes the rows: regenerate with `{WRITE}` and check in the diff that only "
        "that id's rows were added (or removed)")
    n = n.loc[g.index]
    gv, nv = g["value"].to_numpy(), n["value"].to_numpy()
    same = np.isclose(nv, gv, rtol=RTOL, atol=1e-12, equal_nan=True)
    changed = g.index[~same]
    assert not len(changed), "figures changed:\n" + "\n".join(
        f"  {k}: {a!r} → {b!r}" for k, a, b in zip(changed[:20], gv[~same][:20], nv[~same][:20]))
    diff = g["reason"].to_numpy() != n["reason"].to_numpy()
    assert not diff.any(), "reasons changed:\n" + "\n".join(
        f"  {k}: {a!r} → {b!r}" for k, a, b in
        zip(g.index[diff][:20], g["reason"].to_numpy()[diff][:20], n["reason"].to_numpy()[diff][:20]))


def test_demo_row_order_unchanged(tables):
    golden, now = tables
    g, n = golden[KEY].to_numpy(), now[KEY].to_numpy()
    assert g.shape == n.shape
    first = next((i for i in range(len(g)) if tuple(g[i]) != tuple(n[i])), None)
    assert first is None, f"row {first}: {tuple(g[first])} expected, got {tuple(n[first])}"


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    _write(_current(), GOLDEN)
    print(f"wrote {GOLDEN}")
