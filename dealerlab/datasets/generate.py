"""The synthetic dealer group: every table of docs/DATA.md, seeded, internally consistent, with teaching cases planted.

One store is simulated at a time with vectorised numpy draws, so 50 stores × 24 months (millions of rows) stay fast.
Each store draws from its own child of ``numpy.random.SeedSequence(seed)``, so the same seed gives identical tables.

How the sales funnel is simulated (the counts of docs/DOMAIN.md §1 come out of it):

* leads are created every month (Poisson around consultants × leads per consultant × season × ``scale``) with a first
  contact 到店 / 来电 / 网络; a 到店 lead has its 首次 visit on its creation day, a 来电 or 网络 lead visits for the first
  time (首次, with its lead_id) with some probability a few days later (that makes CV);
* visitors come back (再次 visits, R), take test drives at the first visit or at a return visit (TD), and close:
  won leads get a sale (channel 展厅, same lead_id, staff = the consultant who owns the lead at invoice time,
  lead.closed_date = order_date ≤ invoice_date), lost leads close as 战败 some days after their last contact;
  a lead whose closing falls after the last day stays 跟进中 (those make L);
* anonymous first visits and first calls (no lead_id) are added so that capture = (W + C)/(FV + FC) hits the store's rate;
* the simulation starts two months before the first month (warm-up) so that L of the first month is realistic; events
  dated before the first month are dropped, leads still open on the first day are kept (their created_date is earlier).

Staff work in "slots": when someone leaves, a replacement is hired the same day (hire_date = leave_date), so headcount
is stable while sales consultants turn over at 5–7 % a month.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dealerlab.calendar import check_period
from dealerlab.data.dataset import Dataset
from dealerlab.data.defaults import OVERALL_ITEM, default_survey_items
from dealerlab.data.schema import FRONTLINE_ROLES, TABLES
from dealerlab.datasets import _names
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

__all__ = ["GroupConfig", "generate", "DEFAULT_SEED"]

_MSG = Catalogue.load("datasets/generate")

DEFAULT_SEED = 20261023
WARMUP_MONTHS = 2

#: car-market seasonality by calendar month (Chinese New Year dip in Feb, 金九银十, year-end push)
SEASON = {1: 1.05, 2: 0.72, 3: 0.95, 4: 0.95, 5: 1.0, 6: 1.06, 7: 0.9, 8: 0.95, 9: 1.08, 10: 1.1, 11: 1.0, 12: 1.12}

_EPOCH = np.datetime64("1970-01-01", "D")


@dataclass(frozen=True)
class GroupConfig:
    """Parameters of a synthetic dealer group.

    Attributes
    ----------
    seed : int
        Seed of the ``numpy.random.SeedSequence`` every draw derives from.
    stores : int
        Number of stores (S01, S02, ...). Stores S01–S03 carry the planted teaching cases.
    months : int
        Number of calendar months, ending with ``end``.
    end : str
        Last month ``YYYY-MM``.
    commercial_share : float
        Share of stores with business 商用车 (spread evenly; with 3 stores and 1/3, S03 is the commercial store).
    scale : float
        Multiplies every volume (leads, visits, sales, service orders, complaints).
    """

    seed: int = DEFAULT_SEED
    stores: int = 3
    months: int = 12
    end: str = "2026-10"
    commercial_share: float = 1 / 3
    scale: float = 1.0

    def __post_init__(self) -> None:
        check_period(self.end, name="end")
        if self.stores < 1 or self.months < 1:
            raise ParameterError(*_MSG.both("too_small", stores=self.stores, months=self.months))
        if not 0 <= self.commercial_share <= 1:
            raise ParameterError(*_MSG.both("bad_commercial_share", commercial_share=self.commercial_share))
        if self.scale <= 0:
            raise ParameterError(*_MSG.both("bad_scale", scale=self.scale))


# ----------------------------------------------------------------------------------------------------------- calendar
@dataclass
class _Cal:
    periods: list[str]  # simulated months (warm-up included)
    first: int  # index of the first reported month in ``periods``
    mstart: np.ndarray  # day number of each month's first day (len = months + 1, last = day after the end)
    start_day: int  # first reported day
    end_day: int  # last reported day
    days: np.ndarray  # every simulated day number
    dow: np.ndarray  # weekday of each day (0 = Monday)
    month_of_day: np.ndarray

    def month_index(self, day: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.mstart, day, side="right") - 1

    def sample(self, rng: np.random.Generator, month_idx: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """One day per entry of ``month_idx``, within that month, drawn with day ``weights``."""
        cw0 = np.concatenate([[0.0], np.cumsum(weights)])
        lo = cw0[self.mstart[month_idx] - self.days[0]]
        hi = cw0[self.mstart[month_idx + 1] - self.days[0]]
        u = lo + rng.random(len(month_idx)) * (hi - lo)
        pos = np.searchsorted(cw0, u, side="right") - 1
        pos = np.clip(pos, 0, len(weights) - 1)
        return self.days[pos]


def _calendar(end: str, months: int) -> _Cal:
    last = pd.Period(end, freq="M")
    periods = [str(last - k) for k in range(months + WARMUP_MONTHS - 1, -1, -1)]
    starts = [pd.Period(p, freq="M").start_time for p in periods] + [(last + 1).start_time]
    mstart = np.array([(np.datetime64(s.date(), "D") - _EPOCH).astype(int) for s in starts], dtype=np.int64)
    days = np.arange(mstart[0], mstart[-1], dtype=np.int64)
    dow = (days + 3) % 7  # 1970-01-01 was a Thursday
    cal = _Cal(periods, WARMUP_MONTHS, mstart, int(mstart[WARMUP_MONTHS]), int(mstart[-1] - 1), days, dow, np.array([]))
    cal.month_of_day = cal.month_index(days)
    return cal


def _to_dates(day: np.ndarray) -> np.ndarray:
    """Day numbers (−1 = missing) → datetime64[ns] with NaT."""
    day = np.asarray(day, dtype=np.int64)
    out = (day.astype("datetime64[D]")).astype("datetime64[ns]")
    out[day < 0] = np.datetime64("NaT")
    return out


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


def _geom(rng: np.random.Generator, p: float, n: int) -> np.ndarray:
    """Geometric number of extra days ≥ 0."""
    return rng.geometric(p, n) - 1


def _bool(mask: np.ndarray, valid: np.ndarray | None = None) -> pd.arrays.BooleanArray:
    arr = pd.array(np.asarray(mask, dtype=bool), dtype="boolean")
    if valid is not None:
        arr[~np.asarray(valid, dtype=bool)] = pd.NA
    return arr


def _opt(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Object array with None where ``present`` is false (blank text/id cells)."""
    out = np.asarray(values).astype(object)
    out[~np.asarray(present, dtype=bool)] = None
    return out


# -------------------------------------------------------------------------------------------------------- store spec
@dataclass
class _Store:
    idx: int
    store_id: str
    business: str
    brand: str
    models: list[str]
    price_band: tuple[int, int]
    city: str
    region: str
    name: str
    open_day: int
    p: dict = field(default_factory=dict)


def _profile(idx: int, business: str, rng: np.random.Generator) -> dict:
    """Funnel and operations parameters of a store; planted stores get fixed values."""
    passenger = business == "乘用车"
    p = dict(
        n_consultants=int(rng.integers(7, 11)) if passenger else int(rng.integers(5, 7)),
        leads_per_consultant=float(rng.uniform(33, 38)) if passenger else float(rng.uniform(26, 30)),
        contact_mix=(0.5, 0.3, 0.2) if passenger else (0.42, 0.43, 0.15),
        capture=float(rng.uniform(0.70, 0.76)),
        p_visit_call=float(rng.uniform(0.38, 0.46)),
        p_visit_online=float(rng.uniform(0.40, 0.50)),
        p_revisit=float(rng.uniform(0.36, 0.44)),
        td_first=float(rng.uniform(0.47, 0.52)),
        td_return=float(rng.uniform(0.44, 0.5)),
        win_td=float(rng.uniform(0.50, 0.56)),
        win_visit=float(rng.uniform(0.16, 0.2)),
        win_novisit=0.03,
        subdealer=float(rng.uniform(6, 10)) if passenger else float(rng.uniform(8, 12)),
        fleet=float(rng.uniform(1, 3)) if passenger else float(rng.uniform(14, 20)),
        ros=float(rng.uniform(480, 560)) if passenger else float(rng.uniform(300, 360)),
        comeback=float(rng.uniform(0.025, 0.035)),
        booths=2,
        booth_util=float(rng.uniform(0.70, 0.80)),
        ontime_lead=float(rng.uniform(0.88, 0.93)),
        ontime_sale=float(rng.uniform(0.88, 0.94)),
        sat_base=float(rng.uniform(7.6, 7.9)),
        accounts=8 if passenger else 36,
        complaints=float(rng.uniform(5, 8)),
        skill_sigma=0.2,
        weak_slot=None,
    )
    if idx == 0:  # S01: funnel bottleneck at the test drive, comeback rise and fall
        p.update(n_consultants=9, leads_per_consultant=40.0, td_first=0.37, td_return=0.33, capture=0.72, ontime_lead=0.86)
    elif idx == 1:  # S02: paint booths under 60 %, a weak consultant, the team's miss-and-make-up
        p.update(n_consultants=8, booths=3, booth_util=0.50, weak_slot=0, leads_per_consultant=36.0)
    elif idx == 2 and not passenger:
        p.update(n_consultants=6)
    return p


