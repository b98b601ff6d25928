"""``dealerlab validate PATH``: check client data and print every problem as a table."""

from __future__ import annotations

import sys
import unicodedata

from dealerlab._options import check_lang
from dealerlab._terminal import clean_line
from dealerlab.errors import Problem
from dealerlab.i18n import Catalogue

__all__ = ["validate_command", "format_problems"]

_MSG = Catalogue.load("data/commands")

_MAX_CELL = 40


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, limit: int = _MAX_CELL) -> str:
    text = " ".join(str(text).split())
    if _width(text) <= limit:
        return text
    out, w = "", 0
    for ch in text:
        w += _width(ch)
        if w > limit - 1:
            break
        out += ch
    return out + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_problems(problems: list[Problem], lang: str = "zh") -> str:
    """The problems as an aligned text table: file/sheet, row, column, value, problem, how to fix."""
    heads = [_MSG.get(k, lang) for k in ("where", "row", "column", "value", "message", "hint")]
    # every cell is client text or holds some: escape sequences are removed, other control characters shown as
    # <U+XXXX> (dealerlab._terminal), so a value can neither drive the terminal nor fake a line
    rows = [
        [
            _clip(clean_line(p.source or p.table or "-")),
            "" if p.row is None else str(p.row),
            _clip(clean_line(p.column or "")),
            _clip(clean_line("" if p.value is None else p.value), 24),
            clean_line(p.message(lang)),
            clean_line(p.hint(lang)),
        ]
        for p in problems
    ]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(heads[:4])]
    lines = ["  ".join(_pad(h, w) for h, w in zip(heads[:4], widths)) + "  " + heads[4] + " → " + heads[5]]
    lines.append("-" * min(_width(lines[0]) + 20, 120))
    for r in rows:
        lines.append("  ".join(_pad(c, w) for c, w in zip(r[:4], widths)) + "  " + r[4] + (" → " + r[5] if r[5] else ""))
    return "\n".join(lines)


def validate_command(path, *, lang: str = "zh", progress: bool = False) -> int:
    """Validate ``path``; print the problems table and counts. Returns the exit code: 1 if any error, else 0."""
    check_lang(lang)
    from dealerlab.data.load import collect

    frames, log = collect(path, progress=progress)
    if log.errors:
        print(f"== {_MSG.get('errors', lang)} ({len(log.errors)}) ==")
        print(format_problems(log.errors, lang))
        print()
    if log.warnings:
        print(f"== {_MSG.get('warnings', lang)} ({len(log.warnings)}) ==")
        print(format_problems(log.warnings, lang))
        print()
    print(_MSG.get("counts", lang, errors=len(log.errors), warnings=len(log.warnings)))
    if log.errors:
        print(clean_line(_MSG.get("invalid", lang, path=path)), file=sys.stderr)
        return 1
    tables = ", ".join(f"{name} {len(df):,}" for name, df in frames.items())
    print(clean_line(_MSG.get("valid", lang, path=path, tables=tables)))
    return 0
