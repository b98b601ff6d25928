"""Where the customers come from (seed 001 「构成比例」, 「加大线上营销力度」): the showroom traffic mix and the leads by
source with the share of each source that ends in a sale.

* :func:`traffic_mix` — first showroom visits (客流批次, ``visit_type`` 首次) by ``visits.source`` (自然到店, 来电邀约,
  网络邀约, 活动): batches and share of the month's traffic. The marketing department uses it to see which sources
  bring people through the door.
* :func:`lead_sources` — new leads by ``leads.channel`` (or ``first_contact``) in the months, and, over the leads of that
  source closed in the same months (status 成交 or 战败, ``closed_date`` in the months), the share sold. A source that
  brings many leads but sells few is a lead-quality or follow-up problem, not a traffic problem. Shares over fewer
  than :data:`MIN_CLOSED` closed leads are not shown (NaN).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab._long import month
from dealerlab._options import check_option

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["MIN_CLOSED", "traffic_mix", "lead_sources"]

#: a sold share over fewer closed leads than this is not shown (as the path shares of docs/DOMAIN.md §10)
MIN_CLOSED = 30
#: the enum values of the data contract the tables are filtered on (visits.visit_type, leads.status)
_FIRST_VISIT = "首次"
_CLOSED_STATUSES = ("成交", "战败")
_SOLD = "成交"


def _select(frame: pd.DataFrame, periods: Sequence[str], stores, date: str) -> pd.DataFrame:
    out = frame.assign(period=month(frame[date]))
    out = out[out["period"].isin(list(periods))]
    if stores is not None:
        out = out[out["store_id"].isin(list(stores))]
    return out


def traffic_mix(ds: Dataset, *, periods: Sequence[str], stores=None, source: str = "source") -> pd.DataFrame:
    """Showroom traffic (first visits) by source, per store and month.

    Parameters
    ----------
    ds : Dataset
        Needs the ``visits`` table (``store_id, visit_date, visit_type`` and ``source``).
    periods : sequence of str
        Months ``YYYY-MM``.
    stores : sequence of str, optional
        Store ids (default all).
    source : str
        Column of ``visits`` holding the source.

    Returns
    -------
    DataFrame
        One row per store × month × source: ``store_id, period, source, batches`` (first visits) and ``share`` (of
        the store's first visits that month; the shares of a store-month sum to 1). Sorted by store, month and
        batches (largest first).
    """
    v = _select(ds["visits"], periods, stores, "visit_date")
    v = v[v["visit_type"] == _FIRST_VISIT]
    out = v.groupby(["store_id", "period", source], observed=True).size().rename("batches").reset_index()
    out = out.rename(columns={source: "source"})
    out["share"] = out["batches"] / out.groupby(["store_id", "period"])["batches"].transform("sum")
    out["batches"] = out["batches"].astype(int)
    return out.sort_values(["store_id", "period", "batches"], ascending=[True, True, False]).reset_index(drop=True)


def lead_sources(ds: Dataset, *, periods: Sequence[str], stores=None, by: str = "channel") -> pd.DataFrame:
    """New leads by source and the share of each source's closed leads that were sold, over the months together.

    Parameters
    ----------
    ds : Dataset
        Needs the ``leads`` table.
    periods : sequence of str
        Months ``YYYY-MM`` taken together (e.g. the last 6 months: a month alone has too few closed leads).
    stores : sequence of str, optional
        Store ids (default all).
    by : {"channel", "first_contact"}
        The source column of ``leads``.

    Returns
    -------
    DataFrame
        One row per store × source: ``store_id, source, leads`` (created in the months), ``share`` (of the store's new
        leads), ``closed`` (closed in the months, status 成交 or 战败), ``sold`` and ``sold_share`` = sold ÷ closed
        (NaN below :data:`MIN_CLOSED` closed leads). Sorted by store and leads (largest first).
    """
    check_option("by", by, ("channel", "first_contact"))
    leads = ds["leads"]
    new = _select(leads, periods, stores, "created_date")
    done = leads[leads["status"].isin(_CLOSED_STATUSES) & leads["closed_date"].notna()]
    done = _select(done, periods, stores, "closed_date")
    a = new.groupby(["store_id", by], observed=True).size().rename("leads")
    b = done.groupby(["store_id", by], observed=True).agg(
        closed=("status", "size"), sold=("status", lambda s: int((s == _SOLD).sum())))
    out = pd.concat([a, b], axis=1).fillna(0).astype(int).reset_index().rename(columns={by: "source"})
    out["share"] = out["leads"] / out.groupby("store_id")["leads"].transform("sum")
    out["sold_share"] = np.where(out["closed"] >= MIN_CLOSED, out["sold"] / out["closed"].where(out["closed"] > 0), np.nan)
    cols = ["store_id", "source", "leads", "share", "closed", "sold", "sold_share"]
    return out[cols].sort_values(["store_id", "leads"], ascending=[True, False]).reset_index(drop=True)
