"""`dealerlab class report`: the gradebook from several simulated trainees' answer files."""

from __future__ import annotations

import json
import math

import pytest

from dealerlab.cli import main
from dealerlab.errors import ExerciseError, ParameterError
from dealerlab.exercises.gradebook import collect_answers, gradebook, write_class_report


def _attempt(t: int, status: str, score: float, answer: dict, details=(), session="s1") -> dict:
    return {"time": f"2026-11-23T10:{t:02d}:00.000000Z", "session": session, "status": status, "score": score,
            "answer": answer, "details": [list(d) for d in details]}


def _write(root, trainee, ex_id, attempts, title="留存率"):
    path = root / trainee / f"{ex_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": 1, "exercise_id": ex_id, "title": title, "trainee": trainee,
                                "values": {}, "attempts": attempts, "revealed": False}, ensure_ascii=False),
                    encoding="utf-8")


@pytest.fixture
def answers(tmp_path):
    """Three trainees, two exercises.

    ex A: 张三 wrong(rate 0.5) then correct → best 1.0, 2 attempts, not first-try;
          李四 correct at once → 1.0, 1 attempt; 王五 wrong (rate 0.5) then partly 0.5 → best 0.5.
          mean best (1 + 1 + 0.5) / 3 = 0.8333; first-try correct 1/3; wrong answers: rate 0.5 ×2 (2 people),
          rate 0.6 ×1 (王五's partly attempt).
    ex B: 张三 partly 0.25 → best 0.25; 李四 saved but never checked (0 attempts, excluded from difficulty).
          mean best 0.25; first-try correct 0/1.
    Collected from two laptops: 张三's ex A is split over two folders (attempts merged).
    """
    root = tmp_path / "collected"
    bad_rate = [("rate", False, "x")]
    _write(root / "laptop1", "张三", "00a-capture", [_attempt(1, "wrong", 0.0, {"rate": 0.5}, bad_rate)])
    _write(root / "laptop2", "张三", "00a-capture", [_attempt(5, "correct", 1.0, {"rate": 0.6}, [("rate", True, "")])])
    _write(root / "laptop1", "李四", "00a-capture", [_attempt(2, "correct", 1.0, {"rate": 0.6})])
    _write(root / "laptop1", "王五", "00a-capture", [
        _attempt(3, "wrong", 0.0, {"rate": 0.5}, bad_rate),
        _attempt(4, "partly", 0.5, {"rate": 0.6, "f": "b"}, [("rate", True, ""), ("f", False, "")]),
    ])
    _write(root / "laptop1", "张三", "00b-split", [_attempt(6, "partly", 0.25, {"t": "多留电话"}, [("", False, "缺")])],
           title="分解")
    _write(root / "laptop1", "李四", "00b-split", [], title="分解")
    (root / "laptop1" / "profile.json").write_text('{"trainee": "x"}', encoding="utf-8")
    (root / "laptop1" / "李四" / "broken.json").write_text("{oops", encoding="utf-8")
    return root


def test_gradebook_scores(answers):
    records, skipped = collect_answers(answers)
    assert [p.name for p, _ in skipped] == ["broken.json"]
    t = gradebook(records)
    s = t["scores"].set_index(["exercise_id", "trainee"])
    assert s.loc[("00a-capture", "张三"), "attempts"] == 2  # merged over two laptops
    assert s.loc[("00a-capture", "张三"), "best_score"] == 1.0
    assert not s.loc[("00a-capture", "张三"), "correct_first_try"]
    assert s.loc[("00a-capture", "李四"), "correct_first_try"]
    assert s.loc[("00a-capture", "王五"), "best_score"] == 0.5
    assert s.loc[("00b-split", "李四"), "attempts"] == 0 and math.isnan(s.loc[("00b-split", "李四"), "best_score"])

    d = t["difficulty"].set_index("exercise_id")
    assert d.loc["00a-capture", "mean_best_score"] == pytest.approx(2.5 / 3)
    assert d.loc["00a-capture", "share_correct_first_try"] == pytest.approx(1 / 3)
    assert d.loc["00a-capture", "share_correct"] == pytest.approx(2 / 3)
    assert d.loc["00a-capture", "mean_attempts"] == pytest.approx(5 / 3)  # (2 + 1 + 2) / 3
    assert d.loc["00b-split", "trainees"] == 1 and d.loc["00b-split", "mean_best_score"] == 0.25

    w = t["wrong_answers"]
    top = w[(w.exercise_id == "00a-capture") & (w.field == "rate")].iloc[0]
    assert (top["answer"], top["count"], top["n_trainees"]) == ("0.5", 2, 2)
    f = w[(w.exercise_id == "00a-capture") & (w.field == "f")].iloc[0]
    assert (f["answer"], f["count"]) == ("b", 1)
    whole = w[w.exercise_id == "00b-split"].iloc[0]  # no field details: the whole answer counts
    assert whole["field"] == "" and "多留电话" in whole["answer"]


