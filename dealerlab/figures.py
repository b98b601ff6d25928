"""Every registered metric computed: one function per metric family, concatenated in the long format.

The ids, names, units and families are in :mod:`dealerlab.metrics` (the registry, nothing else); each family's
function takes its ids from there (:func:`dealerlab.metrics.ids`) and returns ``store_id, period, metric, value,
reason`` (``staff_id`` first when ``by_staff``) for every id of the family × store × period asked for, ordered by
:func:`dealerlab._long.order_long`. Adding a family is one function here in :data:`FAMILIES` and its registry lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import pandas as pd

from dealerlab import csi, funnel, policy, retention
from dealerlab._batch import across_stores
from dealerlab._long import LONG_COLUMNS, order_long
from dealerlab.metrics import METRICS, info
from dealerlab.pdca import aftersales

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["FAMILIES", "compute"]

#: family → ``f(ds, *, periods, stores=None, by_staff=False) -> DataFrame`` (long format, see above)
FAMILIES: dict[str, Callable[..., pd.DataFrame]] = {
    "funnel": funnel.long_metrics,
    "aftersales": aftersales.long_metrics,
    "csi": csi.long_metrics,
    "retention": retention.long_metrics,
    "policy": policy.long_metrics,
}


def compute(
    ds: Dataset,
    *,
    periods: Iterable[str],
    stores: Iterable[str] | None = None,
    metrics: Iterable[str] | None = None,
    by_staff: bool = False,
) -> pd.DataFrame:
    """Every registered metric (or those in ``metrics``) for ``stores`` × ``periods``, long format.

    Parameters
    ----------
    ds : Dataset
        The client data (a missing table gives NaN figures with the reason, never an error).
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids (default: every store).
    metrics : iterable of str, optional
        Registry ids (default: every id of :data:`dealerlab.metrics.METRICS`); an unknown id is a ParameterError.
    by_staff : bool
        Per sales consultant (``staff_id`` first; store figures come with an empty ``staff_id``).

    Returns
    -------
    DataFrame
        ``store_id, period, metric, value, reason`` (+ ``staff_id`` first when ``by_staff``), sorted by
        store, period (and consultant) and the registry order of metric ids.
    """
    periods = list(periods)
    wanted = list(METRICS) if metrics is None else [info(m).id for m in metrics]
    families = dict.fromkeys(METRICS[m].family for m in wanted)
    # in a batch of store reports each family is computed once for every store (dealerlab._batch)
    parts = [across_stores(FAMILIES[family], ds, periods=periods, stores=stores, by_staff=by_staff)
             for family in families]
    if not parts:
        return pd.DataFrame(columns=(["staff_id"] if by_staff else []) + LONG_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out = out[out["metric"].isin(wanted)]
    return order_long(out, stores=None, periods=None, metrics=list(METRICS), by_staff=by_staff)
