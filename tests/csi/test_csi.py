"""Course module 5 figures on a tiny survey whose every answer is computed by hand below."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dealerlab import Dataset, csi
from dealerlab.data.defaults import OVERALL_ITEM, default_survey_items

# One store S1, CSI, January 2026: four responses r1..r4 with five items + 总体满意度.
#            r1  r2  r3  r4
# 诊断准确 P  8   6   9   5    E 9 7 – 6     (r3 without expectation)
# 一次修好 P  7   7   8   8    E 8 6 8 9
# 费用解释 P  9   9   9   9    (no expectation; does not vary)
# 价格公道 P  6   5   7   4
# 车辆清洁 P  5   6   5   6
# 总体     P  8   6   9   5
# Plus one SSI response r5 (接待及时主动 9, 总体 9) and one CSI response r6 in S2 (诊断准确 4, 总体 4).
ITEMS = ["诊断准确", "一次修好", "费用解释清楚", "价格公道", "车辆交还清洁", OVERALL_ITEM]
P = {
    "诊断准确": [8, 6, 9, 5],
    "一次修好": [7, 7, 8, 8],
    "费用解释清楚": [9, 9, 9, 9],
    "价格公道": [6, 5, 7, 4],
    "车辆交还清洁": [5, 6, 5, 6],
    OVERALL_ITEM: [8, 6, 9, 5],
}
E = {"诊断准确": [9, 7, np.nan, 6], "一次修好": [8, 6, 8, 9]}


def _surveys() -> pd.DataFrame:
    rows = []
    for k, rid in enumerate(["r1", "r2", "r3", "r4"]):
        for item in ITEMS:
            rows.append(
                dict(response_id=rid, store_id="S1", survey="CSI", survey_date=f"2026-01-{10 + k}", item=item,
                     performance=P[item][k], expectation=E.get(item, [np.nan] * 4)[k])
            )
    rows += [
        dict(response_id="r5", store_id="S1", survey="SSI", survey_date="2026-01-20", item="接待及时主动",
             performance=9, expectation=8),
        dict(response_id="r5", store_id="S1", survey="SSI", survey_date="2026-01-20", item=OVERALL_ITEM,
             performance=9, expectation=np.nan),
        dict(response_id="r6", store_id="S2", survey="CSI", survey_date="2026-01-05", item="诊断准确",
             performance=4, expectation=np.nan),
        dict(response_id="r6", store_id="S2", survey="CSI", survey_date="2026-01-05", item=OVERALL_ITEM,
             performance=4, expectation=np.nan),
    ]
    df = pd.DataFrame(rows)
    df["survey_date"] = pd.to_datetime(df["survey_date"])
    return df


@pytest.fixture
def ds() -> Dataset:
    stores = pd.DataFrame({"store_id": ["S1", "S2"], "store_name": ["一店", "二店"]})
    return Dataset.from_frames({"surveys": _surveys(), "stores": stores})


@pytest.fixture
def surveys(ds) -> pd.DataFrame:
    return ds["surveys"]


def _row(df, **match):
    mask = pd.Series(True, index=df.index)
    for k, v in match.items():
        mask &= df[k] == v
    hit = df[mask]
    assert len(hit) == 1, (match, hit)
    return hit.iloc[0]


def test_item_index_and_gap(surveys):
    sc = csi.scores(surveys, level="item", by=["store_id", "period"], stores="S1", survey="CSI")
    a = _row(sc, item="诊断准确")
    # performance (8+6+9+5)/4 = 7 → index 700; gap over r1, r2, r4 (r3 has no E): (−1 −1 −1)/3 = −1
    assert a["performance"] == pytest.approx(7.0)
    assert a["index"] == pytest.approx(700.0)
    assert a["gap"] == pytest.approx(-1.0)
    assert a["n"] == 4 and a["n_both"] == 3
    # expectation is averaged over the same rows as the gap: (9+7+6)/3
    assert a["expectation"] == pytest.approx(22 / 3)
    b = _row(sc, item="一次修好")
    # (7−8) + (7−6) + (8−8) + (8−9) = −1 → −0.25; index (7+7+8+8)/4 × 100 = 750
    assert b["gap"] == pytest.approx(-0.25)
    assert b["index"] == pytest.approx(750.0)
    c = _row(sc, item="费用解释清楚")
    # no expectation at all → gap NaN with a reason, index still there (900)
    assert math.isnan(c["gap"]) and c["reason"]
    assert c["index"] == pytest.approx(900.0)
    assert OVERALL_ITEM not in set(sc["item"])
    assert c["rater"] == "可靠性" and c["kano_class"] == "不满意因素"


def test_include_overall_item(surveys):
    sc = csi.scores(surveys, level="item", by=[], stores="S1", survey="CSI", include_overall=True)
    # 总体 (8+6+9+5)/4 = 7 → 700
    assert _row(sc, item=OVERALL_ITEM)["index"] == pytest.approx(700.0)


def test_store_index_excludes_overall(surveys):
    idx = csi.satisfaction_index(surveys, periods=["2026-01", "2026-02"], stores=["S1", "S2"])
    assert len(idx) == 2 * 2 * 2  # stores × periods × survey types, always
    s1 = _row(idx, store_id="S1", period="2026-01", survey="CSI")
    # item rows without 总体: 28 + 30 + 36 + 22 + 22 = 138 over 20 rows = 6.9 → 690
    # (with 总体 it would be (138 + 28)/24 = 6.92 → 691.7)
    assert s1["index"] == pytest.approx(690.0)
    assert s1["metric"] == "csi_index" and s1["n_responses"] == 4
    assert _row(idx, store_id="S1", period="2026-01", survey="SSI")["index"] == pytest.approx(900.0)
    assert _row(idx, store_id="S2", period="2026-01", survey="CSI")["index"] == pytest.approx(400.0)
    empty = _row(idx, store_id="S1", period="2026-02", survey="CSI")
    assert math.isnan(empty["index"]) and "没有" in empty["reason"]


def test_factor_and_store_levels(surveys):
    f = csi.scores(surveys, level="factor", by=["store_id"], stores="S1", survey="CSI")
    # 取车 = 价格公道 + 车辆交还清洁: (22 + 22)/8 = 5.5 → 550
    assert _row(f, factor="取车")["index"] == pytest.approx(550.0)
    s = csi.scores(surveys, level="survey", by=["store_id"], survey="CSI")
    assert _row(s, store_id="S1")["index"] == pytest.approx(690.0)


def test_importance_pearson(surveys):
    imp = csi.importance(surveys, by=["store_id"], min_responses=3, stores="S1", survey="CSI")
    # 诊断准确 equals 总体 in every response → r = 1
    assert _row(imp, item="诊断准确")["importance"] == pytest.approx(1.0)
    # 一次修好: dx = −.5 −.5 .5 .5, dy = 1 −1 2 −2 → Σdxdy = −.5 + .5 + 1 − 1 = 0 → r = 0
    assert _row(imp, item="一次修好")["importance"] == pytest.approx(0.0, abs=1e-12)
    # 价格公道: dx = .5 −.5 1.5 −1.5 → Σdxdy = 7, Σdx² = 5, Σdy² = 10 → r = 7/√50 = 0.98995
    assert _row(imp, item="价格公道")["importance"] == pytest.approx(7 / math.sqrt(50))
    # 车辆交还清洁: dx = −.5 .5 −.5 .5 → Σdxdy = −3, Σdx² = 1 → r = −3/√10 = −0.94868
    assert _row(imp, item="车辆交还清洁")["importance"] == pytest.approx(-3 / math.sqrt(10))
    flat = _row(imp, item="费用解释清楚")
    assert math.isnan(flat["importance"]) and "差异" in flat["reason"]
    # matches numpy's Pearson
    x, y = np.array(P["价格公道"], float), np.array(P[OVERALL_ITEM], float)
    assert _row(imp, item="价格公道")["importance"] == pytest.approx(np.corrcoef(x, y)[0, 1])


def test_importance_too_few_responses(surveys):
    imp = csi.importance(surveys, by=["store_id"], min_responses=5, survey="CSI")
    row = _row(imp, store_id="S1", item="诊断准确")
    assert math.isnan(row["importance"]) and "4" in row["reason"]
    # S2 has one response
    assert _row(imp, store_id="S2", item="诊断准确")["n_pairs"] == 1


def test_ipa_quadrants(surveys):
    out = csi.ipa(surveys, by=["store_id"], min_responses=3, stores="S1", survey="CSI")
    # items with importance: 诊断准确 (1, 7), 一次修好 (0, 7.5), 价格公道 (0.98995, 5.5), 车辆交还清洁 (−0.94868, 5.5)
    # mean importance = (1 + 0 + 0.98995 − 0.94868)/4 = 0.26032; mean performance = (7 + 7.5 + 5.5 + 5.5)/4 = 6.375
    assert _row(out, item="诊断准确")["importance_split"] == pytest.approx((1 + 7 / 50**0.5 - 3 / 10**0.5) / 4)
    assert _row(out, item="诊断准确")["performance_split"] == pytest.approx(6.375)
    assert _row(out, item="诊断准确")["quadrant"] == "优势保持"
    assert _row(out, item="一次修好")["quadrant"] == "过度投入"
    assert _row(out, item="价格公道")["quadrant"] == "重点改进"
    assert _row(out, item="车辆交还清洁")["quadrant"] == "次要改进"
    flat = _row(out, item="费用解释清楚")
    assert pd.isna(flat["quadrant"]) and flat["reason"]
    first = csi.fix_first(out, n=2)
    # 重点改进 first (价格公道), then the 次要改进 item
    assert first["item"].tolist() == ["价格公道", "车辆交还清洁"]


def test_rater_scores(surveys):
    r = csi.rater_scores(surveys, by=["store_id"], stores="S1", survey="CSI")
    assert r["rater"].tolist() == list(csi.RATER)
    rel = _row(r, rater="可靠性")
    # 可靠性 = 一次修好 + 费用解释清楚 + 价格公道: (30 + 36 + 22)/12 = 7.333 → 733.3; gap only from 一次修好 = −0.25
    assert rel["index"] == pytest.approx(8800 / 12)
    assert rel["gap"] == pytest.approx(-0.25) and rel["n_both"] == 4
    tang = _row(r, rater="有形性")
    assert tang["index"] == pytest.approx(550.0) and math.isnan(tang["gap"]) and tang["reason"]
    emp = _row(r, rater="同理心")
    assert emp["n"] == 0 and math.isnan(emp["index"]) and emp["reason"]


def test_kano_summary(surveys):
    k = csi.kano_summary(surveys, by=["store_id"], stores="S1", survey="CSI")
    assert k["kano_class"].tolist() == ["不满意因素", "中性因素", "满意因素"]
    must = _row(k, kano_class="不满意因素")
    # 诊断准确 + 一次修好 + 费用解释清楚: (28 + 30 + 36)/12 = 7.833 → 783.3; weakest 诊断准确 (700)
    assert must["index"] == pytest.approx(9400 / 12)
    assert must["n_items"] == 3 and must["weakest_item"] == "诊断准确"
    assert _row(k, kano_class="满意因素")["index"] == pytest.approx(550.0)


def test_dictionary_from_dataset(surveys):
    items = default_survey_items()
    items.loc[items["item"] == "价格公道", "factor"] = "收费"
    ds2 = Dataset.from_frames({"surveys": surveys, "survey_items": items})
    d = csi.survey_dictionary(ds2)
    sc = csi.scores(surveys, level="factor", by=[], items=d, stores="S1", survey="CSI")
    assert _row(sc, factor="收费")["index"] == pytest.approx(550.0)
    assert csi.survey_dictionary(Dataset.from_frames({"surveys": surveys}))["item"].tolist() == items["item"].tolist()


def test_long_metrics_contract(ds):
    out = csi.long_metrics(ds, periods=["2026-01", "2026-02"])
    assert list(out.columns) == ["store_id", "period", "metric", "value", "reason"]
    assert len(out) == 2 * 2 * 2
    v = out.set_index(["store_id", "period", "metric"])
    assert v.loc[("S1", "2026-01", "csi_index"), "value"] == pytest.approx(690.0)
    assert v.loc[("S1", "2026-01", "ssi_index"), "value"] == pytest.approx(900.0)
    assert pd.isna(v.loc[("S2", "2026-01", "ssi_index"), "value"])
    assert pd.notna(v.loc[("S2", "2026-01", "ssi_index"), "reason"])
    assert (v["reason"][v["value"].notna()] == "").all()
    # in the order asked
    assert csi.long_metrics(ds, periods=["2026-02", "2026-01"], stores=["S2", "S1"])["store_id"].tolist()[:4] == ["S2"] * 4


def test_long_metrics_missing_table():
    ds = Dataset.from_frames({"stores": pd.DataFrame({"store_id": ["S1"], "store_name": ["一店"]})})
    out = csi.long_metrics(ds, periods=["2026-01"])
    assert len(out) == 2 and out["value"].isna().all()
    assert out["reason"].str.contains("surveys").all()
    staff = csi.long_metrics(ds, periods=["2026-01"], by_staff=True)
    assert staff.columns[0] == "staff_id" and staff["staff_id"].isna().all() and len(staff) == 2


def test_metrics_compute_uses_csi(ds):
    from dealerlab.figures import compute

    out = compute(ds, periods=["2026-01"], stores=["S1"], metrics=["csi_index", "ssi_index"])
    assert out["value"].tolist() == pytest.approx([690.0, 900.0])


# ---------------------------------------------------------------------------------------------- complaints
def _complaints() -> pd.DataFrame:
    nat = pd.NaT
    df = pd.DataFrame(
        {
            "complaint_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
            "store_id": ["S1"] * 5 + ["S2"],
            "received_date": pd.to_datetime(
                ["2026-01-03", "2026-01-10", "2026-01-28", "2025-12-20", "2025-12-01", "2026-01-02"]),
            "category": ["维修质量", "维修质量", "价格", "服务态度", "价格", "价格"],
            "resolved_date": pd.to_datetime(["2026-01-05", "2026-02-02", nat, "2026-01-10", nat, "2026-01-03"]),
            "escalated": pd.array([False, True, None, False, False, False], dtype="boolean"),
        }
    )
    return Dataset.from_frames({"complaints": df})["complaints"]


def test_complaint_figures():
    out = csi.complaint_figures(_complaints(), periods=["2026-01", "2026-02"], stores=["S1"])
    jan = _row(out, period="2026-01")
    # received in Jan: c1, c2, c3 → 3; closed in Jan: c1 (2 d), c4 (21 d) → median 11.5
    assert jan["count"] == 3 and jan["closed"] == 2
    assert jan["median_days_to_resolve"] == pytest.approx(11.5)
    # escalation known for c1 (no) and c2 (yes); c3 blank → 1/2
    assert jan["escalated_share"] == pytest.approx(0.5)
    # open at 31 Jan: c2 (21 d), c3 (3 d, too young), c5 (61 d) → 2
    assert jan["open_over_7d"] == 2
    feb = _row(out, period="2026-02")
    # nothing received → share NaN with reason; c2 closed 2 Feb after 23 d; open at 28 Feb: c3 (31 d), c5 → 2
    assert feb["count"] == 0 and math.isnan(feb["escalated_share"]) and feb["reason"]
    assert feb["median_days_to_resolve"] == pytest.approx(23.0)
    assert feb["open_over_7d"] == 2


def test_complaint_by_category_and_pareto():
    c = _complaints()
    out = csi.complaint_figures(c, periods="2026-01", stores=["S1"], by_category=True)
    assert _row(out, category="维修质量")["count"] == 2
    assert _row(out, category="价格")["open_over_7d"] == 1  # c5 (c3 is 3 days old)
    p = csi.complaint_pareto(c, stores=["S1"])
    # 价格 2, 维修质量 2, 服务态度 1 of 5 → shares .4 .4 .2, cumulative .4 .8 1
    assert p["category"].tolist() == ["价格", "维修质量", "服务态度"]
    assert p["cum_share"].tolist() == pytest.approx([0.4, 0.8, 1.0])


def test_index_vs_target(ds):
    targets = pd.DataFrame(
        {"store_id": ["S1", "S1"], "period": ["2026-01", "2026-01"], "metric": ["CSI", "SSI"],
         "target": [700.0, 880.0], "stretch": [750.0, np.nan]}
    )
    ds2 = Dataset.from_frames({**ds.tables, "targets": targets})
    out = csi.index_vs_target(ds2, periods=["2026-01"], stores=["S1"])
    c = _row(out, survey="CSI")
    # 690 of 700 → 0.9857, missed
    assert c["achievement"] == pytest.approx(690 / 700) and not c["hit"]
    assert bool(_row(out, survey="SSI")["hit"])


def test_bad_option(surveys):
    from dealerlab.errors import ParameterError

    with pytest.raises(ParameterError):
        csi.scores(surveys, level="dealer")
    with pytest.raises(ParameterError):
        csi.scores(surveys, survey="NPS")


def test_loader_rejects_scores_outside_1_to_10(tmp_path):
    from dealerlab.data.load import load
    from dealerlab.errors import DataValidationError

    (tmp_path / "stores.csv").write_text("store_id,store_name\nS1,一店\n", encoding="utf-8")
    (tmp_path / "surveys.csv").write_text(
        "response_id,store_id,survey,survey_date,item,performance,expectation\n"
        "r1,S1,CSI,2026-01-05,诊断准确,11,8\n"
        "r1,S1,CSI,2026-01-05,总体满意度,8,\n"
        "r2,S1,CSI,2026-01-06,诊断准确,0,8\n"
        "r2,S1,CSI,2026-01-06,总体满意度,9,12\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as err:
        load(tmp_path)
    bad = {(p.row, p.column) for p in err.value.problems}
    assert bad == {(2, "performance"), (4, "performance"), (5, "expectation")}
    # a clean file loads, and the figures run on it: (8 + 9)/2 = 8.5 → 850
    (tmp_path / "surveys.csv").write_text(
        "response_id,store_id,survey,survey_date,item,performance,expectation\n"
        "r1,S1,CSI,2026-01-05,诊断准确,8,8\nr1,S1,CSI,2026-01-05,总体满意度,8,\n"
        "r2,S1,CSI,2026-01-06,诊断准确,9,\nr2,S1,CSI,2026-01-06,总体满意度,9,\n",
        encoding="utf-8",
    )
    out = csi.long_metrics(load(tmp_path), periods=["2026-01"])
    assert out.set_index("metric").loc["csi_index", "value"] == pytest.approx(850.0)


def test_default_dictionary_covers_the_course():
    d = default_survey_items()
    assert list(d.columns) == ["item", "survey", "factor", "rater", "kano_class", "item_en"]
    assert not d.duplicated(["survey", "item"]).any() and d.notna().all().all()
    assert set(d["rater"]) <= set(csi.RATER) and set(d["kano_class"]) <= set(csi.KANO)
    for survey in csi.SURVEYS:
        sub = d[d["survey"] == survey]
        assert set(sub["rater"]) == set(csi.RATER) and set(sub["kano_class"]) == set(csi.KANO)
    assert {"接待", "需求分析", "试乘试驾", "成交", "交车", "设施", "销售顾问"} == set(d.loc[d.survey == "SSI", "factor"])
    assert {"服务启动", "服务顾问", "设施", "取车", "服务质量"} == set(d.loc[d.survey == "CSI", "factor"])
    # seed 001's workshop items
    for item in ["维修用时合理", "一次修好", "按时交车", "维修项目解释清楚", "费用解释清楚", "车辆交还清洁", "诊断准确",
                 "价格公道", "物有所值", "尊重客户时间"]:
        assert item in set(d.loc[d.survey == "CSI", "item"])
    assert OVERALL_ITEM not in set(d["item"])


def test_item_missing_from_dictionary(surveys):
    extra = pd.DataFrame([dict(response_id="r1", store_id="S1", survey="CSI", survey_date=pd.Timestamp("2026-01-10"),
                               item="自定义题项", performance=2.0, expectation=np.nan)])
    s = pd.concat([surveys, Dataset.from_frames({"surveys": extra})["surveys"]], ignore_index=True)
    idx = csi.satisfaction_index(s, periods="2026-01", stores="S1")
    # the store index counts every item row except 总体: (138 + 2)/21 × 100 = 666.67
    assert _row(idx, survey="CSI")["index"] == pytest.approx(14000 / 21)
    # but an item without factor / dimension / class is in none of those groups: 取车 stays 550
    f = csi.scores(s, level="factor", by=[], stores="S1", survey="CSI")
    assert _row(f, factor="取车")["index"] == pytest.approx(550.0) and f["factor"].notna().all()
    assert _row(csi.scores(s, by=[], stores="S1", survey="CSI"), item="自定义题项")["index"] == pytest.approx(200.0)


def test_documented_parameters_match_signatures():
    """Every public function of module 5 documents exactly its parameters (docs/STYLE.md rule 3)."""
    import inspect
    import re

    import dealerlab.plots.csi

    checked = 0
    for module in (csi, dealerlab.plots.csi):
        for name in module.__all__:
            obj = getattr(module, name)
            if not inspect.isfunction(obj) or "Parameters\n    ----------" not in (obj.__doc__ or ""):
                continue
            doc = obj.__doc__.split("Parameters\n    ----------", 1)[1]
            doc = re.split(r"\n    (Returns|Raises|Examples)\n", doc)[0]
            documented = set()
            for line in doc.splitlines():
                m = re.match(r"^    (\w[\w, ]*?) : ", line)
                if m:
                    documented |= {p.strip() for p in m.group(1).split(",")}
            assert documented == set(inspect.signature(obj).parameters), (module.__name__, name)
            checked += 1
    assert checked >= 18
