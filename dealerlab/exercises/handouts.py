"""Printable handouts: every exercise and course notebook as an A4 PDF (``dealerlab handouts -o DIR``).

An exercise on paper is not its widgets: each exercise shown in a trainee notebook is drawn as a paper form — the
instructions and data, then one answer box per field (a line for a number with its unit, ☐ for each option, a grid
for a table, ruled lines for text). Charts and tables the notebook computes are kept (the notebook is executed first,
with a throw-away answers folder). The trainer's solution sheet adds each exercise's model answer and explanation.
Course notebooks print their stored outputs without code. PDF through the same headless Chromium as the reports
(:func:`dealerlab.report.export.to_pdf`); no formula needs MathJax (the course writes formulas in plain text), so
nothing is fetched from the internet.
"""

from __future__ import annotations

import ast
import html
import importlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat

from dealerlab.exercises.exercise import Exercise, _markdown
from dealerlab.exercises.fields import ChoiceField, ClassifyField, NumberField, SliderField, TableField, TextField
from dealerlab.exercises.store import atomic_write_text
from dealerlab.i18n import Catalogue

__all__ = ["exercise_paper", "notebook_exercises", "notebook_handout_html", "write_handouts"]

_MSG = Catalogue.load("exercises/handouts")

_CSS = """
@page{size:A4;margin:14mm 14mm 16mm 14mm}
body{font-family:"Noto Sans SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;font-size:11.5pt;color:#111;
line-height:1.5;margin:0}
h1{font-size:18pt;margin:0 0 8px}h2{font-size:14pt}h3{font-size:13pt;margin:6px 0}
.paper{border:1px solid #999;padding:8px 12px;margin:10px 0;break-inside:auto}
.field{margin:8px 0;break-inside:avoid}.label{font-weight:bold}.help{color:#555;font-size:10pt}
.box{display:inline-block;min-width:45mm;border-bottom:1px solid #000;height:7mm;vertical-align:bottom}
.lines div{border-bottom:1px solid #888;height:8mm}
table{border-collapse:collapse;margin:4px 0;font-size:10.5pt}th,td{border:1px solid #777;padding:3px 8px;text-align:left}
th{background:#eee}td.blank{min-width:18mm;height:7mm}
.solution{border:2px dashed #1565c0;padding:6px 10px;margin-top:8px;break-inside:avoid}
img{max-width:100%}.output{margin:6px 0}.note{color:#555;font-size:10pt}
pre{white-space:pre-wrap;font-size:9.5pt}
"""


def _opt(mapping: dict, key: str) -> str:
    return html.escape(str(mapping.get(key, key)))


def _field_paper(field) -> str:
    label = f"<div class='label'>{html.escape(field.label)}</div>"
    help_text = f"<div class='help'>{html.escape(field.help)}</div>" if field.help else ""
    if isinstance(field, NumberField):
        unit = html.escape(field.unit) if field.unit else ""
        body = f"<span class='box'></span> {unit}"
    elif isinstance(field, ChoiceField):
        sign = "☐" if field.multiple else "○"
        hint = _MSG.text("choose_many" if field.multiple else "choose_one")
        body = f"<div class='help'>{hint}</div>" + "".join(
            f"<div>{sign} {_opt(field.options, k)}</div>" for k in field.options)
    elif isinstance(field, ClassifyField):
        head = "".join(f"<th>{_opt(field.classes, c)}</th>" for c in field.classes)
        rows = "".join(f"<tr><td>{_opt(field.items, i)}</td>" + "<td>☐</td>" * len(field.classes) + "</tr>"
                       for i in field.items)
        body = f"<table><tr><th></th>{head}</tr>{rows}</table>"
    elif isinstance(field, TableField):
        from dealerlab.exercises.feedback import format_number

        head = "".join(f"<th>{_opt(field.columns, c)}</th>" for c in field.columns)
        total_col = field.totals in ("rows", "both")
        rows = []
        for r in field.rows:
            cells = []
            for c in field.columns:
                if (r, c) in field.fixed:
                    cells.append(f"<td>{html.escape(format_number(field.fixed[(r, c)], percent=field.percent))}</td>")
                else:
                    cells.append("<td class='blank'></td>")
            rows.append(f"<tr><td>{_opt(field.rows, r)}</td>{''.join(cells)}"
                        + ("<td class='blank'></td>" if total_col else "") + "</tr>")
        if field.totals in ("columns", "both"):
            rows.append(f"<tr><td>{_MSG.text('total')}</td>" + "<td class='blank'></td>" * (len(field.columns) + total_col) + "</tr>")
        unit = f"<div class='help'>{_MSG.get('unit', 'zh', unit=html.escape(field.unit))}</div>" if field.unit else ""
        total_head = f"<th>{_MSG.text('total')}</th>" if total_col else ""
        body = unit + f"<table><tr><th></th>{head}{total_head}</tr>{''.join(rows)}</table>"
    elif isinstance(field, TextField):
        n = max(1, int(field.rows)) if field.multiline else 1
        body = "<div class='lines'>" + "<div></div>" * n + "</div>"
    elif isinstance(field, SliderField):
        fmt = (lambda v: f"{v:.0%}") if field.percent else (lambda v: f"{v:g}")
        body = (f"<span class='box'></span> {html.escape(field.unit or ('%' if field.percent else ''))}"
                f"<div class='help'>{_MSG.get('between', 'zh', min=fmt(field.min), max=fmt(field.max))}</div>")
    else:  # pragma: no cover - every field kind is listed above
        body = "<span class='box'></span>"
    return f"<div class='field'>{label}{help_text}{body}</div>"


