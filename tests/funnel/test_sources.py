"""traffic_mix and lead_sources (dealerlab.funnel.sources) on a tiny hand-made log."""

import math

import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.errors import ParameterError
from dealerlab.funnel import lead_sources, traffic_mix
from dealerlab.funnel import sources as src


def _ds():
    visits = pd.DataFrame({
        "visit_id": [f"V{i}" for i in range(6)], "store_id": ["S1"] * 5 + ["S2"],
        "visit_date": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-09-30",
                                      "2026-10-05"]),
        "visit_type": ["首次", "首次", "首次", "再次", "首次", "首次"],
        "lead_id": [None] * 6, "staff_id": ["E1"] * 6,
        "source": ["自然到店", "自然到店", "网络邀约", "网络邀约", "活动", "活动"],
    })
    leads = pd.DataFrame({
        "lead_id": [f"L{i}" for i in range(6)], "store_id": ["S1"] * 6, "staff_id": ["E1"] * 6,
        "created_date": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-09-01",
                                        "2026-10-05"]),
        "first_contact": ["到店", "到店", "网络", "网络", "来电", "来电"],
        "channel": ["自然到店", "自然到店", "网络平台", "网络平台", "来电", "来电"],
        "intent_level": ["H"] * 6, "model": ["X"] * 6,
        "status": ["成交", "战败", "成交", "跟进中", "战败", "成交"],
        "closed_date": pd.to_datetime(["2026-10-10", "2026-10-11", "2026-10-12", None, "2026-10-01", "2026-11-02"]),
        "lost_reason": [None] * 6, "name": ["甲"] * 6, "phone": ["1"] * 6, "account_id": [None] * 6,
    })
    return Dataset.from_frames({"visits": visits, "leads": leads})


def test_traffic_mix_counts_first_visits_of_the_month():
    # S1 in October: first visits 自然到店 2, 网络邀约 1 (the 再次 visit and the September one do not count)
    t = traffic_mix(_ds(), periods=["2026-10"], stores=["S1"])
    assert t[["source", "batches"]].values.tolist() == [["自然到店", 2], ["网络邀约", 1]]
    assert t["share"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert set(traffic_mix(_ds(), periods=["2026-10"])["store_id"]) == {"S1", "S2"}


def test_lead_sources_hand_computed(monkeypatch):
    monkeypatch.setattr(src, "MIN_CLOSED", 1)
    t = lead_sources(_ds(), periods=["2026-10"]).set_index("source")
    # created in October: 自然到店 2, 网络平台 2, 来电 1 (L4 was created in September) → shares 0.4, 0.4, 0.2
    assert t["leads"].to_dict() == {"自然到店": 2, "网络平台": 2, "来电": 1}
    assert t["share"].to_dict() == pytest.approx({"自然到店": 0.4, "网络平台": 0.4, "来电": 0.2})
    # closed in October: 自然到店 L0 sold + L1 lost → 1/2; 网络平台 L2 sold (L3 still open) → 1/1;
    # 来电 L4 lost on 1 Oct (L5 closes in November) → 0/1
    assert t["closed"].to_dict() == {"自然到店": 2, "网络平台": 1, "来电": 1}
    assert t["sold_share"].to_dict() == pytest.approx({"自然到店": 0.5, "网络平台": 1.0, "来电": 0.0})
    by_first = lead_sources(_ds(), periods=["2026-10"], by="first_contact").set_index("source")
    assert by_first.loc["网络", "leads"] == 2


def test_lead_sources_small_samples_and_bad_option():
    t = lead_sources(_ds(), periods=["2026-10"])          # fewer than 30 closed leads: share not shown
    assert t["sold_share"].isna().all() and math.isclose(t["share"].sum(), 1.0)
    with pytest.raises(ParameterError, match="by"):
        lead_sources(_ds(), periods=["2026-10"], by="model")
