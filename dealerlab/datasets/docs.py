"""``datasets/README.md``: the data dictionary (from the schema) and the planted teaching cases (from the data).

The README is rendered from the generated demo, so it states where each case sits; a test checks it is current.
"""

from __future__ import annotations

import pandas as pd

from dealerlab import policy
from dealerlab._long import month
from dealerlab.data.dataset import Dataset
from dealerlab.data.schema import TABLES
from dealerlab.datasets.generate import DEFAULT_SEED
from dealerlab.i18n import Catalogue
from dealerlab.retention import retention_figures

__all__ = ["render_readme", "planted_facts"]

_MSG = Catalogue.load("datasets/docs")

#: the values of the data the cases pick rows by (enum values of the data contract)
_VALUES = {"body_paint": "钣喷", "consultant": "销售顾问", "important_industries": ("党政军", "国有企业"), "top_level": "高层"}


def planted_facts(ds: Dataset) -> dict:
    """Measured facts about the planted teaching cases of a generated group (used by the README and the tests)."""
    facts: dict = {}
    planted = getattr(ds, "planted", {}) or {}
    b = ds.booth_usage
    util = b.groupby(["store_id", month(b["date"])])[["minutes_used", "minutes_available"]].sum()
    util = (util["minutes_used"] / util["minutes_available"]).unstack(0)
    facts["booth_util"] = util
    so = ds.service_orders
    facts["comeback"] = so.groupby(["store_id", month(so["open_date"])])["is_comeback"].mean().unstack(0)
    s = ds.sales
    units = s.groupby(["store_id", "staff_id", month(s["invoice_date"])]).size().rename("units").reset_index()
    facts["units"] = units
    facts["comeback_action"] = planted.get("comeback_action", {})
    facts["team"] = planted.get("team", {})
    return facts


def _policy_case(ds: Dataset) -> list[str]:
    """Case 9: the OEM policy, the VP cliff, old stock and CALL车 accuracy, measured on the data."""
    planted = getattr(ds, "planted", {}) or {}
    need = ("vp_cliff", "old_stock", "call_off")
    if not all(k in planted for k in need) or not ds.has("inventory"):
        return []

    vp = planted["vp_cliff"]
    lad = policy.cliff(ds, store=vp["store_id"], period=vp["period"])
    nxt = lad[lad["is_next"]].iloc[0]
    old = planted["old_stock"]
    t = policy.stock_by_model(ds["inventory"], ds["sales"], period=vp["period"], stores=[old["store_id"]])
    row = t[t["model"] == old["model"]].iloc[0]
    co = planted["call_off"]
    orders = ds["oem_orders"]
    acc = orders.assign(late=orders["period"].isin(co["periods"])).groupby(["store_id", "late"])[["called_off", "ordered"]].sum()
    acc = acc["called_off"] / acc["ordered"]
    others = acc.drop(index=co["store_id"], level=0)
    return [_MSG.get(
        "case.policy", vp_store=vp["store_id"], vp_period=vp["period"], sold=int(nxt["sold"]),
        volume_plan=int(nxt["volume_plan"]), achieved=nxt["sold"] / nxt["volume_plan"], units_needed=int(nxt["units_needed"]),
        threshold=nxt["threshold"], gain=nxt["gain"], breakeven=nxt["breakeven_discount"], old_store=old["store_id"],
        model=old["model"], over_90=int(row["stock_age_over_90"]), oldest=int(row["oldest_days"]),
        stock_units=int(row["stock_units"]), capital=row["stock_capital"], co_store=co["store_id"], first=co["periods"][0],
        last=co["periods"][-1], late=acc.loc[(co["store_id"], True)], before=acc.loc[(co["store_id"], False)],
        others_low=others.min(), others_high=others.max(),
    )]


def _first_service_case(ds: Dataset) -> list[str]:
    """Case 10: the first services of sold cars linked to sales.vin (course module 9), measured at the last month."""
    if not (ds.has("sales") and ds.has("service_orders")):
        return []
    m = ds.periods()[-1]
    f = retention_figures(ds, periods=[m])
    f = f[(f["metric"] == "first_service_rate") & f["value"].notna()]
    if f.empty:
        return []
    shown = _MSG.text("list_sep").join(
        f"{r.store_id} {r.numerator:.0f}/{r.denominator:.0f} = {_fmt_pct(r.value)}" for r in f.itertuples())
    return [_MSG.get("case.first_service", month=m, shown=shown)]