def exercise_paper(ex: Exercise, *, solution: bool = False) -> str:
    """One exercise as a paper form (HTML); with ``solution`` the model answer and the explanation follow.

    Parameters
    ----------
    ex : Exercise
        The exercise.
    solution : bool
        Add the model answer and the explanation (trainer's sheet).

    Returns
    -------
    str
        HTML.
    """
    parts = [f"<div class='paper'><h3>{html.escape(ex.title)}</h3>", _markdown(_paper_text(ex.instructions))]
    parts += [_field_paper(f) for f in ex.fields.values()]
    if solution:
        text = ex.model_answer_text("zh")
        explanation = ""
        spec = ex.model_answer
        if isinstance(spec, dict):
            try:
                explanation = ex.check({**{k: None for k in ex.fields}, **spec}).text("zh")
            except Exception:
                explanation = ""
        parts.append(f"<div class='solution'><b>{_MSG.text('model_answer')}</b>{_markdown(text)}"
                     + (f"<b>{_MSG.text('explanation')}</b>{_markdown(explanation)}" if explanation else "") + "</div>")
    parts.append("</div>")
    return "".join(parts)


def notebook_exercises(nb) -> dict[int, list[Exercise]]:
    """``{cell index: [exercises the cell shows]}``: names imported from ``dealerlab.exercises.course`` that a code
    cell displays (a bare name, or ``name.show(...)``).

    Parameters
    ----------
    nb : NotebookNode
        A trainee notebook.

    Returns
    -------
    dict
        Cell index → exercises.
    """
    imported: dict[str, Exercise] = {}
    shown: dict[int, list[Exercise]] = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dealerlab.exercises.course"):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    obj = getattr(module, alias.name, None)
                    if isinstance(obj, Exercise):
                        imported[alias.asname or alias.name] = obj
        for stmt in tree.body:
            if not isinstance(stmt, ast.Expr):
                continue
            target = stmt.value
            if isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute) and target.func.attr == "show":
                target = target.func.value
            if isinstance(target, ast.Name) and target.id in imported:
                shown.setdefault(i, []).append(imported[target.id])
    return shown


def _outputs_html(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        data = o.get("data", {})
        if "application/vnd.jupyter.widget-view+json" in data:
            continue
        if "image/png" in data:
            out.append(f"<div class='output'><img src='data:image/png;base64,{data['image/png']}'></div>")
        elif "text/html" in data:
            out.append(f"<div class='output'>{''.join(data['text/html'])}</div>")
        elif "text/markdown" in data:
            out.append(f"<div class='output'>{_markdown(''.join(data['text/markdown']))}</div>")
        elif "text/plain" in data and o.get("output_type") == "execute_result":
            out.append(f"<pre>{html.escape(''.join(data['text/plain']))}</pre>")
    return "".join(out)


def _execute(nb, cwd: Path):
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="dealerlab-handout-") as tmp:
        old = {k: os.environ.get(k) for k in ("DEALERLAB_ANSWERS_DIR", "DEALERLAB_TRAINEE")}
        os.environ["DEALERLAB_ANSWERS_DIR"] = tmp
        os.environ["DEALERLAB_TRAINEE"] = _MSG.text("trainee")
        try:
            # the kernel's start-up chatter (an English TCP warning per notebook) is not for the trainer's screen
            NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute(
                stderr=subprocess.DEVNULL)
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    return nb


