"""Funnel counts (docs/DOMAIN.md §1): every count of the sales funnel for many stores × months in one pass per table.

How it is computed (and why it is fast): every event row gets its cell once — the cell is
(store, month) or, per consultant, (store, consultant, month) — by truncating its date to the month
(``datetime64[M]``, so a datetime counts by its date) and looking the month up among the months asked for.
Counts are then ``numpy.bincount`` over the cell codes; distinct-lead counts first drop duplicate
(cell, lead) pairs. The open-lead stock L is counted with an interval difference array along the months
(+1 the month after creation, −1 the month after closing) and a cumulative sum, so no Python loop runs over
stores or months.

Besides the public counts the engine keeps a few internal components (prefixed ``_``: satisfied test drives,
follow-ups due and on time, add-on sales, gross sums, market figures) so that every rate of
:mod:`dealerlab.funnel.rates` is a ratio of sums of components — which also lets several months be pooled
(the diagnosis compares a month with the pooled last 3 months).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab import _long, i18n
from dealerlab.calendar import check_period
from dealerlab.data.schema import TABLES
from dealerlab.i18n import Catalogue
from dealerlab.metrics import variants

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["COUNT_IDS", "CHANNELS", "PRODUCTS", "funnel_counts"]

_MSG = Catalogue.load("funnel/counts")

#: the enum values of the data contract the counts select on (visits.visit_type and calls.call_type, leads.first_contact,
#: sales.channel, followups.kind with the key of its counts, staff.role, leads.status)
_FIRST = "首次"
_AGAIN = "再次"
_CALL = "来电"
_WALK_IN = "到店"
_SHOWROOM = "展厅"
_PROSPECT_FOLLOWUP = "潜客跟踪"
_AFTERSALE_FOLLOWUP = "售后跟踪"
_FOLLOWUP_KINDS = ((_PROSPECT_FOLLOWUP, "_fu"), (_AFTERSALE_FOLLOWUP, "_afu"))
_CONSULTANT = "销售顾问"
_OPEN = "跟进中"

#: sales channels (volume.<channel>): the values of ``sales.channel``, as the metric registry lists their ids
CHANNELS: tuple[str, ...] = variants("volume")
#: add-on products (addon_penetration.<product>): the values of ``addons.product``, as the registry lists their ids
PRODUCTS: tuple[str, ...] = variants("addon_penetration")

#: the public counts, in output order
COUNT_IDS: list[str] = [
    "traffic",
    "FV",
    "FC",
    "W",
    "C",
    "N",
    "CV",
    "L",
    "R",
    "RnoTD",
    "TD",
    "TDi",
    "S_room",
    "S",
    *[f"volume.{c}" for c in CHANNELS],
]

#: counts that can be attributed to a consultant, and the column that attributes them
STAFF_SOURCE = {
    "traffic": "visits.staff_id (reception consultant)",
    "FV": "visits.staff_id (reception consultant)",
    "W": "leads.staff_id",
    "C": "leads.staff_id",
    "N": "leads.staff_id",
    "CV": "leads.staff_id",
    "L": "leads.staff_id",
    "R": "leads.staff_id",
    "RnoTD": "leads.staff_id",
    "TD": "leads.staff_id",
    "TDi": "leads.staff_id",
    "S_room": "sales.staff_id",
    "S": "sales.staff_id",
    **{f"volume.{c}": "sales.staff_id" for c in CHANNELS},
}

_NAT = np.iinfo(np.int64).min


def _months(values) -> np.ndarray:
    """Month numbers (months since 1970-01) of a date column; NaT → a huge negative number."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_datetime64_any_dtype(s):
        s = pd.to_datetime(s, errors="coerce")
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    return s.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)


def _bool(s: pd.Series) -> np.ndarray:
    """A boolean numpy array (missing → False)."""
    return s.astype("boolean").to_numpy(dtype=bool, na_value=False)


def _eq(s: pd.Series, value: str) -> np.ndarray:
    return (s == value).to_numpy(dtype=bool, na_value=False)


def _period_month(period: str) -> int:
    return int(np.datetime64(check_period(period), "M").astype(np.int64))


