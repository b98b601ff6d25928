"""``dealerlab handouts`` (issue 19): exercises print to A4 with their questions, data and answer boxes; the
trainer's sheet adds the model answers; course notebooks print without code; no MathJax from a CDN is needed."""

from __future__ import annotations

import re
import shutil
import subprocess

import nbformat
import pytest

from dealerlab.exercises.course.kpi import consultant_month
from dealerlab.exercises.handouts import exercise_paper, notebook_exercises, notebook_handout_html, write_handouts


def test_paper_form_has_instructions_boxes_and_no_widgets():
    paper = exercise_paper(consultant_month)
    assert consultant_month.title in paper and "个人销量" in paper and "class='blank'" in paper
    assert "参考答案" not in paper
    assert "参考答案" in exercise_paper(consultant_month, solution=True)


def test_the_paper_sheet_is_for_paper(repo_root):
    """Found printing the warm-up: the name line came after the last question (a sheet handed in loose had no name on
    page 1), the sheet told the trainee his answers were saved by themselves and to click 检查答案, and the target
    slider's box had no % after it."""
    doc = notebook_handout_html(repo_root / "exercises" / "00-warmup.ipynb", execute=False)
    name = doc.index("姓名：")
    assert name < doc.index("热身 1") and doc.count("姓名：") == 1
    for screen_only in ("自动保存", "检查答案", "查看参考答案", "第一次使用时会请你输入姓名"):
        assert screen_only not in doc, screen_only
    assert "<span class='box'></span> %<div class='help'>在 50% 到 90% 之间" in doc
    doc = notebook_handout_html(repo_root / "exercises" / "01b-decomposition.ipynb", execute=False)
    assert "自动显示" not in doc and "你只需要填" in doc  # the screen-only sentence goes, the rest of it stays
    trainer = notebook_handout_html(repo_root / "exercises" / "00-warmup.ipynb", execute=False, solution=True)
    assert "姓名：" not in trainer and "参考答案" in trainer


def test_a_stopped_run_leaves_only_whole_handouts(repo_root, tmp_path, monkeypatch):
    """Stopping `dealerlab handouts` half-way left a 讲师版-….html beside the PDFs; now nothing half-made stays."""
    from dealerlab.exercises import handouts

    calls = []

    def fake_pdf(html_path, output):
        calls.append(output)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl+C while the second sheet prints
        output.write_bytes(b"%PDF-1.4 fake")
        return output

    monkeypatch.setattr("dealerlab.report.export.to_pdf", fake_pdf)
    monkeypatch.setattr(handouts, "_execute", lambda nb, cwd: nb)
    out = tmp_path / "讲义"
    with pytest.raises(KeyboardInterrupt):
        write_handouts(out, root=repo_root, only=["00-warmup"])
    assert sorted(p.name for p in out.iterdir()) == ["练习-00-warmup.pdf"]


def test_exercises_of_a_notebook_are_found(repo_root):
    nb = nbformat.read(repo_root / "exercises" / "06a-account-tiering.ipynb", as_version=4)
    ids = [ex.id for exs in notebook_exercises(nb).values() for ex in exs]
    assert ids == ["06a-tiering", "06b-strategy", "06c-churn-plan"]


def test_course_notebook_handout_has_no_code_or_cdn(repo_root):
    doc = notebook_handout_html(repo_root / "notebooks" / "00-course-map.ipynb", execute=False)
    assert "课程地图" in doc and "from dealerlab" not in doc
    assert "cdn" not in doc.lower() and "mathjax" not in doc.lower()


def test_no_notebook_needs_mathjax(repo_root):
    # formulas are written in plain text (÷ ×), so an offline export never shows raw LaTeX
    math = re.compile(r"\$\$|\\\(|\\\[|\$[^$\n]*\\[a-zA-Z]+[^$\n]*\$")
    for path in sorted([*repo_root.glob("notebooks/*.ipynb"), *repo_root.glob("exercises/*.ipynb")]):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                assert not math.search(cell.source), (path.name, cell.source[:100])


@pytest.mark.slow
def test_handout_pdf_is_a4_with_the_questions(repo_root, tmp_path, capfd):
    if not shutil.which("chromium") and not (shutil.which("/usr/bin/chromium")):
        pytest.skip("Chromium missing")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext missing (poppler-utils)")
    files = write_handouts(tmp_path, root=repo_root, only=["02c-consultant-month"])
    err = capfd.readouterr().err
    assert "IPKernelApp" not in err and "without encryption" not in err  # no English kernel chatter on screen
    trainee, trainer = tmp_path / "练习-02c-consultant-month.pdf", tmp_path / "讲师版-02c-consultant-month.pdf"
    assert sorted(files) == sorted([trainee, trainer])
    info = subprocess.run(["pdfinfo", str(trainee)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", str(trainee), "-"], capture_output=True, text=True).stdout
    assert "给销售顾问的一个月打分" in text and "封顶后的达成率" in text and "参考答案" not in text
    text = subprocess.run(["pdftotext", str(trainer), "-"], capture_output=True, text=True).stdout
    assert "参考答案" in text
    assert not list(tmp_path.glob("*.html"))  # only the PDFs remain
