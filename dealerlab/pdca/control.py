"""Control charts for a rate per period (docs/DOMAIN.md §8): event counts by week or month, the p-chart and a run chart.

p-chart: centre p̄ = Σ events / Σ n over the periods shown; limits of period i = p̄ ± 3·√(p̄(1 − p̄) / n_i), clipped
to [0, 1]. A period with n_i = 0 has no rate and no limits (NaN, reason). Out-of-control signals:

- rule 1 (``beyond_limits``): the point lies above the UCL or below the LCL — a special cause;
- rule 2 (``run``, optional, ``run_length=8``): ``run_length`` or more consecutive points on the same side of the
  centre line (points exactly on the centre break a run) — a shift. Every point of such a run is marked.

Run chart: the values against their median; a shift = ``shift_length`` (default 6) or more consecutive points on
one side of the median (points on the median are skipped, neither breaking nor extending a run), the usual
run-chart rule used in healthcare improvement work.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from dealerlab._options import check_option
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

__all__ = ["event_counts", "p_chart", "run_chart"]

_MSG = Catalogue.load("pdca/control")

_FREQ = {"M": "month", "W": "week"}


def event_counts(
    table: pd.DataFrame,
    *,
    date: str,
    event: str,
    freq: str = "M",
    stores: Iterable[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    store_id: str = "store_id",
) -> pd.DataFrame:
    """Events and trials per week or month: the input of :func:`p_chart`.

    Example: comeback orders per month = ``event_counts(ds.service_orders, date="open_date", event="is_comeback")``.

    Parameters
    ----------
    table : DataFrame
        One row per trial (an order, a call, ...).
    date : str
        Date column placing a row in a period.
    event : str
        Boolean column: True = the event (blank counts as False).
    freq : {"M", "W"}
        Calendar month (``YYYY-MM``) or ISO week starting Monday (``YYYY-MM-DD`` of the Monday).
    stores : iterable of str, optional
        Keep rows of these stores (default all rows together).
    start, end : str, optional
        First and last period to show (months ``YYYY-MM`` or any date); periods without rows in between get n = 0.
    store_id : str
        Column name of the store.

    Returns
    -------
    DataFrame
        ``period, events, n`` (ints), one row per period from the first to the last, in time order.
    """
    check_option("freq", freq, _FREQ)
    df = table
    if stores is not None:
        keep = [stores] if isinstance(stores, str) else list(stores)
        df = df[df[store_id].isin(keep)]
    dates = pd.to_datetime(df[date])
    flag = df[event].astype("boolean").fillna(False).astype(int)
    work = pd.DataFrame({"d": dates, "e": flag}).dropna(subset=["d"])
    if freq == "M":
        work["p"] = work["d"].dt.to_period("M")
    else:
        work["p"] = work["d"].dt.to_period("W-SUN")
    grouped = work.groupby("p").agg(events=("e", "sum"), n=("e", "size"))
    lo = (
        pd.Period(start, freq="M" if freq == "M" else "W-SUN")
        if start
        else (grouped.index.min() if len(grouped) else None)
    )
    hi = (
        pd.Period(end, freq="M" if freq == "M" else "W-SUN") if end else (grouped.index.max() if len(grouped) else None)
    )
    if lo is None or hi is None:
        return pd.DataFrame(
            {"period": pd.Series(dtype="string"), "events": pd.Series(dtype=int), "n": pd.Series(dtype=int)}
        )
    full = pd.period_range(lo, hi, freq=lo.freq)
    grouped = grouped.reindex(full, fill_value=0)
    label = [str(p) if freq == "M" else p.start_time.strftime("%Y-%m-%d") for p in full]
    return pd.DataFrame(
        {
            "period": pd.array(label, dtype="string"),
            "events": grouped["events"].astype(int).to_numpy(),
            "n": grouped["n"].astype(int).to_numpy(),
        }
    )


def _runs(side: np.ndarray, length: int) -> np.ndarray:
    """Mark members of runs of ≥ ``length`` equal non-zero signs in ``side`` (0 breaks a run)."""
    marked = np.zeros(len(side), dtype=bool)
    i = 0
    while i < len(side):
        if side[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < len(side) and side[j + 1] == side[i]:
            j += 1
        if j - i + 1 >= length:
            marked[i : j + 1] = True
        i = j + 1
    return marked


def p_chart(
    data: pd.DataFrame,
    *,
    events: str = "events",
    n: str = "n",
    period: str = "period",
    run_length: int | None = 8,
) -> pd.DataFrame:
    """p-chart of a rate per period (docs/DOMAIN.md §8).

    Hand example: events [2, 6, 1] of n [100, 100, 50] → p̄ = 9/250 = 0.036; for n = 100,
    σ = √(0.036·0.964/100) = 0.018629, UCL = 0.036 + 3σ = 0.091888, LCL = 0.036 − 3σ < 0 → 0.

    Parameters
    ----------
    data : DataFrame
        One row per period with the event count and the number of trials (see :func:`event_counts`).
    events, n, period : str
        Column names.
    run_length : int or None
        Mark runs of this many points on one side of the centre (rule 2); ``None`` = rule 1 only.

    Returns
    -------
    DataFrame
        ``period, events, n, p, centre, lcl, ucl, beyond_limits, run, out_of_control, reason`` in the input order;
        ``p``/limits NaN with a reason where n = 0.
    """
    if run_length is not None and run_length < 2:
        raise ParameterError(*_MSG.both("short_run_length"))
    ev = data[events].astype(float).to_numpy()
    nn = data[n].astype(float).to_numpy()
    if np.any(ev < 0) or np.any(ev > nn):
        raise ParameterError(
            *_MSG.both("bad_events")
        )
    total = nn.sum()
    pbar = ev.sum() / total if total > 0 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(nn > 0, ev / nn, np.nan)
        sigma = np.where(nn > 0, np.sqrt(pbar * (1 - pbar) / nn), np.nan)
    ucl = np.clip(pbar + 3 * sigma, 0, 1)
    lcl = np.clip(pbar - 3 * sigma, 0, 1)
    beyond = np.where(np.isnan(p), False, (p > ucl + 1e-12) | (p < lcl - 1e-12))
    if run_length is not None and not np.isnan(pbar):
        side = np.sign(np.where(np.isnan(p), 0.0, np.round(p - pbar, 12))).astype(int)
        run = _runs(side, run_length)
    else:
        run = np.zeros(len(p), dtype=bool)
    reason = np.where(nn > 0, "", _MSG.text("no_samples"))
    return pd.DataFrame(
        {
            "period": data[period].to_numpy(),
            "events": data[events].to_numpy(),
            "n": data[n].to_numpy(),
            "p": p,
            "centre": pbar,
            "lcl": lcl,
            "ucl": ucl,
            "beyond_limits": beyond,
            "run": run,
            "out_of_control": beyond | run,
            "reason": pd.array(reason, dtype="string"),
        }
    )


def run_chart(
    data: pd.DataFrame, *, value: str = "value", period: str = "period", shift_length: int = 6
) -> pd.DataFrame:
    """Run chart table: each value against the median of all values, with shifts marked.

    Parameters
    ----------
    data : DataFrame
        One row per period, in time order.
    value, period : str
        Column names.
    shift_length : int
        Consecutive points on one side of the median that make a shift (points on the median are skipped).

    Returns
    -------
    DataFrame
        ``period, value, median, side`` (+1 above, −1 below, 0 on the median or NaN), ``shift`` (bool).
    """
    v = data[value].astype(float).to_numpy()
    med = float(np.nanmedian(v)) if np.isfinite(v).any() else np.nan
    side = np.sign(np.where(np.isnan(v), 0.0, np.round(v - med, 12))).astype(int)
    shift = np.zeros(len(v), dtype=bool)
    idx = np.flatnonzero(side != 0)  # points on the median neither break nor extend a run
    marked = _runs(side[idx], shift_length)
    shift[idx[marked]] = True
    return pd.DataFrame({"period": data[period].to_numpy(), "value": v, "median": med, "side": side, "shift": shift})