@dataclass
class Components:
    """The counted cells and their component arrays (internal; see the module docstring).

    ``keys`` holds one row per cell: ``store_id, period`` (+ ``staff_id``). ``values[name]`` is a float array
    aligned with ``keys``; ``missing[name]`` is ``None`` or a ``(zh, en)`` reason applying to every cell
    (a missing table or column); ``cell_reasons[name]`` optionally holds per-cell ``(zh, en)`` reasons for
    cells whose value is NaN (e.g. no market row for that store-month).
    """

    keys: pd.DataFrame
    values: dict[str, np.ndarray] = field(default_factory=dict)
    missing: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    cell_reasons: dict[str, np.ndarray] = field(default_factory=dict)
    by_staff: bool = False


class _Grid:
    """Cells = units × requested months; a unit is a store or a (store, consultant) pair."""

    def __init__(self, stores: list[str], periods: list[str]):
        self.stores = pd.Index(stores, dtype="string")
        self.periods = periods
        months = np.array([_period_month(p) for p in periods], dtype=np.int64)
        self.months = months
        self.lo = int(months.min())
        self.hi = int(months.max())
        self.lookup = np.full(self.hi - self.lo + 1, -1, dtype=np.int64)
        self.lookup[months - self.lo] = np.arange(len(months))
        self.P = len(periods)

    def store_codes(self, s: pd.Series) -> np.ndarray:
        return _lookup(self.stores.to_numpy(dtype=object), s)

    def period_codes(self, month: np.ndarray) -> np.ndarray:
        inside = (month >= self.lo) & (month <= self.hi)
        out = np.full(month.shape, -1, dtype=np.int64)
        out[inside] = self.lookup[month[inside] - self.lo]
        return out


@dataclass
class _Events:
    """Events placed in cells: store code, staff code (-1 = none), period code, optional id code."""

    s: np.ndarray
    f: np.ndarray
    p: np.ndarray
    ids: np.ndarray | None = None
    w: np.ndarray | None = None  # weights (sums instead of counts)
    id_fixes_cell: bool = False  # every row of one id lies in the same cell (add-ons → their sale)


def _arrow_str(values):
    import pyarrow as pa

    arr = pa.array(values.astype("string")) if isinstance(values, pd.Series) else pa.array(values, type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string())


