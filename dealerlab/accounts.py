"""Course module 6 — big accounts (大客户): RFM, tiers by value / importance / potential, strategies, churn warnings,
lifetime value per segment, industry mix and account profiles (docs/DOMAIN.md §6, seeds 000 and 003).

Decisions where docs/DOMAIN.md is silent (documented here and in the notebook):

* Quintile scores: accounts are sorted by the figure (ties broken by ``account_id`` ascending) and given an ordinal rank
  r = 1..n; score = ⌊(r − 1) · 5 / n⌋ + 1. R is reversed: accounts are sorted by days since last activity descending,
  so the most recent get 5. An account with no activity at all has R = NaN and R score 1.
* "Top 20 %" = the top quintile of rank (score 5) among accounts whose figure is > 0 (an account with no money is never
  价值型, one with no potential never 潜力型).
* Churn: a 价值型 or 重要型 account whose last purchase/service is more than 180 days before D (180 days ago is still
  "in the 180 days to D"; 181 is not). An account with no activity at all is churned when it is of those tiers.
* Lifetime value (docs/DOMAIN.md §13): CLV = annual margin per account × r ÷ (1 + d − r), d = 0.10 a year. Annual margin =
  the account's vehicle gross of the last 12 months (Σ sales.gross_profit + Σ gross of their add-ons); service orders
  carry revenue but no margin, so they are left out of the margin (said in the notebook). r = the segment's measured
  retention: of the accounts active (a purchase or a service) in the earlier 12 months (D−24m, D−12m], the share
  active again in the last 12 months (D−12m, D]. A segment with no account active in the earlier 12 months has no
  measured r: its CLV is not available (never r = 1 by assumption).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab._options import check_lang, check_option
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = [
    "TIERS",
    "STRATEGIES",
    "account_activity",
    "rfm",
    "quintile_scores",
    "assign_tiers",
    "tier_accounts",
    "churn_warnings",
    "lifetime_value",
    "industry_mix",
    "account_profile",
    "TierEstimator",
    "RELATION_STEPS",
    "BUILD_METHODS",
    "B2B_STAGES",
    "b2b_funnel",
    "required_pipeline",
    "customer_equity",
    "contact_gaps",
]

#: the values of the tier column, in precedence order: value, importance, potential, general
TIERS = ("价值型", "重要型", "潜力型", "一般")
VALUE, IMPORTANCE, POTENTIAL, GENERAL = TIERS
TIERS_EN = {VALUE: "value", IMPORTANCE: "importance", POTENTIAL: "potential", GENERAL: "general"}
IMPORTANT_INDUSTRIES = ("党政军", "国有企业")
#: the values of accounts.contact_level this module tests: top management, staff level
CONTACT_LEVELS = {"top": "高层", "staff": "基层"}

_MSG = Catalogue.load("accounts")

#: each tier's management strategy (seed 000): tier → (zh, en), from messages/accounts.toml
STRATEGIES = _MSG.pairs("strategy", TIERS)


def _reference_date(ds: Dataset, as_of) -> pd.Timestamp:
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    d = ds.last_date()
    if d is None:
        raise ParameterError(*_MSG.both("no_dates"))
    return pd.Timestamp(d).normalize()


def account_activity(ds: Dataset, *, as_of=None, window_months: int = 24) -> pd.DataFrame:
    """Per account: last activity, purchases and service in the window, units in the last 12 months.

    Returns
    -------
    DataFrame
        one row per account of ``accounts`` with its columns plus ``as_of, last_purchase, last_service, last_activity,
        recency_days, units_window, service_window, frequency, monetary, units_12m, service_12m``.
    """
    D = _reference_date(ds, as_of)
    start = D - pd.DateOffset(months=window_months)
    start12 = D - pd.DateOffset(months=12)
    acc = ds["accounts"].copy()
    sales = ds["sales"] if ds.has("sales") else pd.DataFrame(columns=["account_id", "invoice_date", "price"])
    ro = ds["service_orders"] if ds.has("service_orders") else pd.DataFrame(columns=["account_id", "open_date", "revenue"])
    s = sales[sales["account_id"].notna() & (sales["invoice_date"] <= D)]
    r = ro[ro["account_id"].notna() & (ro["open_date"] <= D)]
    sw = s[s["invoice_date"] > start]
    rw = r[r["open_date"] > start]
    out = acc.set_index("account_id")
    out["as_of"] = D
    out["last_purchase"] = s.groupby("account_id")["invoice_date"].max()
    out["last_service"] = r.groupby("account_id")["open_date"].max()
    out["last_activity"] = out[["last_purchase", "last_service"]].max(axis=1)
    out["recency_days"] = (D - out["last_activity"]).dt.days.astype("float64")
    out["units_window"] = sw.groupby("account_id").size()
    out["service_window"] = rw.groupby("account_id").size()
    out["frequency"] = out["units_window"].fillna(0) + out["service_window"].fillna(0)
    out["monetary"] = sw.groupby("account_id")["price"].sum().reindex(out.index).fillna(0) + rw.groupby("account_id")[
        "revenue"
    ].sum().reindex(out.index).fillna(0)
    out["units_12m"] = s[s["invoice_date"] > start12].groupby("account_id").size()
    out["service_12m"] = r[r["open_date"] > start12].groupby("account_id").size()
    s12 = s[s["invoice_date"] > start12]
    gross = s12.groupby("account_id")["gross_profit"].sum() if "gross_profit" in s12.columns else pd.Series(dtype=float)
    if ds.has("addons") and "sale_id" in s12.columns and len(s12):
        ad = ds["addons"]
        ad = ad[ad["sale_id"].isin(s12["sale_id"])].merge(s12[["sale_id", "account_id"]], on="sale_id")
        gross = gross.add(ad.groupby("account_id")["gross_profit"].sum(), fill_value=0)
    out["gross_12m"] = gross.reindex(out.index).fillna(0.0).astype("float64")
    for c in ("units_window", "service_window", "units_12m", "service_12m"):
        out[c] = out[c].fillna(0).astype("int64")
    out["active_last12"] = (out["units_12m"] + out["service_12m"]) > 0
    out["active_prev12"] = ((out["units_window"] - out["units_12m"]) + (out["service_window"] - out["service_12m"])) > 0
    out["frequency"] = out["frequency"].astype("int64")
    return out.reset_index()


def quintile_scores(values: pd.Series, ids: pd.Series, *, reverse: bool = False) -> pd.Series:
    """Scores 1–5 by quintile of ordinal rank (ties broken by ``ids`` ascending); ``reverse``: smaller is better.

    NaN values rank lowest (score 1).
    """
    n = len(values)
    if n == 0:
        return pd.Series([], dtype="int64", index=values.index)
    v = values.astype("float64")
    filler = np.inf if reverse else -np.inf
    key = v.fillna(filler).to_numpy()
    frame = pd.DataFrame({"k": -key if reverse else key, "id": ids.astype(str).to_numpy()}, index=values.index)
    order = frame.sort_values(["k", "id"], kind="mergesort")  # worst first: the smallest (or, reversed, the largest)
    # after sorting, position 0 is the worst; rank r = position + 1
    rank = pd.Series(np.arange(1, n + 1), index=order.index)
    return ((rank - 1) * 5 // n + 1).reindex(values.index).astype("int64")


def rfm(ds: Dataset, *, as_of=None, by_store: bool = False) -> pd.DataFrame:
    """RFM values and 1–5 scores per account (quintiles over the whole dataset, or per store with ``by_store``).

    Returns
    -------
    DataFrame
        :func:`account_activity` columns + ``R, F, M, R_score, F_score, M_score, rfm_score`` (the three digits).
    """
    act = account_activity(ds, as_of=as_of)
    act["R"], act["F"], act["M"] = act["recency_days"], act["frequency"], act["monetary"]
    groups = act.groupby("store_id", group_keys=False) if by_store else [(None, act)]
    parts = []
    for _, g in groups:
        g = g.copy()
        g["R_score"] = quintile_scores(g["R"], g["account_id"], reverse=True)
        g["F_score"] = quintile_scores(g["F"], g["account_id"])
        g["M_score"] = quintile_scores(g["M"], g["account_id"])
        parts.append(g)
    out = pd.concat(parts).sort_index()
    out["rfm_score"] = out["R_score"].astype(str) + out["F_score"].astype(str) + out["M_score"].astype(str)
    return out


def _potential(frame: pd.DataFrame) -> pd.Series:
    planned = frame["planned_purchases"].astype("float64").fillna(0)
    fleet = frame["fleet_size"].astype("float64").fillna(0)
    return (planned + 0.2 * fleet - frame["units_12m"]).clip(lower=0)


def _important(frame: pd.DataFrame) -> pd.Series:
    return (
        frame["industry"].isin(IMPORTANT_INDUSTRIES).fillna(False).astype(bool)
        | (frame["fleet_size"].astype("float64") >= 10).fillna(False).astype(bool)
        | (frame["contact_level"] == CONTACT_LEVELS["top"]).fillna(False).astype(bool)
    )


def assign_tiers(frame: pd.DataFrame, *, value_line: float, potential_line: float) -> pd.Series:
    """Tier with precedence 价值型 > 重要型 > 潜力型 > 一般, given fitted lines (M ≥ value_line and M > 0 → 价值型;
    potential ≥ potential_line and > 0 → 潜力型)."""
    m = frame["monetary"].astype("float64")
    pot = frame["potential"].astype("float64")
    value = (m >= value_line) & (m > 0)
    potential = (pot >= potential_line) & (pot > 0)
    tier = np.select([value, _important(frame), potential], [VALUE, IMPORTANCE, POTENTIAL], default=GENERAL)
    return pd.Series(tier, index=frame.index, dtype="string")


def _top_line(values: pd.Series, ids: pd.Series, share: float) -> float:
    """The smallest value among the top ``share`` (by ordinal rank, ties by id) of the positive values; inf if none."""
    score = quintile_scores(values, ids) if share == 0.2 else None
    if score is not None:
        top = values[(score == 5) & (values > 0)]
    else:
        k = max(1, math.ceil(share * len(values)))
        top = values.sort_values(ascending=False).head(k)
        top = top[top > 0]
    return float(top.min()) if len(top) else math.inf


class TierEstimator:
    """Learns the tier lines on one set of accounts (``fit``) and assigns tiers to any set (``transform``).

    Parameters
    ----------
    top_share : float
        Share of accounts called "top" for value and potential (docs/DOMAIN.md: 0.2).

    Attributes (after fit)
    ----------------------
    value_line_ : float        smallest 24-month money (M) of a 价值型 account
    potential_line_ : float    smallest potential of a 潜力型 account
    rfm_edges_ : dict          quintile edges of R, F, M (for reference)
    n_accounts_ : int
    """

    def __init__(self, *, top_share: float = 0.2) -> None:
        if not 0 < top_share < 1:
            raise ParameterError(*_MSG.both("bad_top_share"))
        self.top_share = top_share

    def _features(self, ds_or_frame, as_of=None) -> pd.DataFrame:
        frame = ds_or_frame if isinstance(ds_or_frame, pd.DataFrame) else account_activity(ds_or_frame, as_of=as_of)
        frame = frame.copy()
        frame["potential"] = _potential(frame)
        return frame

    def fit(self, data, *, as_of=None) -> TierEstimator:
        """Learn the lines from a Dataset, or from a frame with ``account_id, monetary, planned_purchases,
        fleet_size, units_12m`` (and the importance columns ``industry, contact_level``)."""
        f = self._features(data, as_of)
        self.value_line_ = _top_line(f["monetary"].astype("float64"), f["account_id"], self.top_share)
        self.potential_line_ = _top_line(f["potential"].astype("float64"), f["account_id"], self.top_share)
        self.rfm_edges_ = {
            k: [float(x) for x in f[c].astype("float64").quantile([0.2, 0.4, 0.6, 0.8]).to_numpy()]
            for k, c in (("R", "recency_days"), ("F", "frequency"), ("M", "monetary"))
            if c in f.columns
        }
        self.n_accounts_ = len(f)
        return self

    def transform(self, data, *, as_of=None) -> pd.DataFrame:
        if not hasattr(self, "value_line_"):
            raise ParameterError(*_MSG.both("not_fitted"))
        f = self._features(data, as_of)
        f["tier"] = assign_tiers(f, value_line=self.value_line_, potential_line=self.potential_line_)
        f["tier_en"] = f["tier"].map(TIERS_EN)
        return f

    def fit_transform(self, data, *, as_of=None) -> pd.DataFrame:
        return self.fit(data, as_of=as_of).transform(data, as_of=as_of)

    def describe(self, *, lang: str = "zh") -> pd.DataFrame:
        """The fitted lines as a small table to show the user."""
        check_lang(lang)
        rule, line = _MSG.get("rule", lang), _MSG.get("line", lang)
        return pd.DataFrame([
            {rule: _MSG.get("value_rule", lang), line: self.value_line_},
            {rule: _MSG.get("potential_rule", lang), line: self.potential_line_},
        ])

    def __repr__(self) -> str:
        fitted = f", value_line_={self.value_line_:,.0f}, potential_line_={self.potential_line_:.1f}" if hasattr(self, "value_line_") else ""
        return f"TierEstimator(top_share={self.top_share}{fitted})"


def tier_accounts(ds: Dataset, *, as_of=None, by_store: bool = False, lang: str = "zh") -> pd.DataFrame:
    """RFM + tier + strategy + churn flag for every account (lines fitted on the same accounts).

    Returns
    -------
    DataFrame
        :func:`rfm` columns + ``potential, tier, tier_en, strategy, churn``.
    """
    check_lang(lang)
    r = rfm(ds, as_of=as_of, by_store=by_store)
    groups = r.groupby("store_id", group_keys=False) if by_store else [(None, r)]
    parts = [TierEstimator().fit_transform(g) for _, g in groups]
    out = pd.concat(parts).sort_index()
    out["strategy"] = out["tier"].map(lambda t: STRATEGIES.label(t, lang))
    out["churn"] = out["tier"].isin([VALUE, IMPORTANCE]) & ~(out["recency_days"] <= 180)
    return out


def churn_warnings(tiers: pd.DataFrame, *, days: int = 180) -> pd.DataFrame:
    """Value and importance accounts with no purchase or service in the ``days`` to the reference date, longest
    silent first.

    Returns
    -------
    DataFrame
        ``store_id, account_id, account_name, industry, tier, last_activity, recency_days, monetary, contact_level``.
    """
    t = tiers[tiers["tier"].isin([VALUE, IMPORTANCE]) & ~(tiers["recency_days"] <= days)]
    cols = ["store_id", "account_id", "account_name", "industry", "tier", "last_activity", "recency_days", "monetary", "contact_level"]
    return t.sort_values(["recency_days", "monetary"], ascending=[False, False], na_position="first")[cols].reset_index(drop=True)


def lifetime_value(tiers: pd.DataFrame, *, by: str = "tier", discount: float = 0.10) -> pd.DataFrame:
    """Customer lifetime value per segment with its measured retention (docs/DOMAIN.md §13; the module docstring).

    Parameters
    ----------
    tiers : DataFrame
        :func:`tier_accounts` output (needs ``gross_12m, active_prev12, active_last12``).
    by : {"tier", "industry", "store_id"}
        The segment.
    discount : float
        d, a year (default 0.10).

    Returns
    -------
    DataFrame
        ``<by>, accounts, annual_margin, retained, base, retention, clv, reason`` — annual margin is the mean per
        account (a year), retention r = retained ÷ base (accounts active in the earlier 12 months and again in the last
        12), CLV per account; NaN with a reason when no account of the segment was active in the earlier 12 months.
    """
    check_option("by", by, ("tier", "industry", "store_id"))
    t = tiers.assign(_kept=tiers["active_prev12"] & tiers["active_last12"])
    g = t.groupby(by)
    out = g.agg(accounts=("account_id", "size"), annual_margin=("gross_12m", "mean"), retained=("_kept", "sum"),
                base=("active_prev12", "sum")).reset_index()
    out["retained"] = out["retained"].astype("int64")
    out["base"] = out["base"].astype("int64")
    r = out["retained"] / out["base"].where(out["base"] > 0)
    out["retention"] = r
    out["clv"] = out["annual_margin"] * r / (1 + discount - r)
    out["reason"] = np.where(out["base"] > 0, "", _MSG.text("no_active_base"))
    return out


def industry_mix(tiers: pd.DataFrame) -> pd.DataFrame:
    """Accounts and 24-month money per industry, with shares. ``industry, accounts, monetary, share_accounts, share_money``."""
    out = tiers.groupby("industry", as_index=False).agg(accounts=("account_id", "size"), monetary=("monetary", "sum"))
    out["share_accounts"] = out["accounts"] / out["accounts"].sum()
    total = out["monetary"].sum()
    out["share_money"] = out["monetary"] / total if total > 0 else math.nan
    return out.sort_values("monetary", ascending=False).reset_index(drop=True)


def account_profile(ds: Dataset, account_id: str, *, as_of=None) -> dict:
    """One account's profile: master data, tier, purchases, service, last contact and planned purchases."""
    tiers = tier_accounts(ds, as_of=as_of)
    hit = tiers[tiers["account_id"] == account_id]
    if hit.empty:
        raise ParameterError(*_MSG.both("unknown_account", account_id=account_id))
    row = hit.iloc[0]
    sales = ds["sales"]
    purchases = sales[sales["account_id"] == account_id].sort_values("invoice_date")
    service = ds["service_orders"]
    service = service[service["account_id"] == account_id].sort_values("open_date")
    return {
        "account": row.to_dict(),
        "purchases": purchases[["sale_id", "invoice_date", "model", "price", "channel"]].reset_index(drop=True),
        "service": service[["ro_id", "open_date", "ro_type", "revenue"]].reset_index(drop=True),
        "last_contact": row["last_activity"],
        "contact_level": row["contact_level"],
        "planned_purchases": row["planned_purchases"],
    }


