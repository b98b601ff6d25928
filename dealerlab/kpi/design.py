"""Designing the KPI system (seeds 000, 002): which departments share a KPI, and screening candidate KPIs.

* :func:`link_matrix` — 部门指标关联图 / 指标识别表: KPI × scorecard, the weight each scorecard gives the KPI; a KPI on
  several departments' cards is where they depend on each other (one number, several owners).
* :func:`screen_kpis` — KPI 审查、筛选 (seed 002): each candidate scored 1–5 on weighted criteria (importance to the
  long-term strategy, measurable, controllable by the owner, data available); the weighted score ranks them and the
  ones at or above a threshold are kept.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

__all__ = ["SCREEN_CRITERIA", "link_matrix", "screen_kpis"]

_MSG = Catalogue.load("kpi/design")

_WEIGHTS = {"strategy": 0.4, "measurable": 0.2, "controllable": 0.2, "data": 0.2}
#: the criteria's labels: column → (zh, en) (messages/kpi/design.toml)
_LABELS = _MSG.pairs("criterion", tuple(_WEIGHTS))


class _Criteria(Mapping):
    """Column → (weight, zh label); the labels are read from the catalogue on first use."""

    def __getitem__(self, key: str) -> tuple[float, str]:
        return _WEIGHTS[key], _LABELS[key][0]

    def __iter__(self):
        return iter(_WEIGHTS)

    def __len__(self) -> int:
        return len(_WEIGHTS)

    def __repr__(self) -> str:
        return repr(dict(self))


#: default screening criteria: column → (weight, zh label)
SCREEN_CRITERIA: Mapping[str, tuple[float, str]] = _Criteria()


def _need(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        sep = _MSG.text("list_sep")
        raise ParameterError(*_MSG.both("columns", missing=sep.join(missing), columns=sep.join(map(str, frame.columns))))


def link_matrix(cards: pd.DataFrame, *, name: str = "name", by: str = "set", weight: str = "weight",
                sets: Sequence[str] | None = None) -> pd.DataFrame:
    """KPI × scorecard: the weight each scorecard gives each KPI (部门指标关联图 / 指标识别表).

    Parameters
    ----------
    cards : DataFrame
        One row per card, e.g. :func:`dealerlab.kpi.library.library`: ``name``, ``by`` and ``weight`` columns.
    name : str
        KPI name column.
    by : str
        Scorecard column (department or role).
    weight : str
        Weight column (share of the scorecard, 0–1).
    sets : sequence of str, optional
        Scorecards to include, in this column order (default all, in order of appearance).

    Returns
    -------
    DataFrame
        Index = KPI name, one column per scorecard holding the weight (0 where the scorecard does not carry the KPI),
        plus ``n_sets`` (how many scorecards carry it) and ``shared`` (``n_sets`` ≥ 2: the KPI links those
        scorecards). Rows are sorted by ``n_sets`` (most shared first), then by name order of appearance.
    """
    _need(cards, [name, by, weight])
    frame = cards if sets is None else cards[cards[by].isin(list(sets))]
    cols = list(dict.fromkeys(frame[by])) if sets is None else [s for s in sets]
    order = list(dict.fromkeys(frame[name]))
    table = (frame.pivot_table(index=name, columns=by, values=weight, aggfunc="sum", fill_value=0.0)
             .reindex(index=order, columns=cols, fill_value=0.0).astype(float))
    table.columns.name = None
    table["n_sets"] = (table[cols] > 0).sum(axis=1).astype(int)
    table["shared"] = table["n_sets"] >= 2
    table["_pos"] = range(len(table))
    return table.sort_values(["n_sets", "_pos"], ascending=[False, True]).drop(columns="_pos")


def screen_kpis(candidates: pd.DataFrame, *, criteria: Mapping[str, float] | None = None, name: str = "name",
                threshold: float = 3.5, keep: int | None = None) -> pd.DataFrame:
    """Weighted screening of candidate KPIs (KPI 审查、筛选, seed 002).

    Parameters
    ----------
    candidates : DataFrame
        One row per candidate KPI: ``name`` and one column per criterion holding a score from 1 (poor) to 5 (good).
    criteria : mapping, optional
        Criterion column → weight (weights sum to 1). Default :data:`SCREEN_CRITERIA` (strategy 40 %, measurable,
        controllable and data available 20 % each).
    name : str
        KPI name column.
    threshold : float
        Minimum weighted score to keep a KPI (default 3.5 of 5).
    keep : int, optional
        Keep at most this many (the best scores; ties by the order given), among those at or above ``threshold``.

    Returns
    -------
    DataFrame
        The input columns plus ``score`` (Σ weight × criterion score, rounded to 2 decimals), ``rank`` (1 = best;
        ties share the better rank) and ``keep`` (bool), sorted by score, best first.
        Example: strategy 5, measurable 4, controllable 3, data 4 → 0.4×5 + 0.2×4 + 0.2×3 + 0.2×4 = 4.2.
    """
    weights = {k: w for k, (w, _l) in SCREEN_CRITERIA.items()} if criteria is None else dict(criteria)
    _need(candidates, [name, *weights])
    total = float(sum(weights.values()))
    if not math.isclose(total, 1.0, abs_tol=0.005):
        raise ParameterError(*_MSG.both("weights", total=total))
    out = candidates.reset_index(drop=True).copy()
    for col in weights:
        vals = pd.to_numeric(out[col], errors="coerce")
        bad = vals.isna() | (vals < 1) | (vals > 5) | ~np.isfinite(vals.fillna(0))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ParameterError(*_MSG.both("score", row=i + 1, name=out.loc[i, name], column=col,
                                            value=out.loc[i, col]))
        out[col] = vals.astype(float)
    out["score"] = sum(out[c] * w for c, w in weights.items()).round(2)
    out["rank"] = out["score"].rank(method="min", ascending=False).astype(int)
    out = out.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    ok = out["score"] >= threshold - 1e-9
    if keep is not None:
        ok &= pd.Series(range(len(out))) < keep
    out["keep"] = ok.to_numpy()
    return out
