"""The deliverable's number-format layer, label catalogue and Excel appendix (fast: no kernel, no browser)."""

from __future__ import annotations

import math
import re

import openpyxl
import pandas as pd
import pytest

from dealerlab.report import html as H
from dealerlab.report.fmt import excel_format, fmt, fmt_delta
from dealerlab.report.labels import COLUMNS, col, is_raw_label, table_label, value_label

PERIOD = "2026-10"


@pytest.mark.parametrize(
    ("value", "unit", "lang", "want"),
    [
        (0.9712, "rate", "zh", "97.1%"),
        (962_326.57, "money", "zh", "96.2 万元"),
        (12_345.4, "money", "zh", "12,345 元"),
        (99_999, "money", "zh", "99,999 元"),
        (100_000, "money", "zh", "10.0 万元"),
        (962_326.57, "money", "en", "¥962,327"),
        (3_336_540, "money", "en", "¥3.34 m"),
        (441.67, "count", "zh", "442"),  # a target of cars is a whole number of cars
        (33.5, "count", "zh", "34"),
        (779.4, "index", "zh", "779"),
        (48.64, "decimal", "zh", "48.6"),
        (math.nan, "rate", "zh", "无法计算"),
        (None, "money", "en", "n.a."),
    ],
)
def test_fmt(value, unit, lang, want):
    assert fmt(value, unit, lang) == want


def test_a_median_of_counts_keeps_its_half():
    assert fmt(33.5, "count", median=True) == "33.5"
    assert fmt(34.0, "count", median=True) == "34"


def test_fmt_delta_rates_in_points():
    assert fmt_delta(0.012, "rate") == "+1.2 个百分点"
    assert fmt_delta(0.012, "rate", short=True) == "+1.2" and fmt_delta(-0.0004, "rate") == "±0.0 个百分点"
    assert fmt_delta(-0.012, "rate", "en") == "−1.2pp"
    assert fmt_delta(-3, "count") == "−3"
    assert fmt_delta(150_000, "money") == "+15.0 万元"
    assert fmt_delta(math.nan, "money") == ""


def test_excel_formats():
    assert excel_format("rate") == "0.0%"
    assert excel_format("money") == '#,##0" 元"'
    assert excel_format("money", "en") == '"¥"#,##0'
    assert excel_format("count") == "#,##0"


def test_catalogue_labels_every_column_in_both_languages():
    for key in COLUMNS.keys():
        zh, en = COLUMNS.both(key)
        assert zh and en and not is_raw_label(zh) and not is_raw_label(en), key
    assert col("median_days_to_resolve") == "结案天数中位数"
    assert col("close_rate") == "成交率" and col("close_rate", "en") == "Close rate"
    assert table_label("service_orders") == "维修工单" or not is_raw_label(table_label("service_orders"))


def test_english_categories_come_from_the_catalogue():
    assert value_label("价值型", "en") == "value account"
    assert value_label("停岗", "en") == "suspended" and value_label("淘汰", "en") == "eliminated"
    assert value_label("试乘试驾", "en") != "试乘试驾"
    assert value_label("销售部", "en") != "销售部"
    assert value_label("价值型", "zh") == "价值型"


def test_html_table_labels_ids_and_formats_units():
    frame = pd.DataFrame({"store_id": ["S01"], "count": [4], "escalated_share": [0.25], "median_days_to_resolve": [2.5],
                          "tier": ["重要型"]})
    zh = H.table(frame, numeric_formats={"escalated_share": "rate", "median_days_to_resolve": "days"})
    assert "<th>结案天数中位数</th>" in zh and "<th>门店</th>" in zh and ">25.0%<" in zh and ">2.5<" in zh
    en = H.table(frame, lang="en", numeric_formats={"escalated_share": "rate"})
    assert "<th>Median days to resolve</th>" in en and "importance account" in en
    assert not any(is_raw_label(t) for t in re.findall(r"<th>(.*?)</th>", en))


@pytest.fixture(scope="module")
def long():
    from dealerlab.calendar import period_range
    from dealerlab.datasets import load_demo
    from dealerlab.report.metrics_file import metrics_table

    return metrics_table(load_demo(), periods=period_range(PERIOD, 3), stores=None)


def test_level_column_keeps_pivots_honest(long):
    assert set(long["level"]) == {"store", "consultant", "group"}
    store = long[(long["level"] == "store") & (long["metric"] == "volume") & (long["period"] == PERIOD)]
    cons = long[(long["level"] == "consultant") & (long["metric"] == "volume") & (long["period"] == PERIOD)]
    group = long[(long["level"] == "group") & (long["metric"] == "volume") & (long["period"] == PERIOD)]
    assert cons["value"].sum() == store["value"].sum() == group["value"].iloc[0]
    assert group["store_id"].isna().all()


