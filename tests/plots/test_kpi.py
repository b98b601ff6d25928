"""Charts of course module 2 (dealerlab.plots.kpi)."""

from __future__ import annotations

import math

import pytest

from dealerlab.kpi import KpiCard, score_cards
from dealerlab.kpi.library import ROLE_SETS, library_cards
from dealerlab.plots.kpi import PERSPECTIVE_COLORS, plot_perspective_weights, plot_scorecard


def test_perspective_weights(chinese_style):
    cards = [c for s in ROLE_SETS for c in library_cards(s, period="2026-10")]
    ax = plot_perspective_weights(cards)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(ROLE_SETS)
    # 销售顾问: 财务 35% + 15% = 50% (the bars of one perspective are drawn together, one per owner)
    finance = ax.containers[list(PERSPECTIVE_COLORS).index("财务")]
    widths = {ax.get_yticklabels()[i].get_text(): None for i in range(len(ROLE_SETS))}
    y_of = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    for bar in finance:
        for name, y in y_of.items():
            if abs(bar.get_y() + bar.get_height() / 2 - y) < 1e-9:
                widths[name] = bar.get_width()
    assert widths["销售顾问"] == pytest.approx(0.50)
    assert widths["客服经理"] == pytest.approx(0.0)


def test_perspective_weights_flags_bad_sum(chinese_style):
    cards = [KpiCard(owner="A", perspective="财务", weight=0.6), KpiCard(owner="A", perspective="客户", weight=0.3)]
    ax = plot_perspective_weights(cards, lang="en")
    assert any("total 90%" in t.get_text() for t in ax.texts)


def test_scorecard(chinese_style):
    cards = library_cards("销售顾问", period="2026-10", owner="X")
    scored = score_cards(cards, actuals={"SC01-X": 13, "SC02-X": 0.15, "SC03-X": math.nan, "SC05-X": 3500})
    ax = plot_scorecard(scored)
    rates = [b.get_width() for b in ax.containers[0]]
    # volume 13/10 capped at 12/10 = 1.2 ; close 0.15/0.20 = 0.75 ; missing → 0-width bar and a note
    assert rates[0] == pytest.approx(1.2) and rates[1] == pytest.approx(0.75) and rates[2] == 0
    assert any("无数据" in t.get_text() for t in ax.texts)
    assert "X 的计分卡" in ax.get_title(loc="left")


def test_scorecard_in_english(chinese_style):
    cards = library_cards("服务经理", period="2026-10")
    scored = score_cards(
        cards,
        values={
            "service_revenue": 1_132_790,
            "intake": 467,
            "comeback_rate": 0.03,
            "on_time_delivery": 0.9,
            "csi_index": 800,
        },
        lang="en",
    )
    ax = plot_scorecard(scored, lang="en")
    texts = [t.get_text() for t in ax.texts]
    assert any("actual 1,133k / target 1,200k" in t for t in texts)
    assert any(t.startswith("not available") for t in texts)  # booth_utilisation has no value
    assert ax.get_title(loc="left").startswith("Scorecard of")
