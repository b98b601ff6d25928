"""A batch of store reports shares what each store's notebook would compute for itself (dealerlab._batch): the
rows a store gets from the shared computation are exactly its own."""

from __future__ import annotations

import pandas as pd
import pytest

from dealerlab import _batch as batch
from dealerlab import figures
from dealerlab.accounts import tier_accounts
from dealerlab.calendar import period_range
from dealerlab.datasets import load_demo
from dealerlab.funnel import funnel_counts
from dealerlab.funnel.diagnosis import diagnose


@pytest.fixture()
def demo():
    ds = load_demo()
    yield ds
    batch.unregister(ds)


def test_a_stores_shared_rows_are_its_own(demo):
    ds = demo
    periods = list(period_range("2026-10", 4))
    others = ((diagnose, {"period": "2026-10"}), (funnel_counts, {"periods": ["2026-10"]}))
    own = {sid: [figures.compute(ds, periods=periods, stores=[sid])] + [fn(ds, stores=[sid], **kw) for fn, kw in others]
           for sid in ds.store_ids}  # before the batch: each store computed for itself
    batch.register(ds, ds.store_ids)
    calls = 0
    real = figures.FAMILIES["funnel"]

    def counting(*a, **k):
        nonlocal calls
        calls += 1
        return real(*a, **k)

    figures.FAMILIES["funnel"] = counting
    try:
        for sid in ds.store_ids:
            shared = figures.compute(ds, periods=periods, stores=[sid])
            pd.testing.assert_frame_equal(shared, own[sid][0], check_exact=True)
            assert set(shared["store_id"]) == {sid} and len(shared) > 50
            for (fn, kw), expected in zip(others, own[sid][1:]):
                pd.testing.assert_frame_equal(batch.across_stores(fn, ds, stores=[sid], **kw), expected, check_exact=True)
    finally:
        figures.FAMILIES["funnel"] = real
    assert calls == 1  # the funnel family once, for every store


def test_the_same_answer_for_every_store_is_computed_once_and_copied(demo):
    ds = demo
    as_of = pd.Timestamp("2026-10-31")
    own = tier_accounts(ds, as_of=as_of)
    batch.register(ds, ds.store_ids)
    first = batch.once(tier_accounts, ds, as_of=as_of)
    first.loc[:, "tier"] = "changed"  # a caller changing its copy changes nothing for the next
    again = batch.once(tier_accounts, ds, as_of=as_of)
    pd.testing.assert_frame_equal(again, own, check_exact=True)


def test_without_a_batch_every_call_computes_for_itself(demo):
    ds = demo
    calls = []

    def fn(ds, *, stores):
        calls.append(stores)
        return pd.DataFrame({"store_id": list(stores or [])})

    batch.across_stores(fn, ds, stores=["S01"])
    batch.register(ds, ["S01", "S02"])
    batch.across_stores(fn, ds, stores=["S01"])
    batch.across_stores(fn, ds, stores=["S02"])
    batch.across_stores(fn, ds, stores=["S09"])  # not a store of the batch
    batch.across_stores(fn, ds, stores=None)  # every store: computed as asked
    assert calls == [["S01"], ["S01", "S02"], ["S09"], None]


def test_the_check_mode_catches_a_store_that_depends_on_the_others(demo, monkeypatch):
    ds = demo
    batch.register(ds, ds.store_ids)
    monkeypatch.setenv("DEALERLAB_BATCH_CHECK", "1")

    def ranked(ds, *, stores):  # a rank among the stores asked: not a store-wise computation
        return pd.DataFrame({"store_id": stores, "rank": range(1, len(stores) + 1)})

    with pytest.raises(AssertionError):
        batch.across_stores(ranked, ds, stores=[ds.store_ids[-1]])


def test_after_sales_cohorts_and_retention_figures_shared_in_a_batch(demo, monkeypatch):
    from dealerlab import retention

    ds = demo
    own = {sid: (retention.first_service_cohorts(ds, period="2026-10", store_id=sid),
                 retention.retention_figures(ds, periods=["2026-10"], stores=[sid])) for sid in ds.store_ids}
    batch.register(ds, ds.store_ids)
    calls = []
    real = retention._cohort_inputs
    monkeypatch.setattr(retention, "_cohort_inputs", lambda d: calls.append(1) or real(d))
    for sid in ds.store_ids:
        cohorts = retention.first_service_cohorts(ds, period="2026-10", store_id=sid)
        assert len(cohorts) == 7 and cohorts["sold"].sum() > 0
        pd.testing.assert_frame_equal(cohorts, own[sid][0], check_exact=True)
        shared = batch.across_stores(retention.retention_figures, ds, stores=[sid], periods=["2026-10"])
        pd.testing.assert_frame_equal(shared, own[sid][1], check_exact=True)
    assert len(calls) == 1  # the group's orders and sales prepared once for every store


def test_once_copies_the_frames_of_a_tuple(demo):
    ds = demo
    batch.register(ds, ds.store_ids)

    def pair(ds):
        return pd.DataFrame({"x": [1, 2]}), True

    first, flag = batch.once(pair, ds)
    first.loc[:, "x"] = 0
    again, flag2 = batch.once(pair, ds)
    assert again["x"].tolist() == [1, 2] and flag and flag2


