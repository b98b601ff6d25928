"""What a trainee actually sees: every exercise's widgets are built and every label, HTML text, placeholder and option
is collected — no code identifiers (``comeback_rate``, ``S_room``, ``min(…)``), no format strings (``YYYY-MM-DD``),
no English UI lines and no file paths in the Chinese exercises (issue 19)."""

from __future__ import annotations

import html
import importlib
import pkgutil
import re

import pytest

from dealerlab.exercises import AnswerStore, Exercise

CODE = re.compile(
    r"\b[A-Za-z]+_[A-Za-z0-9_]+\b"          # snake_case ids: comeback_rate, S_room
    r"|\b[a-z]+[A-Z][A-Za-z]*\b|\b[A-Z][a-z]+[A-Z]{2}\w*"  # camelCase / RnoTD
    r"|\b(?:min|max|round|sum|abs)\s*\("     # function calls
    r"|YYYY|\bMM-DD\b"                       # format strings
    r"|~/|dealerlab-answers|\.json\b|\.ipynb\b|\.py\b|/home/|/tmp/|[A-Za-z]:\\\\"  # paths
)
ENGLISH_LINE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}")


def _exercises() -> list[Exercise]:
    from dealerlab.exercises import course

    found = {}
    for info in pkgutil.iter_modules(course.__path__):
        mod = importlib.import_module(f"{course.__name__}.{info.name}")
        for v in vars(mod).values():
            if isinstance(v, Exercise):
                found.setdefault(v.id, v)
    return [found[k] for k in sorted(found)]


EXERCISES = _exercises()


def visible_texts(widget) -> list[str]:
    """Every text a browser shows for ``widget`` and its children (tags, styles and scripts removed)."""
    out: list[str] = []
    stack = [widget]
    while stack:
        w = stack.pop()
        for attr in ("value", "description", "placeholder", "tooltip"):
            v = getattr(w, attr, None)
            if isinstance(v, str) and v and (attr != "value" or type(w).__name__ in ("HTML", "Label", "HTMLMath")):
                out.append(v)
        opts = getattr(w, "_options_labels", None)
        if opts:
            out += [str(o) for o in opts]
        stack += list(getattr(w, "children", ()) or ())
    return [_plain(t) for t in out if _plain(t)]


def _plain(text: str) -> str:
    text = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(text).strip()


def _offenders(texts: list[str]) -> list[str]:
    bad = []
    for t in texts:
        for m in CODE.finditer(t):
            bad.append(f"{m.group(0)!r} in {t[:120]!r}")
        for m in ENGLISH_LINE.finditer(t):
            bad.append(f"English {m.group(0)!r} in {t[:120]!r}")
    return bad


@pytest.mark.parametrize("ex", EXERCISES, ids=[e.id for e in EXERCISES])
def test_what_the_trainee_sees_has_no_code_english_or_paths(ex, tmp_path):
    bound = ex.bind(store=AnswerStore(tmp_path / "answers", trainee="质检员"))
    root = bound.widget()
    texts = visible_texts(root)
    bound.submit()  # empty answer: every field's message
    bound.reveal()
    texts += visible_texts(root)
    assert texts, ex.id
    assert not _offenders(texts), (ex.id, _offenders(texts)[:8])
    assert not any(str(tmp_path) in t for t in texts), "the answers path is shown"


def test_the_walker_finds_what_it_should():
    assert _offenders(["公式 comeback_rate"]) and _offenders(["min(个人达成率, 1.2)"])
    assert _offenders(["日期 YYYY-MM-DD"]) and _offenders(["Select items to open with Voilà."])
    assert _offenders(["再回展厅未试驾 RnoTD"]) and _offenders(["保存在 ~/dealerlab-answers/王经理"])
    assert not _offenders(["成交率 = S ÷ (L + N)，写 40% 或 0.4；CSI 指数 86.5"])