# ------------------------------------------------------------------------------------------------------------------
# relationship building, the B2B sales process, customer equity (seeds 000「大客户关系管理步骤」, 002「BTB销售过程管理」,
# 003「客户终身价值」)

# The course tables below are texts kept in messages/accounts.toml; the module attributes are built on first use
# (module ``__getattr__``), so nothing is read at import:
# RELATION_STEPS — the four steps of key-account relationship management → (what the step achieves, typical actions,
# owner); BUILD_METHODS — the five ways to build a relationship → how (the seed names them; the content is the
# course's); B2B_STAGES — the stages of a fleet (B2B) deal in order.


def _relation_steps() -> dict[str, tuple[str, str, str]]:
    head = "relation_step."
    steps = dict.fromkeys(k[len(head):].split(".")[0] for k in _MSG.keys() if k.startswith(head))
    return {s: tuple(_MSG.text(f"{head}{s}.{part}") for part in ("goal", "actions", "owner")) for s in steps}


RELATION_STEPS: dict[str, tuple[str, str, str]]
BUILD_METHODS: dict[str, str]
B2B_STAGES: tuple[str, ...]

_TABLES = {
    "RELATION_STEPS": _relation_steps,
    "BUILD_METHODS": lambda: {k: zh for k, (zh, _en) in _MSG.pairs("build_method").items()},
    "B2B_STAGES": lambda: tuple(zh for zh, _en in _MSG.pairs("b2b_stage").values()),
}


