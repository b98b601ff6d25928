"""``dealerlab class collect`` / ``class new`` / ``class export`` (issue 19)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from datetime import datetime

import pytest

from dealerlab.errors import ExerciseError
from dealerlab.exercises.collect import collect_into, new_class


def _rec(trainee, ex_id, attempts, values=None, updated="2026-11-20T10:00:00.000000Z", revealed=False):
    return {"format": 1, "exercise_id": ex_id, "title": "", "trainee": trainee, "updated": updated,
            "values": values or {}, "attempts": attempts, "revealed": revealed}


def _att(t, session="s", score=0.0, status="wrong"):
    return {"time": t, "session": session, "answer": {"rate": 0.4}, "status": status, "score": score, "details": []}


def _zip(path, members: dict):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data if isinstance(data, (bytes, str)) else json.dumps(data, ensure_ascii=False))
    return path


def test_collect_merges_laptops_and_deduplicates(tmp_path):
    a1, a2, a3 = (_att(f"2026-11-20T09:0{i}:00.000000Z", session=f"s{i}") for i in (1, 2, 3))
    lap1 = _zip(tmp_path / "laptop1.zip", {
        "dealerlab-answers/profile.json": {"trainee": "张三"},
        "dealerlab-answers/张三/00a-capture-rate.json": _rec("张三", "00a-capture-rate", [a1, a2], {"rate": "30%"},
                                                              updated="2026-11-20T09:02:00.000000Z"),
    })
    lap2 = _zip(tmp_path / "laptop2.zip", {
        "张三/00a-capture-rate.json": _rec("张三", "00a-capture-rate", [a2, a3], {"rate": "40%"},
                                          updated="2026-11-20T09:03:00.000000Z", revealed=True),
        "李四/00a-capture-rate.json": _rec("李四", "00a-capture-rate", [a1]),
    })
    into = tmp_path / "class"
    r = collect_into([lap1, lap2], into)
    assert (r.files, r.new_attempts, r.trainees) == (3, 4, {"张三", "李四"})
    data = json.loads((into / "张三" / "00a-capture-rate.json").read_text(encoding="utf-8"))
    assert [a["session"] for a in data["attempts"]] == ["s1", "s2", "s3"]  # union, a2 once
    assert data["values"] == {"rate": "40%"} and data["revealed"] is True  # the newer values win
    again = collect_into([lap1, lap2], into)  # collecting twice adds nothing
    assert again.new_attempts == 0
    assert len(json.loads((into / "张三" / "00a-capture-rate.json").read_text(encoding="utf-8"))["attempts"]) == 3


def test_collect_from_a_folder_and_never_writes_outside(tmp_path):
    evil = _zip(tmp_path / "evil.zip", {
        "../../escape.json": _rec("../../外面", "../../../x", [_att("2026-11-20T09:00:00.000000Z")]),
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "big.json": b"{" + b" " * (5 * 1024 * 1024) + b"}",
        "not-answer.json": {"hello": 1},
    })
    folder = tmp_path / "usb" / "dealerlab-answers" / "王五"
    folder.mkdir(parents=True)
    (folder / "06a-tiering.json").write_text(json.dumps(_rec("王五", "06a-tiering", [_att("2026-11-20T09:00:00.000000Z")]),
                                                        ensure_ascii=False), encoding="utf-8")
    into = tmp_path / "class"
    r = collect_into([evil, tmp_path / "usb"], into)
    reasons = dict((str(p).rsplit(":", 1)[-1], why) for p, why in r.skipped)
    assert {"deep.json", "big.json", "not-answer.json"} <= set(reasons)
    assert r.trainees == {"王五", "../../外面"}
    written = sorted(p.relative_to(into).as_posix() for p in into.rglob("*.json"))
    assert all(not w.startswith("..") for w in written) and not (tmp_path / "escape.json").exists()
    assert "王五/06a-tiering.json" in written


def test_collect_refuses_a_broken_zip(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ExerciseError, match="zip"):
        collect_into([bad], tmp_path / "class")


def test_new_class_archives_by_renaming(tmp_path):
    root = tmp_path / "answers"
    (root / "张三").mkdir(parents=True)
    (root / "张三" / "x.json").write_text("{}")
    archive = new_class(root, now=datetime(2026, 12, 1, 17, 30))
    assert archive.name == "answers-存档-20261201-173000" and (archive / "张三" / "x.json").exists()
    assert root.is_dir() and not any(root.iterdir())
    with pytest.raises(ExerciseError, match="空的"):
        new_class(root)


def test_class_cli_collect_export_new(tmp_path, repo_root):
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    lap = _zip(tmp_path / "l.zip", {"张三/06a-tiering.json": _rec("张三", "06a-tiering", [_att("2026-11-20T09:00:00.000000Z")])})
    into = tmp_path / "class"

    def run(*args):
        return subprocess.run([sys.executable, "-m", "dealerlab.cli", "class", *args], capture_output=True, text=True,
                              env=env, timeout=120)

    r = run("collect", str(lap), "--into", str(into))
    assert r.returncode == 0 and "1 位学员" in r.stdout, r.stderr
    out = tmp_path / "成绩册.xlsx"
    r = run("export", str(into), "-o", str(out))
    assert r.returncode == 0, r.stderr
    from openpyxl import load_workbook

    ws = load_workbook(out)["成绩明细"]
    rows = list(ws.values)
    assert rows[0][0] == "学员" and rows[0][1] == "练习" and rows[1][0] == "张三" and rows[1][1] == "给十个大客户分级"
    r = run("new", "--answers-dir", str(into))
    assert r.returncode == 0 and "存档" in r.stdout
    r = run("collect", str(tmp_path / "missing.zip"), "--into", str(into))
    assert r.returncode == 1 and "Traceback" not in r.stderr
