"""The charts of modules 6 and 7 (dealerlab.plots.accounts, dealerlab.plots.pay) draw in both languages, with the
texts of their catalogues (Chinese glyphs present: a missing glyph is an error in pyproject's filterwarnings)."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from dealerlab.pay import value
from dealerlab.plots import accounts as pa
from dealerlab.plots import pay as pp

TIERS = pd.DataFrame({
    "monetary": [5e5, 2e5, 1e5, 3e4], "potential": [10, 3, 8, 1], "tier": ["价值型", "重要型", "潜力型", "一般"],
    "account_name": ["甲公司", "乙公司", "丙公司", "丁公司"], "fleet_size": [10, 5, 2, 1],
    "R_score": [5, 4, 3, 1], "F_score": [5, 2, 3, 1], "account_id": ["1", "2", "3", "4"],
})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pay_charts(chinese_style, lang):
    ax = pp.bonus_waterfall({"base": 8000, "individual": 1.1, "team": 0.9}, lang=lang)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == (["总绩效", "× 个人达成 110%", "× 团队达成 90%", "奖金"] if lang == "zh"
                      else ["Base", "× individual 110%", "× team 90%", "Bonus"])
    year = pd.DataFrame({"period": ["2026-01", "2026-02"], "actual": [10, 8], "target": [9, 10], "hit": [True, False],
                         "pool_after": [1000, 1500], "paid": [500, 0]})
    ax = pp.team_pool(year, lang=lang)
    assert ax.get_title() == ("团队奖励与奖金池" if lang == "zh" else "Team reward and pool")
    ax = pp.units_vs_lines(pd.DataFrame({"staff_id": ["a", "b"], "units": [14, 8]}), lang=lang)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == ("季度月均 12 台（淘汰线）" if lang == "zh" else "12/month quarterly line")
    drivers = {k: 0.1 if k in ("tax_rate", "capital_cost_rate") else 1e6 for k in value.DRIVERS}
    ax = pp.value_tree(value.value_tree(**drivers, monthly=True), lang=lang)
    assert ax.get_title() == ("EVA 价值树：哪一个驱动因素最值得改善？" if lang == "zh" else "EVA value tree")
    plt.close("all")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_account_charts(chinese_style, lang):
    ax = pa.value_potential(TIERS, lang=lang)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == (["价值型", "重要型", "潜力型", "一般"] if lang == "zh" else ["value", "importance", "potential", "general"])
    ax = pa.rfm_heatmap(TIERS, lang=lang)
    cells = sorted(t.get_text() for t in ax.texts if t.get_text())
    assert cells[-1] == ("1\n50万" if lang == "zh" else "1\n500k")
    ax = pa.industry_mix(pd.DataFrame({"industry": ["制造", "物流"], "monetary": [5e5, 2e5], "accounts": [3, 1]}),
                         lang=lang)
    assert ax.texts[-1].get_text() == ("  50万 / 3户" if lang == "zh" else "  50 / 3")
    churn = pd.DataFrame({"account_name": ["<b>甲</b>"], "industry": ["制造"], "tier": ["价值型"],
                          "last_activity": [pd.Timestamp("2026-01-02")], "recency_days": [200], "monetary": [5e5],
                          "contact_level": ["总经理"]})
    html = pa.churn_table(churn, lang=lang).to_html()
    assert ("未往来天数" if lang == "zh" else "Days silent") in html and "<b>甲" not in html
    plt.close("all")


def test_value_potential_labels_keep_the_account_id(chinese_style):
    """The report labels the largest accounts "industry id" (masked names tell nothing); a cut at 7 characters read
    "物流运输 S0…" and lost the id the reading promises."""
    tiers = TIERS.assign(account_name=["物流运输 S02-K0001", "民营企业 S01-K0012", "党政军 S01-K0003", "制造 S02-K0004"])
    ax = pa.value_potential(tiers, label_top=4)
    labels = {t.get_text() for t in ax.texts}
    assert {"物流运输 S02-K0001", "民营企业 S01-K0012"} <= labels
    plt.close(ax.figure)