def __getattr__(name: str):
    """The course tables of :data:`_TABLES`, read from the catalogue on first use."""
    if name in _TABLES:
        value = globals()[name] = _TABLES[name]()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def b2b_funnel(counts) -> pd.DataFrame:
    """The fleet (B2B) sales funnel: accounts reaching each stage, step and overall conversion.

    Parameters
    ----------
    counts : mapping of str to int
        Stage → accounts that reached it, in funnel order (e.g. over :data:`B2B_STAGES`).

    Returns
    -------
    DataFrame
        ``stage, accounts, step_rate, overall_rate`` — step rate = accounts ÷ the previous stage's accounts (NaN for
        the first), overall rate = accounts ÷ the first stage's accounts.

    Raises
    ------
    ParameterError
        A negative count or a stage with more accounts than the stage before it.
    """
    items = list(counts.items())
    if not items:
        raise ParameterError(*_MSG.both("no_stages"))
    prev = None
    for stage, n in items:
        if n is None or n < 0:
            raise ParameterError(*_MSG.both("bad_stage_count", stage=stage))
        if prev is not None and n > prev:
            raise ParameterError(*_MSG.both("funnel_widens", stage=stage, n=n, prev=prev))
        prev = n
    out = pd.DataFrame(items, columns=["stage", "accounts"])
    first = out["accounts"].iloc[0]
    out["step_rate"] = out["accounts"] / out["accounts"].shift(1).where(lambda s: s > 0)
    out["overall_rate"] = out["accounts"] / first if first else math.nan
    return out