def test_class_report_html_and_xlsx(answers, tmp_path):
    _write(answers / "laptop3", "<script>alert(1)</script>", "00a-capture",
           [_attempt(9, "wrong", 0.0, {"rate": "=HYPERLINK(\"x\")"}, [("rate", False, "")])])
    out = write_class_report(answers, tmp_path / "班级报告.html")
    text = out.read_text(encoding="utf-8")
    assert "班级成绩报告" in text and "练习难度" in text and "最常见的错误答案" in text
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "62%" in text  # 00a mean best (1 + 1 + 0.5 + 0) / 4 = 0.625 (rounds half to even)
    assert "broken.json" in text  # skipped files are listed

    from openpyxl import load_workbook

    xl = write_class_report(answers, tmp_path / "班级报告.xlsx")
    wb = load_workbook(xl)
    assert wb.sheetnames == ["成绩明细", "练习难度", "常见错误"]
    ws = wb["常见错误"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "'=HYPERLINK(\"x\")" in values or any(str(v).startswith("'=") for v in values if v)
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    names = [c.value for c in wb["成绩明细"]["A"]]
    assert "<script>alert(1)</script>" in names  # text, not markup, in Excel


def test_class_report_cli_errors(tmp_path, capsys):
    assert main(["class", "report", str(tmp_path / "nope"), "-o", str(tmp_path / "r.html")]) == 1
    assert "不存在" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["class", "report", str(tmp_path / "empty"), "-o", str(tmp_path / "r.html")]) == 1
    assert "没有找到任何答案文件" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
    with pytest.raises(ParameterError):
        write_class_report(tmp_path / "empty", tmp_path / "r.pdf")
    with pytest.raises(ExerciseError):
        write_class_report(tmp_path / "empty", tmp_path / "r.html")


def test_class_report_cli_english(answers, tmp_path, capsys):
    assert main(["class", "report", str(answers), "-o", str(tmp_path / "g.html"), "--lang", "en"]) == 0
    text = (tmp_path / "g.html").read_text(encoding="utf-8")
    assert "Class gradebook" in text and "Difficulty" in text


def test_gradebook_from_real_answer_files(tmp_path):
    """Answer files written by the platform itself (two trainees on the warm-up) → the expected scores."""
    from dealerlab.exercises import AnswerStore
    from dealerlab.exercises.course import warmup

    root = tmp_path / "ws"
    a = warmup.capture_rate.bind(store=AnswerStore(root, trainee="甲"))
    a.set_answer({"rate": "0.5", "formula": "b", "practices": []})
    a.submit()  # wrong: 0 of weights 2 + 1 + 1
    a.set_answer({"rate": "60%", "formula": "a", "practices": ["card", "testdrive"]})
    a.submit()  # correct
    b = warmup.capture_rate.bind(store=AnswerStore(root, trainee="乙"))
    b.set_answer({"rate": "60", "formula": "b", "practices": ["card", "testdrive"]})
    b.submit()  # rate (2) + practices (1) of 4 → 0.75
    records, skipped = collect_answers(root)
    assert not skipped
    t = gradebook(records)
    s = t["scores"].set_index("trainee")
    assert s.loc["甲", "best_score"] == 1.0 and s.loc["甲", "attempts"] == 2
    assert s.loc["乙", "best_score"] == pytest.approx(0.75) and s.loc["乙", "last_status"] == "partly"
    d = t["difficulty"].iloc[0]
    assert d["mean_best_score"] == pytest.approx(0.875) and d["share_correct_first_try"] == 0.0
    w = t["wrong_answers"]
    formula = w[w.field == "正确的公式是"].iloc[0]  # labels from the exercise definition
    assert (formula["answer"], formula["count"], formula["n_trainees"]) == ("W + C ÷ FV + FC", 2, 2)
    rate = w[w.field == "信息留存率"].iloc[0]
    assert rate["answer"] == "50%"