def notebook_handout_html(path: str | os.PathLike, *, solution: bool = False, execute: bool = True, nb=None) -> str:
    """The printable HTML of a trainee exercise notebook or a course notebook (no code, A4).

    Parameters
    ----------
    path : path
        The notebook.
    solution : bool
        Trainer's sheet: model answers and explanations under each exercise.
    execute : bool
        Run an exercise notebook first so its charts and tables print (course notebooks keep their stored outputs).
    nb : NotebookNode, optional
        The notebook already read (and executed): a trainee sheet and a solution sheet share one run.

    Returns
    -------
    str
        A complete HTML document.
    """
    path = Path(path)
    if nb is None:
        nb = nbformat.read(path, as_version=4)
        if execute and notebook_exercises(nb):
            nb = _execute(nb, path.parent)
    shown = notebook_exercises(nb)
    body = []
    title = path.stem
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            if title == path.stem and cell.source.lstrip().startswith("# "):
                title = cell.source.lstrip()[2:].splitlines()[0].strip()
            body.append(_markdown(_paper_text(cell.source)))
        elif cell.cell_type == "code":
            if i in shown:
                body += [exercise_paper(ex, solution=solution) for ex in shown[i]]
            else:
                body.append(_outputs_html(cell))
    sheet = _MSG.text("trainer_sheet") if solution else ""
    # a trainee's sheet is handed in: the name goes at the top of the first page, not after the last question
    name = (f"<p class='note dl-name-line' style='text-align:right'>{_MSG.text('name_line')}</p>"
            if shown and not solution else "")
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(title)}{sheet}</title>"
            f"<style>{_CSS}</style></head><body>"
            + (f"<p class='note'>{sheet}</p>" if sheet else "") + name
            + "".join(body) + "</body></html>")


#: sentences about the screen that are untrue on paper (no button, nothing saved or added up by itself)
_SCREEN_ONLY = ("自动保存", "检查答案", "查看参考答案", "自动显示")
#: where a sentence of the course text ends, and the marks that alone are no line
_SENTENCE_END = re.compile(r"(?<=[。！？])")
_MARKS = "*（）() "


def _paper_text(source: str) -> str:
    """Markdown as printed: the sentences about the app's buttons, saving and automatic totals left out."""
    out = []
    for line in source.splitlines():
        if not any(w in line for w in _SCREEN_ONLY):
            out.append(line)
            continue
        if re.match(r"\s*(?:[-*+]|\d+[.)])\s", line):
            continue  # a list item about the screen goes whole (what is left of it would join the item above)
        kept = "".join(s for s in _SENTENCE_END.split(line) if s and not any(w in s for w in _SCREEN_ONLY))
        if re.sub(r"^[\s>*+\-\d.]*", "", kept).strip(_MARKS):  # something besides a list marker is left
            out.append(kept)
    return "\n".join(out)


def write_handouts(output: str | os.PathLike, *, root: str | os.PathLike, solutions: bool = True,
                   pdf: bool = True, only: list[str] | None = None) -> list[Path]:
    """Write one A4 handout per exercise and course notebook into ``output`` (and the trainer's solution sheets).

    Parameters
    ----------
    output : path
        Folder for the handouts (created).
    root : path
        The project folder (with ``exercises/`` and ``notebooks/``).
    solutions : bool
        Also write ``讲师版-<name>`` with model answers.
    pdf : bool
        Print PDFs with Chromium (else HTML only).
    only : list of str, optional
        Notebook file stems to include (default: all).

    Returns
    -------
    list of Path
        The files written.
    """
    from dealerlab.report.export import to_pdf

    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    root = Path(root)
    written = []
    jobs = []
    for p in sorted((root / "exercises").glob("*.ipynb")):
        jobs.append((p, False, _MSG.get("file_exercise", "zh", stem=p.stem)))
        if solutions:
            jobs.append((p, True, _MSG.get("file_trainer", "zh", stem=p.stem)))
    for p in sorted((root / "notebooks").glob("*.ipynb")):
        jobs.append((p, False, _MSG.get("file_course", "zh", stem=p.stem)))
    executed: dict = {}
    # the HTML a PDF is printed from, and the PDF until it is whole, live in a temporary folder: a run stopped
    # half-way (Ctrl+C) leaves only finished handouts in the output folder
    with tempfile.TemporaryDirectory(prefix="dealerlab-handouts-") as tmp:
        for p, solution, name in jobs:
            if only and p.stem not in only:
                continue
            if p not in executed:
                nb = nbformat.read(p, as_version=4)
                executed[p] = _execute(nb, p.parent) if p.parent.name == "exercises" and notebook_exercises(nb) else nb
            doc = notebook_handout_html(p, solution=solution, nb=executed[p])
            if pdf:
                html_path = Path(tmp) / f"{name}.html"
                atomic_write_text(html_path, doc, mode=0o644)
                printed = to_pdf(html_path, Path(tmp) / f"{name}.pdf")
                shutil.move(printed, out / f"{name}.pdf")  # a rename on the same disk
                written.append(out / f"{name}.pdf")
            else:
                html_path = out / f"{name}.html"
                atomic_write_text(html_path, doc, mode=0o644)
                written.append(html_path)
    return written
