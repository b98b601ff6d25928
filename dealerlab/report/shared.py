"""The figures of a report run, computed once by ``dealerlab report`` and read by every notebook of the run.

``build_report`` computes each store's figures over the trend window (and the consultants' and the group's rows) in
its own process, right after validating the data — while the kernel is still starting and importing — and saves
them beside the run's data pickle (:func:`write_shared_figures`); a notebook's
:meth:`~dealerlab.report.context.ReportContext.open` takes its store's rows from there (:func:`shared_figures`)
instead of computing them. This module imports no plotting library: the CLI process uses it.
"""

from __future__ import annotations

import functools
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from dealerlab import figures
from dealerlab import metrics as registry
from dealerlab.report.metrics_file import GROUP_ID, group_dataset, group_metric_ids

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["SHARED_NAME", "write_shared_figures", "shared_figures", "unpickle_cached"]

#: beside the data pickle of a run: every store's figures, computed once for the run
SHARED_NAME = "figures.pkl"


@functools.lru_cache(maxsize=4)
def unpickle_cached(path: str, mtime: float):
    """The object pickled in ``path`` (one of the run's own files, never a client's), cached by path and time."""
    with open(path, "rb") as fh:
        return pickle.load(fh)


def _per_staff_ids() -> list[str]:
    return [m for m, i in registry.METRICS.items() if i.per_staff]


def write_shared_figures(ds: Dataset, data: str | os.PathLike, *, periods: list[str], stores: list[str]) -> Path:
    """Compute the figures every notebook of a run needs — each store's rows over the trend window, the
    consultants' rows, the group's rows — once, and save them beside the run's data pickle ``data``
    (:data:`SHARED_NAME`); :meth:`ReportContext.open` takes its rows from there (:func:`shared_figures`). Each
    store-month's figures depend on that store's data only, so a store's slice equals what it would compute."""
    periods, stores = list(periods), list(stores)
    shared = {
        "periods": periods,
        "stores": stores,
        "store": figures.compute(ds, periods=periods, stores=stores),
        "staff": figures.compute(ds, periods=periods, stores=stores, metrics=_per_staff_ids(), by_staff=True),
    }
    if len(stores) > 1:
        shared["group"] = figures.compute(group_dataset(ds, stores), periods=periods, stores=[GROUP_ID],
                                          metrics=group_metric_ids())
    path = Path(data).with_name(SHARED_NAME)
    with open(path, "wb") as fh:
        pickle.dump(shared, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def shared_figures(data: str, *, periods: list[str], stores: list[str]) -> dict | None:
    """The run's shared figures (:func:`write_shared_figures`) for ``stores`` × ``periods``: ``store`` and ``staff``
    rows of those stores, and ``group`` when ``stores`` are the run's stores; None when ``data`` is not a run's
    pickle or the figures do not cover them."""
    if not str(data).endswith(".pkl"):
        return None
    path = Path(data).resolve().with_name(SHARED_NAME)
    if not path.is_file():
        return None
    shared = unpickle_cached(str(path), os.path.getmtime(path))
    if shared["periods"] != list(periods) or not set(stores) <= set(shared["stores"]):
        return None
    if list(stores) == shared["stores"]:
        return {k: shared[k] for k in ("store", "staff", "group", "stores") if k in shared}
    keep = set(stores)
    out = {k: shared[k][shared[k]["store_id"].isin(keep)].reset_index(drop=True) for k in ("store", "staff")}
    out["stores"] = shared["stores"]
    return out
