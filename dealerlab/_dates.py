"""Dates as managers write them in a plan or a card: ``2026-11-15``, ``2026/11/15``, ``2026年11月15日``, ``11月15日前``.

A deadline is written the way one speaks: 「2026年11月15日」, 「11月15日前」, 「11月底」, 「2026年11月」. The exercises and
the plan checks accept all of these (the same answer in another notation is not a mistake); a month without a day
means its last day, a date without a year takes ``year``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

__all__ = ["parse_deadline", "DATE_EXAMPLES"]

#: how a date may be written (shown in hints instead of a format string)
DATE_EXAMPLES = "2026-11-15、2026年11月15日 或 11月15日前"

_PREFIX = re.compile(r"^(?:在|于|截至|截止到|截止|最迟|最晚|不晚于|前|到)\s*")
_SUFFIX = re.compile(r"\s*(?:之前|以前|前|为止|截止|止|完成|内|底前|底)$")
_ISO = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{1,2}))?$")
_ZH = re.compile(r"^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?(底|末|月底)?$")


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", str(text or "")).strip()
    s = re.sub(r"\s+", "", s)
    for _ in range(2):
        s = _PREFIX.sub("", s)
    month_end = s.endswith("底") or s.endswith("底前") or s.endswith("末")
    for _ in range(2):
        s = _SUFFIX.sub("", s)
    if month_end and not s.endswith("底"):
        s += "底"
    return s


def parse_deadline(text, *, year: int | None = None) -> tuple[dt.date, bool] | None:
    """The date a deadline names, and whether it was a whole month.

    Parameters
    ----------
    text : str or date
        ``2026-11-15``, ``2026/11/15``, ``2026.11.15``, ``2026-11`` (a month), ``2026年11月15日`` (or 号),
        ``2026年11月``, ``11月15日``, ``11月底``; full-width digits and words around the date (「前」「之前」「截至」
        「完成」) are fine.
    year : int, optional
        The year of a date written without one (default: the current year).

    Returns
    -------
    tuple of (datetime.date, bool) or None
        The date (a month → its last day) and True when only a month was given; None when the text is not a date.
    """
    if isinstance(text, dt.datetime):
        return text.date(), False
    if isinstance(text, dt.date):
        return text, False
    s = _normalise(text)
    if not s:
        return None
    m = _ISO.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), m.group(3)
        month_only = d is None
    else:
        m = _ZH.match(s)
        if not m:
            return None
        y = int(m.group(1)) if m.group(1) else (year or dt.date.today().year)
        mo, d = int(m.group(2)), m.group(3)
        month_only = d is None
    if not 1 <= mo <= 12:
        return None
    last = calendar.monthrange(y, mo)[1]
    if month_only:
        return dt.date(y, mo, last), True
    day = int(d)
    if not 1 <= day <= last:
        return None
    return dt.date(y, mo, day), False
