"""Exceptions of dealerlab.

Every error a user can meet derives from :class:`DealerlabError`. An error carries its message in Chinese
(the default) and in English; ``str(err)`` gives the language the error was raised with, and
``err.message(lang)`` either one. The CLI prints ``err.message(lang)`` and exits with ``err.exit_code``;
it never shows a traceback for a ``DealerlabError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "DealerlabError",
    "ParameterError",
    "DataValidationError",
    "MissingTableError",
    "Problem",
    "FormulaError",
    "ReportError",
    "ExerciseError",
    "OutputError",
]


class DealerlabError(Exception):
    """Base class of every dealerlab error.

    Parameters
    ----------
    zh : str
        The message in Chinese: what is wrong and how to fix it.
    en : str, optional
        The same message in English (defaults to the Chinese text).
    lang : {"zh", "en"}
        Language used by ``str(err)``.
    """

    exit_code = 1

    def __init__(self, zh: str, en: str | None = None, *, lang: str = "zh") -> None:
        self.zh = zh
        self.en = en if en is not None else zh
        self.lang = lang
        super().__init__(self.message(lang))

    def message(self, lang: str = "zh") -> str:
        """The message in ``lang`` ("zh" or "en")."""
        return self.en if lang == "en" else self.zh

    def __str__(self) -> str:
        return self.message(self.lang)


class ParameterError(DealerlabError, ValueError):
    """An option or argument has a value dealerlab does not accept."""


class MissingTableError(DealerlabError, KeyError):
    """A figure needs a table the dataset does not hold (``table``; its Chinese name ``table_zh`` when the caller
    knows it — :class:`~dealerlab.data.dataset.Dataset` does)."""

    def __init__(self, table: str, *, table_zh: str = "", needed_by: str = "", lang: str = "zh") -> None:
        zh_name = table_zh or table
        self.table = table
        self.needed_by = needed_by
        extra_zh = f"（{needed_by} 需要）" if needed_by else ""
        extra_en = f" (needed by {needed_by})" if needed_by else ""
        super().__init__(
            f"数据中没有「{zh_name}」表（{table}）{extra_zh}。请在工作簿中加入该工作表，或在文件夹中加入 {table}.csv。",
            f"The data has no '{table}' table{extra_en}. Add the sheet to the workbook or {table}.csv to the folder.",
            lang=lang,
        )

    __str__ = DealerlabError.__str__


@dataclass(frozen=True)
class Problem:
    """One violation of the data contract, located as the user sees it.

    ``row`` is the row number in Excel (or the 1-based line of the CSV file, header included);
    ``None`` when the problem concerns a whole table or column.
    """

    table: str
    rule: str
    message_zh: str
    message_en: str
    source: str = ""  # file name, or "file.xlsx:sheet"
    row: int | None = None
    column: str | None = None
    value: Any = None
    hint_zh: str = ""
    hint_en: str = ""
    severity: str = "error"  # "error" or "warning"

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def hint(self, lang: str = "zh") -> str:
        return self.hint_en if lang == "en" else self.hint_zh

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "severity": self.severity,
            "table": self.table,
            "source": self.source,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "rule": self.rule,
            "message": self.message(lang),
            "hint": self.hint(lang),
        }


class DataValidationError(DealerlabError):
    """The client data breaks the contract; ``problems`` lists every violation found (errors only)."""

    def __init__(self, problems: list[Problem], *, warnings: list[Problem] | None = None, lang: str = "zh") -> None:
        self.problems = list(problems)
        self.warnings = list(warnings or [])
        n = len(self.problems)
        super().__init__(
            f"数据校验未通过：发现 {n} 个错误。\n" + self.summary("zh"),
            f"Data validation failed: {n} error(s).\n" + self.summary("en"),
            lang=lang,
        )

    def summary(self, lang: str = "zh", limit: int = 50) -> str:
        """A readable table of the problems (at most ``limit`` lines, then a count of the rest)."""
        lines = []
        for p in self.problems[:limit]:
            where = p.source or p.table
            if p.row is not None:
                where += (f" 第{p.row}行" if lang != "en" else f" row {p.row}")
            if p.column:
                where += (f" 列「{p.column}」" if lang != "en" else f" column '{p.column}'")
            value = "" if p.value is None else (f" 值={p.value!r}" if lang != "en" else f" value={p.value!r}")
            hint = p.hint(lang)
            lines.append(f"- [{p.table}] {where}{value}: {p.message(lang)}" + (f" → {hint}" if hint else ""))
        rest = len(self.problems) - limit
        if rest > 0:
            lines.append(f"……另有 {rest} 个错误" if lang != "en" else f"... and {rest} more")
        return "\n".join(lines)


class FormulaError(DealerlabError, ValueError):
    """A KPI formula cannot be parsed or evaluated (unknown metric, bad token, too long or too deep)."""


class ReportError(DealerlabError):
    """A report could not be produced; the message names the section that failed and why."""


class ExerciseError(DealerlabError):
    """An exercise could not be built, saved or restored."""


class OutputError(DealerlabError):
    """An output cannot be written: the path is refused (an input, a folder or file dealerlab did not write) or the
    machine said no (read-only folder, disk full). Never a bug of dealerlab; the message says what and where."""
