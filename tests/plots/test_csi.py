"""Charts of course module 5 draw what the tables say (on a small fixed survey), with Chinese text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dealerlab import csi
from dealerlab.errors import ParameterError
from dealerlab.plots import csi as pc


def _ipa_table(n=12, seed=20260105):
    rng = np.random.default_rng(seed)
    items = csi.survey_dictionary()
    items = items[items["survey"] == "CSI"].head(n)
    d = pd.DataFrame({"survey": "CSI", "item": items["item"].to_numpy(),
                      "index": 800 + rng.normal(0, 6, len(items)), "importance": 0.45 + rng.normal(0, 0.04, len(items))})
    d["importance_split"] = d["importance"].mean()
    d["performance_split"] = d["index"].mean() / 100
    hi_i = d["importance"] >= d["importance_split"]
    hi_p = d["index"] >= d["performance_split"] * 100
    d["quadrant"] = np.select([hi_i & hi_p, hi_i & ~hi_p, ~hi_i & ~hi_p], ["优势保持", "重点改进", "次要改进"], "过度投入")
    return d


def test_ipa_map_labels_do_not_overlap(chinese_style):
    d = _ipa_table()
    ax = pc.ipa_map(d)
    fig = ax.figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    texts = [t for t in ax.texts if t.get_text() in set(d["item"])]
    assert len(texts) == len(d)
    boxes = [t.get_window_extent(r) for t in texts]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (texts[i].get_text(), texts[j].get_text())
    names = {t.get_text() for t in ax.texts}
    assert set(csi.QUADRANTS) <= names


def test_ipa_map_one_store_only(chinese_style):
    d = pd.concat([_ipa_table().assign(store_id="S1"), _ipa_table().assign(store_id="S2")])
    with pytest.raises(ParameterError):
        pc.ipa_map(d)


def test_gap_bars_and_radar(chinese_style):
    sc = pd.DataFrame({"survey": "CSI", "item": ["诊断准确", "一次修好", "价格公道"], "gap": [-1.0, 0.5, np.nan]})
    ax = pc.gap_bars(sc)
    assert len(ax.patches) == 2  # the NaN gap is left out
    assert [t.get_text() for t in ax.get_yticklabels()] == ["一次修好", "诊断准确"]
    r = pd.DataFrame({"survey": "CSI", "rater": list(csi.RATER), "performance": [8, 7, 9, 8, 7.5],
                      "expectation": [9, 8, 8, 8, 8], "gap": [-1, -1, 1, 0, -0.5]})
    ax = pc.rater_radar(r)
    assert ax.name == "polar"
    import matplotlib.pyplot as plt

    with pytest.raises(ParameterError):
        pc.rater_radar(r, ax=plt.subplots()[1])


def test_trend_and_pareto(chinese_style):
    t = pd.DataFrame({"store_id": "S1", "period": ["2026-01", "2026-02", "2026-01", "2026-02"],
                      "survey": ["CSI", "CSI", "SSI", "SSI"], "index": [800, 820, 850, np.nan],
                      "target": [850, 850, 880, 880]})
    ax = pc.index_trend(t)
    assert len(ax.lines) == 4  # two index lines + two target lines
    p = pd.DataFrame({"category": ["维修质量", "价格"], "count": [3, 1], "share": [0.75, 0.25], "cum_share": [0.75, 1.0]})
    ax = pc.complaint_pareto(p)
    assert [b.get_height() for b in ax.patches] == [3, 1]
    assert list(ax.right_ax.lines[0].get_ydata()) == [0.75, 1.0]


def test_ipa_map_english_and_plain(chinese_style):
    d = _ipa_table(n=6)
    ax = pc.ipa_map(d, lang="en")
    names = {t.get_text() for t in ax.texts}
    assert {"Fix first", "Keep up"} <= names and "Importance" in ax.get_ylabel()
    ax = pc.ipa_map(d, show_quadrants=False)
    assert not set(csi.QUADRANTS) & {t.get_text() for t in ax.texts}
