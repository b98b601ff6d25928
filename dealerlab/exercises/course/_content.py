"""Exercise content as data: the cases, options, titles, instructions, explanations and hints of a course module's
exercises live in ``dealerlab/exercises/course/<module>.toml``, beside the checks in ``<module>.py``.

A trainer or translator edits what trainees read in the data file; the Python file keeps only what computes (the
checks, the numbers of the model answer, the fields). The shapes a file holds::

    # dealerlab/exercises/course/performance.toml
    [appraisal.title]                 # a text: zh required, en optional ...
    zh = "练习 7B：绩效管理"
    en = "Exercise 7B: performance management"

    [appraisal]
    hint = "同事三人的平均是 78.33。"  # ... or a plain string: Chinese only

    [appraisal.options.idea]          # a table: key → value (a text, a string, a number or an array)
    a = "绩效考核是人力资源部的事"
    b = { zh = "每一位部门经理首先是人力资源经理", en = "Every manager is first a people manager" }

    [cases.water]                     # a case table: case id → [text, answer, ...] (see ``_sorting``)
    w1 = ["需求信息准确性", "service"]

    _TEXT = Content.load("performance")
    _TEXT.text("appraisal.hint")                    # "同事三人的平均是 78.33。"
    _TEXT.table("cases.water")                      # {"w1": ("需求信息准确性", "service")}
    Exercise(id="07b-appraisal", **_TEXT.exercise("appraisal", cases=case_lines(...)), fields=..., check=...)

Texts are ``str.format`` templates when values are given (write a literal brace as ``{{``); without values they are
returned as written. A module's file is read once, when the module is imported (its exercises are built then).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

import tomllib

from dealerlab._options import check_lang

__all__ = ["Content"]

_LANGS = frozenset({"zh", "en"})


def _is_text(value: Any) -> bool:
    """A text entry: a mapping of zh (and optionally en) strings."""
    return isinstance(value, Mapping) and bool(value) and set(value) <= _LANGS and all(
        isinstance(v, str) for v in value.values())


class Content:
    """The exercise content of one course module (see the module docstring for the file's shapes).

    Parameters
    ----------
    data : mapping
        The parsed TOML document.
    name : str
        Where it came from, for messages (``"performance.toml"``).
    """

    def __init__(self, data: Mapping[str, Any], *, name: str = "<content>") -> None:
        self._data = data
        self._name = name
        _check_texts(data, name)

    @classmethod
    def load(cls, module: str) -> Content:
        """The content of ``dealerlab/exercises/course/<module>.toml``; ``module`` may be the module's ``__name__``."""
        return _load(module.rsplit(".", 1)[-1])

    def keys(self):
        """The top-level keys of the file."""
        return self._data.keys()

    def _lookup(self, key: str) -> Any:
        node: Any = self._data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise KeyError(f"{self._name}: no entry {key!r}")
            node = node[part]
        return node

    def __contains__(self, key: str) -> bool:
        try:
            self._lookup(key)
        except KeyError:
            return False
        return True

    def text(self, key: str, lang: str = "zh", /, **values: Any) -> str:
        """The text ``key`` (dotted) in ``lang`` (English falls back to Chinese), formatted with ``values`` if any."""
        check_lang(lang)
        text = _pick(self._lookup(key), lang, key, self._name)
        return text.format(**values) if values else text

    def both(self, key: str, /, **values: Any) -> tuple[str, str | None]:
        """``(zh, en)`` of the text ``key``; ``en`` is None when the file has no English text for it."""
        entry = self._lookup(key)
        zh = self.text(key, "zh", **values)
        has_en = _is_text(entry) and "en" in entry
        return zh, (self.text(key, "en", **values) if has_en else None)

    def table(self, key: str, lang: str = "zh", /) -> dict[str, Any]:
        """The table ``key`` (dotted): its texts in ``lang``, its arrays as tuples (a case table's rows)."""
        check_lang(lang)
        table = self._lookup(key)
        if not isinstance(table, Mapping) or _is_text(table):
            raise KeyError(f"{self._name}: {key!r} is not a table")
        return {k: _value(v, lang, f"{key}.{k}", self._name) for k, v in table.items()}

    def options(self, key: str, /) -> tuple[dict[str, str], dict[str, str] | None]:
        """``(zh, en)`` option tables of ``key`` for a ChoiceField; ``en`` is None unless every option has English."""
        table = self._lookup(key)
        zh = self.table(key)
        has_en = all(_is_text(v) and "en" in v for v in table.values())
        return zh, (self.table(key, "en") if has_en else None)

    def choice(self, key: str, /) -> dict[str, dict[str, str] | None]:
        """``options`` and ``options_en`` of the option table ``key``: the keyword arguments of a ChoiceField."""
        zh, en = self.options(key)
        return {"options": zh, "options_en": en}

    def _pair(self, key: str, names: tuple[str, ...], values: Mapping[str, Any]) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for name in names:
            if f"{key}.{name}" in self:
                out[name], out[f"{name}_en"] = self.both(f"{key}.{name}", **values)
        return out

    def exercise(self, key: str, /, **values: Any) -> dict[str, str | None]:
        """``title``, ``title_en``, ``instructions``, ``instructions_en`` of the exercise ``key`` (those the file has),
        the keyword arguments of :class:`~dealerlab.exercises.Exercise`; ``values`` fill the instructions."""
        out = self._pair(key, ("title",), {})
        out.update(self._pair(key, ("instructions",), values))
        return out

    def feedback(self, key: str, /, **values: Any) -> dict[str, str | None]:
        """``explanation``, ``hint`` and their ``_en`` texts of the exercise ``key`` (those the file has): the keyword
        arguments of :meth:`~dealerlab.exercises.Feedback.grade`; ``values`` fill both."""
        return self._pair(key, ("explanation", "hint"), values)


def _pick(entry: Any, lang: str, key: str, name: str) -> str:
    if isinstance(entry, str):
        return entry
    if _is_text(entry):
        return entry.get(lang) or entry["zh"]
    raise KeyError(f"{name}: {key!r} is not a text")


def _value(v: Any, lang: str, key: str, name: str) -> Any:
    if _is_text(v):
        return _pick(v, lang, key, name)
    if isinstance(v, list):
        return tuple(_value(x, lang, key, name) for x in v)
    return v


def _check_texts(node: Any, where: str, key: str = "") -> None:
    """Every text entry (a mapping of only zh/en strings) needs its ``zh``."""
    if isinstance(node, Mapping):
        if node and set(node) <= _LANGS and "zh" not in node:
            raise ValueError(f"{where}: text {key!r} has no zh")
        for k, v in node.items():
            _check_texts(v, where, f"{key}.{k}" if key else k)
    elif isinstance(node, list):
        for v in node:
            _check_texts(v, where, key)


@cache
def _load(name: str) -> Content:
    resource = files("dealerlab.exercises.course").joinpath(f"{name}.toml")
    return Content(tomllib.loads(resource.read_text(encoding="utf-8")), name=f"exercises/course/{name}.toml")