def _fmt_pct(x: float) -> str:
    return f"{x:.1%}"


def render_readme(ds: Dataset) -> str:
    """The Markdown text of ``datasets/README.md`` for the demo ``ds`` (from ``generate()`` with the default seed)."""
    f = planted_facts(ds)
    periods = sorted(ds.targets["period"].unique())
    lines = _readme_header(periods) + _readme_stores_and_rows(ds)
    lines += ["", _MSG.text("cases_heading"), ""]
    lines += _booth_case(ds, f) + _bottom_out_case(ds, f, periods) + _team_case(f) + _comeback_case(f)
    lines += _funnel_case() + _accounts_case(ds) + _csi_and_complaint_cases()
    lines += _policy_case(ds)
    lines += _first_service_case(ds)
    lines += _readme_other_notes() + _data_dictionary()
    return "\n".join(lines).rstrip() + "\n"


def _readme_header(periods: list[str]) -> list[str]:
    """Title, provenance, files, how to load and regenerate."""
    return _MSG.get("header", seed=DEFAULT_SEED, first=periods[0], last=periods[-1], n=len(periods)).split("\n")


def _readme_stores_and_rows(ds: Dataset) -> list[str]:
    """The stores and the row count of every table."""
    lines: list[str] = []
    for r in ds.stores.itertuples():
        lines.append(f"| {r.store_id} | {r.store_name} | {r.brand} | {r.city} | {r.business} |")
    lines += ["", _MSG.text("rows_heading"), "", _MSG.text("rows_table_head"), "|---|---|---|"]
    for name, t in ds.tables.items():
        lines.append(f"| {name} | {TABLES[name].zh} | {len(t)} |")

    return lines


def _booth_case(ds: Dataset, f: dict) -> list[str]:
    """Case 1: paint booths under 60 % at S02 and its crews."""
    lines: list[str] = []
    util = f["booth_util"]
    if "S02" in util:
        lo, hi = util["S02"].min(), util["S02"].max()
        others = util.drop(columns="S02").stack()
        so = ds.service_orders
        bp = so[(so["store_id"] == "S02") & (so["ro_type"] == _VALUES["body_paint"])]
        crews = ", ".join(_MSG.get("crew", crew=c, n=int(n)) for c, n in bp.groupby("crew_id")["crew_size"].first().items())
        lines.append(_MSG.get("case.booth", low=_fmt_pct(lo), high=_fmt_pct(hi), others_low=_fmt_pct(others.min()),
                              others_high=_fmt_pct(others.max()), crews=crews))
    return lines


def _bottom_out_case(ds: Dataset, f: dict, periods: list[str]) -> list[str]:
    """Case 2: consultants around the 10/12-unit lines."""
    lines: list[str] = []
    units = f["units"]
    cons = ds.staff[ds.staff["role"] == _VALUES["consultant"]]
    u = units[units["staff_id"].isin(cons["staff_id"])]
    below10 = int((u["units"] < 10).sum())
    wide = u.pivot_table(index=["store_id", "staff_id"], columns="invoice_date", values="units", fill_value=0)
    full = cons[cons["leave_date"].isna() & (cons["hire_date"] < pd.Timestamp(periods[0] + "-01"))]["staff_id"]
    q = wide.T
    q.index = pd.PeriodIndex(q.index, freq="M").asfreq("Q")
    qavg = q.groupby(level=0).mean().T
    qavg = qavg[qavg.index.get_level_values(1).isin(full)]
    twice = []
    for (store, staff), row in qavg.iterrows():
        vals = row.to_numpy()
        if any(vals[i] < 12 and vals[i + 1] < 12 for i in range(len(vals) - 1)):
            twice.append(_MSG.get("with_note", text=staff, note=store))
    weak = ""
    if "S02" in f["booth_util"]:
        s02 = u[u["staff_id"].isin(full) & (u["store_id"] == "S02")].groupby("staff_id")["units"].sum() / len(periods)
        if len(s02):
            weak = _MSG.get("case.bottom_out_weak", staff=s02.idxmin(), units=s02.min())
    names = _MSG.text("enum_sep").join(twice[:8])
    more = _MSG.text("and_more") if len(twice) > 8 else ""
    lines.append(_MSG.get("case.bottom_out", below10=below10, names=names, more=more) + weak)
    return lines


