"""The tests' own layout (tests/README.md): one folder per package, every folder a package, no stale test path cited."""

import re

from tests._paths import REPO

TESTS = REPO / "tests"
CORPUS_DIR = TESTS / "data"


def _folders():
    """Every folder of tests/ that holds Python files, the corpus (tests/data/) excepted."""
    return sorted({p.parent for p in TESTS.rglob("*.py")
                   if CORPUS_DIR not in p.parents and "__pycache__" not in p.parts})


def test_no_test_file_directly_in_tests():
    flat = sorted(p.name for p in TESTS.glob("test_*.py"))
    assert not flat, f"move these into the folder of the package they test (tests/README.md): {flat}"


def test_every_test_folder_is_a_package():
    missing = [str(f.relative_to(REPO)) for f in _folders() if not (f / "__init__.py").exists()]
    assert not missing, f"add an __init__.py (a one-line docstring naming the code it tests) to: {missing}"
    assert not (CORPUS_DIR / "__init__.py").exists()  # the corpus is data, never imported


def test_cited_test_files_exist():
    """Docs, the package and the config name test files by path (``tests/report/test_sections.py``): each exists."""
    places = [REPO / "README.md", REPO / "pyproject.toml", REPO / "environment.yml", TESTS / "README.md"]
    for folder in ("docs", "dealerlab", "benchmarks", "tests"):
        places += [p for p in (REPO / folder).rglob("*") if p.suffix in (".md", ".py")
                   and CORPUS_DIR not in p.parents and "__pycache__" not in p.parts]
    cited = {}
    for path in places:
        for m in re.finditer(r"\btests/[\w/]*\.py\b", path.read_text(encoding="utf-8")):
            cited.setdefault(m.group(0), str(path.relative_to(REPO)))
    assert "tests/project/test_docs.py" in cited  # the search sees the docs
    stale = {c: where for c, where in cited.items() if not (REPO / c).exists()}
    assert not stale, f"test files cited but missing (moved? see tests/README.md): {stale}"