def _stores(cfg: GroupConfig, rng: np.random.Generator) -> list[_Store]:
    out = []
    n_pass = n_comm = 0
    for i in range(cfg.stores):
        commercial = int(np.floor((i + 1) * cfg.commercial_share + 1e-9)) > int(np.floor(i * cfg.commercial_share + 1e-9))
        business = "商用车" if commercial else "乘用车"
        if commercial:
            brand, models, band = _names.COMMERCIAL_BRANDS[n_comm % len(_names.COMMERCIAL_BRANDS)]
            n_comm += 1
        else:
            brand, models, band = _names.PASSENGER_BRANDS[n_pass % len(_names.PASSENGER_BRANDS)]
            n_pass += 1
        city, region, stem = _names.CITIES[i % len(_names.CITIES)]
        if i >= len(_names.CITIES):
            stem = stem + "二" if i < 2 * len(_names.CITIES) else stem + str(i // len(_names.CITIES) + 1)
        kind = "商用车销售服务有限公司" if commercial else "汽车销售服务有限公司"
        name = f"{city}{stem}{brand}{kind}"
        open_day = int((np.datetime64(f"{2008 + int(rng.integers(0, 12))}-0{int(rng.integers(1, 10))}-01", "D") - _EPOCH).astype(int))
        sid = f"S{i + 1:02d}"
        out.append(_Store(i, sid, business, brand, list(models), band, city, region, name, open_day, _profile(i, business, rng)))
    return out


# -------------------------------------------------------------------------------------------------------------- staff
def _roster(st: _Store) -> list[tuple[str, str, int, float, str]]:
    """(department, role, count, monthly leaving rate, dept_class) of a store."""
    p = st.p
    passenger = st.business == "乘用车"
    bp = 12 if st.idx == 1 else (6 if passenger else 5)
    return [
        ("总经理室", "总经理", 1, 0.005, "固定"),
        ("销售部", "销售经理", 1, 0.02, "可变"),
        ("销售部", "展厅经理", 1, 0.03, "可变"),
        ("销售部", "销售顾问", p["n_consultants"], 0.06, "可变"),
        ("销售部", "试乘试驾专员", 1, 0.04, "可变"),
        ("销售部", "内训师", 1, 0.02, "可变"),
        ("销售部", "前台接待", 2, 0.04, "可变"),
        ("市场部", "市场经理", 1, 0.02, "其他"),
        ("客服部", "客服经理", 1, 0.02, "其他"),
        ("客服部", "客服专员", 2, 0.03, "其他"),
        ("售后部", "服务经理", 1, 0.015, "可变"),
        ("售后部", "服务顾问", 4 if passenger else 3, 0.03, "可变"),
        ("售后部", "技师", 10 if passenger else 8, 0.02, "可变"),
        ("售后部", "钣喷技师", bp, 0.02, "可变"),
        ("售后部", "配件经理", 1, 0.01, "可变"),
        ("售后部", "PDI专员", 1, 0.03, "可变"),
        ("财务部", "财务经理", 1, 0.01, "固定"),
        ("行政人事部", "行政专员", 1, 0.02, "固定"),
    ]


@dataclass
class _Staff:
    frame: pd.DataFrame
    keys: np.ndarray  # slot * 10**6 + hire day, sorted
    ids: np.ndarray  # staff_id per occupant (same order as keys)
    slots: dict[str, np.ndarray]  # role → its slot numbers
    weights: np.ndarray  # per slot (consultants: skill weight)

    def at(self, slot: np.ndarray, day: np.ndarray) -> np.ndarray:
        """staff_id of whoever holds ``slot`` on ``day``."""
        pos = np.searchsorted(self.keys, np.asarray(slot, dtype=np.int64) * 10**6 + np.asarray(day, dtype=np.int64), side="right") - 1
        return self.ids[pos]


def _staff(st: _Store, cal: _Cal, rng: np.random.Generator) -> _Staff:
    rows = []  # (slot, hire, leave, dept, role, dept_class)
    slots: dict[str, list[int]] = {}
    weights = []
    slot = 0
    sim_start = int(cal.days[0])
    for dept, role, count, rate, dclass in _roster(st):
        for k in range(count):
            no_turnover = role == "销售顾问" and st.p["weak_slot"] == k
            hire = int(max(st.open_day, sim_start - int(rng.integers(60, 2500))))
            t = max(hire, sim_start)
            while True:
                leave = t + int(rng.exponential(30.4 / rate)) + 1 if not no_turnover else 10**6
                if leave > cal.end_day:
                    rows.append((slot, hire, -1, dept, role, dclass))
                    break
                rows.append((slot, hire, leave, dept, role, dclass))
                hire = t = leave
            slots.setdefault(role, []).append(slot)
            if role == "销售顾问":
                w = float(np.exp(rng.normal(0, st.p["skill_sigma"])))
                if no_turnover:
                    w = 0.74
                weights.append(w)
            else:
                weights.append(1.0)
            slot += 1
    arr = np.array([(r[0], r[1], r[2]) for r in rows], dtype=np.int64)
    order = np.lexsort((arr[:, 0], arr[:, 1]))  # staff ids in hire order
    n = len(rows)
    ids = np.empty(n, dtype=object)
    ids[order] = _ids(f"{st.store_id}-E", n, 3)
    names = _names.person_names(rng, n)
    frame = pd.DataFrame(
        {
            "staff_id": ids,
            "store_id": st.store_id,
            "name": names,
            "department": [r[3] for r in rows],
            "role": [r[4] for r in rows],
            "frontline": _bool(np.isin([r[4] for r in rows], list(FRONTLINE_ROLES))),
            "dept_class": [r[5] for r in rows],
            "hire_date": _to_dates(arr[:, 1]),
            "leave_date": _to_dates(arr[:, 2]),
        }
    ).iloc[order]
    keys = arr[:, 0] * 10**6 + arr[:, 1]
    ko = np.argsort(keys, kind="stable")
    return _Staff(frame, keys[ko], ids[ko].astype(str), {k: np.array(v) for k, v in slots.items()}, np.array(weights))


# -------------------------------------------------------------------------------------------------------------- store
def _day_weights(cal: _Cal, *, weekend: float, sunday: float | None = None) -> np.ndarray:
    w = np.ones(len(cal.days))
    w[cal.dow >= 5] = weekend
    if sunday is not None:
        w[cal.dow == 6] = sunday
    return w


def _month_counts(rng, cal: _Cal, base: float, scale: float) -> np.ndarray:
    mult = np.array([SEASON[int(p[5:])] for p in cal.periods])
    return rng.poisson(base * mult * scale)


def _comeback_curve(st: _Store, cal: _Cal) -> tuple[np.ndarray, str | None]:
    """Monthly comeback probability; S01 rises for four months, an action month, then falls."""
    n = len(cal.periods)
    base = st.p["comeback"]
    curve = np.full(n, base)
    if st.idx != 0 or n - cal.first < 8:
        return curve, None
    r0 = cal.first + 3  # rise starts in the 4th reported month
    rise = [0.042, 0.052, 0.062, 0.072]
    for k, v in enumerate(rise):
        curve[r0 + k] = v
    action = r0 + len(rise)  # the action month: still high, the PDCA countermeasure starts
    curve[action] = 0.058
    for k in range(action + 1, n):
        curve[k] = max(0.024, 0.04 - 0.006 * (k - action))
    return curve, cal.periods[action]


@dataclass
class _Sim:
    """What every stage of one store's simulation shares: the store, the calendar, its random stream, its staff."""

    st: _Store
    cal: _Cal
    rng: np.random.Generator
    scale: float
    staff: _Staff
    cons_slots: np.ndarray  # the sales consultants' slots
    cons_w: np.ndarray  # their draw weights (skill)
    show_w: np.ndarray  # day weights of the showroom, the workshop and the office
    shop_w: np.ndarray
    office_w: np.ndarray
    model_price: np.ndarray
    model_pop: np.ndarray

    @property
    def months_all(self) -> np.ndarray:
        return np.arange(len(self.cal.periods))

    def in_range(self, day: np.ndarray) -> np.ndarray:
        return (day >= self.cal.start_day) & (day <= self.cal.end_day)


@dataclass
class _Leads:
    """Every simulated lead's journey (warm-up included; ``keep`` = exported), the leads table and the big accounts."""

    frame: pd.DataFrame
    n: int
    ids: np.ndarray  # lead_id, None where not exported
    keep: np.ndarray
    created: np.ndarray
    fc: np.ndarray  # first contact: 0 到店, 1 来电, 2 网络
    lslot: np.ndarray  # the owning consultant's slot
    channel: np.ndarray
    lmodel: np.ndarray
    visited: np.ndarray
    fv: np.ndarray
    rev1: np.ndarray
    rev2: np.ndarray
    r1_day: np.ndarray
    r2_day: np.ndarray
    td: np.ndarray
    td_ret: np.ndarray
    td_day: np.ndarray
    won_in: np.ndarray
    order_day: np.ndarray
    invoice: np.ndarray
    delivery: np.ndarray
    status: np.ndarray  # 0 成交, 1 跟进中, 2 战败
    closed: np.ndarray
    account: np.ndarray
    accounts: pd.DataFrame
    acc_w: np.ndarray
    acc_cut: np.ndarray


@dataclass
class _Sales:
    """The sales table with the arrays later stages need (``S``: lead, slot, order, invoice, delivery, channel, model,
    account per sale, in invoice order)."""

    frame: pd.DataFrame
    S: dict[str, np.ndarray]
    price: np.ndarray
    ids: np.ndarray
    staff: np.ndarray


def _simulate_store(st: _Store, cal: _Cal, cfg: GroupConfig, rng: np.random.Generator, items: pd.DataFrame) -> dict:
    """One store's event tables, stage by stage (each stage draws from ``rng`` in this fixed order)."""
    sim = _sim_context(st, cal, cfg, rng)
    lead = _sim_leads(sim)
    visits, anon_calls = _sim_visits(sim, lead)
    calls = _sim_calls(sim, lead, anon_calls)
    test_drives = _sim_test_drives(sim, lead)
    sales = _sim_sales(sim, lead)
    addons, addon_sale = _sim_addons(sim, sales)
    service_orders, curve = _sim_service_orders(sim, lead)
    followups = _sim_followups(sim, lead, sales)
    surveys = _surveys(st, cal, rng, items, sales.frame, service_orders, curve)
    complaints = _complaints(st, cal, rng, cfg.scale)
    booth_usage = _sim_booth_usage(sim)
    agg = _monthly_aggregates(cal, sales, addons, addon_sale, service_orders)
    return dict(
        staff=sim.staff, leads=lead.frame, visits=visits, calls=calls, test_drives=test_drives, sales=sales.frame,
        addons=addons, service_orders=service_orders, followups=followups, surveys=surveys, complaints=complaints,
        booth_usage=booth_usage, accounts=lead.accounts, agg=agg,
    )


def _sim_context(st: _Store, cal: _Cal, cfg: GroupConfig, rng: np.random.Generator) -> _Sim:
    staff = _staff(st, cal, rng)
    cons_slots = staff.slots["销售顾问"]
    cons_w = staff.weights[cons_slots] / staff.weights[cons_slots].sum()
    n_models = len(st.models)
    lo, hi = st.price_band
    model_price = lo + (hi - lo) * np.arange(n_models) / max(1, n_models - 1)
    model_pop = np.array([0.3, 0.25, 0.2, 0.15, 0.1])[:n_models]
    return _Sim(st, cal, rng, cfg.scale, staff, cons_slots, cons_w,
                show_w=_day_weights(cal, weekend=1.7), shop_w=_day_weights(cal, weekend=1.25, sunday=0.0),
                office_w=_day_weights(cal, weekend=0.5, sunday=0.2), model_price=model_price,
                model_pop=model_pop / model_pop.sum())


def _sim_leads(sim: _Sim) -> _Leads:
    """Leads and their journey: first visit, return visits, test drive, order or loss; the leads table."""
    st, cal, rng, p, staff = sim.st, sim.cal, sim.rng, sim.st.p, sim.staff
    sid, start, end = st.store_id, cal.start_day, cal.end_day
    n_per_month = _month_counts(rng, cal, p["n_consultants"] * p["leads_per_consultant"], sim.scale)
    m_idx = np.repeat(np.arange(len(cal.periods)), n_per_month)
    n = len(m_idx)
    created = cal.sample(rng, m_idx, sim.show_w)
    order = np.argsort(created, kind="stable")
    created = created[order]
    fc = rng.choice(3, size=n, p=p["contact_mix"])  # 0 到店, 1 来电, 2 网络
    lslot = rng.choice(sim.cons_slots, size=n, p=sim.cons_w)
    visited = (fc == 0) | ((fc == 1) & (rng.random(n) < p["p_visit_call"])) | ((fc == 2) & (rng.random(n) < p["p_visit_online"]))
    fv = np.where(fc == 0, created, created + 1 + _geom(rng, 0.22, n))
    rev1 = visited & (rng.random(n) < p["p_revisit"])
    rev2 = rev1 & (rng.random(n) < 0.3)
    r1_day = fv + 2 + _geom(rng, 0.12, n)
    r2_day = r1_day + 2 + _geom(rng, 0.15, n)
    td_first = visited & (rng.random(n) < p["td_first"])
    td_ret = rev1 & ~td_first & (rng.random(n) < p["td_return"])
    td = td_first | td_ret
    td_day = np.where(td_first, fv, r1_day)
    p_win = np.where(td, p["win_td"], np.where(visited, p["win_visit"], p["win_novisit"]))
    won = rng.random(n) < p_win
    last = np.where(rev2, r2_day, np.where(rev1, r1_day, np.where(visited, fv, created)))
    order_day = last + np.minimum(_geom(rng, 0.35, n), 14)
    invoice = order_day + np.minimum(_geom(rng, 0.25, n), 20)
    delivery = invoice + rng.integers(0, 4, n)
    lost_day = last + 3 + _geom(rng, 0.09, n)
    closed = np.where(won, order_day, lost_day)
    won_in = won & (invoice <= end)
    status = np.where(won_in, 0, np.where(~won & (closed <= end), 2, 1))  # 0 成交, 1 跟进中, 2 战败
    closed = np.where(status == 1, -1, closed)
    # leads closed before the first reported day are gone from the export, unless their sale is invoiced in range
    keep = (status == 1) | (closed >= start) | (won_in & (invoice >= start))
    lead_ids_all = np.full(n, None, dtype=object)
    lead_ids_all[keep] = _ids(f"{sid}-L", int(keep.sum()), 6)
    lead_staff = staff.at(lslot, created)
    intent = np.where(won, rng.choice(5, size=n, p=[0.35, 0.35, 0.2, 0.08, 0.02]), rng.choice(5, size=n, p=[0.08, 0.2, 0.35, 0.25, 0.12]))
    channel_walk = rng.choice(["自然到店", "车展活动", "转介绍", "基盘客户"], size=n, p=[0.72, 0.1, 0.1, 0.08])
    channel_call = rng.choice(["来电", "转介绍", "基盘客户"], size=n, p=[0.82, 0.1, 0.08])
    channel = np.where(fc == 0, channel_walk, np.where(fc == 1, channel_call, "网络平台"))
    lmodel = rng.choice(len(st.models), size=n, p=sim.model_pop)
    lost_reasons = np.array(["价格因素", "购买竞品", "暂缓购车", "贷款未通过", "联系不上", "车型配置不满意", "交车周期长"])
    lreason = lost_reasons[rng.choice(len(lost_reasons), size=n, p=[0.3, 0.25, 0.2, 0.05, 0.1, 0.06, 0.04])]
    # big-account prospects: some phoned-in leads of a commercial store belong to an account (channel 大客户)
    accounts, acc_w, acc_cut = _accounts(st, cal, rng)
    lead_acc = np.full(n, None, dtype=object)
    if st.business == "商用车" and len(accounts):
        a = rng.choice(len(accounts), size=n, p=acc_w)
        is_acc = (fc == 1) & (rng.random(n) < 0.12) & (created <= acc_cut[a])
        channel = np.where(is_acc, "大客户", channel)
        lead_acc[is_acc] = accounts["account_id"].to_numpy()[a[is_acc]]
    leads = pd.DataFrame(
        {
            "lead_id": lead_ids_all[keep],
            "store_id": sid,
            "staff_id": lead_staff[keep],
            "created_date": _to_dates(created[keep]),
            "first_contact": np.array(["到店", "来电", "网络"])[fc[keep]],
            "channel": channel[keep],
            "intent_level": np.array(list("HABCN"))[intent[keep]],
            "model": np.array(st.models)[lmodel[keep]],
            "status": np.array(["成交", "跟进中", "战败"])[status[keep]],
            "closed_date": _to_dates(closed[keep]),
            "lost_reason": _opt(lreason[keep], status[keep] == 2),
            "name": _names.person_names(rng, int(keep.sum())),
            "phone": _names.phones(rng, int(keep.sum())),
            "account_id": lead_acc[keep],
        }
    )
    return _Leads(leads, n, lead_ids_all, keep, created, fc, lslot, channel, lmodel, visited, fv, rev1, rev2, r1_day,
                  r2_day, td, td_ret, td_day, won_in, order_day, invoice, delivery, status, closed, lead_acc,
                  accounts, acc_w, acc_cut)


def _sim_visits(sim: _Sim, lead: _Leads) -> tuple[pd.DataFrame, np.ndarray]:
    """The visits table (the leads' visits and anonymous first visits); also the anonymous first calls per month."""
    cal, rng, p, staff, sid = sim.cal, sim.rng, sim.st.p, sim.staff, sim.st.store_id
    fc, created, fv, visited, lslot, ids = lead.fc, lead.created, lead.fv, lead.visited, lead.lslot, lead.ids
    v_parts = []
    m = visited & lead.keep & sim.in_range(fv)
    src_first = np.where(fc == 0, np.where(lead.channel == "车展活动", "活动", "自然到店"), np.where(fc == 1, "来电邀约", "网络邀约"))
    v_parts.append((fv[m], "首次", ids[m], staff.at(lslot[m], fv[m]), src_first[m]))
    for flag, day in ((lead.rev1, lead.r1_day), (lead.rev2, lead.r2_day)):
        m = flag & lead.keep & sim.in_range(day)
        src = rng.choice(["来电邀约", "自然到店", "网络邀约", "活动"], size=int(m.sum()), p=[0.55, 0.3, 0.08, 0.07])
        v_parts.append((day[m], "再次", ids[m], staff.at(lslot[m], day[m]), src))
    # anonymous first visits and calls so that capture = (W + C) / (FV + FC) ≈ the store's rate
    months_all = sim.months_all
    W = np.bincount(cal.month_index(created[fc == 0]), minlength=len(months_all))
    Cn = np.bincount(cal.month_index(created[fc == 1]), minlength=len(months_all))
    FVl = np.bincount(cal.month_index(fv[visited]), minlength=len(months_all))[: len(months_all)]
    cap = np.clip(p["capture"] + rng.normal(0, 0.02, len(months_all)), 0.55, 0.9)
    anon = np.maximum(0, np.round((W + Cn) / cap - (FVl + Cn))).astype(int)
    anon_v = rng.binomial(anon, 0.68)
    anon_c = anon - anon_v
    am = np.repeat(months_all, anon_v)
    aday = cal.sample(rng, am, sim.show_w)
    v_parts.append((aday, "首次", np.full(len(aday), None, dtype=object),
                    staff.at(rng.choice(sim.cons_slots, size=len(aday), p=sim.cons_w), aday),
                    rng.choice(["自然到店", "活动"], size=len(aday), p=[0.88, 0.12])))
    vd = np.concatenate([x[0] for x in v_parts])
    vt = np.concatenate([np.full(len(x[0]), x[1]) for x in v_parts])
    vl = np.concatenate([x[2] for x in v_parts])
    vs = np.concatenate([x[3] for x in v_parts])
    vsrc = np.concatenate([x[4] for x in v_parts])
    keep_v = sim.in_range(vd)
    o = np.argsort(vd[keep_v], kind="stable")
    visits = pd.DataFrame(
        {
            "visit_id": _ids(f"{sid}-V", int(keep_v.sum()), 7),
            "store_id": sid,
            "visit_date": _to_dates(vd[keep_v][o]),
            "visit_type": vt[keep_v][o],
            "lead_id": vl[keep_v][o],
            "staff_id": vs[keep_v][o],
            "source": vsrc[keep_v][o],
        }
    )
    return visits, anon_c


def _sim_calls(sim: _Sim, lead: _Leads, anon_calls: np.ndarray) -> pd.DataFrame:
    """The calls table: phoned-in leads' first calls, recalls, and the anonymous first calls (``anon_calls`` a month)."""
    rng, sid, n, created, keep, closed = sim.rng, sim.st.store_id, lead.n, lead.created, lead.keep, lead.closed
    c_parts = []
    m = (lead.fc == 1) & keep & sim.in_range(created)
    c_parts.append((created[m], "首次", lead.ids[m]))
    recall = keep & (rng.random(n) < np.where(lead.fc == 1, 0.35, 0.08))
    rc_day = created + 1 + _geom(rng, 0.15, n)
    m = recall & sim.in_range(rc_day) & ((lead.status == 1) | (rc_day <= np.where(closed < 0, 10**7, closed)))
    c_parts.append((rc_day[m], "再次", lead.ids[m]))
    cm = np.repeat(sim.months_all, anon_calls)
    cday = sim.cal.sample(rng, cm, sim.office_w)
    c_parts.append((cday, "首次", np.full(len(cday), None, dtype=object)))
    cd = np.concatenate([x[0] for x in c_parts])
    ct = np.concatenate([np.full(len(x[0]), x[1]) for x in c_parts])
    cl = np.concatenate([x[2] for x in c_parts])
    k = sim.in_range(cd)
    o = np.argsort(cd[k], kind="stable")
    return pd.DataFrame(
        {"call_id": _ids(f"{sid}-C", int(k.sum()), 7), "store_id": sid, "call_date": _to_dates(cd[k][o]),
         "call_type": ct[k][o], "lead_id": cl[k][o]}
    )


def _sim_test_drives(sim: _Sim, lead: _Leads) -> pd.DataFrame:
    rng, sid = sim.rng, sim.st.store_id
    m = lead.td & lead.keep & sim.in_range(lead.td_day)
    ntd = int(m.sum())
    invited = np.where(lead.td_ret[m], rng.random(ntd) < 0.72, rng.random(ntd) < 0.18)
    reached = rng.random(ntd) < 0.88
    satisfied = reached & (rng.random(ntd) < 0.9)
    o = np.argsort(lead.td_day[m], kind="stable")
    return pd.DataFrame(
        {
            "test_drive_id": _ids(f"{sid}-T", ntd, 6),
            "store_id": sid,
            "lead_id": lead.ids[m][o],
            "drive_date": _to_dates(lead.td_day[m][o]),
            "invited": _bool(invited[o]),
            "model": np.array(sim.st.models)[lead.lmodel[m]][o],
            "callback_reached": _bool(reached[o]),
            "satisfied": _bool(satisfied[o], reached[o]),
        }
    )


def _sim_sales(sim: _Sim, lead: _Leads) -> _Sales:
    """Showroom sales of won leads, sub-dealer and fleet sales (big accounts; churned accounts stop buying)."""
    st, cal, rng, p, sid = sim.st, sim.cal, sim.rng, sim.st.p, sim.st.store_id
    accounts, acc_w, acc_cut = lead.accounts, lead.acc_w, lead.acc_cut
    s_parts = []
    m = lead.won_in & lead.keep & sim.in_range(lead.invoice)
    s_parts.append(dict(lead=lead.ids[m], slot=lead.lslot[m], order=lead.order_day[m], invoice=lead.invoice[m],
                        delivery=lead.delivery[m], channel=np.full(int(m.sum()), "展厅"), model=lead.lmodel[m],
                        account=lead.account[m]))
    for ch, base in (("二级网络", p["subdealer"]), ("大客户", p["fleet"])):
        cnt = _month_counts(rng, cal, base, sim.scale)
        mm = np.repeat(sim.months_all, cnt)
        inv = cal.sample(rng, mm, sim.office_w)
        k = len(inv)
        acc = np.full(k, None, dtype=object)
        if ch == "大客户" and len(accounts):
            a = rng.choice(len(accounts), size=k, p=acc_w)
            # churn cases: no purchases after their cut-off day → move those sales to other accounts
            bad = inv > acc_cut[a]
            if bad.any():
                alt_w = np.where(acc_cut >= cal.end_day, acc_w, 0.0)
                a[bad] = rng.choice(len(accounts), size=int(bad.sum()), p=alt_w / alt_w.sum())
            acc = accounts["account_id"].to_numpy()[a]
        order_d = inv - _geom(rng, 0.12, k)
        s_parts.append(dict(lead=np.full(k, None, dtype=object), slot=rng.choice(sim.cons_slots, size=k, p=sim.cons_w),
                            order=order_d, invoice=inv, delivery=inv + rng.integers(0, 6, k), channel=np.full(k, ch),
                            model=rng.choice(len(st.models), size=k, p=sim.model_pop), account=acc))
    S = {key: np.concatenate([d[key] for d in s_parts]) for key in s_parts[0]}
    k = sim.in_range(S["invoice"])
    S = {key: v[k] for key, v in S.items()}
    o = np.argsort(S["invoice"], kind="stable")
    S = {key: v[o] for key, v in S.items()}
    ns = len(S["invoice"])
    disc = np.where(S["channel"] == "大客户", rng.uniform(0.86, 0.95, ns), rng.uniform(0.9, 1.01, ns))
    price = np.round(sim.model_price[S["model"]] * disc, -2)
    gp_rate = rng.normal(0.012, 0.018, ns) if st.business == "乘用车" else rng.normal(0.03, 0.02, ns)
    sale_ids = _ids(f"{sid}-S", ns, 6)
    sale_staff = sim.staff.at(S["slot"], S["invoice"])
    sales = pd.DataFrame(
        {
            "sale_id": sale_ids,
            "store_id": sid,
            "lead_id": S["lead"],
            "staff_id": sale_staff,
            "order_date": _to_dates(S["order"]),
            "invoice_date": _to_dates(S["invoice"]),
            "delivery_date": _to_dates(np.where(S["delivery"] <= cal.end_day, S["delivery"], -1)),
            "channel": S["channel"],
            "model": np.array(st.models)[S["model"]],
            "price": price,
            "gross_profit": np.round(price * gp_rate, -1),
            "account_id": S["account"],
        }
    )
    return _Sales(sales, S, price, sale_ids, sale_staff)


def _sim_addons(sim: _Sim, sales: _Sales) -> tuple[pd.DataFrame, np.ndarray]:
    """The add-ons table and, per add-on, the position of its sale."""
    rng, sid, price = sim.rng, sim.st.store_id, sales.price
    products = ["保险", "金融贷款", "精品", "延保", "上牌服务", "二手车置换"]
    pen = np.array([0.86, 0.48, 0.62, 0.3, 0.72, 0.16]) if sim.st.business == "乘用车" else np.array([0.9, 0.55, 0.25, 0.2, 0.8, 0.08])
    has = rng.random((len(price), len(products))) < pen
    si, pi = np.nonzero(has)
    na = len(si)
    rev = np.select(
        [pi == 0, pi == 1, pi == 2, pi == 3, pi == 4, pi == 5],
        [price[si] * rng.uniform(0.028, 0.04, na), rng.uniform(2000, 6000, na), rng.uniform(800, 8000, na),
         rng.uniform(1800, 5000, na), rng.uniform(500, 1500, na), rng.uniform(1000, 3000, na)],
    )
    margin = np.array([0.12, 0.8, 0.45, 0.5, 0.6, 0.7])[pi] * rng.uniform(0.8, 1.2, na)
    addons = pd.DataFrame(
        {"addon_id": _ids(f"{sid}-A", na, 6), "store_id": sid, "sale_id": sales.ids[si], "product": np.array(products)[pi],
         "revenue": np.round(rev, -1), "gross_profit": np.round(rev * margin, -1)}
    )
    return addons, si


def _sim_service_orders(sim: _Sim, lead: _Leads) -> tuple[pd.DataFrame, np.ndarray]:
    """The service orders (paint-shop crews, the planted comeback curve, big accounts); also the comeback curve."""
    st, cal, rng, p, staff, sid = sim.st, sim.cal, sim.rng, sim.st.p, sim.staff, sim.st.store_id
    accounts, acc_w, acc_cut = lead.accounts, lead.acc_w, lead.acc_cut
    ro_cnt = _month_counts(rng, cal, p["ros"], sim.scale)
    rm = np.repeat(sim.months_all, ro_cnt)
    ro_open = np.sort(cal.sample(rng, rm, sim.shop_w))
    nr = len(ro_open)
    rtype = rng.choice(5, size=nr, p=[0.5, 0.2, 0.14, 0.11, 0.05])  # 保养 一般维修 钣喷 保修 其他
    dmg = np.where(rtype == 2, rng.choice(3, size=nr, p=[0.2, 0.35, 0.45]), -1)  # 大 中 小
    mult = 1.0 if st.business == "乘用车" else 1.6
    revenue = np.select(
        [rtype == 0, rtype == 1, rtype == 3, rtype == 4, dmg == 0, dmg == 1, dmg == 2],
        [rng.uniform(450, 1400, nr), rng.lognormal(7.6, 0.6, nr), rng.lognormal(7.8, 0.5, nr), rng.uniform(200, 900, nr),
         rng.uniform(8000, 20000, nr), rng.uniform(3000, 8000, nr), rng.uniform(900, 2600, nr)],
    ) * mult
    hours = np.select(
        [rtype == 0, rtype == 1, rtype == 3, rtype == 4, dmg == 0, dmg == 1, dmg == 2],
        [rng.uniform(0.8, 2, nr), rng.uniform(1.5, 8, nr), rng.uniform(1, 6, nr), rng.uniform(0.5, 2, nr),
         rng.uniform(14, 26, nr), rng.uniform(6, 12, nr), rng.uniform(2, 5, nr)],
    )
    planned = np.select([rtype == 0, rtype == 1, rtype == 3, dmg == 0, dmg == 1, dmg == 2],
                        [0, rng.integers(1, 3, nr), rng.integers(1, 4, nr), rng.integers(6, 11, nr), rng.integers(3, 5, nr), 1], 0)
    # crews of the paint shop: S02 runs two large mixed crews, other stores small specialised ones
    crew_no = np.full(nr, -1)
    if st.idx == 1:
        crew_sizes = np.array([6, 6])
        crew_no[rtype == 2] = rng.integers(0, 2, int((rtype == 2).sum()))
        extra = np.where((rtype == 2) & (dmg == 2), rng.integers(1, 4, nr), np.where(rtype == 2, rng.integers(0, 2, nr), 0))
        hours = np.where(rtype == 2, hours * np.where(dmg == 2, 1.9, 1.15), hours)
    else:
        crew_sizes = np.array([3, 2, 2])
        crew_no[rtype == 2] = np.where(rng.random(nr) < 0.85, dmg, rng.integers(0, 3, nr))[rtype == 2]
        extra = np.zeros(nr, dtype=np.int64)
    late = rng.random(nr) < 0.11
    close = ro_open + planned + extra + np.where(late, rng.integers(1, 4, nr), 0)
    close = np.where(close <= cal.end_day, close, -1)
    curve, action = _comeback_curve(st, cal)
    curve = curve * rng.uniform(0.96, 1.04, len(curve)) if action else curve * rng.uniform(0.8, 1.2, len(curve))
    # comebacks: exactly round(p × orders) per month, so the planted trend is not drowned in sampling noise
    ro_m = cal.month_index(ro_open)
    per_m = np.bincount(ro_m, minlength=len(cal.periods))
    k_m = np.round(curve * per_m).astype(int)
    key = rng.random(nr)
    o = np.lexsort((key, ro_m))
    rank = np.empty(nr, dtype=np.int64)
    rank[o] = np.arange(nr) - np.repeat(np.cumsum(per_m) - per_m, per_m)
    comeback = rank < k_m[ro_m]
    vin = _names.vins(rng, nr, wmi="LFW" if st.business == "商用车" else "LSV")
    cb = np.nonzero(comeback & (np.arange(nr) > 20))[0]
    vin[cb] = vin[(rng.random(len(cb)) * cb).astype(int)]  # a comeback re-does an earlier order's car
    ro_acc = np.full(nr, None, dtype=object)
    if len(accounts):
        share = 0.3 if st.business == "商用车" else 0.03
        pick = rng.random(nr) < share
        a = rng.choice(len(accounts), size=nr, p=acc_w)
        ok = ro_open <= acc_cut[a]
        ro_acc[pick & ok] = accounts["account_id"].to_numpy()[a[pick & ok]]
    req = np.where(rtype == 0, rng.poisson(1.5, nr) + 1, np.where(rtype == 4, rng.poisson(0.5, nr), rng.poisson(3, nr) + 1))
    filled = rng.binomial(req, 0.91)
    adv = staff.at(rng.choice(staff.slots["服务顾问"], size=nr), ro_open)
    pay = np.where(rtype == 3, "保修", np.where(rng.random(nr) < 0.03, "内部", "客户付费"))
    ro_types = np.array(["保养", "一般维修", "钣喷", "保修", "其他"])
    crew_ok = crew_no >= 0
    service_orders = pd.DataFrame(
        {
            "ro_id": _ids(f"{sid}-RO", nr, 7),
            "store_id": sid,
            "open_date": _to_dates(ro_open),
            "close_date": _to_dates(close),
            "promised_date": _to_dates(ro_open + planned),
            "ro_type": ro_types[rtype],
            "pay_type": pay,
            "revenue": np.round(revenue, -1),
            "labor_hours": np.round(hours, 1),
            "is_comeback": _bool(comeback),
            "damage_class": _opt(np.array(["大", "中", "小"])[np.maximum(dmg, 0)], dmg >= 0),
            "advisor_id": adv,
            "vin": vin,
            "account_id": ro_acc,
            "parts_lines_requested": pd.array(req, dtype="Int64"),
            "parts_lines_filled": pd.array(filled, dtype="Int64"),
            "crew_id": _opt(np.char.add(f"{sid}-BP", (np.maximum(crew_no, 0) + 1).astype(str)), crew_ok),
            "crew_size": pd.array(np.where(crew_ok, crew_sizes[np.maximum(crew_no, 0) % len(crew_sizes)], 0), dtype="Int64"),
        }
    )
    service_orders.loc[~crew_ok, "crew_size"] = pd.NA
    keep_ro = sim.in_range(ro_open)
    service_orders = service_orders[keep_ro].reset_index(drop=True)
    service_orders["ro_id"] = _ids(f"{sid}-RO", len(service_orders), 7)
    return service_orders, curve


def _sim_followups(sim: _Sim, lead: _Leads, sales: _Sales) -> pd.DataFrame:
    """Follow-ups due (潜客跟踪 of the leads, 售后跟踪 of the delivered sales) and when they were done."""
    rng, p, sid = sim.rng, sim.st.p, sim.st.store_id
    created, keep, status, closed, ids = lead.created, lead.keep, lead.status, lead.closed, lead.ids
    f_parts = []
    # 潜客跟踪: the day after creation, a week later if still open, and the day after each return visit
    for base_day, flag in ((created + 1, keep), (created + 7, keep & ((status == 1) | (closed > created + 7))),
                           (lead.r1_day + 1, keep & lead.rev1), (lead.r2_day + 1, keep & lead.rev2)):
        f_parts.append(("潜客跟踪", base_day[flag], ids[flag], np.full(int(flag.sum()), None, dtype=object), p["ontime_lead"]))
    dl = sales.frame["delivery_date"].notna().to_numpy()
    dday = sales.S["delivery"]
    for off in (1, 7):
        f_parts.append(("售后跟踪", dday[dl] + off, np.full(int(dl.sum()), None, dtype=object), sales.ids[dl], p["ontime_sale"]))
    fk = np.concatenate([np.full(len(x[1]), x[0]) for x in f_parts])
    fdue = np.concatenate([x[1] for x in f_parts])
    flead = np.concatenate([x[2] for x in f_parts])
    fsale = np.concatenate([x[3] for x in f_parts])
    pot = np.concatenate([np.full(len(x[1]), x[4]) for x in f_parts])
    u = rng.random(len(fdue))
    fdone = np.where(u < pot, fdue - (rng.random(len(fdue)) < 0.2), np.where(u < pot + (1 - pot) * 0.7, fdue + 1 + _geom(rng, 0.4, len(fdue)), -1))
    fdone = np.where(fdone > sim.cal.end_day, -1, fdone)
    k = sim.in_range(fdue)
    o = np.argsort(fdue[k], kind="stable")
    return pd.DataFrame(
        {"followup_id": _ids(f"{sid}-F", int(k.sum()), 7), "store_id": sid, "kind": fk[k][o], "lead_id": flead[k][o],
         "sale_id": fsale[k][o], "due_date": _to_dates(fdue[k][o]), "done_date": _to_dates(fdone[k][o])}
    )


def _sim_booth_usage(sim: _Sim) -> pd.DataFrame:
    """Paint-booth minutes per working day and booth."""
    cal, rng, p, sid = sim.cal, sim.rng, sim.st.p, sim.st.store_id
    wd = cal.days[(cal.dow <= 5) & (cal.days >= cal.start_day)]
    nb = p["booths"]
    bd = np.tile(wd, nb)
    bid = np.repeat(np.char.add(f"{sid}-K", np.arange(1, nb + 1).astype(str)), len(wd))
    avail = np.where(rng.random(len(bd)) < 0.04, 480.0, 600.0)
    a = 8.0
    util = rng.beta(a * p["booth_util"], a * (1 - p["booth_util"]), len(bd))
    return pd.DataFrame(
        {"store_id": sid, "date": _to_dates(bd), "booth_id": bid, "minutes_available": avail,
         "minutes_used": np.round(avail * util / 10) * 10}
    ).sort_values(["date", "booth_id"], kind="stable")


def _monthly_aggregates(cal: _Cal, sales: _Sales, addons: pd.DataFrame, addon_sale: np.ndarray,
                        service_orders: pd.DataFrame) -> dict:
    """Monthly aggregates of the reported months (targets, market and finance are drawn from them), on the arrays."""
    nm = len(cal.periods)
    s_m = cal.month_index(sales.S["invoice"])
    ro_close = _days(service_orders["close_date"])
    closed_ro = ro_close >= 0
    agg = {
        "volume": np.bincount(s_m, minlength=nm),
        "room": np.bincount(s_m[sales.S["channel"] == "展厅"], minlength=nm),
        "car_revenue": np.bincount(s_m, weights=sales.price, minlength=nm),
        "car_gp": np.bincount(s_m, weights=sales.frame["gross_profit"].to_numpy(dtype=float), minlength=nm),
        "addon_revenue": np.bincount(s_m[addon_sale], weights=addons["revenue"].to_numpy(dtype=float), minlength=nm),
        "addon_gp": np.bincount(s_m[addon_sale], weights=addons["gross_profit"].to_numpy(dtype=float), minlength=nm),
        "service_revenue": np.bincount(cal.month_index(ro_close[closed_ro]), weights=service_orders["revenue"].to_numpy(dtype=float)[closed_ro], minlength=nm),
    }
    agg = {k: v[cal.first:] for k, v in agg.items()}
    top = pd.DataFrame({"m": s_m, "staff": sales.staff}).groupby(["m", "staff"]).size().reset_index(name="n")
    top = top.sort_values(["m", "n", "staff"], ascending=[True, False, True], kind="stable").drop_duplicates("m")
    agg["top_seller"] = top[top["m"] >= cal.first][["m", "staff"]].to_numpy()
    return agg


def _accounts(st: _Store, cal: _Cal, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Big accounts of a store with purchase weights and a cut-off day (churn cases stop buying and servicing)."""
    n = st.p["accounts"]
    commercial = st.business == "商用车"
    inds = list(_names.ACCOUNT_STEMS)
    if commercial:
        pw = dict(zip(inds, [0.08, 0.15, 0.04, 0.25, 0.04, 0.04, 0.36, 0.04]))
    else:
        pw = dict(zip(inds, [0.2, 0.2, 0.1, 0.25, 0.1, 0.1, 0.0, 0.05]))
    prob = np.array([pw[i] for i in inds])
    industry = np.array(inds)[rng.choice(len(inds), size=n, p=prob / prob.sum())]
    fleet = (np.exp(rng.normal(2.2 if commercial else 1.0, 0.8, n))).astype(int) + 1
    level = rng.choice(["基层", "中层", "高层"], size=n, p=[0.45, 0.42, 0.13])
    planned = rng.poisson(np.maximum(1, fleet * 0.25))
    weight = fleet**1.1 * np.exp(rng.normal(0, 0.5, n))
    # planted: potential accounts (private firms, fleet < 10, middle management, large purchase plans, little bought)
    n_pot = 3 if commercial else 1
    pot = np.arange(n - n_pot, n)
    industry[pot] = "民营企业"
    fleet[pot] = rng.integers(5, 10, n_pot)
    level[pot] = "中层"
    planned[pot] = rng.integers(22, 35, n_pot)
    weight[pot] = 0.05
    # planted: ordinary accounts
    gen = np.arange(n - n_pot - 2, n - n_pot)
    industry[gen] = rng.choice(["其他", "民营企业"], size=2)
    fleet[gen] = rng.integers(1, 4, 2)
    level[gen] = "基层"
    planned[gen] = rng.integers(0, 2, 2)
    weight[gen] = np.array([0.4, 0.6])
    # planted churn: importance accounts that bought and serviced, then went silent ≥ 200 days before the end
    cut = np.full(n, cal.end_day + 1, dtype=np.int64)
    n_churn = 2 if commercial else (1 if st.idx == 0 else 0)
    if n_churn:
        ch = np.arange(n_churn)
        industry[ch] = np.array(["党政军", "国有企业"])[: n_churn]
        fleet[ch] = np.maximum(fleet[ch], 12)
        weight[ch] = np.maximum(weight[ch], np.quantile(weight, 0.6))
        cut[ch] = cal.end_day - rng.integers(200, 280, n_churn)
    words = np.array(list("宏远恒通鑫达华信金桥顺安泰联创永盛国正天成瑞祥隆兴昌荣嘉德"))
    w2 = np.char.add(words[rng.integers(0, len(words), n)], words[rng.integers(0, len(words), n)])
    names = []
    for i in range(n):
        stems = _names.ACCOUNT_STEMS[industry[i]]
        stem = stems[int(rng.integers(0, len(stems)))]
        names.append(f"{st.city}{stem}" if industry[i] == "党政军" and i < len(stems) else f"{st.city}{w2[i]}{stem}")
    since = np.maximum(st.open_day, cal.start_day - rng.integers(100, 2500, n))
    frame = pd.DataFrame(
        {
            "account_id": _ids(f"{st.store_id}-K", n, 4),
            "store_id": st.store_id,
            "account_name": names,
            "industry": industry,
            "fleet_size": pd.array(fleet, dtype="Int64"),
            "contact_level": level,
            "planned_purchases": pd.array(planned, dtype="Int64"),
            "since_date": _to_dates(since),
        }
    )
    return frame, weight / weight.sum(), cut


#: IPA quadrant each item is built to fall in (importance = correlation with 总体满意度, performance = mean)
_IPA_DESIGN = {
    "SSI": {
        "接待及时主动": "优势保持", "需求了解充分": "重点改进", "车辆介绍专业": "优势保持", "试乘试驾安排": "重点改进",
        "试驾路线与讲解": "次要改进", "报价透明": "重点改进", "合同手续清楚": "过度投入", "按时交车": "优势保持",
        "交车讲解细致": "次要改进", "展厅环境舒适": "过度投入", "销售顾问诚信": "优势保持",
    },
    "CSI": {
        "预约便捷": "过度投入", "接车问诊细致": "优势保持", "诊断准确": "优势保持", "一次修好": "重点改进",
        "按时交车": "重点改进", "维修用时合理": "次要改进", "维修项目解释清楚": "过度投入", "费用解释清楚": "优势保持",
        "价格公道": "次要改进", "物有所值": "次要改进", "车辆交还清洁": "过度投入", "尊重客户时间": "次要改进",
        "休息区舒适": "过度投入",
    },
}
_LOAD = {"优势保持": 1.0, "重点改进": 1.05, "次要改进": 0.3, "过度投入": 0.25}
_OFFSET = {"优势保持": 0.35, "重点改进": -0.45, "次要改进": -0.35, "过度投入": 0.5}


def _surveys(st, cal, rng, items, sales, ros, comeback_curve) -> pd.DataFrame:
    """SSI after deliveries, CSI after closed service orders; item performance built for IPA (every quadrant)."""
    end = cal.end_day
    out = []
    base = st.p["sat_base"]
    for survey, refs, ref_day, share, lag in (
        ("SSI", sales["sale_id"].to_numpy(), _days(sales["delivery_date"]), 0.62, (3, 11)),
        ("CSI", ros["ro_id"].to_numpy(), _days(ros["close_date"]), 0.16, (1, 6)),
    ):
        ok = (ref_day >= 0) & (rng.random(len(refs)) < share)
        sday = ref_day[ok] + rng.integers(lag[0], lag[1], int(ok.sum()))
        keep = sday <= end
        sday = sday[keep]
        ref = refs[ok][keep]
        o = np.argsort(sday, kind="stable")
        sday, ref = sday[o], ref[o]
        nr = len(sday)
        it = items[items["survey"] == survey].reset_index(drop=True)
        ni = len(it)
        # IPA design per item: importance (loading on the overall latent) and performance offset
        design = _IPA_DESIGN[survey]
        load = np.array([_LOAD[design.get(i, "优势保持")] for i in it["item"]])
        off = np.array([_OFFSET[design.get(i, "优势保持")] for i in it["item"]])
        if st.idx == 1 and survey == "CSI":  # S02: first-time fix and on-time delivery suffer in the workshop
            off = off - np.where(it["item"].isin(["一次修好", "按时交车"]).to_numpy(), 0.35, 0.0)
        z = rng.normal(0, 1, nr)
        perf_mu = base + off[None, :] + load[None, :] * z[:, None]
        if survey == "CSI":
            mi = cal.month_index(sday)
            excess = comeback_curve[mi] - comeback_curve.min()
            fix = (it["item"] == "一次修好").to_numpy()
            perf_mu[:, fix] -= 12 * excess[:, None]
        perf = np.clip(np.round(perf_mu + rng.normal(0, 0.8, (nr, ni))), 1, 10)
        gap = np.where(it["kano_class"].to_numpy() == "不满意因素", 0.6, np.where(it["kano_class"].to_numpy() == "满意因素", -0.1, 0.25))
        expc = np.clip(np.round(base + off[None, :] + gap[None, :] + rng.normal(0, 0.7, (nr, ni))), 1, 10)
        expc[rng.random((nr, ni)) < 0.15] = np.nan  # expectation asked on ~85 % of item rows
        overall = np.clip(np.round(base + 0.1 + z + rng.normal(0, 0.45, nr)), 1, 10)
        rid = _ids(f"{st.store_id}-{survey}", nr, 6)
        k = ni + 1
        out.append(
            pd.DataFrame(
                {
                    "response_id": np.repeat(rid, k),
                    "store_id": st.store_id,
                    "survey": survey,
                    "survey_date": _to_dates(np.repeat(sday, k)),
                    "item": np.tile(np.append(it["item"].to_numpy(dtype=object), OVERALL_ITEM), nr),
                    "performance": np.column_stack([perf, overall]).ravel(),
                    "expectation": np.column_stack([expc, np.full(nr, np.nan)]).ravel(),
                    "ref_id": np.repeat(ref, k),
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def _complaints(st, cal, rng, scale) -> pd.DataFrame:
    cats = np.array(["维修质量", "等待时间", "收费争议", "服务态度", "配件供应", "销售承诺未兑现", "交车延误", "环境设施"])
    rep = np.arange(cal.first, len(cal.periods))
    cnt = rng.poisson(st.p["complaints"] * scale, len(rep))
    mi = np.repeat(rep, cnt)
    w = np.ones(len(cal.days))
    day = np.sort(cal.sample(rng, mi, w))
    n = len(day)
    cat = cats[rng.choice(len(cats), size=n, p=[0.32, 0.22, 0.14, 0.1, 0.08, 0.06, 0.05, 0.03])]
    sev = rng.choice(3, size=n, p=[0.68, 0.26, 0.06])
    esc = np.where(sev == 2, True, rng.random(n) < np.where(sev == 1, 0.3, 0.03))
    dur = np.where(sev == 0, 1 + _geom(rng, 0.35, n), np.where(sev == 1, 2 + _geom(rng, 0.18, n), 5 + _geom(rng, 0.08, n)))
    res = day + dur
    never = rng.random(n) < 0.03
    res = np.where((res > cal.end_day) | never, -1, res)
    return pd.DataFrame(
        {"complaint_id": _ids(f"{st.store_id}-Q", n, 5), "store_id": st.store_id, "received_date": _to_dates(day),
         "category": cat, "severity": np.array(["一般", "重要", "重大"])[sev], "resolved_date": _to_dates(res),
         "escalated": _bool(esc)}
    )


def _days(s: pd.Series) -> np.ndarray:
    """datetime64 Series → day numbers, −1 for NaT."""
    v = s.to_numpy(dtype="datetime64[ns]")
    out = v.astype("datetime64[D]").astype(np.int64)
    out[np.isnat(v)] = -1
    return out


# ------------------------------------------------------------------------------------------- targets, points, market
def _targets(st: _Store, cal: _Cal, rng, sim: dict) -> tuple[pd.DataFrame, dict]:
    periods = cal.periods[cal.first:]
    agg = sim["agg"]
    vol, room = agg["volume"], agg["room"]
    planted = {}
    noise = rng.uniform(0.93, 1.04, len(periods))
    target = np.maximum(1, np.round(vol * noise))
    if st.idx == 1:
        target = np.maximum(1, vol - rng.integers(0, 3, len(periods)))  # the team hits every month ...
        years = pd.Series([p[:4] for p in periods])
        last_year = years.iloc[-1]
        months_y = np.nonzero((years == last_year).to_numpy())[0]
        if len(months_y) < 5:
            months_y = np.nonzero((years == years.iloc[0]).to_numpy())[0]
        if len(months_y) >= 5:
            miss, make_up = months_y[2], months_y[2] + 3
            short = int(rng.integers(6, 9))
            target[miss] = vol[miss] + short  # ... except one month
            for k in range(miss + 1, make_up):
                target[k] = max(1, vol[k] - 1)  # hits whose surplus does not cover the shortfall
            target[make_up] = max(1, vol[make_up] - short - int(rng.integers(1, 4)))  # surplus covers the shortfall
            planted["team_miss"] = periods[miss]
            planted["team_make_up"] = periods[make_up]
            planted["team_shortfall"] = short
    rows = []
    for i, per in enumerate(periods):
        rows.append((per, "销量", None, float(target[i]), float(np.ceil(target[i] * 1.1))))
        rows.append((per, "展厅销量", None, float(max(1, round(room[i] * noise[i]))), float(np.ceil(room[i] * noise[i] * 1.1))))
    # money targets
    gp = pd.Series(agg["car_gp"])
    add_rev = pd.Series(agg["addon_revenue"])
    add_gp = pd.Series(agg["addon_gp"])
    svc = pd.Series(agg["service_revenue"])
    for i, per in enumerate(periods):
        f = rng.uniform(0.92, 1.08, 3)
        g = float(np.round((gp.iloc[i] + add_gp.iloc[i]) * f[0], -3))
        rows.append((per, "毛利", None, g, float(np.round(g * 1.1, -3))))
        s_ = float(np.round(svc.iloc[i] * f[1], -3))
        rows.append((per, "售后产值", None, s_, float(np.round(s_ * 1.1, -3))))
        a_ = float(np.round(add_rev.iloc[i] * f[2], -3))
        rows.append((per, "衍生收入", None, a_, float(np.round(a_ * 1.1, -3))))
        rows.append((per, "CSI", None, 790.0, 820.0))
        rows.append((per, "SSI", None, 800.0, 830.0))
    frame = pd.DataFrame(rows, columns=["period", "metric", "staff_id", "target", "stretch"])
    # consultant 销量 targets: the store target split by skill weights (largest remainder), to whoever holds the slot
    staff = sim["staff"]
    slots = staff.slots["销售顾问"]
    w = staff.weights[slots] / staff.weights[slots].sum()
    crow = []
    for i, per in enumerate(periods):
        parts = _largest_remainder(int(target[i]), w)
        holders = staff.at(slots, np.full(len(slots), cal.mstart[cal.first + i]))
        for sid_, t in zip(holders, parts):
            crow.append((per, "销量", sid_, float(t), float(t + max(1, round(0.1 * t)))))
    frame = pd.concat([frame, pd.DataFrame(crow, columns=frame.columns)], ignore_index=True)
    frame.insert(0, "store_id", st.store_id)
    return frame, planted


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    raw = total * weights / weights.sum()
    base = np.floor(raw).astype(int)
    rest = total - base.sum()
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _points(st: _Store, cal: _Cal, rng, sim: dict) -> pd.DataFrame:
    staff = sim["staff"]
    slots = staff.slots["销售顾问"]
    rep = np.arange(cal.first, len(cal.periods))
    reasons = [("展车5S检查", 1.0, 7.0), ("试驾车值班", 1.0, 3.0), ("新车接车", 1.0, 2.0), ("迟到早退", -10.0, 0.3), ("客户表扬", 5.0, 0.4)]
    parts = []
    w = np.ones(len(cal.days))
    for reason, pts, lam in reasons:
        cnt = rng.poisson(lam, (len(rep), len(slots)))
        mi = np.repeat(np.repeat(rep, len(slots)), cnt.ravel())
        sl = np.repeat(np.tile(slots, len(rep)), cnt.ravel())
        day = cal.sample(rng, mi, w)
        parts.append(pd.DataFrame({"staff_id": staff.at(sl, day), "date": _to_dates(day), "reason": reason, "points": pts}))
    # the month's top seller
    top = sim["agg"]["top_seller"]
    if len(top):
        ends = cal.mstart[top[:, 0].astype(int) + 1] - 1
        parts.append(pd.DataFrame({"staff_id": top[:, 1], "date": _to_dates(ends), "reason": "月度销冠", "points": 20.0}))
    out = pd.concat(parts, ignore_index=True).sort_values(["date", "staff_id", "reason"], kind="stable")
    out.insert(0, "store_id", st.store_id)
    return out


def _market_finance(st: _Store, cal: _Cal, rng, sim: dict, targets: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    periods = cal.periods[cal.first:]
    agg = sim["agg"]
    vol = agg["volume"]
    share = rng.uniform(0.06, 0.12) * rng.uniform(0.92, 1.08, len(periods))
    tgt = targets[(targets["metric"] == "销量") & targets["staff_id"].isna()].set_index("period")["target"].reindex(periods).to_numpy()
    market = pd.DataFrame(
        {"store_id": st.store_id, "period": periods, "region_volume": np.round(np.maximum(vol, 1) / share),
         "volume_plan": np.round(tgt * rng.uniform(1.0, 1.1, len(periods)))}
    )
    revenue = agg["car_revenue"] + agg["addon_revenue"] + agg["service_revenue"]
    # monthly rows; capital_cost_rate is the ANNUAL rate (docs/DATA.md): a monthly EVA charges capital × rate / 12
    # (docs/DOMAIN.md §9); margins are thin (dealer net margins of 1–3 %), so EVA changes sign from month to month
    margin = rng.normal(0.022, 0.01, len(periods))
    cap = (40e6 if st.business == "乘用车" else 60e6) * rng.uniform(0.85, 1.15)
    finance = pd.DataFrame(
        {"store_id": st.store_id, "period": periods, "revenue": np.round(revenue, -2),
         "operating_cost": np.round(revenue * (1 - margin), -2), "tax_rate": 0.25,
         "invested_capital": np.round(cap * rng.uniform(0.98, 1.02, len(periods)), -4),
         "capital_cost_rate": 0.08}
    )
    return market, finance


# ------------------------------------------------------------------------------- stock, OEM policy (docs/DOMAIN.md §12)
#: (VP achievement threshold, 元 per unit, lump sum 元) of the VP达成奖 ladder: the seed's brand (别克), other
#: passenger-car brands, commercial vehicles
_VP_TIERS = {
    "别克": ((0.90, 800.0, 0.0), (0.95, 1800.0, 0.0), (1.00, 2800.0, 50_000.0), (1.05, 3200.0, 80_000.0)),
    "乘用车": ((0.90, 1000.0, 0.0), (1.00, 2600.0, 40_000.0), (1.05, 3000.0, 60_000.0)),
    "商用车": ((0.90, 1500.0, 0.0), (1.00, 4000.0, 60_000.0), (1.10, 5000.0, 100_000.0)),
}
#: the other items of the policy: (item, basis, threshold, 元 per unit, lump sum)
_OTHER_TIERS = (
    ("SSI奖", "ssi_index", 760.0, 300.0, 0.0),
    ("SSI奖", "ssi_index", 780.0, 600.0, 0.0),
    ("暗访奖", "score", 80.0, 200.0, 0.0),
    ("暗访奖", "score", 90.0, 500.0, 0.0),
    ("管理奖", "score", 85.0, 0.0, 20_000.0),
)
_WMI = {"别克": "LSG", "丰田": "LVG", "大众": "LSV", "本田": "LHG", "日产": "LGB"}


def _stock_and_policy(st: _Store, cal: _Cal, rng: np.random.Generator, sales: pd.DataFrame, volume: np.ndarray) -> dict:
    """Inventory, CALL OFF orders, the OEM policy and scores, marketing cost and the sold units' VINs of one store.

    Drawn from the store's own stream of the policy seed, after the store's other tables are final: adding these
    tables never changes a value of the others.

    * every sale takes a unit that arrived ``age`` days before the invoice (age ~ Gamma(3, 12), 36 days on average,
      at most 80); units for the sales of the next 200 days at the last quarter's pace that have already arrived are
      in stock at the end;
    * the units arriving in a month are that month's CALL OFF; ordered ≥ called off (accuracy 92–100 %);
    * planted: S02 holds 8 units of its slowest model bought 95–160 days before the end (old stock, capital);
      S03 orders far more than it calls off (CALL车 accuracy about 70 %);
      S01's policy is the seed's brand's (别克) and leaves it 3 units short of the 100 % VP tier in the last month.
    """
    sid, end = st.store_id, cal.end_day
    models = np.array(st.models)
    sale_day = _days(sales["invoice_date"])
    sale_model = sales["model"].to_numpy(dtype=object)
    cost = (sales["price"] - sales["gross_profit"].fillna(0.0)).to_numpy(dtype=float)
    # future sales (beyond the end) at the pace of the last 90 days, per model: their units may already be in stock
    fut_day, fut_model, fut_cost = [], [], []
    recent = sale_day > end - 90
    for m in models:
        mask = sale_model == m
        pace = (recent & mask).sum() / 90.0
        k = int(rng.poisson(pace * 200))
        fut_day.append(end + 1 + rng.integers(0, 200, k))
        fut_model.append(np.full(k, m, dtype=object))
        mean_cost = float(np.mean(cost[mask])) if mask.any() else 100_000.0
        fut_cost.append(np.round(mean_cost * rng.uniform(0.97, 1.03, k), -2))
    fut_day, fut_model, fut_cost = np.concatenate(fut_day), np.concatenate(fut_model), np.concatenate(fut_cost)
    n_s, n_f = len(sale_day), len(fut_day)
    age = np.minimum(np.round(rng.gamma(3.0, 12.0, n_s + n_f)), 80).astype(np.int64)
    day_all = np.concatenate([sale_day, fut_day])
    arrival = day_all - age
    keep_f = arrival[n_s:] <= end
    arr = np.concatenate([arrival[:n_s], arrival[n_s:][keep_f]])
    model = np.concatenate([sale_model, fut_model[keep_f]])
    pcost = np.concatenate([cost, fut_cost[keep_f]])
    sold = np.concatenate([sale_day, np.full(int(keep_f.sum()), -1)])
    sale_ref = np.concatenate([sales["sale_id"].to_numpy(dtype=object), np.full(int(keep_f.sum()), None, dtype=object)])
    if st.idx == 1:  # planted: old stock of the slowest model
        slow = models[-1]
        k = 8
        arr = np.concatenate([arr, end - rng.integers(95, 161, k)])
        model = np.concatenate([model, np.full(k, slow, dtype=object)])
        base = float(np.mean(cost[sale_model == slow])) if (sale_model == slow).any() else 200_000.0
        pcost = np.concatenate([pcost, np.round(base * rng.uniform(0.99, 1.02, k), -2)])
        sold = np.concatenate([sold, np.full(k, -1)])
        sale_ref = np.concatenate([sale_ref, np.full(k, None, dtype=object)])
    o = np.lexsort((model.astype(str), arr))
    arr, model, pcost, sold, sale_ref = arr[o], model[o], pcost[o], sold[o], sale_ref[o]
    vins = _names.vins(rng, len(arr), wmi=_WMI.get(st.brand, "LFW" if st.business == "商用车" else "LSV"))
    inventory = pd.DataFrame(
        {"vin": vins, "store_id": sid, "model": model, "arrival_date": _to_dates(arr), "sold_date": _to_dates(sold),
         "purchase_cost": pcost, "sale_id": sale_ref}
    )
    vin_of_sale = dict(zip(sale_ref[sold >= 0], vins[sold >= 0]))
    sales_vin = np.array([vin_of_sale[s_] for s_ in sales["sale_id"].to_numpy(dtype=object)], dtype=object)

    # CALL OFF = arrivals of the month; ordered ≥ called off
    periods = cal.periods[cal.first:]
    rows = []
    arr_m = cal.month_index(np.clip(arr, cal.mstart[0], None))
    for i, per in enumerate(periods):
        mi = cal.first + i
        last4 = i >= len(periods) - 4
        for m in models:
            called = int(((arr_m == mi) & (arr >= cal.mstart[0]) & (model == m)).sum())
            acc = rng.uniform(0.58, 0.7) if (st.idx == 2 and last4) else rng.uniform(0.75, 0.85) if st.idx == 2 else rng.uniform(0.92, 1.0)
            ordered = max(called, int(np.ceil(called / acc))) if called else int(rng.integers(0, 2))
            rows.append((sid, per, m, ordered, called))
    oem_orders = pd.DataFrame(rows, columns=["store_id", "period", "model", "ordered", "called_off"])
    oem_orders["note"] = None

    # the OEM policy of the store's brand (every month) and the OEM's monthly scores
    prow = [(sid, None, "VP达成奖", "vp_achievement", t, a, lump) for t, a, lump in _VP_TIERS.get(st.brand, _VP_TIERS[st.business])]
    prow += [(sid, None, item, basis, t, a, lump) for item, basis, t, a, lump in _OTHER_TIERS]
    oem_policy = pd.DataFrame(prow, columns=["store_id", "period", "item", "basis", "threshold", "amount_per_unit", "lump_sum"])
    n = len(periods)
    oem_scores = pd.DataFrame(
        {"store_id": sid, "period": np.repeat(periods, 2), "item": np.tile(["暗访", "管理"], n),
         "score": np.column_stack([np.clip(np.round(rng.normal(86, 5, n)), 60, 100),
                                   np.clip(np.round(rng.normal(88, 4, n)), 60, 100)]).ravel()}
    )
    per_unit = (900, 1400) if st.business == "乘用车" else (500, 900)
    fixed = 60_000 if st.business == "乘用车" else 40_000
    marketing = np.round(volume * rng.uniform(*per_unit, n) + fixed * rng.uniform(0.85, 1.15, n), -2)
    return dict(inventory=inventory, oem_orders=oem_orders, oem_policy=oem_policy, oem_scores=oem_scores,
                sales_vin=sales_vin, marketing_cost=marketing)


#: share of sold cars that come back for their first 保养 at the store, by store index (S01–S03 plant the contrast of
#: course module 9: S03's deliveries do not book the first service); later stores draw theirs
FIRST_SERVICE_SHARE = (0.84, 0.71, 0.52)


def _link_first_service(st: _Store, sales: pd.DataFrame, orders: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """The service orders' vin with the first 保养 of sold cars linked to sales.vin (course module 9, 首保回厂率).

    A sold car comes back with the store's share (:data:`FIRST_SERVICE_SHARE`) 4–8 months after its invoice: the first
    free 保养 order of the store from that day on (within 250 days of the invoice) takes the car's vin. Only orders whose
    vin occurs once at the store are used, so comebacks and the count of distinct vehicles are unchanged; every other
    column and table stays as it was (the draws come from their own stream).
    """
    vin = orders["vin"].to_numpy(dtype=object).copy()
    share = FIRST_SERVICE_SHARE[st.idx] if st.idx < len(FIRST_SERVICE_SHARE) else float(rng.uniform(0.62, 0.86))
    sold = sales["vin"].notna().to_numpy() & sales["invoice_date"].notna().to_numpy()
    if not sold.any() or not len(orders):
        return vin
    s_vin = sales["vin"].to_numpy(dtype=object)[sold]
    s_day = (pd.to_datetime(sales["invoice_date"]).to_numpy()[sold].astype("datetime64[D]") - _EPOCH).astype(np.int64)
    once = ~pd.Series(vin).duplicated(keep=False).to_numpy()
    cand = np.nonzero((orders["ro_type"].to_numpy(dtype=object) == "保养") & once)[0]
    c_day = (pd.to_datetime(orders["open_date"]).to_numpy()[cand].astype("datetime64[D]") - _EPOCH).astype(np.int64)
    o = np.argsort(c_day, kind="stable")
    cand, c_day = cand[o], c_day[o]
    nxt = np.arange(len(cand) + 1)  # next free candidate (path-halving union-find; len(cand) = none left)

    def find(i: int) -> int:
        while nxt[i] != i:
            nxt[i] = nxt[nxt[i]]
            i = int(nxt[i])
        return i

    comes = rng.random(len(s_vin)) < share
    offset = rng.integers(120, 245, len(s_vin))
    for k in rng.permutation(len(s_vin)):
        if not comes[k]:
            continue
        j = find(int(np.searchsorted(c_day, s_day[k] + offset[k])))
        if j >= len(cand) or c_day[j] > s_day[k] + 250:
            continue
        vin[cand[j]] = s_vin[k]
        nxt[j] = j + 1
    return vin


# ----------------------------------------------------------------------------------------------------------- generate
def generate(
    config: GroupConfig | None = None,
    *,
    seed: int = DEFAULT_SEED,
    stores: int = 3,
    months: int = 12,
    end: str = "2026-10",
    commercial_share: float = 1 / 3,
    scale: float = 1.0,
) -> Dataset:
    """Generate a synthetic dealer group: every table of docs/DATA.md, consistent, with the teaching cases planted.

    Parameters
    ----------
    config : GroupConfig, optional
        All parameters at once; when given, the keyword arguments are ignored.
    seed : int
        Seed (same seed and parameters → identical tables).
    stores : int
        Number of stores S01.. (S01–S03 carry the planted cases; see datasets/README.md).
    months : int
        Number of months ending with ``end``.
    end : str
        Last month ``YYYY-MM``.
    commercial_share : float
        Share of 商用车 stores.
    scale : float
        Volume multiplier (leads, visits, sales, service orders, complaints).

    Returns
    -------
    Dataset
        Tables stores, staff, leads, visits, calls, test_drives, followups, sales, addons, service_orders, surveys,
        survey_items, complaints, accounts, targets, booth_usage, points, market, monthly_finance, inventory,
        oem_orders, oem_policy, oem_scores, conformed to the schema. ``ds.planted`` (an attribute added here) describes where the teaching cases sit.
    """
    cfg = config if config is not None else GroupConfig(seed, stores, months, end, commercial_share, scale)
    ss = np.random.SeedSequence(cfg.seed)
    group_rng = np.random.default_rng(ss.spawn(1)[0])
    cal = _calendar(cfg.end, cfg.months)
    specs = _stores(cfg, group_rng)
    items = default_survey_items()
    store_seeds = np.random.SeedSequence([cfg.seed, 1]).spawn(len(specs))
    # the stock and OEM-policy tables draw from their own streams, so that they leave every other table unchanged
    policy_seeds = np.random.SeedSequence([cfg.seed, 2]).spawn(len(specs))
    acc: dict[str, list[pd.DataFrame]] = {}
    planted: dict = {"comeback_action": {}, "team": {}}

    def add(name, df):
        acc.setdefault(name, []).append(df)

    # the first services of sold cars are linked to their vin from a third stream (module 9's 首保回厂率)
    link_seeds = np.random.SeedSequence([cfg.seed, 3]).spawn(len(specs))
    for st, s_seed, p_seed, l_seed in zip(specs, store_seeds, policy_seeds, link_seeds):
        rng = np.random.default_rng(s_seed)
        sim = _simulate_store(st, cal, cfg, rng, items)
        stock = _stock_and_policy(st, cal, np.random.default_rng(p_seed), sim["sales"], sim["agg"]["volume"])
        sim["sales"]["vin"] = stock["sales_vin"]
        sim["service_orders"]["vin"] = _link_first_service(st, sim["sales"], sim["service_orders"],
                                                           np.random.default_rng(l_seed))
        for name in ("inventory", "oem_orders", "oem_policy", "oem_scores"):
            add(name, stock[name])
        for name in ("leads", "visits", "calls", "test_drives", "sales", "addons", "service_orders", "followups",
                     "surveys", "complaints", "booth_usage", "accounts"):
            add(name, sim[name])
        add("staff", sim["staff"].frame)
        targets, team = _targets(st, cal, rng, sim)
        add("targets", targets)
        add("points", _points(st, cal, rng, sim))
        market, finance = _market_finance(st, cal, rng, sim, targets)
        add("market", market)
        finance["marketing_cost"] = stock["marketing_cost"]
        add("monthly_finance", finance)
        _, action = _comeback_curve(st, cal)
        if action:
            planted["comeback_action"][st.store_id] = action
        if team:
            planted["team"][st.store_id] = team
        if st.idx == 0:
            planted["vp_cliff"] = {"store_id": st.store_id, "period": cal.periods[-1]}
        elif st.idx == 1:
            planted["old_stock"] = {"store_id": st.store_id, "model": st.models[-1]}
        elif st.idx == 2:
            planted["call_off"] = {"store_id": st.store_id, "periods": cal.periods[-4:]}
    stores_df = pd.DataFrame(
        {
            "store_id": [s.store_id for s in specs],
            "store_name": [s.name for s in specs],
            "brand": [s.brand for s in specs],
            "city": [s.city for s in specs],
            "region": [s.region for s in specs],
            "business": [s.business for s in specs],
            "open_date": _to_dates(np.array([s.open_day for s in specs])),
        }
    )
    frames = {"stores": stores_df}
    frames.update({k: pd.concat(v, ignore_index=True) for k, v in acc.items()})
    frames["survey_items"] = items[["item", "survey", "factor", "rater", "kano_class"]]

    ordered = {name: frames[name] for name in TABLES if name in frames}
    ds = Dataset.from_frames(ordered, source=f"generate(seed={cfg.seed})")
    ds.planted = planted  # type: ignore[attr-defined]
    return ds