def _team_case(f: dict) -> list[str]:
    """Case 3: the team reward pool's miss and make-up."""
    lines: list[str] = []
    team = f["team"]
    for store, t in team.items():
        lines.append(_MSG.get("case.team", store=store, miss=t["team_miss"], shortfall=t["team_shortfall"],
                              make_up=t["team_make_up"]))
    return lines


def _comeback_case(f: dict) -> list[str]:
    """Case 4: the comeback rate rising, the PDCA action month, the fall."""
    lines: list[str] = []
    cb = f["comeback"]
    for store, action in f["comeback_action"].items():
        ser = cb[store]
        pre = ser[ser.index < action]
        peak_month = pre.idxmax()
        lines.append(_MSG.get("case.comeback", store=store, start=_fmt_pct(ser.iloc[:3].mean()), peak_month=peak_month,
                              peak=_fmt_pct(pre.max()), action=action, after=_fmt_pct(ser[ser.index > action].mean())))
    return lines


def _funnel_case() -> list[str]:
    """Case 5: the funnel bottleneck at S01."""
    lines: list[str] = []
    lines.append(_MSG.text("case.funnel"))
    return lines


def _accounts_case(ds: Dataset) -> list[str]:
    """Case 6: big-account tiers and the churn warnings."""
    lines: list[str] = []
    acc = ds.accounts
    last = pd.concat(
        [ds.sales.groupby("account_id")["invoice_date"].max(), ds.service_orders.groupby("account_id")["open_date"].max()]
    ).groupby(level=0).max()
    a_ = acc.set_index("account_id")
    important = a_.index[a_["industry"].isin(_VALUES["important_industries"]) | (a_["fleet_size"] >= 10)
                         | (a_["contact_level"] == _VALUES["top_level"])]
    gone = [a for a in last[(ds.last_date() - last).dt.days >= 180].index if a in set(important)]
    silent = _MSG.text("enum_sep").join(_MSG.get("with_note", text=a, note=acc.set_index("account_id").loc[a, "industry"])
                                        for a in sorted(gone))
    lines.append(_MSG.get("case.accounts", n=len(acc), n_s03=int((acc["store_id"] == "S03").sum()), silent=silent))
    return lines


def _csi_and_complaint_cases() -> list[str]:
    """Cases 7 and 8: IPA quadrants and the complaints."""
    lines: list[str] = []
    lines.append(_MSG.text("case.csi"))
    lines.append(_MSG.text("case.complaints"))
    return lines


def _readme_other_notes() -> list[str]:
    """Other facts of the demo (turnover, follow-ups, working days, monthly finance)."""
    lines = ["", _MSG.text("other_notes"), ""]
    return lines


def _data_dictionary() -> list[str]:
    """Every table of the schema with its columns."""
    lines = [_MSG.text("dictionary.heading"), "", _MSG.text("dictionary.kinds"), ""]
    for t in TABLES.values():
        title = f"### {t.name} {t.zh}" + (_MSG.text("dictionary.optional") if t.optional else "")
        lines += [title, ""]
        if t.note:
            lines += [t.note, ""]
        lines += [_MSG.text("dictionary.table_head"), "|---|---|---|---|---|---|"]
        for c in t.columns:
            sep = _MSG.text("note_sep")
            extra = _MSG.text("enum_sep").join(c.enum) if c.enum else ""
            if c.open_enum:
                extra += _MSG.text("dictionary.open_enum")
            if c.references:
                extra = (extra + sep if extra else "") + f"→ {c.references}"
            if c.note:
                extra = (extra + sep if extra else "") + c.note
            lines.append(
                f"| {c.name} | {c.zh} | {c.kind} {_MSG.text('kind.' + c.kind)} | {'*' if c.required else ''} | {extra} | {'PII' if c.pii else ''} |"
            )
        lines.append("")
    return lines
