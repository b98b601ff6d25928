import pytest

from dealerlab.pay import value


def test_eva_known_answer():
    # docs/DOMAIN.md §9: (100m − 95m) × (1 − 0.25) = 3.75m NOPAT; 30m × 8% = 2.4m → EVA 1.35m
    assert value.eva(100e6, 95e6, 0.25, 30e6, 0.08) == pytest.approx(1.35e6)


def test_value_tree_nodes_add_up():
    tree = value.value_tree(100e6, 95e6, 0.25, 30e6, 0.08).set_index("node")["value"]
    assert tree["nopat"] == pytest.approx(3.75e6)
    assert tree["capital_charge"] == pytest.approx(2.4e6)
    assert tree["eva"] == pytest.approx(tree["nopat"] - tree["capital_charge"])


def test_what_if_sensitivity_moves_revenue_with_its_costs():
    base = dict(revenue=100e6, operating_cost=95e6, tax_rate=0.25, invested_capital=30e6, capital_cost_rate=0.08)
    out = value.eva_what_if(base).set_index("driver")
    # DOMAIN §9: revenue +1% at the current cost ratio = 1% × 5m × 0.75 = +37 500 (never +750 000 with cost fixed);
    # cost −1% = 1% × 95m × 0.75 = +712 500; capital −1% = 1% × 30m × 8% = +24 000
    assert out.loc["revenue", "delta"] == pytest.approx(37_500)
    assert out.loc["operating_cost", "delta"] == pytest.approx(712_500)
    assert out.loc["invested_capital", "delta"] == pytest.approx(24_000)
    assert out["delta"].idxmax() == "operating_cost" and set(out["basis"]) == {"年化"}
    combined = value.eva_what_if(base, changes={"revenue": 0.05})
    assert combined["delta"].iloc[0] == pytest.approx(0.05 * 5e6 * 0.75)


def test_monthly_eva_charges_a_twelfth_of_the_annual_rate():
    # a month: 10m revenue, 9.86m cost (98.6%), 25% tax, 30m capital at 8%/yr → NOPAT 105 000, charge 200 000
    assert value.eva(10e6, 9.86e6, 0.25, 30e6, 0.08, monthly=True) == pytest.approx(105_000 - 200_000)
    m = dict(revenue=10e6, operating_cost=9.86e6, tax_rate=0.25, invested_capital=30e6, capital_cost_rate=0.08)
    out = value.eva_what_if(m, monthly=True).set_index("driver")
    # revenue +1% with costs: 1% × 140 000 × 0.75 = 1 050; cost −1%: 1% × 9.86m × 0.75 = 73 950
    assert out.loc["revenue", "delta"] == pytest.approx(1_050) and out.loc["operating_cost", "delta"] == pytest.approx(73_950)
    assert out.loc["invested_capital", "delta"] == pytest.approx(2_000) and set(out["basis"]) == {"月"}
    import pandas as pd

    f = value.eva_table(pd.DataFrame([dict(m, store_id="S1", period="2026-10")]))
    assert f["capital_charge"].iloc[0] == pytest.approx(200_000) and f["basis"].iloc[0] == "月"


def test_eva_rejects_rates_given_in_percent():
    with pytest.raises(value.ParameterError):
        value.eva(1, 1, 25, 1, 0.08)


def test_worksheet_export_markdown_and_missing(tmp_path):
    ws = value.swot_worksheet()
    ws.add("strengths", "售后产值同比 +12%")
    ws.add("threats", "=HYPERLINK(\"http://x\")")
    assert ws.missing() == ["weaknesses", "opportunities"]
    md = ws.to_markdown()
    assert "售后产值同比 +12%" in md and "待填写" in md
    path = ws.to_excel(tmp_path / "swot.xlsx")
    import openpyxl

    cells = [c.value for row in openpyxl.load_workbook(path).active.iter_rows() for c in row if c.value]
    assert "'=HYPERLINK(\"http://x\")" in cells  # formula injection neutralised
