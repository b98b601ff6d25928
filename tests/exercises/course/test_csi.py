"""Course module 5 exercises: the checks grade right, wrong and typical mistaken answers."""

from __future__ import annotations

import pytest

from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course import csi as ex


def test_kano_sort(tmp_path):
    truth = ex._kano_truth()
    # from the default dictionary: must-be 一次修好, 诊断准确; one-dimensional 维修用时合理, 预约便捷; attractive the rest
    assert truth == {"诊断准确": "不满意因素", "一次修好": "不满意因素", "维修用时合理": "中性因素", "预约便捷": "中性因素",
                     "车辆交还清洁": "满意因素", "休息区舒适": "满意因素"}
    e = ex.kano_sort.bind(store=AnswerStore(tmp_path, trainee="测试"))
    e.set_answer({"classes": dict(truth)})
    assert e.submit().status == "correct"
    wrong = {**truth, "一次修好": "满意因素"}
    fb = ex.kano_sort.check({"classes": wrong})
    assert fb.status == "partly" and fb.score == pytest.approx(5 / 6)
    wrong_msgs = [d[2] for d in fb.details if not d[1]]
    assert len(wrong_msgs) == 1 and "一次修好" in wrong_msgs[0] and "不满意因素" not in wrong_msgs[0]  # no answer given away
    assert ex.kano_sort.check({"classes": {}}).status == "wrong"


def test_ipa_case_quadrants_and_pick(tmp_path):
    t = ex.ipa_case_table().set_index("item")
    # mean importance = 3.35 / 8 = 0.41875; mean index = 6490 / 8 = 811.25
    assert t["importance_split"].iloc[0] == pytest.approx(0.41875)
    assert t["performance_split"].iloc[0] == pytest.approx(8.1125)
    assert t.loc["一次修好", "quadrant"] == "重点改进" and t.loc["按时交车", "quadrant"] == "重点改进"
    assert t.loc["价格公道", "quadrant"] == "次要改进" and t.loc["休息区舒适", "quadrant"] == "过度投入"
    assert t.loc["诊断准确", "quadrant"] == "优势保持"
    e = ex.ipa_pick.bind(store=AnswerStore(tmp_path, trainee="测试"))
    e.set_answer({"items": ["一次修好", "按时交车"]})
    assert e.submit().status == "correct"
    # the trap: the two lowest scores
    fb = ex.ipa_pick.check({"items": ["价格公道", "一次修好"]})
    assert fb.status == "partly"
    assert any("次要改进" in d[2] for d in fb.details if not d[1])
    fb = ex.ipa_pick.check({"items": ["休息区舒适", "诊断准确"]})
    assert fb.status == "wrong"
    assert not any("按时交车" in d[2] or "一次修好" in d[2] for d in fb.details)  # the answer is not given away
    assert ex.ipa_pick.check({"items": []}).status == "wrong"


def test_gap_index(tmp_path):
    right = ex.gap_case_answer()
    # 一次修好 (−1 −2 +1)/3; 费用解释清楚 (1 + 1)/2 (Q2 has no expectation); index 51/6 × 100
    assert right["gap_fix"] == pytest.approx(-2 / 3)
    assert right["gap_charges"] == pytest.approx(1.0)
    assert right["index"] == pytest.approx(850.0)
    e = ex.gap_index.bind(store=AnswerStore(tmp_path, trainee="测试"))
    e.set_answer({"gap_fix": "-0.67", "gap_charges": "1", "index": "850"})
    assert e.submit().status == "correct"
    fb = ex.gap_index.check({"gap_fix": -0.67, "gap_charges": 10 / 3, "index": 855.56})
    msgs = " ".join(d[2] for d in fb.details)
    assert fb.status == "partly" and "不能当作 0" in msgs and "总体满意度" in msgs


def test_model_answers_render():
    assert "一次修好" in ex.ipa_pick.model_answer_text() and "按时交车" in ex.ipa_pick.model_answer_text()
    assert "不满意因素" in ex.kano_sort.model_answer_text()


@pytest.mark.parametrize(("typed", "status"), [("-0.7", "correct"), ("-0.667", "correct"), ("-0.6", "partly"),
                                               ("0.67", "partly")])
def test_gap_index_accepts_a_one_decimal_gap(typed, status):
    # H11 QA: −2/3 rounded to one decimal (−0.7, what a manager writes) was judged wrong; the sign still matters
    assert ex.gap_index.check({"gap_fix": float(typed), "gap_charges": 1.0, "index": 850.0}).status == status
