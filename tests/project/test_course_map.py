"""The course map (notebook 00, dealerlab.course): ten modules named one way everywhere, every exercise listed."""

import json
import re
from pathlib import Path

import nbformat
import pytest

from dealerlab.course import MODULES, course_map_markdown, exercise_index, module
from tests._paths import REPO

ROOT = REPO


def _h1(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            hit = re.search(r"^#\s+(.+)$", cell.source, flags=re.M)
            if hit:
                return hit.group(1).strip()
    return ""


def test_ten_modules_with_the_course_map_topics():
    assert [m.number for m in MODULES] == list(range(1, 11))
    # the course map of the seed outlines: 112 topics, T01…T112 in order, module 9 = T89–T101, module 10 = T102–T112
    ids = [t for m in MODULES for t, _ in m.topics]
    assert ids == [f"T{i:02d}" for i in range(1, 113)]
    assert module(9).topics[0] == ("T89", "CRM 概念、客户导向思维与行为") and len(module(10).topics) == 11
    assert module(1).label == "模块 1 目标管理"
    with pytest.raises(KeyError):
        module(11)


@pytest.mark.parametrize("m", MODULES, ids=lambda m: m.notebook)
def test_notebook_titles_use_the_module_name(m):
    """Each course notebook's title starts 「模块 N　名称」 (a full-width or plain space)."""
    title = _h1(ROOT / "notebooks" / f"{m.notebook}.ipynb")
    assert re.match(rf"^模块 {m.number}[ 　]{re.escape(m.name)}", title), title


def test_readme_names_every_module():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for m in MODULES:
        assert f"**{m.label}**" in text and f"notebooks/{m.notebook}.ipynb" in text


def test_exercise_titles_are_numbered_by_module():
    """Every trainee exercise notebook is titled 「练习 NX：…」 with N its module (9A, not 09A)."""
    ex = exercise_index(ROOT / "exercises")
    assert len(ex) >= 30
    for row in ex[ex["module"] > 0].itertuples():
        letter = row.id[2].upper()
        assert row.title.startswith(f"练习 {row.module}{letter}："), (row.file, row.title)


def test_course_map_lists_every_exercise_and_module(tmp_path):
    text = course_map_markdown(ROOT / "exercises")
    for m in MODULES:
        assert f"**{m.label}**" in text and f"({m.notebook}.ipynb)" in text
    for f in (ROOT / "exercises").glob("[01][0-9]*.ipynb"):
        if not f.name.startswith("00"):
            assert f"../exercises/{f.name})" in text, f.name
    # a folder without exercises still lists the modules, with — for exercises
    empty = course_map_markdown(tmp_path)
    assert empty.count("| — |") == 10


def test_notebook_00_shows_the_generated_map():
    nb = nbformat.read(ROOT / "notebooks" / "00-course-map.ipynb", as_version=4)
    src = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "course_map_markdown()" in src
    out = json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"], ensure_ascii=False)
    assert "模块 9 客户关系与保客" in out and "09g-points-renewal.ipynb" in out
