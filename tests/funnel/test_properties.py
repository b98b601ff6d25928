"""Property tests of the funnel (hypothesis): rates are fractions in [0, 1] or NaN on process-consistent data;
proportions are in [0, 1] on any data; nothing changes when rows are shuffled or store ids renamed."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealerlab.data.dataset import Dataset
from dealerlab.funnel import long_metrics

PERIODS = ["2026-08", "2026-09", "2026-10"]
DAY0 = pd.Timestamp("2026-08-01")
SEED_SHUFFLE = 20261001  # named fixed seed for the row shuffles

#: rates bounded by construction on any data (shares of one population)
PROPORTIONS = ["test_drive_invite_share", "test_drive_satisfaction", "test_drive_satisfaction.reached",
               "followup_timeliness", "aftersale_followup_timeliness", "addon_penetration"]
#: flow rates, bounded when the log follows the process (see _process_log)
FLOW = ["capture_rate", "call_visit_rate", "revisit_rate", "test_drive_rate", "close_rate"]

lead_spec = st.fixed_dictionaries({
    "store": st.sampled_from(["S1", "S2"]),
    "day": st.integers(0, 88),  # created on DAY0 + day
    "walk_in": st.booleans(),
    "first_visit_after": st.one_of(st.none(), st.integers(0, 10)),  # call leads: first visit some days later
    "revisits": st.lists(st.integers(1, 40), max_size=3),
    "drive_on": st.one_of(st.none(), st.integers(0, 3)),  # index of the visit with the (single) test drive
    "invited": st.one_of(st.none(), st.booleans()),
    "reached": st.one_of(st.none(), st.booleans()),
    "satisfied": st.one_of(st.none(), st.booleans()),
    "outcome": st.sampled_from(["跟进中", "成交", "战败"]),
    "close_after": st.integers(0, 60),
    "staff": st.sampled_from(["A", "B", "C"]),
    "addons": st.lists(st.sampled_from(["保险", "金融贷款", "精品"]), max_size=2),
})


def _process_log(specs, extra_visits, extra_calls, fleet, followups):
    """A showroom log that follows the process: walk-in leads are created at their first visit, call leads at
    their first call and (optionally) first visit in the same month; revisits and the one test drive happen
    while the lead is open; a won lead has a showroom sale on its closing date."""
    leads, visits, calls, drives, sales, addons = [], [], [], [], [], []
    for i, sp in enumerate(specs):
        lid, created = f"L{i}", DAY0 + pd.Timedelta(days=sp["day"])
        closed = created + pd.Timedelta(days=sp["close_after"]) if sp["outcome"] != "跟进中" else None
        leads.append((lid, sp["store"], sp["staff"], created, "到店" if sp["walk_in"] else "来电", sp["outcome"], closed))
        my_visits = []
        if sp["walk_in"]:
            my_visits.append((created, "首次"))
        else:
            calls.append((f"K{i}", sp["store"], created, "首次", lid))
            if sp["first_visit_after"] is not None:
                fv = created + pd.Timedelta(days=sp["first_visit_after"])
                if fv.to_period("M") == created.to_period("M") and (closed is None or fv <= closed):
                    my_visits.append((fv, "首次"))
        if my_visits:
            for d in sp["revisits"]:
                rv = my_visits[0][0] + pd.Timedelta(days=d)
                if closed is None or rv <= closed:
                    my_visits.append((rv, "再次"))
        for j, (d, kind) in enumerate(my_visits):
            visits.append((f"V{i}_{j}", sp["store"], d, kind, lid, sp["staff"]))
        if sp["drive_on"] is not None and sp["drive_on"] < len(my_visits):
            drives.append((f"T{i}", sp["store"], lid, my_visits[sp["drive_on"]][0], sp["invited"], sp["reached"], sp["satisfied"]))
        if sp["outcome"] == "成交":
            sales.append((f"SA{i}", sp["store"], lid, sp["staff"], closed, "展厅", 1000.0))
            for k, p in enumerate(sp["addons"]):
                addons.append((f"AD{i}_{k}", sp["store"], f"SA{i}", p, 100.0, 50.0))
    for k, (store, day) in enumerate(extra_visits):
        visits.append((f"VX{k}", store, DAY0 + pd.Timedelta(days=day), "首次", None, None))
    for k, (store, day) in enumerate(extra_calls):
        calls.append((f"KX{k}", store, DAY0 + pd.Timedelta(days=day), "首次", None))
    for k, (store, day) in enumerate(fleet):
        sales.append((f"SF{k}", store, None, "A", DAY0 + pd.Timedelta(days=day), "大客户", 900.0))
    fus = [(f"F{k}", store, kind, DAY0 + pd.Timedelta(days=day), (DAY0 + pd.Timedelta(days=day + late)) if late is not None else None)
           for k, (store, kind, day, late) in enumerate(followups)]
    frames = {
        "stores": pd.DataFrame({"store_id": ["S1", "S2"], "store_name": ["一", "二"]}),
        "leads": pd.DataFrame(leads, columns=["lead_id", "store_id", "staff_id", "created_date", "first_contact", "status", "closed_date"]),
        "visits": pd.DataFrame(visits, columns=["visit_id", "store_id", "visit_date", "visit_type", "lead_id", "staff_id"]),
        "calls": pd.DataFrame(calls, columns=["call_id", "store_id", "call_date", "call_type", "lead_id"]),
        "test_drives": pd.DataFrame(drives, columns=["test_drive_id", "store_id", "lead_id", "drive_date", "invited", "callback_reached", "satisfied"]),
        "sales": pd.DataFrame(sales, columns=["sale_id", "store_id", "lead_id", "staff_id", "invoice_date", "channel", "price"]).assign(model="X"),
        "addons": pd.DataFrame(addons, columns=["addon_id", "store_id", "sale_id", "product", "revenue", "gross_profit"]),
        "followups": pd.DataFrame(fus, columns=["followup_id", "store_id", "kind", "due_date", "done_date"]),
    }
    return frames


stores = st.sampled_from(["S1", "S2"])
days = st.integers(0, 91)
logs = st.builds(
    _process_log,
    st.lists(lead_spec, max_size=25),
    st.lists(st.tuples(stores, days), max_size=5),
    st.lists(st.tuples(stores, days), max_size=5),
    st.lists(st.tuples(stores, days), max_size=3),
    st.lists(st.tuples(stores, st.sampled_from(["潜客跟踪", "售后跟踪"]), days, st.one_of(st.none(), st.integers(-2, 3))), max_size=6),
)

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _metrics(frames, by_staff=False):
    return long_metrics(Dataset.from_frames(frames), periods=PERIODS, by_staff=by_staff)


@SETTINGS
@given(logs)
def test_rates_are_fractions_or_nan(frames):
    for by_staff in (False, True):
        out = _metrics(frames, by_staff)
        rates = out[out.metric.isin(PROPORTIONS + FLOW) | out.metric.str.startswith("addon_penetration.")]
        v = rates["value"].to_numpy()
        ok = np.isnan(v) | ((v >= 0) & (v <= 1))
        assert ok.all(), rates[~ok]
        # a NaN always has a reason, a value never
        assert (rates["reason"][np.isnan(v)] != "").all()
        assert (rates["reason"][~np.isnan(v)] == "").all()


@SETTINGS
@given(logs, st.randoms(use_true_random=False))
def test_shuffled_rows_and_renamed_stores_change_nothing(frames, rnd):
    base = _metrics(frames)
    rng = np.random.default_rng(SEED_SHUFFLE)
    shuffled = {k: v.sample(frac=1.0, random_state=rng).reset_index(drop=True) for k, v in frames.items()}
    same = _metrics(shuffled)
    pd.testing.assert_frame_equal(base, same)
    rename = {"S1": "门店Z", "S2": "A-01"}
    renamed = {k: v.assign(store_id=v["store_id"].map(rename)) for k, v in frames.items()}
    other = _metrics(renamed)
    back = {v: k for k, v in rename.items()}
    other = other.assign(store_id=other["store_id"].map(back).astype("string"))
    key = ["store_id", "period", "metric"]
    pd.testing.assert_frame_equal(
        base.sort_values(key, kind="stable").reset_index(drop=True),
        other.sort_values(key, kind="stable").reset_index(drop=True),
    )
    staff_base = _metrics(frames, by_staff=True)
    staff_shuffled = _metrics(shuffled, by_staff=True)
    key = ["staff_id", "store_id", "period", "metric"]
    pd.testing.assert_frame_equal(
        staff_base.sort_values(key, kind="stable").reset_index(drop=True),
        staff_shuffled.sort_values(key, kind="stable").reset_index(drop=True),
    )
