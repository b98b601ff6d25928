"""Scoring KPI cards (docs/DOMAIN.md §4) and binding card formulas to a Dataset.

- rate = actual / target (higher is better) or target / actual (lower is better), capped at stretch / target
  (or target / stretch); card score = weight × rate; owner's score = Σ card scores.
  Example: weight 0.4, target 100, stretch 120, actual 130 → rate capped at 1.2 → 0.48.

Decisions where docs/DOMAIN.md is silent
-----------------------------------
- A rate below 0 (a negative actual such as a loss) counts as 0: one card cannot take points from the others.
- Lower is better with an actual of 0 (e.g. no comebacks at all): the best possible rate, the cap target / stretch.
- A card whose actual is not available (NaN) has NaN rate and score with the reason; the owner's score is the sum of
  the cards that have one, ``complete`` is False and ``reason`` names the missing cards (NaN when none has one).
- A card whose formula cannot be parsed gets NaN with the formula error as its reason (the other cards are scored).
- Per-consultant actuals use the per-staff metric rows; a metric that has no per-staff figure falls back to the
  store's figure and the reason says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pandas as pd

from dealerlab._options import check_lang
from dealerlab.errors import FormulaError
from dealerlab.i18n import Catalogue
from dealerlab.kpi.card import EXTRA_METRICS, KpiCard, _direction, _number, formula_names
from dealerlab.kpi.formula import evaluate, parse
from dealerlab.metrics import METRICS

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["card_rate", "score_cards", "owner_scores", "metric_values", "card_actuals", "score_on_dataset"]

_MSG = Catalogue.load("kpi/scoring")


def card_rate(
    actual: float, target: float, stretch: float, *, direction: str = "higher", lang: str = "zh"
) -> tuple[float, str]:
    """Achievement rate of one card, capped at the stretch.

    Parameters
    ----------
    actual, target, stretch : float
    direction : {"higher", "lower"}
    lang : {"zh", "en"}
        Language of the reason.

    Returns
    -------
    (float, str)
        The rate (NaN when not available) and the reason ("" when available).

    Examples
    --------
    >>> card_rate(130, 100, 120)
    (1.2, '')
    >>> card_rate(2.0, 3.0, 2.5, direction="lower")[0]
    1.2
    """
    check_lang(lang)
    d = _direction(direction)
    if d is None:
        return math.nan, _MSG.get("bad_direction", lang)
    actual, target, stretch = _number(actual), _number(target), _number(stretch)
    if target is None or target <= 0:
        return math.nan, _MSG.get("bad_target", lang)
    if stretch is None or stretch <= 0:
        return math.nan, _MSG.get("bad_stretch", lang)
    if actual is None or math.isnan(actual):
        return math.nan, _MSG.get("no_actual", lang)
    if d == "higher":
        cap = stretch / target
        rate = actual / target
    else:
        cap = target / stretch
        rate = cap if actual <= 0 else target / actual
    return float(min(max(rate, 0.0), cap)), ""


def score_cards(
    cards: Iterable[KpiCard],
    *,
    actuals: Mapping[str, float] | None = None,
    values: Mapping[str, float] | None = None,
    reasons: Mapping[str, str] | None = None,
    lang: str = "zh",
) -> pd.DataFrame:
    """Score cards from actuals given per card, or from metric values through each card's formula.

    Parameters
    ----------
    cards : iterable of KpiCard
    actuals : mapping, optional
        Card id (or, failing that, card name) → actual value. Takes precedence over ``values``.
    values : mapping, optional
        Metric id → value; each card's formula is evaluated with them (:func:`dealerlab.kpi.formula.evaluate`).
    reasons : mapping, optional
        Card id or metric id → why its value is missing; quoted in ``reason``.
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        One row per card: ``card_id, name, owner, perspective, direction, weight, target, stretch, actual, cap,
        rate, capped, score, reason``. ``cap`` is stretch/target (higher) or target/stretch (lower); ``capped`` tells
        whether the actual went beyond the stretch.
    """
    check_lang(lang)
    actuals = dict(actuals or {})
    reasons = dict(reasons or {})
    names = formula_names()
    rows = []
    for card in cards:
        reason = ""
        if card.card_id in actuals or card.name in actuals:
            key = card.card_id if card.card_id in actuals else card.name
            actual = _number(actuals[key])
            actual = math.nan if actual is None else actual
            if math.isnan(actual):
                reason = reasons.get(key, "")
        elif values is not None:
            try:
                ev = evaluate(str(card.formula or ""), values, reasons=reasons, names=names, lang=lang)
                actual, reason = ev.value, ev.reason
            except FormulaError as err:
                actual, reason = math.nan, err.message(lang)
        else:
            actual, reason = math.nan, reasons.get(card.card_id, "")
        rate, why = card_rate(actual, card.target, card.stretch, direction=card.direction, lang=lang)
        target, stretch = _number(card.target), _number(card.stretch)
        d = _direction(card.direction)
        cap = math.nan
        if target and stretch and target > 0 and stretch > 0 and d:
            cap = stretch / target if d == "higher" else target / stretch
        weight = _number(card.weight)
        weight = math.nan if weight is None else weight
        rows.append(
            {
                "card_id": card.card_id,
                "name": card.name,
                "owner": card.owner,
                "perspective": card.perspective,
                "direction": d or card.direction,
                "weight": weight,
                "target": math.nan if target is None else target,
                "stretch": math.nan if stretch is None else stretch,
                "actual": actual,
                "cap": cap,
                "rate": rate,
                "capped": bool(not math.isnan(rate) and not math.isnan(cap) and rate >= cap - 1e-12),
                "score": weight * rate,
                "reason": reason or why,
            }
        )
    columns = [
        "card_id",
        "name",
        "owner",
        "perspective",
        "direction",
        "weight",
        "target",
        "stretch",
        "actual",
        "cap",
        "rate",
        "capped",
        "score",
        "reason",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for c in ("weight", "target", "stretch", "actual", "cap", "rate", "score"):
        frame[c] = frame[c].astype("float64")
    return frame


def owner_scores(
    scored: pd.DataFrame,
    *,
    owner: str = "owner",
    score: str = "score",
    weight: str = "weight",
    name: str = "name",
    lang: str = "zh",
) -> pd.DataFrame:
    """Sum card scores per owner.

    Parameters
    ----------
    scored : DataFrame
        The output of :func:`score_cards` (one row per card).
    owner, score, weight, name : str
        Column names.
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        One row per owner (in order of appearance): ``owner, n_cards, weight, score, complete, reason``.
        ``score`` = Σ card scores available (NaN when none is); ``complete`` is False when a card has no score.
    """
    check_lang(lang)
    rows = []
    for who, g in scored.groupby(owner, sort=False):
        missing = g[g[score].isna()]
        available = g[score].dropna()
        rows.append(
            {
                "owner": who,
                "n_cards": len(g),
                "weight": float(g[weight].sum()),
                "score": float(available.sum()) if len(available) else math.nan,
                "complete": missing.empty,
                "reason": ""
                if missing.empty
                else _MSG.get("missing_cards", lang, cards=_MSG.text("list_sep").join(map(str, missing[name]))),
            }
        )
    return pd.DataFrame(rows, columns=["owner", "n_cards", "weight", "score", "complete", "reason"])


# ------------------------------------------------------------------------------------------ Dataset binding
def _extra_values(ds: Dataset, store_id: str, period: str, ids: list[str], lang: str) -> tuple[dict, dict]:
    values, reasons = {}, {}
    for mid in ids:
        _zh, _en, table, column = EXTRA_METRICS[mid]
        if not ds.has(table):
            values[mid], reasons[mid] = math.nan, _MSG.get("no_finance", lang)
            continue
        t = ds[table]
        rows = t[(t["store_id"] == store_id) & (t["period"] == period)]
        if rows.empty or rows[column].isna().all():
            values[mid], reasons[mid] = math.nan, _MSG.get("no_row", lang, period=period)
        else:
            values[mid] = float(rows[column].sum())
    return values, reasons


def metric_values(
    ds: Dataset,
    *,
    store_id: str,
    period: str,
    metrics: Iterable[str],
    staff_id: str | None = None,
    lang: str = "zh",
) -> tuple[dict[str, float], dict[str, str]]:
    """Values of metric ids for one store and month (or one consultant), ready for :func:`score_cards`.

    Registry metrics come from :func:`dealerlab.figures.compute`; the store-level extras of
    :data:`dealerlab.kpi.card.EXTRA_METRICS` from their table. With ``staff_id``, per-staff rows are used where the
    registry has them and the store's figure otherwise (``reasons`` says so).

    Returns
    -------
    (dict, dict)
        ``values`` (metric id → float, NaN when not available) and ``reasons`` (metric id → text, for NaN values and
        store fallbacks).
    """
    from dealerlab.figures import compute

    check_lang(lang)
    metrics = list(dict.fromkeys(metrics))
    registry = [m for m in metrics if m in METRICS]
    extras = [m for m in metrics if m in EXTRA_METRICS]
    values, reasons = _extra_values(ds, store_id, period, extras, lang)

    def take(frame: pd.DataFrame) -> None:
        for rec in frame.itertuples(index=False):
            values[rec.metric] = float(rec.value) if pd.notna(rec.value) else math.nan
            if pd.isna(rec.value) and isinstance(rec.reason, str) and rec.reason:
                reasons[rec.metric] = rec.reason

    if registry:
        store_level = compute(ds, periods=[period], stores=[store_id], metrics=registry)
        take(store_level)
        if staff_id is not None:
            staff_metrics = [m for m in registry if METRICS[m].per_staff]
            fallback = [m for m in registry if not METRICS[m].per_staff]
            if staff_metrics:
                per = compute(ds, periods=[period], stores=[store_id], metrics=staff_metrics, by_staff=True)
                per = per[per["staff_id"] == staff_id]
                for m in staff_metrics:  # a consultant with no row has no figure, not the store's
                    values[m] = math.nan
                take(per)
            if fallback:
                note = _MSG.get("store_fallback", lang, metrics=_MSG.text("list_sep").join(fallback))
                for m in fallback:
                    reasons[m] = note
    for m in metrics:
        values.setdefault(m, math.nan)
    return values, reasons


def card_actuals(
    cards: Iterable[KpiCard], ds: Dataset, *, store_id: str, period: str, staff_id: str | None = None, lang: str = "zh",
) -> pd.DataFrame:
    """Evaluate each card's formula on the Dataset for one store and month (or one consultant).

    Returns
    -------
    DataFrame
        ``card_id, name, actual, reason`` — one row per card; feed ``dict(zip(card_id, actual))`` to
        :func:`score_cards` as ``actuals``.
    """
    check_lang(lang)
    cards = list(cards)
    names = formula_names()
    parsed: list = []
    for c in cards:
        try:
            parsed.append(parse(str(c.formula or ""), names=names, lang=lang))
        except FormulaError as err:  # one broken card (e.g. edited in Excel) must not stop the others
            parsed.append(err)
    needed = list(dict.fromkeys(m for f in parsed if not isinstance(f, FormulaError) for m in f.metrics))
    values, reasons = metric_values(ds, store_id=store_id, period=period, metrics=needed, staff_id=staff_id, lang=lang)
    rows = []
    for card, f in zip(cards, parsed):
        if isinstance(f, FormulaError):
            rows.append({"card_id": card.card_id, "name": card.name, "actual": math.nan, "reason": f.message(lang)})
            continue
        ev = evaluate(f, values, reasons=reasons, lang=lang)
        notes = [reasons[m] for m in f.metrics if m in reasons and not math.isnan(values.get(m, math.nan))]
        rows.append(
            {
                "card_id": card.card_id,
                "name": card.name,
                "actual": ev.value,
                "reason": ev.reason or _MSG.text("reason_sep").join(dict.fromkeys(notes)),
            }
        )
    frame = pd.DataFrame(rows, columns=["card_id", "name", "actual", "reason"])
    frame["actual"] = frame["actual"].astype("float64")
    return frame


def score_on_dataset(
    cards: Iterable[KpiCard], ds: Dataset, *, store_id: str, period: str, staff_id: str | None = None, lang: str = "zh",
) -> pd.DataFrame:
    """Score cards on the Dataset: :func:`card_actuals` then :func:`score_cards`.

    Returns
    -------
    DataFrame
        As :func:`score_cards` (one row per card), ``reason`` carrying the data's reason for a missing actual.
    """
    cards = list(cards)
    acts = card_actuals(cards, ds, store_id=store_id, period=period, staff_id=staff_id, lang=lang)
    keys = [c.card_id or c.name for c in cards]
    scored = score_cards(
        cards, actuals=dict(zip(keys, acts["actual"])), reasons=dict(zip(keys, acts["reason"])), lang=lang
    )
    # keep the data's notes (e.g. a store figure used for a consultant) beside an available score
    notes = acts["reason"].where(scored["reason"].eq(""), scored["reason"])
    scored["reason"] = notes.fillna("").astype(object)
    return scored