def required_pipeline(deals: float, rates) -> pd.DataFrame:
    """Work the funnel backwards: how many accounts each stage needs so that ``deals`` contracts are signed.

    Parameters
    ----------
    deals : float
        Contracts wanted at the last stage.
    rates : mapping of str to float
        Stage → step conversion rate *into* that stage (the first stage's rate is ignored), in funnel order.

    Returns
    -------
    DataFrame
        ``stage, rate, needed`` — needed at the last stage = ``deals``; at each earlier stage = needed at the next ÷
        the next stage's rate, rounded up to whole accounts.
    """
    stages = list(rates)
    if not stages or deals < 0:
        raise ParameterError(*_MSG.both("bad_pipeline_input"))
    for s in stages[1:]:
        if not 0 < rates[s] <= 1:
            raise ParameterError(*_MSG.both("bad_stage_rate", stage=s))
    needed = [float(deals)]
    for s in reversed(stages[1:]):
        needed.append(math.ceil(needed[-1] / rates[s] - 1e-9))
    needed = needed[::-1]
    needed[-1] = math.ceil(deals - 1e-9)
    return pd.DataFrame({"stage": stages, "rate": [math.nan] + [rates[s] for s in stages[1:]], "needed": needed})


def customer_equity(clv: pd.DataFrame) -> pd.DataFrame:
    """Customer equity per segment (seed 003): CLV per customer × customers, with the total as the last row.

    Parameters
    ----------
    clv : DataFrame
        :func:`lifetime_value` output (``accounts, clv`` and the segment column first).

    Returns
    -------
    DataFrame
        The input with ``equity`` = accounts × clv (NaN where CLV is not measurable) and a last row ``合计`` whose
        equity is the sum of the segments' (the segments without a CLV are left out of it and named in ``reason``).
    """
    out = clv.copy()
    out["equity"] = pd.to_numeric(out["accounts"] * out["clv"], errors="coerce").astype("float64")
    key = out.columns[0]
    missing = out.loc[out["equity"].isna(), key].astype(str).tolist()
    total = {key: _MSG.text("total_row"), "accounts": int(out["accounts"].sum()), "equity": float(out["equity"].sum(min_count=1)) if out["equity"].notna().any() else math.nan,
             "reason": _MSG.get("total_excludes", names=_MSG.text("list_sep").join(missing)) if missing else ""}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def contact_gaps(tiers: pd.DataFrame) -> pd.DataFrame:
    """Value and importance accounts whose only contact is at 基层 (the staff level): the relationship stops below the
    people who decide — candidates for the top-down (空降式) or layer-by-layer (剥茧式) approach.

    Parameters
    ----------
    tiers : DataFrame
        :func:`tier_accounts` output.

    Returns
    -------
    DataFrame
        ``store_id, account_id, account_name, industry, tier, contact_level, monetary`` — highest 24-month money first.
    """
    t = tiers[tiers["tier"].isin([VALUE, IMPORTANCE]) & (tiers["contact_level"] == CONTACT_LEVELS["staff"])]
    cols = ["store_id", "account_id", "account_name", "industry", "tier", "contact_level", "monetary"]
    return t.sort_values("monetary", ascending=False)[cols].reset_index(drop=True)