def test_achievement_and_complaints_shared_in_a_batch(demo):
    from dealerlab.csi import store_complaint_figures
    from dealerlab.targets import achievement

    ds = demo
    calls = [(achievement, {"period": "2026-10", "lang": "zh"}),
             (achievement, {"period": "2026-10", "by_staff": True, "lang": "en"}),
             (store_complaint_figures, {"periods": ["2026-09", "2026-10"], "open_days": 7})]
    own = {sid: [fn(ds, stores=[sid], **kw) for fn, kw in calls] for sid in ds.store_ids}
    batch.register(ds, ds.store_ids)
    for sid in ds.store_ids:
        for (fn, kw), expected in zip(calls, own[sid]):
            assert len(expected)
            pd.testing.assert_frame_equal(batch.across_stores(fn, ds, stores=[sid], **kw), expected, check_exact=True)


def test_csi_ipa_and_the_consultants_pay_figures_shared_in_a_batch(demo):
    from dealerlab import pay
    from dealerlab.csi import ipa
    from dealerlab.report.sections._common import bottom_out_of_stores, consultant_units_of_stores
    from dealerlab.report.sections.csi import csi_ipa

    ds = demo
    periods = list(period_range("2026-10", 6))
    calls = [(csi_ipa, {"periods": periods}),
             (consultant_units_of_stores, {"periods": periods[-4:]}),
             (bottom_out_of_stores, {"periods": periods[-4:]}),
             (pay.per_head, {"periods": ["2026-10"]}),
             (pay.turnover_by_department, {"periods": ["2026-10"]})]
    own = {sid: [fn(ds, stores=[sid], **kw) for fn, kw in calls] for sid in ds.store_ids}
    for sid in ds.store_ids:  # one store's forms are the functions a single report used before
        items = ds["survey_items"] if ds.has("survey_items") else None
        pd.testing.assert_frame_equal(own[sid][0], ipa(ds["surveys"], stores=[sid], periods=periods, survey="CSI",
                                                       items=items), check_exact=True)
        units = pay.consultant_units(ds, periods=periods[-4:], stores=[sid])
        pd.testing.assert_frame_equal(own[sid][1], units, check_exact=True)
        pd.testing.assert_frame_equal(own[sid][2], pay.bottom_out(units)[0], check_exact=True)
    # every store's rows of the all-store answers are its own, even with response ids repeated across stores
    surveys = ds["surveys"]
    ds2 = type(ds)({**ds.tables, "surveys": surveys.assign(
        response_id=surveys.groupby("store_id")["response_id"].transform(lambda r: pd.factorize(r)[0]).astype("string")
    )}, source="demo")  # response ids 0, 1, 2 … in every store
    twin = {sid: csi_ipa(ds2, stores=[sid], periods=periods) for sid in ds2.store_ids}
    assert all(len(t) and t["importance"].notna().any() for t in twin.values())
    batch.register(ds, ds.store_ids)
    batch.register(ds2, ds2.store_ids)
    try:
        for sid in ds.store_ids:
            for (fn, kw), expected in zip(calls, own[sid]):
                assert len(expected)
                pd.testing.assert_frame_equal(batch.across_stores(fn, ds, stores=[sid], **kw), expected,
                                              check_exact=True)
            pd.testing.assert_frame_equal(batch.across_stores(csi_ipa, ds2, stores=[sid], periods=periods), twin[sid],
                                          check_exact=True)
    finally:
        batch.unregister(ds2)


def test_the_policy_sections_stock_and_month_sales_shared_in_a_batch(demo):
    from dealerlab import policy
    from dealerlab.policy import _month_sales_of
    from dealerlab.policy.rebates import resolve_policy
    from dealerlab.policy.stock import stock_units_at
    from dealerlab.report.sections.policy import stocks_of_stores, units_in_stock

    ds = demo
    calls = [(stocks_of_stores, {"period": "2026-10"}), (units_in_stock, {"period": "2026-10"}),
             (_month_sales_of, {"periods": ["2026-10"]})]
    own = {sid: [fn(ds, stores=[sid], **kw) for fn, kw in calls] for sid in ds.store_ids}
    for sid in ds.store_ids:
        # the store's own cost of capital applied to the shared table: stock_by_model at that rate
        stock = own[sid][0].copy()
        stock["capital_cost_month"] = stock["stock_capital"] * 0.085 / 12
        expected = policy.stock_by_model(ds["inventory"], ds["sales"], period="2026-10", stores=[sid],
                                         capital_cost_rate=0.085)
        pd.testing.assert_frame_equal(stock, expected, check_exact=True)
        pd.testing.assert_frame_equal(own[sid][1], stock_units_at(ds["inventory"], period="2026-10", stores=[sid]),
                                      check_exact=True)
        # the ladder and the curve from a policy resolved once are those resolving it themselves
        rows = resolve_policy(ds["oem_policy"], store_id=sid, period="2026-10")
        lad = policy.cliff(ds, store=sid, period="2026-10")
        pd.testing.assert_frame_equal(policy.cliff(ds, store=sid, period="2026-10", policy_rows=rows), lad,
                                      check_exact=True)
        pd.testing.assert_frame_equal(
            policy.rebate_curve(ds, store=sid, period="2026-10", ladder=lad, policy_rows=rows),
            policy.rebate_curve(ds, store=sid, period="2026-10"), check_exact=True)
    batch.register(ds, ds.store_ids)
    for sid in ds.store_ids:
        for (fn, kw), expected in zip(calls, own[sid]):
            assert len(expected)
            pd.testing.assert_frame_equal(batch.across_stores(fn, ds, stores=[sid], **kw), expected, check_exact=True)
