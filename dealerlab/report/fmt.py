"""The one number-format layer of the deliverable: HTML, PDF, PowerPoint and the Excel appendix format a figure here.

Units (those of the metric registry plus two for derived figures):

========  =====================================  ==========================  =======================
unit      shown as (zh)                          shown as (en)               Excel number format
========  =====================================  ==========================  =======================
money     ``12,345 元`` below 10 万, ``111.6 万元``  ``¥12,345``, ``¥1.12 m``    ``#,##0" 元"`` / ``"¥"#,##0``
rate      ``71.3%``                              ``71.3%``                   ``0.0%``
count     ``1,234`` (rounded to a whole number)  same                        ``#,##0``
index     ``779``                                same                        ``0``
days      ``3.5``                                same                        ``0.0``
decimal   ``48.6`` (estimates such as sales at stake, per-head figures)       ``#,##0.0``
========  =====================================  ==========================  =======================

A count that is a median (of two stores, say) keeps one decimal when it is not whole (``median=True``).
Not-available figures are ``无法计算`` / ``n.a.`` (cards) or ``—`` (table cells).
"""

from __future__ import annotations

import math

import pandas as pd

from dealerlab import metrics as registry
from dealerlab._options import check_lang
from dealerlab.i18n import Catalogue, pick

__all__ = ["UNITS", "fmt", "fmt_delta", "excel_format", "unit_of", "unit_name", "is_missing"]

_MSG = Catalogue.load("report/fmt")

UNITS = ("money", "rate", "count", "index", "days", "decimal")

#: money at or above this many yuan is shown in 万元 (zh) or millions (en)
WAN_FROM = 100_000


def is_missing(value) -> bool:
    """True for None, NaN and pandas' NA."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(isinstance(value, float | int) and math.isnan(value))
    except TypeError:
        return False


def unit_of(metric_id: str) -> str:
    """The unit of a metric id of the registry (``count`` for an unknown id)."""
    info = registry.METRICS.get(metric_id)
    return info.unit if info is not None else "count"


#: a unit's short name (the 单位 column of findings.csv, where rates are in percent)
_UNIT_NAMES = _MSG.pairs("unit")


def unit_name(unit: str, lang: str = "zh") -> str:
    """The short name of ``unit`` (``元``, ``%``, ``天`` …; English ``CNY``, ``%``, ``days``).

    Parameters
    ----------
    unit : str
        A unit of the module's table (or ``units``: vehicles).
    lang : {"zh", "en"}

    Returns
    -------
    str
    """
    if unit == "decimal":  # a plain number: no unit word
        check_lang(lang)
        return ""
    return pick(lang, *_UNIT_NAMES.get(unit, (unit, unit)))


def _money(value: float, lang: str) -> str:
    if lang == "en":
        if abs(value) >= 1_000_000:
            return f"¥{value / 1e6:,.2f} m"
        return f"¥{value:,.0f}"
    if abs(value) >= WAN_FROM:
        return _MSG.text("money_wan", "zh").format(value=value / 1e4)
    return _MSG.text("money_yuan", "zh").format(value=value)


def _money_large(value: float, lang: str) -> str:
    """Money in the large scale (万元 / millions) whatever its size: the change of a figure shown in that scale."""
    if lang == "en":
        return f"¥{value / 1e6:,.2f} m"
    return _MSG.text("money_wan", "zh").format(value=value / 1e4)


def fmt(value, unit: str = "count", lang: str = "zh", *, median: bool = False, na: str | None = None) -> str:
    """A figure as the reader sees it.

    Parameters
    ----------
    value : float
        The figure (NaN/None/NA: not available).
    unit : {"money", "rate", "count", "index", "days", "decimal"}
        Its unit (see the module's table).
    lang : {"zh", "en"}
        Language of the money unit and of the not-available text.
    median : bool
        The figure is a median: a count keeps one decimal when it is not whole.
    na : str, optional
        Text for a missing figure (default ``无法计算`` / ``n.a.``).

    Returns
    -------
    str
    """
    check_lang(lang)
    if is_missing(value):
        return na if na is not None else _MSG.get("na", lang)
    value = float(value)
    if unit == "rate":
        return f"{value:.1%}"
    if unit == "money":
        return _money(value, lang)
    if unit == "index":
        return f"{value:,.0f}"
    if unit in ("days", "decimal"):
        return f"{value:,.1f}"
    if median and not value.is_integer():
        return f"{value:,.1f}"
    return f"{round(value):,}"


def fmt_delta(value, unit: str = "count", lang: str = "zh", *, short: bool = False, ref=None) -> str:
    """A change with its sign: rates in percentage points, money and counts in their unit.

    Parameters
    ----------
    value : float
        The change (NaN: no comparison; returns ``""``).
    unit : {"money", "rate", "count", "index", "days", "decimal"}
        The unit of the figure that changed.
    lang : {"zh", "en"}
        Language of the percentage-point unit.
    short : bool
        Rates without their unit (a table cell whose heading says the change is in percentage points).
    ref : float, optional
        The figure the change belongs to: a money change is shown in the figure's own scale (``333.7 万元`` has
        the change ``−1.1 万元``, never ``−11,060 元`` beside it).

    Returns
    -------
    str
        ``+1.2pp``/``+1.2 个百分点``, ``-3``, ``+1.5 万元`` …; a change that rounds to nothing is ``±0``.
    """
    check_lang(lang)
    if is_missing(value):
        return ""
    value = float(value)
    if unit == "rate":
        shown = f"{abs(value) * 100:.1f}"
    elif unit == "money" and not is_missing(ref) and abs(float(ref)) >= (WAN_FROM if lang == "zh" else 1_000_000):
        shown = _money_large(abs(value), lang)
    else:
        shown = fmt(abs(value), unit, lang, median=True)
    zero = not any(ch in "123456789" for ch in shown)
    sign = "±" if zero else ("+" if value > 0 else "−")
    if unit == "rate":
        return f"{sign}{shown}" + ("" if short else _MSG.get("points", lang))
    return sign + shown


def excel_format(unit: str, lang: str = "zh", *, value=None) -> str:
    """The Excel number format of ``unit`` (the appendix workbook's cells keep their numbers).

    Parameters
    ----------
    unit : {"money", "rate", "count", "units", "index", "days", "decimal"}
        The unit (``units``: vehicles, may be fractional, e.g. a standard stock).
    lang : {"zh", "en"}
        Language of the money unit.
    value : float, optional
        The cell's number: money from 10 万 (1 million in English) is shown in 万元 (millions), as :func:`fmt` shows it
        (``3336540`` reads ``333.7 万元``; the cell keeps 3336540).

    Returns
    -------
    str
    """
    check_lang(lang)
    if unit == "money" and not is_missing(value) and isinstance(value, int | float):
        if abs(value) >= (WAN_FROM if lang == "zh" else 1_000_000):
            return _MSG.get("excel_money_large", lang)
    return {
        "money": _MSG.get("excel_money", lang),
        "rate": "0.0%",
        "count": "#,##0",
        "units": "#,##0.0",
        "index": "0",
        "days": "0.0",
        "decimal": "#,##0.0",
    }.get(unit, "General")
