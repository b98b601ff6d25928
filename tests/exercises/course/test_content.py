"""Exercise content as data (dealerlab/exercises/course/_content.py and the .toml beside each course module)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomllib

import dealerlab.exercises.course as course_pkg
from dealerlab.exercises.course._content import Content

COURSE = Path(course_pkg.__file__).parent

DOC = tomllib.loads('''
[appraisal]
hint = "同事三人的平均是 {mean}。"

[appraisal.title]
zh = "练习 7B：绩效管理"
en = "Exercise 7B: performance"

[appraisal.instructions]
zh = """下面的案例：\n{cases}\n花括号 {{不是占位符}}"""

[appraisal.options.idea]
a = "只管业务"
b = { zh = "首先是人力资源经理", en = "first a people manager" }

[appraisal.options.both]
a = { zh = "甲", en = "A" }
b = { zh = "乙", en = "B" }

[cases.water]
w1 = ["需求信息准确性", "service"]
w2 = ["车辆效率", "dispatch", 3]
''')


def test_texts_tables_and_cases():
    c = Content(DOC, name="t.toml")
    assert c.text("appraisal.title") == "练习 7B：绩效管理"
    assert c.text("appraisal.title", "en") == "Exercise 7B: performance"
    assert c.text("appraisal.hint", "en", mean="78.33") == "同事三人的平均是 78.33。"  # no English: falls back
    assert c.both("appraisal.hint", mean=1) == ("同事三人的平均是 1。", None)
    assert c.table("cases.water") == {"w1": ("需求信息准确性", "service"), "w2": ("车辆效率", "dispatch", 3)}
    assert c.table("appraisal.options.idea", "en") == {"a": "只管业务", "b": "first a people manager"}
    assert c.options("appraisal.options.idea") == ({"a": "只管业务", "b": "首先是人力资源经理"}, None)
    assert c.options("appraisal.options.both") == ({"a": "甲", "b": "乙"}, {"a": "A", "b": "B"})
    assert c.choice("appraisal.options.both") == {"options": {"a": "甲", "b": "乙"}, "options_en": {"a": "A", "b": "B"}}
    assert "appraisal.options.idea.b" in c and "appraisal.nothing" not in c


def test_exercise_and_feedback_keywords():
    c = Content(DOC, name="t.toml")
    assert c.exercise("appraisal", cases="1. 甲") == {
        "title": "练习 7B：绩效管理", "title_en": "Exercise 7B: performance",
        "instructions": "下面的案例：\n1. 甲\n花括号 {不是占位符}", "instructions_en": None,
    }
    assert c.feedback("appraisal", mean="78.33") == {"hint": "同事三人的平均是 78.33。", "hint_en": None}


def test_errors_name_the_file_and_key():
    c = Content(DOC, name="t.toml")
    with pytest.raises(KeyError, match=r"t\.toml: no entry 'appraisal\.missing'"):
        c.text("appraisal.missing")
    with pytest.raises(KeyError, match="is not a table"):
        c.table("appraisal.hint")
    with pytest.raises(KeyError, match="is not a text"):
        c.text("cases.water")
    with pytest.raises(ValueError, match="has no zh"):
        Content({"x": {"title": {"en": "only English"}}}, name="bad.toml")


def _data_files() -> list[Path]:
    return sorted(COURSE.glob("*.toml"))


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: p.name)
def test_each_data_file_belongs_to_its_module_and_is_used(path):
    """Each content file parses, has its course module beside it, and every top-level entry is named in that module
    (an entry nobody reads is content no trainee sees)."""
    module = path.with_suffix(".py")
    assert module.exists(), f"{path.name} has no {module.name} beside it"
    content = Content.load(path.stem)
    source = module.read_text(encoding="utf-8")
    named = set(re.findall(r"""["']([A-Za-z_][\w-]*)[."']""", source))
    unused = [k for k in content.keys() if k not in named]
    assert not unused, f"{path.name}: entries not named in {module.name}: {unused}"


def test_content_files_ship_with_the_package():
    pyproject = tomllib.loads((COURSE.parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "*.toml" in pyproject["tool"]["setuptools"]["package-data"]["dealerlab.exercises.course"]


def _course_exercises():
    import importlib
    import pkgutil

    from dealerlab.exercises import Exercise

    out = []
    for info in pkgutil.iter_modules(course_pkg.__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{course_pkg.__name__}.{info.name}")
            out += [(info.name, name, v) for name, v in vars(module).items() if isinstance(v, Exercise)]
    return out


def test_every_exercise_is_shown_by_its_trainer_notebook():
    """A course exercise reaches trainees only through a trainer notebook ``trainer/exercises/NNx-name.ipynb`` that
    imports and shows it (``exercises build`` copies that notebook); an exercise defined but shown nowhere is caught
    here. (Some older exercises sit in a notebook of another letter than their id's, e.g. 06b-strategy in 06a: ids
    name the answer files and stay.)"""
    import nbformat

    from tests._paths import REPO

    notebooks = {}
    for path in sorted((REPO / "trainer" / "exercises").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        notebooks[path.name] = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    exercises = _course_exercises()
    assert len(exercises) >= 40
    for module, name, ex in exercises:
        prefix = ex.id.split("-")[0]
        shown = [n for n, code in notebooks.items() if re.search(rf"\b{name}\b", code)]
        assert shown, (f"exercise {ex.id} ({module}.{name}) is in no trainer notebook: write "
                       f"trainer/exercises/{prefix}-<name>.ipynb that imports and shows it (dealerlab/exercises/README.md "
                       "§3), then run `python -m dealerlab exercises build`")