def test_group_rates_come_from_summed_components(long):
    """The group's booth utilisation is Σ minutes used ÷ Σ minutes available over every store (DOMAIN §2), not the
    mean of the stores' rates."""
    from dealerlab.datasets import load_demo

    booth = load_demo()["booth_usage"]
    month = booth[pd.to_datetime(booth["date"]).dt.strftime("%Y-%m") == PERIOD]
    want = month["minutes_used"].sum() / month["minutes_available"].sum()
    g = long[(long["level"] == "group") & (long["period"] == PERIOD)].set_index("metric")["value"]
    s = long[(long["level"] == "store") & (long["period"] == PERIOD) & (long["metric"] == "booth_utilisation")]["value"]
    assert g["booth_utilisation"] == pytest.approx(want)
    assert g["booth_utilisation"] != pytest.approx(s.mean())


def test_appendix_workbook_is_formatted(long, tmp_path):
    from dealerlab.report.metrics_file import write_metrics

    path = write_metrics(long, tmp_path / "附录.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["门店指标", "顾问指标", "集团指标", "指标说明", "层级说明"]
    for ws in wb:
        header = [c.value for c in ws[1]]
        assert not [h for h in header if is_raw_label(h)], (ws.title, header)
        assert ws.freeze_panes and len(ws.tables) == 1, ws.title
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert rows and all(any(v is not None for v in r) for r in rows), ws.title  # no empty rows
    stores = wb["门店指标"]
    header = [c.value for c in stores[1]]
    assert stores.max_row - 1 == 3 * 3  # three stores × the three months of the comparison
    assert stores.cell(2, header.index("成交率") + 1).number_format == "0.0%"
    assert stores.cell(2, header.index("售后产值") + 1).number_format == '0!.0," 万元"'  # from 10 万, as the report
    assert stores.cell(2, header.index("单车毛利") + 1).number_format == '#,##0" 元"'
    assert stores.cell(2, header.index("销量") + 1).number_format == "#,##0"
    assert stores.column_dimensions["A"].width >= 8
    units = [r[2] for r in wb["指标说明"].iter_rows(min_row=2, values_only=True)]
    assert not [u for u in units if u in {"count", "rate", "money", "index"}]  # units in Chinese
    # consultants: only the store × consultant pairs the data has
    cons = pd.DataFrame(list(wb["顾问指标"].iter_rows(min_row=2, values_only=True)))
    assert cons.iloc[:, 3:].notna().any(axis=1).all()


def test_benchmarks_follow_each_stores_business_type():
    """A commercial-vehicle store is shown against commercial-vehicle benchmarks (docs/DOMAIN.md §10), the same ones
    its findings use; a group of mixed types shows only the values both types share (reviewer: S03's cards were green
    against passenger-car lines while its findings said it was below the commercial-vehicle benchmark)."""
    import pandas as pd

    from dealerlab.datasets import load_demo
    from dealerlab.funnel.benchmarks import load_benchmarks
    from dealerlab.report.context import ReportContext
    from dealerlab.report.params import ReportParams

    ds = load_demo()
    business = ds["stores"].set_index("store_id")["business"]
    assert business["S03"] == "商用车" and business["S01"] == "乘用车"
    car, cv = load_benchmarks(business="乘用车"), load_benchmarks(business="商用车")

    def ctx(store_id):
        params = ReportParams(data="demo", period="2026-10", store_id=store_id, lang="zh", show_pii=False,
                              benchmarks=None, months=6, source="demo")
        return ReportContext(params, ds, ["2026-10"], ["S01", "S02", "S03"], pd.DataFrame())

    assert ctx("S03").benchmarks()["close_rate"] == cv["close_rate"] == 0.25
    assert ctx("S01").benchmarks()["close_rate"] == car["close_rate"] == 0.20
    assert ctx(None).benchmarks("S03")["capture_rate"] == 0.80
    group = ctx(None).benchmarks()
    assert "close_rate" not in group and "capture_rate" not in group  # the types differ: no one line for all
    assert group["followup_timeliness"] == 0.90 and group["booth_utilisation"] == 0.60  # shared by both types


def test_every_registry_unit_has_an_excel_format_and_a_chinese_name(long, tmp_path):
    """A standard stock (unit ``units``: vehicles, may be fractional) was a General cell (141.8478260869565) and its
    unit in 指标说明 read ``units``."""
    from dealerlab import metrics as registry
    from dealerlab.report.metrics_file import write_metrics

    for unit in {m.unit for m in registry.METRICS.values()}:
        assert excel_format(unit) != "General", unit
    path = write_metrics(long, tmp_path / "附录.xlsx")
    wb = openpyxl.load_workbook(path)
    units = {r[0]: r[2] for r in wb["指标说明"].iter_rows(min_row=2, values_only=True)}
    assert units["standard_stock"] == "台"
    assert not [(m, u) for m, u in units.items() if re.search("[A-Za-z]", u)]
    for ws in wb:
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, float):
                    assert c.number_format != "General", (ws.title, c.coordinate, c.value)
