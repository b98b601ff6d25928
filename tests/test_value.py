import pytest

from dealerlab import value


def test_eva_known_answer():
    # docs/DOMAIN.md §9: (100m − 95m) × (1 − 0.25) = 3.75m NOPAT; 30m × 8% = 2.4m → EVA 1.35m
    assert value.eva(100e6, 95e6, 0.25, 30e6, 0.08) == pytest.approx(1.35e6)


def test_value_tree_nodes_add_up():
    tree = value.value_tree(100e6, 95e6, 0.25, 30e6, 0.08).set_index("node")["value"]
    assert tree["nopat"] == pytest.approx(3.75e6)
    assert tree["capital_charge"] == pytest.approx(2.4e6)
    assert tree["eva"] == pytest.approx(tree["nopat"] - tree["capital_charge"])


def test_what_if_sensitivity_ranks_revenue_first():
    base = dict(revenue=100e6, operating_cost=95e6, tax_rate=0.25, invested_capital=30e6, capital_cost_rate=0.08)
    out = value.eva_what_if(base).set_index("driver")
    # +1% revenue = +1m operating profit → +0.75m EVA; −1% cost = +0.95m → +0.7125m
    assert out.loc["revenue", "delta"] == pytest.approx(0.75e6)
    assert out.loc["operating_cost", "delta"] == pytest.approx(0.7125e6)
    combined = value.eva_what_if(base, changes={"revenue": 0.05})
    assert combined["delta"].iloc[0] == pytest.approx(3.75e6)


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
