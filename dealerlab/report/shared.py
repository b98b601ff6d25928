"""The figures of a report run, computed once by ``dealerlab report`` and read by every notebook of the run.

``build_report`` computes each store's figures over the trend window (and the consultants' and the group's rows) in
its own process, right after validating the data — while the kernel is still starting and importing — and saves
them beside the run's data pickle (:func:`write_shared_figures`); a notebook's
:meth:`~dealerlab.report.context.ReportContext.open` takes its store's rows from there (:func:`shared_figures`)
instead of computing them. This module imports no plotting library: the CLI process uses it.
"""

from __future__ import annotations

import functools
import json
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from dealerlab import figures
from dealerlab import metrics as registry
from dealerlab._long import order_long
from dealerlab.report.metrics_file import GROUP_ID, group_dataset, group_metric_ids

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["SHARED_NAME", "write_shared_figures", "shared_figures", "unpickle_cached", "FAMILY_ORDER",
           "request_families", "compute_families"]

#: beside the data pickle of a run: every store's figures, computed once for the run
SHARED_NAME = "figures.pkl"

#: the order in which the CLI and the run's only kernel take the metric families of :func:`write_shared_figures`
#: (:func:`compute_families`): the largest first (measured on the demo: policy ~0.45 CPU s, retention ~0.2, after-sales
#: ~0.15, CSI and the funnel ~0.05 each)
FAMILY_ORDER = ("policy", "retention", "aftersales", "csi", "funnel")
#: beside the data pickle: what a kernel is asked to compute (:func:`request_families`)
PART_REQUEST = "figures-request.json"


@functools.lru_cache(maxsize=4)
def unpickle_cached(path: str, mtime: float):
    """The object pickled in ``path`` (one of the run's own files, never a client's), cached by path and time."""
    with open(path, "rb") as fh:
        return pickle.load(fh)


def _per_staff_ids() -> list[str]:
    return [m for m, i in registry.METRICS.items() if i.per_staff]


def _families() -> list[str]:
    """Every family of the registry, in :data:`FAMILY_ORDER` (one not listed there last)."""
    return [f for f in FAMILY_ORDER if f in registry.FAMILIES] + [f for f in registry.FAMILIES if f not in FAMILY_ORDER]


#: a run of more stores than this splits each family's figures into parts of stores (:func:`_units`)
CHUNK_STORES = 10


def _units(stores: list[str]) -> list[tuple[str, list[str]]]:
    """The parts of a run's figures that the CLI and its kernels take one by one: every family (largest first), and
    for a run of more than :data:`CHUNK_STORES` stores each family in three parts of stores (each store-month's
    figures depend on that store's data only; the policy family alone is ~0.2 CPU s a store, 10 s at 50 stores, which
    one process would otherwise compute while the kernels wait). A part is named after its family (``policy``), or
    ``policy-1`` … when split."""
    n = len(stores)
    size = n if n <= CHUNK_STORES else -(-n // 3)
    chunks = [stores[i:i + size] for i in range(0, n, size)] or [stores]
    if len(chunks) == 1:
        return [(family, stores) for family in _families()]
    return [(f"{family}-{k}", chunk) for family in _families() for k, chunk in enumerate(chunks, 1)]


def _family_of(unit: str) -> str:
    return unit if unit in registry.FAMILIES else unit.rsplit("-", 1)[0]


def _part_path(data: Path, family: str) -> Path:
    return data.with_name(f"figures-{family}.pkl")


def _claim(data: Path, family: str) -> bool:
    """Take ``family`` for this process (the first to create its claim file computes it)."""
    try:
        os.close(os.open(data.with_name(f"figures-{family}.claim"), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False
    return True


def request_families(data: str | os.PathLike, *, periods: list[str], stores: list[str]) -> str:
    """Write beside the run's data pickle ``data`` which figures a kernel should help with (``stores`` ×
    ``periods``) and return the code that makes it do so (:func:`compute_families`): the request travels in a file,
    never as code built from client text."""
    data = Path(data).resolve()
    request = {"periods": list(periods), "stores": list(stores)}
    data.with_name(PART_REQUEST).write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
    return f"import dealerlab.report.shared as _s; _s.compute_families({str(data)!r}); del _s"


def compute_families(data: str | os.PathLike, ds: Dataset | None = None) -> list[str]:
    """Compute, family by family (:data:`FAMILY_ORDER`), the figures asked for by :func:`request_families` that no
    other process has taken yet, each saved beside the run's data pickle ``data``; returns the families computed
    here. The CLI and the run's kernel both call it (the kernel reads the Dataset from ``data``, where it stays
    cached for the notebook), so whichever is free computes the next family."""
    path = Path(data).resolve()
    request = json.loads(path.with_name(PART_REQUEST).read_text(encoding="utf-8"))
    done = []
    for family, stores in _units(request["stores"]):
        if not _claim(path, family):
            continue
        if ds is None:
            ds = unpickle_cached(str(path), os.path.getmtime(path))
        part = figures.compute(ds, periods=request["periods"], stores=stores, metrics=registry.ids(_family_of(family)))
        out = _part_path(path, family)
        tmp = out.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, out)
        done.append(family)
    return done


def write_shared_figures(ds: Dataset, data: str | os.PathLike, *, periods: list[str], stores: list[str],
                         helper=None) -> Path:
    """Compute the figures every notebook of a run needs — each store's rows over the trend window, the
    consultants' rows, the group's rows — once, and save them beside the run's data pickle ``data``
    (:data:`SHARED_NAME`); :meth:`ReportContext.open` takes its rows from there (:func:`shared_figures`). Each
    store-month's figures depend on that store's data only, so a store's slice equals what it would compute.

    ``helper``: the run's kernel (a batch: each worker's kernel) was asked to help (:func:`request_families`);
    ``helper.wait()`` returns once it has finished (True) or failed (False). Then each process computes the parts
    (:func:`_units`: a family, or a family for a third of the stores) the others have not taken
    (:func:`compute_families`), the parts a helper could not finish are computed here, and the parts are put
    in the long format's one order: the same table as :func:`dealerlab.figures.compute` in one go."""
    periods, stores = list(periods), list(stores)
    if helper is not None:
        path = Path(data).resolve()
        compute_families(path, ds)
        staff = figures.compute(ds, periods=periods, stores=stores, metrics=_per_staff_ids(), by_staff=True)
        helper.wait()
        parts = []
        for family, part_stores in _units(stores):
            try:
                with open(_part_path(path, family), "rb") as fh:
                    parts.append(pickle.load(fh))
            except (OSError, EOFError, pickle.UnpicklingError):  # taken by a helper that failed: computed here
                parts.append(figures.compute(ds, periods=periods, stores=part_stores,
                                             metrics=registry.ids(_family_of(family))))
        store = order_long(pd.concat(parts, ignore_index=True), stores=None, periods=None,
                           metrics=list(registry.METRICS))
    else:
        store = figures.compute(ds, periods=periods, stores=stores)
        staff = figures.compute(ds, periods=periods, stores=stores, metrics=_per_staff_ids(), by_staff=True)
    shared = {"periods": periods, "stores": stores, "store": store, "staff": staff}
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
