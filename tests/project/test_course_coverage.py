"""docs/COURSE_COVERAGE.md: every listed notebook section heading and exercise exists (coverage cannot regress)."""

import re

import nbformat
import pytest

from tests._paths import REPO

ROOT = REPO
DOC = ROOT / "docs" / "COURSE_COVERAGE.md"


def _rows():
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] not in ("id", "-") and not set(cells[0]) <= {"-"}:
            rows.append(dict(zip(["id", "topic", "notebook", "section", "exercises", "status"], cells)))
    return rows


def _headings(notebook: str) -> set[str]:
    nb = nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", as_version=4)
    out = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            out.update(m.strip() for m in re.findall(r"^#{1,6}\s+(.+)$", cell.source, flags=re.M))
    return out


def test_table_is_read():
    rows = _rows()
    assert len(rows) >= 25
    assert {r["notebook"] for r in rows} >= {"09-retention", "10-execution"}


@pytest.mark.parametrize("row", _rows(), ids=lambda r: f"{r['id']}:{r['section'][:12]}")
def test_listed_section_and_exercises_exist(row):
    if row["notebook"] == "—":
        assert row["status"].startswith("missing"), f"{row['id']} has no notebook but is not marked missing"
        return
    assert (ROOT / "notebooks" / f"{row['notebook']}.ipynb").exists(), f"notebooks/{row['notebook']}.ipynb is missing"
    assert row["section"] in _headings(row["notebook"]), (
        f"{row['id']}: section heading {row['section']!r} not found in notebooks/{row['notebook']}.ipynb")
    if row["exercises"] != "—":
        for ex in (e.strip() for e in row["exercises"].split(",")):
            assert list((ROOT / "trainer" / "exercises").glob(f"{ex}-*.ipynb")), f"{row['id']}: exercise {ex} missing"


def test_a_missing_heading_is_caught():
    assert "1. 不存在的一节" not in _headings("09-retention")
