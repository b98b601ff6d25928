"""The message files: every text dealerlab shows lives in dealerlab/messages/*.toml, read by ``Catalogue.load``."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
import tomllib

import dealerlab
from dealerlab.i18n import Catalogue

MESSAGES = Path(dealerlab.__file__).parent / "messages"


def _catalogues() -> dict[str, Catalogue]:
    """Every module-level catalogue of the package, once, by the first ``module.NAME`` holding it (a module that
    imports another's catalogue, e.g. ``from dealerlab.i18n import LABELS``, holds the same object, not a second one)."""
    found: dict[int, tuple[str, Catalogue]] = {}
    for info in pkgutil.walk_packages(dealerlab.__path__, "dealerlab."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, Catalogue) and getattr(value, "_name", None):
                found.setdefault(id(value), (f"{info.name}.{name}", value))
    return dict(found.values())


def test_every_file_is_loaded_by_exactly_one_catalogue():
    names = sorted(c._name for c in _catalogues().values())
    files = sorted(p.relative_to(MESSAGES).with_suffix("").as_posix() for p in MESSAGES.rglob("*.toml"))
    assert len(names) == len(set(names)), "two catalogues read the same file"
    assert names == files


@pytest.mark.parametrize("path", sorted(MESSAGES.rglob("*.toml")), ids=lambda p: p.relative_to(MESSAGES).as_posix())
def test_every_message_has_chinese_and_only_known_languages(path):
    catalogue = Catalogue.load(path.relative_to(MESSAGES).with_suffix("").as_posix())
    assert len(catalogue.keys()) > 0
    for key in catalogue.keys():
        texts = catalogue._messages[key]
        assert texts["zh"].strip(), key
        assert set(texts) <= {"zh", "en"}, key


def test_nested_tables_become_dotted_keys_and_english_falls_back():
    catalogue = Catalogue.load("data/validate")
    assert catalogue.get("file_missing", "zh", path="a.csv") == "找不到文件或文件夹：a.csv"
    assert catalogue.get("file_missing", "en", path="a.csv") == "File or folder not found: a.csv"
    assert "file_missing.hint" in catalogue
    one = Catalogue({"x": {"zh": "只有中文"}})
    assert one.get("x", "en") == "只有中文"


def test_a_message_without_chinese_is_refused(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[x]\nen = "English only"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="no zh text"):
        Catalogue(tomllib.loads(bad.read_text(encoding="utf-8")))


def test_loading_is_lazy():
    catalogue = Catalogue.load("no/such/file")  # nothing is read until the first lookup
    with pytest.raises(FileNotFoundError):
        catalogue.keys()
