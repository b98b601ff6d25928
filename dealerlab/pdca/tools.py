"""Problem-analysis tools of course module 4: the fishbone (cause-and-effect) chart, a rate split to check a cause on
the data, and the comparison of one store with its peers (seed 002「鱼骨图法」, seed 000「核心数据对比」).

* :func:`fishbone` — the causes of one effect grouped under the six bones 人、机、料、法、环、测 (the 6M), as a table
  (one row per cause) that :func:`dealerlab.plots.pdca.plot_fishbone` draws.
* :func:`rate_by` — events ÷ cases by a grouping column (e.g. comebacks by crew size): does the data support a cause?
* :func:`peer_compare` — one store's figures against the median of the other stores, with the gap and whether the gap
  is good or bad for each figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

__all__ = ["BONES", "BONES_EN", "fishbone", "rate_by", "peer_compare"]

_MSG = Catalogue.load("pdca/tools")

#: the six bones (6M) in drawing order: the values of the fishbone table's bone column
_BONE_NAMES = ("人", "机", "料", "法", "环", "测")
#: bone → (zh, en) of what each collects, from messages/pdca/tools.toml
BONES = _MSG.pairs("bone", _BONE_NAMES)
BONES_EN = dict(zip(_BONE_NAMES, ("Man", "Machine", "Material", "Method", "Environment", "Measurement")))


def fishbone(effect: str, causes: Mapping[str, Iterable[str]]) -> pd.DataFrame:
    """The fishbone (cause-and-effect) table: each cause under one of the six bones.

    Parameters
    ----------
    effect : str
        The problem at the fish's head, e.g. "返修率偏高".
    causes : mapping of str to iterable of str
        Bone (one of 人、机、料、法、环、测, or the English name Man/Machine/...) → its causes. A bone may be missing or
        empty; a cause listed twice under one bone is kept once.

    Returns
    -------
    DataFrame
        ``effect, bone, bone_en, cause, order`` — one row per cause, bones in 6M order, ``order`` = 1, 2, … within a bone.

    Raises
    ------
    ParameterError
        An unknown bone, an empty effect, or no cause at all.
    """
    if not str(effect or "").strip():
        raise ParameterError(*_MSG.both("no_effect"))
    from_en = {v.lower(): k for k, v in BONES_EN.items()}
    grouped: dict[str, list[str]] = {b: [] for b in _BONE_NAMES}
    for bone, items in causes.items():
        key = bone if bone in _BONE_NAMES else from_en.get(str(bone).strip().lower())
        if key is None:
            raise ParameterError(
                *_MSG.both("unknown_bone", bone=bone, bones_en=', '.join(BONES_EN.values())),
            )
        for cause in [items] if isinstance(items, str) else items:
            text = str(cause).strip()
            if text and text not in grouped[key]:
                grouped[key].append(text)
    rows = [
        {"effect": str(effect).strip(), "bone": b, "bone_en": BONES_EN[b], "cause": c, "order": i}
        for b, items in grouped.items() for i, c in enumerate(items, start=1)
    ]
    if not rows:
        raise ParameterError(*_MSG.both("no_causes"))
    return pd.DataFrame(rows, columns=["effect", "bone", "bone_en", "cause", "order"])


def rate_by(frame: pd.DataFrame, *, by: str, event: str) -> pd.DataFrame:
    """Cases, events and the event rate per group — the data check of a cause on the fishbone.

    Parameters
    ----------
    frame : DataFrame
        One row per case (e.g. service orders).
    by : str
        The grouping column (e.g. ``crew_size``).
    event : str
        A boolean (or 0/1) column marking the event (e.g. ``is_comeback``).

    Returns
    -------
    DataFrame
        ``<by>, cases, events, rate, share_of_events`` — highest rate first; ``share_of_events`` = the group's events ÷
        all events (NaN when there are none). Rows with an empty ``by`` or ``event`` are left out.
    """
    for col in (by, event):
        if col not in frame.columns:
            raise ParameterError(*_MSG.both("missing_column", col=col))
    df = frame[[by, event]].dropna()
    flags = df[event].astype(bool).astype(int)
    out = flags.groupby(df[by]).agg(cases="count", events="sum").reset_index()
    out["rate"] = out["events"] / out["cases"]
    total = out["events"].sum()
    out["share_of_events"] = out["events"] / total if total else float("nan")
    return out.sort_values(["rate", by], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def peer_compare(
    figures: pd.DataFrame, *, store_id: str, metrics: Mapping[str, bool], store_col: str = "store_id"
) -> pd.DataFrame:
    """One store against the median of the other stores, figure by figure (核心数据对比).

    Parameters
    ----------
    figures : DataFrame
        One row per store (average several periods first), one column per figure.
    store_id : str
        The store to look at.
    metrics : mapping of str to bool
        Figure column → ``True`` when higher is better (e.g. first-time fix), ``False`` when lower is better (comebacks).
    store_col : str
        The store id column.

    Returns
    -------
    DataFrame
        ``metric, store, peer_median, gap, gap_pct, better`` — ``gap`` = store − peer median, ``gap_pct`` = gap ÷ peer
        median, ``better`` True when the gap is in the good direction; worst relative gap first.
    """
    if store_id not in set(figures[store_col]):
        raise ParameterError(*_MSG.both("unknown_store", store_id=store_id))
    mine = figures[figures[store_col] == store_id]
    peers = figures[figures[store_col] != store_id]
    if peers.empty:
        raise ParameterError(*_MSG.both("no_peers"))
    rows = []
    for metric, higher in metrics.items():
        if metric not in figures.columns:
            raise ParameterError(*_MSG.both("missing_metric_column", metric=metric))
        value = float(mine[metric].mean())
        med = float(peers[metric].median())
        gap = value - med
        rows.append({"metric": metric, "store": value, "peer_median": med, "gap": gap,
                     "gap_pct": gap / med if med else float("nan"), "better": (gap >= 0) == bool(higher)})
    out = pd.DataFrame(rows, columns=["metric", "store", "peer_median", "gap", "gap_pct", "better"])
    signed = out["gap_pct"] * [1 if h else -1 for h in metrics.values()]
    return out.assign(_s=signed).sort_values("_s", kind="mergesort").drop(columns="_s").reset_index(drop=True)