def _lookup(index_ids, ids) -> np.ndarray:
    """Row position in ``index_ids`` (first occurrence) of each of ``ids``; -1 when absent or missing.

    Uses Arrow's hash lookup (``pyarrow.compute.index_in``): no conversion of millions of strings to objects.
    """
    import pyarrow.compute as pc

    got = pc.index_in(_arrow_str(ids), value_set=_arrow_str(index_ids))
    return pc.fill_null(got, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _missing_table(table: str) -> tuple[str, str]:
    return i18n.LABELS.both("missing_table", table=table)


def _missing_column(table: str, column: str) -> tuple[str, str]:
    return i18n.LABELS.both("missing_column", column=f"{table}.{column}")


def _resolve_stores(ds: Dataset, stores: Iterable[str] | None) -> list[str]:
    if stores is not None:
        return _long.store_list(stores)
    if ds.has("stores"):  # in the stores table's order
        return list(dict.fromkeys(ds["stores"]["store_id"].dropna().astype(str).tolist()))
    return _long.stores_in(ds[name] for name in ("leads", "visits", "calls", "test_drives", "sales", "followups")
                           if ds.has(name))


def components(ds: Dataset, *, periods, stores=None, by_staff: bool = False) -> Components:
    """Count every funnel component for ``stores`` × ``periods`` (internal engine of counts, rates and diagnosis).

    Parameters
    ----------
    ds : Dataset
        The client data; tables that are missing give NaN components with the reason "缺少数据表 …".
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids (default: every store of ``stores``, else every store id found in the event tables).
    by_staff : bool
        Count per consultant (cells are store × consultant × month).

    Returns
    -------
    Components
    """
    periods = _long.period_list(periods, required=True)
    grid = _Grid(_resolve_stores(ds, stores), periods)
    # 1. every event row placed in its store × month (its consultant still a row position in its table)
    pl = _Placer(ds, grid)
    for stage in (_place_visits, _place_calls, _place_leads, _place_test_drives, _place_sales, _place_followups):
        stage(pl)
    # 2. the units: stores, or (store, consultant) pairs
    units = _consultant_units(pl) if by_staff else _Units(np.arange(len(grid.stores)), _store_unit)
    # 3. counts and sums per cell
    values = _count(pl.ev, units, grid.P)
    if pl.leads is not None:
        values["L"] = _open_leads(pl.leads, grid, pl.lead_created_m, units.unit_of,
                                  units.lead_codes if by_staff else None, len(units.units))
    missing = pl.missing
    cell_reasons = _market(ds, grid, values, missing, by_staff=by_staff, ncell=len(units.units) * grid.P)
    if by_staff:
        for k in ("FC", "_fu_due", "_fu_ok", "_afu_due", "_afu_ok"):
            if k in values or k in missing:
                values.pop(k, None)
                missing[k] = _MSG.both("no_consultant_column")
    # missing components → NaN
    for name, why in missing.items():
        if why is not None:
            values[name] = np.full(len(units.units) * grid.P, np.nan)
    # 4. the cells' keys (per consultant: the months they were employed or active)
    if by_staff:
        keys, keep = _consultant_keys(grid, units, values, missing)
        values = {k: v[keep] for k, v in values.items()}
        cell_reasons = {k: v[keep] for k, v in cell_reasons.items()}
    else:
        u_rep = np.repeat(np.arange(len(units.units)), grid.P)
        p_rep = np.tile(np.arange(grid.P), len(units.units))
        keys = pd.DataFrame({
            "store_id": pd.array(grid.stores.to_numpy()[u_rep], dtype="string"),
            "period": pd.array(np.asarray(periods, dtype=object)[p_rep], dtype="string"),
        })
    return Components(keys, values, missing, cell_reasons, by_staff)


class _Placer:
    """Places the rows of the event tables in the grid's cells: the events (``ev``) and the components that cannot be
    counted, with their reason (``missing``). The staff column of an event holds a row position in its table
    (visits, leads or sales); the consultant codes are assigned once every staff id is known (:func:`_consultant_units`).
    """

    def __init__(self, ds: Dataset, grid: _Grid):
        self.ds = ds
        self.grid = grid
        self.ev: dict[str, _Events] = {}
        self.missing: dict[str, tuple[str, str] | None] = {}
        self.staff_vals: list[pd.Series] = []  # every consultant id met (by_staff)
        self.raw_staff: dict[str, pd.Series] = {}  # the staff columns of visits and sales, as strings
        self.cache: dict = {}  # (id(table), date column) → (store codes, period codes, table)
        self._lead_pos: dict = {}
        self.leads = ds["leads"] if ds.has("leads") else None
        if self.leads is not None:
            self.lead_staff = self.leads["staff_id"].astype("string")
            self.lead_first = self.leads["first_contact"].astype("string")
            self.lead_created_m = _months(self.leads["created_date"])
            self.staff_vals.append(self.lead_staff)

    def absent(self, names, reason: tuple[str, str]) -> None:
        for name in names:
            self.missing[name] = reason

    def lead_attr(self, table: pd.DataFrame) -> np.ndarray:
        """Row positions in leads of ``table.lead_id`` (or -1); once per table."""
        if self.leads is None:
            return np.full(len(table), -1, dtype=np.int64)
        if id(table) not in self._lead_pos:
            self._lead_pos[id(table)] = _lookup(self.leads["lead_id"], table["lead_id"])
        return self._lead_pos[id(table)]

    def place(self, df: pd.DataFrame, date_col: str, staff: np.ndarray | None, mask: np.ndarray | None = None,
              ids: np.ndarray | None = None, w: np.ndarray | None = None) -> _Events:
        key = (id(df), date_col)
        if key not in self.cache:  # each table's cells are computed once
            self.cache[key] = (self.grid.store_codes(df["store_id"]), self.grid.period_codes(_months(df[date_col])), df)
        s, p, _ = self.cache[key]
        keep = (s >= 0) & (p >= 0)
        if mask is not None:
            keep &= mask
        return _Events(
            s[keep],
            (np.asarray(staff)[keep] if staff is not None else np.full(int(keep.sum()), -1)),
            p[keep],
            None if ids is None else np.asarray(ids)[keep],
            None if w is None else np.asarray(w, dtype=float)[keep],
        )


def _place_visits(pl: _Placer) -> None:
    """traffic, FV (reception consultant); R, RnoTD, CV (lead owner)."""
    ds, ev, leads = pl.ds, pl.ev, pl.leads
    if not ds.has("visits"):
        pl.absent(("traffic", "FV", "CV", "R", "RnoTD"), _missing_table("visits"))
        return
    v = ds["visits"]
    first = _eq(v["visit_type"], _FIRST)
    again = _eq(v["visit_type"], _AGAIN)
    vstaff = v["staff_id"].astype("string")
    pl.staff_vals.append(vstaff)
    pl.raw_staff["visits"] = vstaff
    ev["traffic"] = pl.place(v, "visit_date", np.arange(len(v)))
    ev["FV"] = pl.place(v, "visit_date", np.arange(len(v)), first)
    if leads is None:
        pl.absent(("CV", "R", "RnoTD"), _missing_table("leads"))
        return
    pos = pl.lead_attr(v)
    has_lead = pos >= 0
    is_call_lead = np.zeros(len(v), dtype=bool)
    is_call_lead[has_lead] = (pl.lead_first.to_numpy(dtype=object, na_value=None)[pos[has_lead]] == _CALL)
    ev["CV"] = pl.place(v, "visit_date", pos, first & is_call_lead, ids=pos)
    ev["R"] = pl.place(v, "visit_date", pos, again & has_lead, ids=pos)
    # RnoTD: a revisit in M by a lead with no test drive dated before start(M)
    if not ds.has("test_drives"):
        pl.missing["RnoTD"] = _missing_table("test_drives")
        return
    td = ds["test_drives"]
    tpos = pl.lead_attr(td)
    tm = _months(td["drive_date"])
    ok = (tpos >= 0) & (tm != _NAT)
    first_td = np.full(len(leads), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_td, tpos[ok], tm[ok])
    vm = _months(v["visit_date"])
    no_earlier = np.ones(len(v), dtype=bool)
    no_earlier[has_lead] = first_td[pos[has_lead]] >= vm[has_lead]
    ev["RnoTD"] = pl.place(v, "visit_date", pos, again & has_lead & no_earlier, ids=pos)


def _place_calls(pl: _Placer) -> None:
    """FC (no consultant column)."""
    if pl.ds.has("calls"):
        c = pl.ds["calls"]
        pl.ev["FC"] = pl.place(c, "call_date", None, _eq(c["call_type"], _FIRST))
    else:
        pl.missing["FC"] = _missing_table("calls")


def _place_leads(pl: _Placer) -> None:
    """W, C, N (created in M); L (open at start of M) is counted apart (:func:`_open_leads`)."""
    leads = pl.leads
    if leads is None:
        pl.absent(("W", "C", "N", "L"), _missing_table("leads"))
        return
    pos_all = np.arange(len(leads))
    pl.ev["W"] = pl.place(leads, "created_date", pos_all, _eq(pl.lead_first, _WALK_IN))
    pl.ev["C"] = pl.place(leads, "created_date", pos_all, _eq(pl.lead_first, _CALL))
    pl.ev["N"] = pl.place(leads, "created_date", pos_all)


def _place_test_drives(pl: _Placer) -> None:
    """TD, TDi (distinct leads), satisfaction components (rows)."""
    ds, ev = pl.ds, pl.ev
    if not ds.has("test_drives"):
        pl.absent(("TD", "TDi", "_td_rows", "_td_satisfied", "_td_reached", "_td_sat_reached"),
                  _missing_table("test_drives"))
        return
    td = ds["test_drives"]
    tpos = pl.lead_attr(td)
    # a test drive whose lead is not in leads still counts for the store (its consultant is unknown)
    tid_codes = pd.factorize(td["lead_id"].astype("string"))[0]
    tid_codes = np.where(tid_codes >= 0, tid_codes, -1 - np.arange(len(td)))  # blank lead: one per row
    invited = _bool(td["invited"])
    ev["TD"] = pl.place(td, "drive_date", tpos, ids=tid_codes)
    ev["TDi"] = pl.place(td, "drive_date", tpos, invited, ids=tid_codes)
    ev["_td_rows"] = pl.place(td, "drive_date", tpos)
    sat_known = td["satisfied"].notna().to_numpy()
    if sat_known.any() or len(td) == 0:
        satisfied = _bool(td["satisfied"])
        reached = td["callback_reached"].astype("boolean")
        # reached unknown but a satisfaction answer given → the call was reached
        reached = reached.fillna(pd.Series(sat_known, index=td.index)).to_numpy(dtype=bool, na_value=False)
        ev["_td_satisfied"] = pl.place(td, "drive_date", tpos, satisfied)
        ev["_td_reached"] = pl.place(td, "drive_date", tpos, reached)
        ev["_td_sat_reached"] = pl.place(td, "drive_date", tpos, satisfied & reached)
    else:
        pl.absent(("_td_satisfied", "_td_reached", "_td_sat_reached"), _missing_column("test_drives", "satisfied"))


_ADDON_KEYS = ["_addon_sales", "_addon_gross", *[f"_addon_sales.{p}" for p in PRODUCTS]]


def _place_sales(pl: _Placer) -> None:
    """S, S_room, volume by channel, gross; add-ons through their sale (:func:`_place_addons`)."""
    ds, ev = pl.ds, pl.ev
    if not ds.has("sales"):
        pl.absent(["S", "S_room", *[f"volume.{c}" for c in CHANNELS], "_gross_n", "_gross_sum"], _missing_table("sales"))
        pl.absent(_ADDON_KEYS, _missing_table("sales"))
        return
    sa = ds["sales"]
    sstaff = sa["staff_id"].astype("string")
    pl.staff_vals.append(sstaff)
    pl.raw_staff["sales"] = sstaff
    srow = np.arange(len(sa))
    ev["S"] = pl.place(sa, "invoice_date", srow)
    for ch in CHANNELS:
        ev[f"volume.{ch}"] = pl.place(sa, "invoice_date", srow, _eq(sa["channel"], ch))
    ev["S_room"] = pl.place(sa, "invoice_date", srow, _eq(sa["channel"], _SHOWROOM))
    gp = sa["gross_profit"].to_numpy(dtype=float, na_value=np.nan)
    if np.isfinite(gp).any() or len(sa) == 0:
        ok = np.isfinite(gp)
        ev["_gross_n"] = pl.place(sa, "invoice_date", srow, ok)
        ev["_gross_sum"] = pl.place(sa, "invoice_date", srow, ok, w=np.where(ok, gp, 0.0))
    else:
        pl.absent(("_gross_n", "_gross_sum"), _missing_column("sales", "gross_profit"))
    if ds.has("addons"):
        _place_addons(pl, sa)
    else:
        pl.absent(_ADDON_KEYS, _missing_table("addons"))


def _place_addons(pl: _Placer, sa: pd.DataFrame) -> None:
    """Distinct sales with an add-on (per product) and the add-ons' gross, in the cell of their sale."""
    ev = pl.ev
    ad = pl.ds["addons"]
    apos = _lookup(sa["sale_id"], ad["sale_id"])
    found = apos >= 0
    s_sale, p_sale, _ = pl.cache[(id(sa), "invoice_date")]
    take = np.where(found, apos, 0)
    adf = pd.DataFrame(index=pd.RangeIndex(len(ad)))  # placeholder: cells come from the sale of each add-on
    pl.cache[(id(adf), "invoice_date")] = (np.where(found, s_sale[take], -1), np.where(found, p_sale[take], -1), adf)
    ev["_addon_sales"] = pl.place(adf, "invoice_date", np.where(found, apos, -1), found, ids=apos)
    ev["_addon_sales"].id_fixes_cell = True
    prod = ad["product"].astype("string").reset_index(drop=True)
    for pr in PRODUCTS:
        ev[f"_addon_sales.{pr}"] = pl.place(adf, "invoice_date", apos, found & _eq(prod, pr), ids=apos)
        ev[f"_addon_sales.{pr}"].id_fixes_cell = True
    agp = ad["gross_profit"].to_numpy(dtype=float, na_value=np.nan)
    if np.isfinite(agp).any() or len(ad) == 0:
        ev["_addon_gross"] = pl.place(adf, "invoice_date", apos, found, w=np.nan_to_num(agp, nan=0.0))
    else:
        pl.missing["_addon_gross"] = _missing_column("addons", "gross_profit")


def _place_followups(pl: _Placer) -> None:
    """Follow-ups due in M and done on time (store level only)."""
    if not pl.ds.has("followups"):
        pl.absent(("_fu_due", "_fu_ok", "_afu_due", "_afu_ok"), _missing_table("followups"))
        return
    fu = pl.ds["followups"]
    done = fu["done_date"].to_numpy(dtype="datetime64[ns]")
    due = fu["due_date"].to_numpy(dtype="datetime64[ns]")
    on_time = ~np.isnat(done) & (done.astype("datetime64[D]") <= due.astype("datetime64[D]"))
    for kind, key in _FOLLOWUP_KINDS:
        is_kind = _eq(fu["kind"], kind)
        pl.ev[f"{key}_due"] = pl.place(fu, "due_date", None, is_kind)
        pl.ev[f"{key}_ok"] = pl.place(fu, "due_date", None, is_kind & on_time)


@dataclass
class _Units:
    """The counted units (store codes, or store code × NS + consultant code, sorted) and the event → unit map."""

    units: np.ndarray
    unit_of: Callable[[np.ndarray, np.ndarray], np.ndarray]
    staff_index: pd.Index | None = None
    lead_codes: np.ndarray | None = None  # consultant code of each lead's owner
    employed: tuple[np.ndarray, np.ndarray] | None = None  # (unit keys, employed-in-month matrix) of the 销售顾问


def _store_unit(s: np.ndarray, f: np.ndarray) -> np.ndarray:
    return s


def _consultant_units(pl: _Placer) -> _Units:
    """Consultant codes for every event (in place) and the units: every (store, consultant) with an attributed event
    in the months asked for, the staff table's 销售顾问 employed in one of them, and the owners of open leads."""
    ds, grid, ev, leads = pl.ds, pl.grid, pl.ev, pl.leads
    # consultant codes: every staff id met in the attributing columns (+ staff table's 销售顾问)
    extra = []
    if ds.has("staff"):
        extra.append(ds["staff"]["staff_id"].astype("string"))
    allstaff = pd.concat([*pl.staff_vals, *extra], ignore_index=True).dropna()
    staff_index = pd.Index(pd.unique(allstaff), dtype="string")
    # translate the "f" arrays: visits → visit row, leads-based → lead row, sales → sale row
    lead_codes = staff_index.get_indexer(pl.lead_staff) if leads is not None else None
    visit_codes = staff_index.get_indexer(pl.raw_staff["visits"]) if "visits" in pl.raw_staff else None
    sale_codes = staff_index.get_indexer(pl.raw_staff["sales"]) if "sales" in pl.raw_staff else None
    via = {
        "traffic": visit_codes, "FV": visit_codes,
        "W": lead_codes, "C": lead_codes, "N": lead_codes, "CV": lead_codes, "R": lead_codes,
        "RnoTD": lead_codes, "TD": lead_codes, "TDi": lead_codes,
        "_td_rows": lead_codes, "_td_satisfied": lead_codes, "_td_reached": lead_codes, "_td_sat_reached": lead_codes,
    }
    for name, e in ev.items():
        codes = via.get(name)
        if codes is None and (name in ("S", "S_room", "_gross_n", "_gross_sum", "_addon_gross")
                              or name.startswith("volume.") or name.startswith("_addon_sales")):
            codes = sale_codes
        if codes is None:
            e.f = np.full(len(e.s), -1)
        else:
            f = np.full(len(e.s), -1, dtype=np.int64)
            okf = e.f >= 0
            f[okf] = codes[e.f[okf]]
            e.f = f
    NS = len(staff_index)
    unit_keys = [e.s[e.f >= 0] * NS + e.f[e.f >= 0] for e in ev.values()]
    employed = None
    if ds.has("staff"):
        st = ds["staff"]
        consultant = _eq(st["role"], _CONSULTANT)
        ss = grid.store_codes(st["store_id"])
        sf = staff_index.get_indexer(st["staff_id"].astype("string"))
        hire = _months(st["hire_date"])
        leave = _months(st["leave_date"])
        leave = np.where(leave == _NAT, np.iinfo(np.int64).max, leave)
        ok = consultant & (ss >= 0) & (sf >= 0)
        # employed in M: hired by end(M) and not left before start(M)
        emp = (hire[ok, None] <= grid.months[None, :]) & (leave[ok, None] >= grid.months[None, :])
        employed = (ss[ok] * NS + sf[ok], emp)
        unit_keys.append((ss[ok] * NS + sf[ok])[emp.any(axis=1)])
    # L contributes units too (open leads of a consultant)
    if leads is not None:
        ls = grid.store_codes(leads["store_id"])
        okl = (ls >= 0) & (lead_codes >= 0)
        unit_keys.append(ls[okl] * NS + lead_codes[okl])
    units = np.unique(np.concatenate(unit_keys)) if unit_keys else np.array([], dtype=np.int64)

    def unit_of(s, f):
        key = s * NS + f
        u = np.searchsorted(units, key)
        u = np.minimum(u, max(len(units) - 1, 0))
        good = (f >= 0) & (len(units) > 0)
        good &= units[u] == key if len(units) else False
        return np.where(good, u, -1)

    return _Units(units, unit_of, staff_index, lead_codes, employed)


def _count(ev: dict[str, _Events], units: _Units, P: int) -> dict[str, np.ndarray]:
    """Per component, the count (distinct ids where the events carry ids) or the weighted sum of every cell."""
    ncell = len(units.units) * P
    values: dict[str, np.ndarray] = {}
    for name, e in ev.items():
        u = units.unit_of(e.s, e.f)
        ok = u >= 0
        cell = u[ok] * P + e.p[ok]
        if e.ids is not None and e.id_fixes_cell:
            # distinct ids with a bitmap (O(n), no hashing): the cell of an id is the cell of any of its rows
            ids = e.ids[ok]
            if len(ids):
                mark = np.zeros(int(ids.max()) + 1, dtype=bool)
                mark[ids] = True
                cell_of = np.zeros(len(mark), dtype=np.int64)
                cell_of[ids] = cell
                cell = cell_of[np.flatnonzero(mark)]
        elif e.ids is not None:
            ids = e.ids[ok]
            # distinct (cell, id): ids may be negative (unknown leads) — shift to non-negative
            ids = ids - ids.min() if len(ids) else ids
            pair = cell.astype(np.int64) * (int(ids.max()) + 1 if len(ids) else 1) + ids
            uniq = np.unique(pair)
            cell = uniq // (int(ids.max()) + 1 if len(ids) else 1)
        if e.w is not None:
            values[name] = np.bincount(cell, weights=e.w[ok], minlength=ncell).astype(float)
        else:
            values[name] = np.bincount(cell, minlength=ncell).astype(float)
    return values


def _market(ds: Dataset, grid: _Grid, values: dict, missing: dict, *, by_staff: bool, ncell: int) -> dict:
    """The market components (store × month; volume plan, regional volume) into ``values``, with per-cell reasons
    for cells without a market figure (returned)."""
    cell_reasons: dict[str, np.ndarray] = {}
    if not ds.has("market"):
        missing["_vp"] = missing["_region"] = _missing_table("market")
        return cell_reasons
    mk = ds["market"]
    ms = grid.store_codes(mk["store_id"])
    mp = grid.period_codes(_months(pd.to_datetime(mk["period"].astype("string") + "-01", errors="coerce")))
    okm = (ms >= 0) & (mp >= 0)
    for col, key in (("volume_plan", "_vp"), ("region_volume", "_region")):
        vals = mk[col].to_numpy(dtype=float, na_value=np.nan)
        if by_staff:
            missing[key] = _MSG.both("market_store_level")
            continue
        arr = np.full(ncell, np.nan)
        have = np.zeros(ncell, dtype=bool)
        cells = ms[okm] * grid.P + mp[okm]
        have[cells] = True
        sums = pd.Series(vals[okm]).groupby(cells).sum(min_count=1)
        arr[sums.index.to_numpy()] = sums.to_numpy()
        values[key] = arr
        zh_col = TABLES["market"].column(col).zh
        reason = np.where(
            ~have,
            _MSG.text("no_market_row", "zh"),
            np.where(np.isnan(arr), _MSG.get("market_empty", "zh", column=zh_col), ""),
        ).astype(object)
        reason_en = np.where(~have, _MSG.text("no_market_row", "en"),
                             np.where(np.isnan(arr), _MSG.get("market_empty", "en", column=col), "")).astype(object)
        cell_reasons[key] = np.array(list(zip(reason, reason_en)), dtype=object) if ncell else np.empty(0, dtype=object)
    return cell_reasons


def _consultant_keys(grid: _Grid, units: _Units, values: dict, missing: dict) -> tuple[pd.DataFrame, np.ndarray]:
    """The keys of the consultant-months kept (employed then or with any activity) and the mask of those cells."""
    U, P = len(units.units), grid.P
    NS = len(units.staff_index)
    u_rep = np.repeat(np.arange(U), P)
    p_rep = np.tile(np.arange(P), U)
    s_code = units.units // NS if U else np.array([], dtype=np.int64)
    f_code = units.units % NS if U else np.array([], dtype=np.int64)
    keys = pd.DataFrame({
        "store_id": pd.array(grid.stores.to_numpy()[s_code[u_rep]], dtype="string"),
        "period": pd.array(np.asarray(grid.periods, dtype=object)[p_rep], dtype="string"),
        "staff_id": pd.array(units.staff_index.to_numpy()[f_code[u_rep]], dtype="string"),
    })
    active = np.zeros(U * P, dtype=bool)
    for name in COUNT_IDS:
        if name in values and name not in missing:
            active |= np.nan_to_num(values[name]) > 0
    if units.employed is not None:
        ukeys, emp = units.employed
        eu = np.searchsorted(units.units, ukeys)
        eu = np.minimum(eu, max(U - 1, 0))
        hit = (units.units[eu] == ukeys) if U else np.zeros(len(ukeys), dtype=bool)
        for i in np.flatnonzero(hit):
            active[eu[i] * P + np.flatnonzero(emp[i])] = True
    return keys[active].reset_index(drop=True), active


def _open_leads(leads: pd.DataFrame, grid: _Grid, created_m: np.ndarray, unit_of, staff_codes, U: int) -> np.ndarray:
    """L per cell: leads created before start(M) and not closed before start(M).

    A lead is in L for the months M with created_month < M ≤ end, where end = the month of closed_date
    (closed_date ≥ start(M) ⇔ its month ≥ M) or +∞ while the status is 跟进中. A closed lead without a
    closed_date is in no L (docs/DOMAIN.md: it is neither 跟进中 nor closed on/after start(M)).
    """
    s = grid.store_codes(leads["store_id"])
    f = staff_codes if staff_codes is not None else np.full(len(leads), -1)
    u = unit_of(s, f) if staff_codes is not None else s
    is_open = _eq(leads["status"], _OPEN)
    closed_m = _months(leads["closed_date"])
    big = np.iinfo(np.int64).max // 4
    end = np.where(is_open, big, np.where(closed_m == _NAT, _NAT, closed_m))
    start = np.where(created_m == _NAT, big, created_m + 1)
    span = grid.hi - grid.lo + 1
    a = np.clip(start, grid.lo, grid.hi + 1) - grid.lo
    b = np.clip(np.where(end == _NAT, grid.lo - 1, end), grid.lo - 1, grid.hi) + 1 - grid.lo
    ok = (u >= 0) & (a < b) & (s >= 0)
    diff = np.zeros((max(U, 0), span + 1), dtype=np.int64)
    np.add.at(diff, (u[ok], a[ok]), 1)
    np.add.at(diff, (u[ok], b[ok]), -1)
    dense = np.cumsum(diff, axis=1)[:, :span]
    sel = dense[:, grid.months - grid.lo]  # U × P in the order of the periods asked for
    return sel.reshape(-1).astype(float)


def funnel_counts(ds: Dataset, *, periods, stores=None, by_staff: bool = False) -> pd.DataFrame:
    """Every funnel count of docs/DOMAIN.md §1 for ``stores`` × ``periods`` (vectorised; see the module docstring).

    Parameters
    ----------
    ds : Dataset
        Tables used: ``visits``, ``calls``, ``leads``, ``test_drives``, ``sales``. A missing table gives
        ``<NA>`` counts (``long_metrics`` carries the reason "缺少数据表 …"); nothing raises.
    periods : iterable of str
        Months ``YYYY-MM``, in the order wanted.
    stores : iterable of str, optional
        Store ids (default: every store in ``stores``).
    by_staff : bool
        One row per store × month × consultant instead (see ``STAFF_SOURCE`` for the column that attributes
        each count; counts with no consultant column, FC, are ``<NA>``). Events without a consultant are
        left out of the per-consultant rows but kept in the store rows.

    Returns
    -------
    DataFrame
        ``store_id, period`` (+ ``staff_id``), then ``traffic, FV, FC, W, C, N, CV, L, R, RnoTD, TD, TDi,
        S_room, S, volume.展厅, volume.二级网络, volume.大客户`` as ``Int64``; one row per store × period
        (stores outer, periods in the order given).

    Notes
    -----
    - FV/FC/W/C/N/traffic/S: rows dated in M (a datetime counts by its date).
    - CV: distinct leads whose ``first_contact`` is 来电 with a 首次 visit in M, whatever month they were created.
    - L: leads created before start(M) whose status is 跟进中 or whose ``closed_date`` ≥ start(M).
    - R: distinct leads with a 再次 visit in M; RnoTD: those of them with no test drive dated before start(M).
    - TD: distinct leads with a test drive in M (a test drive whose lead is unknown counts once per row);
      TDi: distinct leads with an invited test drive in M (``invited`` blank = 否).
    """
    comp = components(ds, periods=periods, stores=stores, by_staff=by_staff)
    out = comp.keys.copy()
    for name in COUNT_IDS:
        arr = comp.values[name]
        out[name] = pd.array(np.where(np.isnan(arr), 0, arr).astype(np.int64), dtype="Int64")
        if np.isnan(arr).any():
            out.loc[np.isnan(arr), name] = pd.NA
    return out
