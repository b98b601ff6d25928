"""Exercise platform: input kinds, feedback, autosave/restore, corrupt files, concurrent writers, kernel restarts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import dealerlab.exercises.exercise as exercise_mod
from dealerlab.errors import ExerciseError
from dealerlab.exercises import (
    AnswerStore,
    ChoiceField,
    ClassifyField,
    Exercise,
    Feedback,
    NumberField,
    SliderField,
    TableField,
    TextField,
    find_keywords,
    is_close,
    parse_number,
)
from dealerlab.exercises.feedback import NumberParseError
from dealerlab.exercises.store import safe_name


# ---------------------------------------------------------------------------------------------------------------
# a small exercise using every field kind
def _check_all(a: dict) -> Feedback:
    return Feedback.grade(
        [
            ("n", is_close(a["n"], 0.6, tolerance=0.005), "留档率 = 39 / 65"),
            ("one", a["one"] == "a", "再想想"),
            ("many", a["many"] == ["x", "z"], "两项"),
            ("cls", a["cls"] == {"i1": "A", "i2": "B"}, "分错了"),
            ("tab", is_close(a["tab"]["r1"]["c1"], 40) and is_close(a["tab"]["r1"]["c2"], 60), "按权重"),
            ("txt", find_keywords(a["txt"], {"who": ["经理"]})["who"], "写明谁负责"),
            ("sl", is_close(a["sl"], 7), "拖到 7"),
        ],
        explanation="经营逻辑",
        hint="提示",
    )


def _make(store=None, *, id="t-all", **kw) -> Exercise:
    return Exercise(
        id=id,
        title="全部字段",
        fields={
            "n": NumberField("留档率", "Capture", percent=True),
            "one": ChoiceField("单选", options={"a": "甲", "b": "乙"}),
            "many": ChoiceField("多选", options=["x", "y", "z"], multiple=True),
            "cls": ClassifyField("分类", items=["i1", "i2"], classes=["A", "B"]),
            "tab": TableField("分解", rows=["r1"], columns=["c1", "c2"], totals="both"),
            "txt": TextField("行动"),
            "sl": SliderField("滑块", min=0, max=10, value=5),
        },
        check=_check_all,
        model_answer={"n": 0.6, "one": "a"},
        store=store,
        **kw,
    )


RIGHT = {
    "n": "60%",
    "one": "a",
    "many": ["z", "x"],
    "cls": {"i1": "A", "i2": "B"},
    "tab": {"r1": {"c1": "40", "c2": 60}},
    "txt": "由展厅经理负责",
    "sl": 7,
}


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path / "answers", trainee="张三")


@pytest.fixture
def slow_autosave(monkeypatch):
    """Autosave timer long enough that only flush()/submit() write (no timing in assertions)."""
    monkeypatch.setattr(exercise_mod, "AUTOSAVE_DELAY", 3600.0)


# ---------------------------------------------------------------------------------------------------------------
# number parsing
@pytest.mark.parametrize(
    ("text", "kw", "expected"),
    [
        ("12", {}, 12.0),
        ("１２．５", {}, 12.5),  # full-width digits and point
        ("1,234", {}, 1234.0),
        ("1 234.5", {}, 1234.5),
        ("35%", {}, 0.35),
        ("３５％", {}, 0.35),
        ("35", {"percent": True}, 0.35),  # percentage points
        ("0.35", {"percent": True}, 0.35),
        ("1.2", {"percent": True}, 0.012),  # default: above 1 is percentage points
        ("1.2", {"percent": True, "ratio_max": 3}, 1.2),  # achievement rates: 1.2 is 120 % (H11 QA)
        ("120", {"percent": True, "ratio_max": 3}, 1.2),
        ("120%", {"percent": True, "ratio_max": 3}, 1.2),
        ("3万", {}, 30000.0),
        ("¥12,345", {}, 12345.0),
        ("12台", {"unit": "台"}, 12.0),
        ("-5", {}, -5.0),
        ("", {}, None),
        ("  ", {}, None),
        (7, {}, 7.0),
    ],
)
def test_parse_number_accepts(text, kw, expected):
    assert parse_number(text, **kw) == pytest.approx(expected) if expected is not None else parse_number(text, **kw) is None


@pytest.mark.parametrize("text", ["abc", "十二", "1,23", "1.2.3", "nan", "inf", "12 台 5", "=1+1"])
def test_parse_number_rejects_with_chinese_hint(text):
    with pytest.raises(NumberParseError) as info:
        parse_number(text)
    assert "数字" in info.value.zh or "逗号" in info.value.zh
    assert info.value.en


def test_is_close_and_keywords():
    assert is_close(0.6, 0.6049, tolerance=0.005)
    assert not is_close(0.6, 0.61, tolerance=0.005)
    assert is_close(105, 100, rel_tolerance=0.05)
    assert not is_close(None, 0) and not is_close(float("nan"), 0) and not is_close("x", 0) and not is_close(True, 1)
    assert find_keywords("由ＤＣＣ专员负责", {"who": ["dcc"], "when": ["每天"]}) == {"who": True, "when": False}


def test_feedback_grade_and_validation():
    fb = Feedback.grade([("a", True, ""), ("b", False, "x")], explanation="e")
    assert (fb.status, fb.score) == ("partly", 0.5)
    assert Feedback.grade([("a", True, "")]).status == "correct"
    assert Feedback.grade([("a", False, "")]).status == "wrong"
    # weights: a counts 3, b 1 → 3/4
    assert Feedback.grade([("a", True, ""), ("b", False, "")], weights={"a": 3}).score == pytest.approx(0.75)
    with pytest.raises(ExerciseError):
        Feedback(status="ok", score=1)
    with pytest.raises(ExerciseError):
        Feedback(status="correct", score=1.5)


# ---------------------------------------------------------------------------------------------------------------
# every input kind, through the widgets
def test_every_field_kind_right_answer(store):
    ex = _make(store)
    ex.widget()
    ex.set_answer(RIGHT)
    a = ex.answer()
    assert a["n"] == pytest.approx(0.6)
    assert a["many"] == ["x", "z"]  # option order, not click order
    assert a["tab"] == {"r1": {"c1": 40.0, "c2": 60.0}}
    assert a["sl"] == 7.0
    fb = ex.submit()
    assert fb.status == "correct" and fb.score == 1.0
    assert "dl-correct" in ex._feedback_html.value and "经营逻辑" in ex._feedback_html.value
    assert "✓" in ex._views["n"].marker.value
    # the table shows its column and grand totals
    assert ex._views["tab"].col_totals[None].value == "<b>100</b>"


def test_wrong_fields_get_markers_and_hint(store):
    ex = _make(store)
    ex.widget()
    ex.set_answer({**RIGHT, "one": "b", "txt": "多留电话"})
    fb = ex.submit()
    assert fb.status == "partly"
    assert fb.score == pytest.approx(5 / 7)
    assert "✗" in ex._views["one"].marker.value and "再想想" in ex._views["one"].marker.value
    assert "提示" in ex._feedback_html.value
    # changing a field clears its stale marker
    ex.set_answer({"one": "a"})
    assert ex._views["one"].marker.value == ""


def test_field_with_several_details_is_wrong_when_any_is_wrong(store):
    # H11 QA (05a in Voilà): one detail per classified item, all on field "cls"; the marker showed only the last
    # detail, so a wrong first item and a right last item displayed ✓ and named none of the wrong items
    def check(answer):
        cls = answer["cls"]
        return Feedback.grade(
            [("cls", cls.get(i) == want, f"「{i}」<再想想>") for i, want in (("i1", "A"), ("i2", "B"))]
            + [("n", True, "")],
            explanation="e",
        )

    ex = Exercise(id="t-multi", title="多条", fields={"cls": ClassifyField("分类", items=["i1", "i2"],
                                                                          classes=["A", "B"]),
                                                   "n": NumberField("数")},
                  check=check, store=store)
    ex.widget()
    ex.set_answer({"cls": {"i1": "B", "i2": "B"}, "n": "1"})  # i1 wrong, i2 (the last detail) right
    assert ex.submit().status == "partly"
    marker = ex._views["cls"].marker.value
    assert "✗" in marker and "✓" not in marker and "「i1」&lt;再想想&gt;" in marker
    ex.set_answer({"cls": {"i1": "B", "i2": "A"}})  # both wrong: both named, one a line, escaped
    ex.submit()
    marker = ex._views["cls"].marker.value
    assert "「i1」&lt;再想想&gt;<br>「i2」&lt;再想想&gt;" in marker
    assert "✓" in ex._views["n"].marker.value


def test_long_marker_message_does_not_squeeze_the_label(store):
    # H11 QA (Voilà screenshot of 02c): a long ✗ message beside 「封顶后的达成率」 wrapped the label to 2 characters a
    # line; the label now keeps its natural width (wrapping only past 45 % of the row) and the message takes the rest
    ex = _make(store)
    ex.widget()
    for view in ex._views.values():
        assert view.label.layout.flex == "0 0 auto" and view.label.layout.max_width == "45%"
        assert view.marker.layout.flex == "1 1 0%" and view.marker.layout.min_width == "0"


def test_bad_number_gets_chinese_hint_not_traceback(store):
    ex = _make(store)
    ex.widget()
    ex.set_answer({**RIGHT, "n": "六十", "tab": {"r1": {"c1": "四十", "c2": 60}}})
    assert "不是数字" in ex._views["n"].hint.value
    fb = ex.submit()
    assert fb.status == "invalid"
    assert "不是数字" in fb.explanation and "r1 / c1" in fb.explanation
    assert ex.history == []  # no attempt recorded for unreadable input
    assert "dl-invalid" in ex._feedback_html.value


def test_number_box_shows_how_it_was_read(store):
    ex = _make(store)
    ex.widget()
    ex.set_answer({"n": "60"})  # percent field: 60 → 60 %
    assert "读作" in ex._views["n"].hint.value and "60%" in ex._views["n"].hint.value


def test_choice_and_classify_ignore_unknown_values(store):
    ex = _make(store)
    ex.set_answer({"one": "zzz", "many": ["q", "y"], "cls": {"i1": "C", "i9": "A"}})
    a = ex.answer()
    assert a["one"] is None and a["many"] == ["y"] and a["cls"] == {"i1": None, "i2": None}


def test_slider_is_clamped_and_live_output_updates(store):
    seen = []

    def live(a):
        seen.append(a["sl"])
        return f"结果 **{a['sl'] * 2:.0f}**"

    ex = _make(store, live=live)
    ex.widget()
    ex.set_answer({"sl": 99})
    assert ex.answer()["sl"] == 10.0
    assert ex.live_result == "结果 **20**"
    assert "<strong>20</strong>" in ex._live_html.value
    assert ex.history == []  # live never records an attempt


def test_live_errors_are_shown_as_a_notice(store):
    ex = _make(store, live=lambda a: 1 / 0)
    ex.widget()
    ex.set_answer({"sl": 3})
    assert "暂时无法计算" in ex._live_html.value


def test_broken_check_shows_chinese_notice(store):
    ex = Exercise(id="t-broken", title="坏", fields={"t": TextField("x")}, check=lambda a: 1 / 0, store=store)
    fb = ex.submit()
    assert fb.status == "invalid" and "请告诉讲师" in fb.explanation


def test_check_must_return_feedback(store):
    ex = Exercise(id="t-bad", title="坏", fields={"t": TextField("x")}, check=lambda a: True, store=store)
    with pytest.raises(ExerciseError):
        ex.check({"t": ""})


def test_model_answer_only_after_an_attempt(store):
    ex = _make(store)
    ex.widget()
    assert ex.reveal() == ""
    assert "先检查一次" in ex._model_html.value
    ex.set_answer(RIGHT)
    ex.submit()
    text = ex.reveal()
    assert "**留档率**：60%" in text and "甲" in text
    assert "参考答案" in ex._model_html.value


def test_exercise_definition_is_inert(store):
    ex = _make(store)
    assert ex._root is None and ex._views is None  # nothing built or read until shown
    with pytest.raises(ExerciseError):
        Exercise(id="", title="x", fields={"a": TextField("a")}, check=_check_all)
    with pytest.raises(ExerciseError):
        ex.set_answer({"nope": 1})


# ---------------------------------------------------------------------------------------------------------------
# saving and restoring
def test_save_and_restore_into_new_widgets(store, slow_autosave):
    ex = _make(store)
    ex.widget()
    ex.set_answer({**RIGHT, "one": "b"})
    assert not store.path("t-all").exists()  # debounced: nothing written yet
    ex.submit()  # flushes
    ex.reveal()
    ex.set_answer({"txt": "由展厅经理负责，每天检查"})
    assert ex.flush() is True
    data = json.loads(store.path("t-all").read_text(encoding="utf-8"))
    assert data["trainee"] == "张三" and data["exercise_id"] == "t-all" and data["revealed"] is True
    assert data["values"]["n"] == "60%"  # raw typed text is saved
    assert [a["status"] for a in data["attempts"]] == ["partly"]

    again = _make(AnswerStore(store.root, trainee="张三"))  # a new kernel would do this
    again.widget()
    assert again._views["n"].text.value == "60%"
    assert again._views["txt"].text.value == "由展厅经理负责，每天检查"
    assert again._views["tab"].inputs["r1"]["c1"].value == "40"
    assert len(again.history) == 1 and again.revealed
    assert "dl-partly" in again._feedback_html.value  # last result shown again
    assert "参考答案" in again._model_html.value


def test_debounced_autosave_writes_after_quiet(store, monkeypatch):
    monkeypatch.setattr(exercise_mod, "AUTOSAVE_DELAY", 0.01)
    ex = _make(store)
    ex.set_answer({"txt": "自动保存"})
    path = store.path("t-all")
    for _ in range(500):  # bounded wait for the background timer
        if path.exists():
            break
        time.sleep(0.01)
    assert json.loads(path.read_text(encoding="utf-8"))["values"]["txt"] == "自动保存"


def test_restore_survives_bad_values_in_file(store):
    path = store.path("t-all")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"values": {"one": "zzz", "sl": "x", "tab": 5, "many": "y"}, "attempts": []}),
                    encoding="utf-8")
    ex = _make(store)
    ex.widget()
    a = ex.answer()
    assert a["one"] is None and a["sl"] == 5.0 and a["many"] == ["y"] and a["tab"]["r1"]["c1"] is None


@pytest.mark.parametrize("content", ["{not json", '{"values": [1, 2]}', "\udcff", '["a"]', ""])
def test_corrupt_file_is_set_aside_with_warning(store, content):
    path = store.path("t-all")
    path.parent.mkdir(parents=True)
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    ex = _make(store)
    ex.widget()
    assert "已损坏" in ex.warning and "已损坏" in ex._warning_html.value
    aside = [p for p in path.parent.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == content.encode("utf-8", "surrogateescape")
    assert ex.answer()["n"] is None and ex.history == []  # starts clean
    ex.set_answer(RIGHT)
    assert ex.submit().status == "correct"
    assert json.loads(path.read_text(encoding="utf-8"))["attempts"][0]["status"] == "correct"


def test_unwritable_folder_shows_chinese_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    ex = _make(AnswerStore(blocker / "answers", trainee="张三"))
    ex.widget()
    ex.set_answer(RIGHT)
    fb = ex.submit()  # the check still works; saving fails politely
    assert fb.status == "correct"
    assert "保存失败" in ex.save_error and "保存失败" in ex._status_html.value


def test_trainee_name_is_asked_once_per_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DEALERLAB_TRAINEE", raising=False)
    root = tmp_path / "ws"
    ex1, ex2 = _make(AnswerStore(root)), _make(AnswerStore(root), id="t-all-2")
    w1, w2 = ex1.widget(), ex2.widget()
    prompt = w1.children[0]
    assert "dl-trainee" in prompt._dom_classes
    name_box = prompt.children[2].children[0]
    ok = prompt.children[2].children[1]
    name_box.value = "   "
    ok.click()
    assert "不能为空" in prompt.children[3].value
    name_box.value = "王 五"
    ok.click()
    assert json.loads((root / "profile.json").read_text(encoding="utf-8"))["trainee"] == "王 五"
    assert "dl-trainee" not in w1.children[0]._dom_classes  # both exercises now show their content
    assert "dl-trainee" not in w2.children[0]._dom_classes
    assert AnswerStore(root).trainee == "王 五"
    ex1.set_answer(RIGHT)
    ex1.submit()
    assert (root / "王 五" / "t-all.json").exists()


def test_safe_name():
    assert safe_name(" 张三 ") == "张三"
    assert safe_name("a/b\\c:d") == "a_b_c_d"
    assert safe_name("CON") == "_CON"
    assert safe_name("../..") == "_"  # never escapes the folder
    assert "/" not in safe_name("../../etc") and not safe_name("../../etc").startswith(".")
    with pytest.raises(ExerciseError):
        safe_name("  ")


# ---------------------------------------------------------------------------------------------------------------
# other processes: kernel restart, kernel kill, two tabs at once
_CHILD = textwrap.dedent(
    """
    import json, os, signal, sys
    sys.path.insert(0, {repo!r})
    from tests.exercises.test_exercises import _make, RIGHT
    from dealerlab.exercises import AnswerStore
    store = AnswerStore({root!r}, trainee="张三")
    ex = _make(store)
    ex.widget()
    mode = {mode!r}
    if mode == "save":
        ex.set_answer(dict(RIGHT, one="b"))
        ex.submit()
        ex.set_answer({{"txt": "退出前最后一次修改"}})   # left to the debounce timer / exit flush
    elif mode == "kill":
        ex.set_answer(dict(RIGHT, txt="被强制结束之前"))
        ex.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    elif mode == "hammer":
        for i in range({n}):
            ex.set_answer({{"txt": "{{}}-{{}}".format(os.getpid(), i)}})
            ex.submit()
    elif mode == "restore":
        print(json.dumps({{"raw": ex.raw_values(), "n": len(ex.history),
                          "status": [a["status"] for a in ex.history]}}, ensure_ascii=False))
    """
)


def _run_child(repo_root, root, mode, n=0, check=True):
    code = _CHILD.format(repo=str(repo_root), root=str(root), mode=mode, n=n)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          check=check, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


@pytest.mark.slow
def test_kernel_restart_restores_answers(repo_root, tmp_path):
    root = tmp_path / "answers"
    _run_child(repo_root, root, "save")
    out = json.loads(_run_child(repo_root, root, "restore").stdout)
    assert out["raw"]["n"] == "60%" and out["raw"]["one"] == "b"
    assert out["raw"]["txt"] == "退出前最后一次修改"  # pending autosave flushed at interpreter exit
    assert out["n"] == 1 and out["status"] == ["partly"]


@pytest.mark.slow
def test_kernel_kill_keeps_saved_answers(repo_root, tmp_path):
    root = tmp_path / "answers"
    proc = _run_child(repo_root, root, "kill", check=False)
    assert proc.returncode == -signal.SIGKILL
    out = json.loads(_run_child(repo_root, root, "restore").stdout)
    assert out["raw"]["txt"] == "被强制结束之前"
    assert not [p for p in (root / "张三").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_two_writers_on_one_file_merge_attempts(repo_root, tmp_path):
    root = tmp_path / "answers"
    n = 25
    code = [_CHILD.format(repo=str(repo_root), root=str(root), mode="hammer", n=n)] * 2
    procs = [subprocess.Popen([sys.executable, "-c", c], stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in code]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    data = json.loads((root / "张三" / "t-all.json").read_text(encoding="utf-8"))
    assert len(data["attempts"]) == 2 * n  # nobody's attempt lost
    assert len({a["session"] for a in data["attempts"]}) == 2
    times = [a["time"] for a in data["attempts"]]
    assert times == sorted(times)
    assert not list((root / "张三").glob("*.corrupt-*"))


def test_english_display(store):
    ex = _make(store).bind(lang="en")
    root = ex.widget()
    ex.set_answer({**RIGHT, "n": "sixty"})
    assert "not a number" in ex._views["n"].hint.value
    assert ex.submit().status == "invalid"
    ex.set_answer(RIGHT)
    ex.submit()
    assert "Result: Correct" in ex._feedback_html.value
    labels = [c.description for c in root.children[0].children if hasattr(c, "children")
              for c in c.children if hasattr(c, "description")]
    assert "Check answer" in labels and "Show model answer" in labels
    assert "Capture" in ex._views["n"].label.value
