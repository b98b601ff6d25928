"""Trainee copies (exercises build), the warm-up exercises, the workshop command line."""

from __future__ import annotations

import json

import nbformat
import pytest

from dealerlab.cli import main
from dealerlab.exercises import AnswerStore
from dealerlab.exercises.build import build_trainee_copies, trainee_copy
from dealerlab.exercises.commands import workshop_argv
from dealerlab.exercises.course import warmup


def _trainer_nb() -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "widgets": {"state": {"x": 1}}}
    intro = nbformat.v4.new_markdown_cell("# 练习")
    code = nbformat.v4.new_code_cell("x = 1\nx", execution_count=3,
                                     outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "1"},
                                                                     execution_count=3)])
    code.metadata = {"tags": ["parameters"], "scrolled": True, "execution": {"iopub.status.idle": "2026-11-23T10:00:00Z"}}
    sol = nbformat.v4.new_code_cell("answer = 42")
    sol.metadata["tags"] = ["solution"]
    note = nbformat.v4.new_markdown_cell("讲师提示：先讲留存率")
    note.metadata["tags"] = ["trainer", "x"]
    nb.cells = [intro, code, sol, note]
    return nbformat.writes(nb)


def test_trainee_copy_strips_solutions_notes_and_outputs():
    source = _trainer_nb()
    out = trainee_copy(source, source_name="01a-x.ipynb")
    nb = json.loads(out)
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert sources == ["# 练习", "x = 1\nx"]
    code = nb["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert code["metadata"] == {"tags": ["parameters"]}
    assert "widgets" not in nb["metadata"]
    assert nb["metadata"]["dealerlab"]["generated_from"] == "trainer/exercises/01a-x.ipynb"
    assert "answer = 42" not in out and "讲师提示" not in out
    assert trainee_copy(source, source_name="01a-x.ipynb") == out  # deterministic
    old = json.loads(source)
    old["nbformat_minor"] = 4
    for c in old["cells"]:
        c.pop("id")
    old = json.dumps(old)
    assert trainee_copy(old, source_name="a") == trainee_copy(old, source_name="a")  # no random ids


def test_build_check_write_and_remove(tmp_path):
    src, dst = tmp_path / "trainer", tmp_path / "exercises"
    src.mkdir()
    (src / "01a-x.ipynb").write_text(_trainer_nb(), encoding="utf-8")
    (src / "notes.ipynb").write_text(_trainer_nb(), encoding="utf-8")  # not NNx-name: ignored
    dst.mkdir()
    (dst / "09z-gone.ipynb").write_text("{}", encoding="utf-8")
    (dst / "README.md").write_text("keep", encoding="utf-8")

    res = build_trainee_copies(src, dst, check=True)
    assert [p.name for p in res.written] == ["01a-x.ipynb"] and [p.name for p in res.removed] == ["09z-gone.ipynb"]
    assert not (dst / "01a-x.ipynb").exists()  # check writes nothing

    res = build_trainee_copies(src, dst)
    assert res.stale and (dst / "01a-x.ipynb").exists() and not (dst / "09z-gone.ipynb").exists()
    assert (dst / "README.md").exists()
    assert not build_trainee_copies(src, dst, check=True).stale

    (dst / "01a-x.ipynb").write_text((dst / "01a-x.ipynb").read_text() + " ", encoding="utf-8")  # hand edit
    assert build_trainee_copies(src, dst, check=True).stale


def test_trainee_exercises_are_current(repo_root):
    """Fails when exercises/ is out of date: run `dealerlab exercises build`."""
    res = build_trainee_copies(repo_root / "trainer" / "exercises", repo_root / "exercises", check=True)
    assert not res.stale, (
        "学员版练习已过期，请运行 dealerlab exercises build："
        f"{[p.name for p in res.written]} {[p.name for p in res.removed]}"
    )


def test_cli_build_and_check(tmp_path, monkeypatch, capsys):
    (tmp_path / "trainer" / "exercises").mkdir(parents=True)
    src = tmp_path / "trainer" / "exercises" / "01a-x.ipynb"
    src.write_text(_trainer_nb(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["exercises", "build", "--check"]) == 1
    assert "已过期" in capsys.readouterr().out
    assert main(["exercises", "build"]) == 0
    assert (tmp_path / "exercises" / "01a-x.ipynb").exists()
    assert main(["exercises", "build", "--check"]) == 0
    assert "均为最新" in capsys.readouterr().out
    src.write_text(_trainer_nb().replace("# 练习", "# 练习（新版）"), encoding="utf-8")
    assert main(["exercises", "build", "--check", "--lang", "en"]) == 1
    assert "out of date" in capsys.readouterr().out


def test_trainer_notebooks_tag_what_they_hide(repo_root):
    """Every trainer notebook imports from dealerlab and its trainee copy shows no solution."""
    for path in sorted((repo_root / "trainer" / "exercises").glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        first_code = next(c for c in nb.cells if c.cell_type == "code")
        assert "set_style" in first_code.source, path.name
        copy = repo_root / "exercises" / path.name
        if not copy.exists():  # test_trainee_exercises_are_current reports it
            continue
        trainee = nbformat.read(str(copy), as_version=4)
        tags = {t for c in trainee.cells for t in c.metadata.get("tags", [])}
        assert not tags & {"solution", "trainer"}, path.name


# ---------------------------------------------------------------------------------------------------------------
# warm-up exercises: model answers pass, typical mistakes do not
@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path, trainee="测试")


def test_warmup_capture_rate(store):
    ex = warmup.capture_rate.bind(store=store)
    # (28 + 11) / (40 + 25) = 39 / 65 = 0.60
    ex.set_answer({"rate": "60", "formula": "a", "practices": ["testdrive", "card"]})
    assert ex.submit().status == "correct"
    # the seed's literal reading W + C/FV + FC = 28 + 11/40 + 25 = 53.275 → wrong rate, wrong formula
    ex.set_answer({"rate": "53.275", "formula": "b", "practices": ["card", "fake"]})
    fb = ex.submit()
    assert fb.status == "wrong" and "(W + C) ÷ (FV + FC)" in fb.explanation


def test_warmup_kpi_split(store):
    ex = warmup.kpi_split.bind(store=store)
    ex.set_answer(warmup.kpi_split.model_answer)
    assert ex.submit().status == "correct"
    # an even split sums right but ignores the weights
    even = {"S01": {"m1": 33.3, "m2": 33.3, "m3": 33.4}, "S02": {"m1": 20, "m2": 20, "m3": 20}}
    ex.set_answer({"split": even})
    fb = ex.submit()
    assert fb.status == "partly"
    assert ("split", False, "每月合计对了，但没有按季节权重分") in fb.details


def test_warmup_action_plan(store):
    ex = warmup.action_plan.bind(store=store)
    ex.set_answer({"target_rate": 0.7})
    assert "1.3" in ex.live_result  # 65 × (0.70 − 0.60) × 0.20 = 1.3
    ex.set_answer({"extra": "1.3", "plan": "为了把留存率提高到70%，由展厅经理负责，从下周一起每天在展厅接待台"
                                           "通过检查来店登记表复盘留资话术"})
    assert ex.submit().status == "correct"
    ex.set_answer({"extra": "6.5", "plan": "多留电话"})
    fb = ex.submit()
    assert fb.status == "partly" and fb.score < 0.5
    assert any(name == "plan" and not ok and "谁来做" in msg for name, ok, msg in fb.details)


def test_workshop_argv_sets_answers_folder(repo_root, tmp_path, monkeypatch):
    monkeypatch.chdir(repo_root)
    argv, env, folder = workshop_argv(voila=True, answers_dir=tmp_path / "ws", port=8877, open_browser=False)
    assert folder == (tmp_path / "ws").resolve() and folder.is_dir()
    assert env["DEALERLAB_ANSWERS_DIR"] == str(folder)
    # Voilà inside Jupyter Server with dealerlab's Chinese exercise list as the landing page (not Voilà's file tree)
    assert argv[0].endswith("jupyter") and argv[1] == "server"
    assert f"--ServerApp.root_dir={repo_root / 'exercises'}" in argv
    assert "--ServerApp.default_url=/dealerlab/" in argv
    assert "--ServerApp.jpserver_extensions=dealerlab.exercises.classroom_server=True" in argv
    assert "--ServerApp.jpserver_extensions=voila.server_extension=True" in argv
    assert "--ServerApp.port=8877" in argv and "--no-browser" in argv
    argv, _, _ = workshop_argv(voila=False, answers_dir=tmp_path / "ws")
    assert argv[0].endswith("jupyter") and argv[1] == "lab"
