"""Issue 16 (exercise answers): answer and profile files are size- and depth-limited; special files and links leaving
the folder are skipped with a warning naming them; one bad trainee file never stops ``dealerlab class report``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course.accounts import churn_visit_plan, tiering_drill
from dealerlab.exercises.course.warmup import capture_rate
from dealerlab.exercises.gradebook import collect_answers, gradebook, write_class_report
from dealerlab.exercises.store import AnswerFileError, read_json_limited

DEEP = "[" * 200_000 + "]" * 200_000
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")


def _record(trainee, ex_id, title, attempts):
    return {"format": 1, "exercise_id": ex_id, "title": title, "trainee": trainee, "values": {},
            "attempts": attempts, "revealed": False}


def _attempt(answer, status="wrong", score=0.0, details=(), t="2026-11-20T09:00:00.000000Z"):
    return {"time": t, "session": "s1", "answer": answer, "status": status, "score": score, "details": list(details)}


def test_read_json_limited_refuses_deep_large_and_special(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP)
    with pytest.raises(AnswerFileError, match="嵌套"):
        read_json_limited(deep)
    big = tmp_path / "big.json"
    big.write_bytes(b'{"a": "' + b"x" * (5 * 1024 * 1024) + b'"}')
    with pytest.raises(AnswerFileError, match="太大"):
        read_json_limited(big)
    ok = tmp_path / "ok.json"
    ok.write_text('{"a": [1, {"b": "[[[["}]}')
    assert read_json_limited(ok) == {"a": [1, {"b": "[[[["}]}
    with pytest.raises(FileNotFoundError):
        read_json_limited(tmp_path / "missing.json")


@posix_only
def test_read_json_limited_never_blocks_on_a_fifo_or_follows_a_link(tmp_path):
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    t0 = time.monotonic()
    with pytest.raises(AnswerFileError, match="不是普通文件"):
        read_json_limited(fifo)
    assert time.monotonic() - t0 < 2
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(AnswerFileError):
        read_json_limited(link)


@pytest.mark.parametrize("content", [DEEP, '{"values": ' + "[" * 5000 + "]" * 5000 + "}", "x" * (5 * 1024 * 1024)])
def test_a_hostile_answer_file_is_moved_aside_and_the_exercise_starts_clean(tmp_path, content):
    store = AnswerStore(tmp_path, trainee="王经理")
    path = store.path(capture_rate.id)
    path.parent.mkdir(parents=True)
    path.write_text(content)
    ex = capture_rate.bind(store=store)
    ex.widget()  # used to raise RecursionError
    assert ex.warning and "已损坏" in ex.warning
    assert not path.exists() and list(path.parent.glob(path.name + ".corrupt-*"))
    ex.set_answer({"rate": "40%"})
    assert ex.submit().status in ("correct", "wrong", "partly")
    assert json.loads(path.read_text(encoding="utf-8"))["trainee"] == "王经理"


@posix_only
def test_a_fifo_as_answer_file_does_not_hang(tmp_path):
    store = AnswerStore(tmp_path, trainee="王经理")
    path = store.path(capture_rate.id)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    t0 = time.monotonic()
    ex = capture_rate.bind(store=store)
    ex.widget()
    assert time.monotonic() - t0 < 5 and ex.warning


@pytest.mark.parametrize("content", [DEEP, json.dumps({"trainee": "x" * (200 * 1024)}), "\udcff"])
def test_a_hostile_profile_means_no_name_yet(tmp_path, content, monkeypatch):
    monkeypatch.delenv("DEALERLAB_TRAINEE", raising=False)
    (tmp_path / "profile.json").write_text(content, errors="surrogateescape")
    assert AnswerStore(tmp_path).trainee is None


def _class_folder(tmp_path: Path) -> Path:
    root = tmp_path / "class"
    good = root / "王经理"
    good.mkdir(parents=True)
    (good / "06a-tiering.json").write_text(json.dumps(_record("王经理", "06a-tiering", "", [
        _attempt({"tiers": {"K01": "价值型", "K04": "重要型"}}, details=[["tiers", False, "x"]])])), encoding="utf-8")
    bad = root / "李经理"
    bad.mkdir()
    (bad / "deep.json").write_text(DEEP)
    (bad / "big.json").write_bytes(b"[" + b"1," * (3 * 1024 * 1024) + b"1]")
    (bad / "text.json").write_text("not json")
    if os.name == "posix":
        os.mkfifo(bad / "fifo.json")
        (bad / "zero.json").symlink_to("/dev/zero")
        outside = tmp_path / "outside.json"
        outside.write_text(json.dumps(_record("外人", "06a-tiering", "", [])), encoding="utf-8")
        (bad / "outside.json").symlink_to(outside)
        (root / "linked-folder").symlink_to(tmp_path, target_is_directory=True)
    return root


def test_class_report_skips_every_bad_file_and_names_it(tmp_path):
    root = _class_folder(tmp_path)
    t0 = time.monotonic()
    records, skipped = collect_answers(root)
    assert time.monotonic() - t0 < 10
    assert [(r["trainee"], r["exercise_id"]) for r in records] == [("王经理", "06a-tiering")]
    names = {p.name for p, _reason in skipped}
    assert {"deep.json", "big.json", "text.json"} <= names
    if os.name == "posix":
        assert {"fifo.json", "zero.json", "outside.json", "linked-folder"} <= names
        reasons = dict((p.name, r) for p, r in skipped)
        assert "符号链接" in reasons["outside.json"] and "普通文件" in reasons["fifo.json"]


def test_class_report_cli_warns_and_still_writes(tmp_path, repo_root):
    root = _class_folder(tmp_path)
    out = tmp_path / "班级报告.html"
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    r = subprocess.run([sys.executable, "-m", "dealerlab.cli", "class", "report", str(root), "-o", str(out)],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "deep.json" in r.stderr and "警告" in r.stderr
    text = out.read_text(encoding="utf-8")
    assert "给十个大客户分级" in text and "deep.json" in text


def test_class_report_shows_visible_titles_and_table_answers_by_row(tmp_path):
    root = tmp_path / "class"
    (root / "王经理").mkdir(parents=True)
    answer = {"tiers": {"K01": "价值型", "K02": "一般", "K03": "一般", "K04": "重要型", "K05": "一般", "K06": "重要型",
                        "K07": "一般", "K08": "重要型", "K09": "潜力型", "K10": "一般"}}
    (root / "王经理" / "06a-tiering.json").write_text(json.dumps(_record("王经理", "06a-tiering", "旧标题", [
        _attempt(answer, details=[["tiers", False, "x"]])])), encoding="utf-8")
    out = write_class_report(root, tmp_path / "r.html")
    text = out.read_text(encoding="utf-8")
    assert tiering_drill.title in text
    assert ">06a-tiering<" not in text and "旧标题" not in text
    assert "顺达物流 → 价值型<br>" in text  # one line per account, not one long string


def test_common_wrong_answers_are_graded_by_todays_check(tmp_path):
    plan = {"what": "拜访北方电网运维车队长，了解今年车辆更新计划", "why": "价值型客户有流失风险", "who": "大客户经理 王磊",
            "where": "客户车队场站", "how": "带上保养记录和以旧换新方案"}
    old_wrong = [["when", False, "不是日期：写出完成日期，例如 2026-11-15。"]]
    records = [
        {"trainee": f"学员{i}", "exercise_id": churn_visit_plan.id, "title": "", "attempts": [
            _attempt({**plan, "when": when}, status="partly", score=0.8, details=old_wrong)]}
        for i, when in enumerate(["2026年11月15日", "11月15日前", "尽快"])
    ]
    wrong = gradebook(records)["wrong_answers"]
    assert list(wrong["answer"]) == ["尽快"]
