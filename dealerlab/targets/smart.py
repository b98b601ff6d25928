"""SMART check of a goal given as fields (docs/DOMAIN.md §3, seeds 000 and 002).

A goal has the fields ``statement`` (the sentence), ``metric`` (what is measured, e.g. 展厅销量), ``target`` (number),
``unit`` (台, 元, %), ``baseline`` (where we are now, same unit), ``deadline`` (date), ``owner`` (who: a person,
team or store — the object of the goal) and ``parent`` (the higher goal or KPI it serves).

Rules (one per letter):

* **S** 具体: a metric and an object (the owner) are named, and the statement is not only vague verbs
  (提高/加强/努力/尽量/争取…) without a number.
* **M** 可衡量: the target is a number and has a unit (a short unit word, not a phrase like 提高销量).
* **A** 可达成: the target lies within ``max_growth`` (default 30 %) of the baseline, in either direction
  (a 50 % cut of complaints is as much a stretch as 50 % more sales). No baseline, or a baseline of 0 with a
  non-zero target → fail (cannot be judged).
* **R** 相关: linked to a parent goal or KPI.
* **T** 有时限: a deadline after the setting date.

The result is a tidy DataFrame (one row per letter), chosen over a list of dataclasses so notebooks, widgets and
reports can show or filter it directly.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from dealerlab._options import check_lang
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

__all__ = ["Goal", "smart_check", "VAGUE_WORDS", "GOAL_FIELDS"]

GOAL_FIELDS = ("statement", "metric", "target", "unit", "baseline", "deadline", "owner", "parent")

#: verbs that say "more effort" without saying how much
VAGUE_WORDS = (
    "提高", "提升", "加强", "努力", "尽量", "争取", "改善", "优化", "做好", "加大", "推进", "落实", "力争",
    "改进", "增强", "大幅", "显著", "进一步",
)

_DIGIT = re.compile(r"[0-9０-９]|[一二三四五六七八九十百千万两]+(?:台|辆|个|次|元|万|%|成|倍|天|周)")
#: what a typed number may hold: a full-width comma, full-width digits and point, a trailing 万 (× 10 000)
_FULL_COMMA = "，"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_WAN = "万"
#: a deadline typed in Chinese: 2026年12月, 2026年12月31日
_YEAR_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")

#: the texts of the check (messages/targets/smart.toml): letter names, reasons and hints
_MSG = Catalogue.load("targets/smart")
#: letter → (zh, en) name
_LETTERS = _MSG.pairs("letter")


@dataclasses.dataclass
class Goal:
    """A goal written field by field (every field optional so that incomplete drafts can be checked)."""

    statement: str = ""
    metric: str = ""
    target: float | None = None
    unit: str = ""
    baseline: float | None = None
    deadline: object = None
    owner: str = ""
    parent: str = ""


def _blank(v) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip() == ""
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _number(v):
    if _blank(v):
        return None
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        return f if np.isfinite(f) else None
    s = str(v).strip().replace(",", "").replace(_FULL_COMMA, "").translate(_FULL_WIDTH)
    mult = 1.0
    if s.endswith(_WAN):
        s, mult = s[:-1], 10000.0
    elif s.endswith("%"):
        s, mult = s[:-1], 0.01
    try:
        f = float(s) * mult
    except ValueError:
        return None
    return f if np.isfinite(f) else None


def _date(v):
    if _blank(v):
        return None
    try:
        d = pd.Timestamp(v)
    except (TypeError, ValueError):
        s = str(v).strip()
        m = _YEAR_MONTH.match(s)
        if not m:
            return None
        y, mo = int(m.group(1)), int(m.group(2))
        day = int(m.group(3)) if m.group(3) else None
        try:
            d = pd.Timestamp(year=y, month=mo, day=day or 1)
        except ValueError:
            return None
        if day is None:
            d = d + pd.offsets.MonthEnd(0)
    if pd.isna(d):
        return None
    return d.normalize()


def _fields(goal) -> dict:
    if dataclasses.is_dataclass(goal) and not isinstance(goal, type):
        d = dataclasses.asdict(goal)
    elif isinstance(goal, pd.Series):
        d = goal.to_dict()
    elif isinstance(goal, Mapping):
        d = dict(goal)
    else:
        raise ParameterError(*_MSG.both("goal_fields"))
    return {k: d.get(k) for k in GOAL_FIELDS}


class _Verdict(NamedTuple):
    """One letter's verdict: passed or not, the message saying why, the message saying how to rewrite the goal
    (shown when failed; ``<reason>.hint`` by default), and the values they are formatted with."""

    passed: bool
    reason: str
    values: dict = {}
    hint: str | None = None

    def texts(self, lang: str) -> tuple[str, str]:
        """``(reason, hint)`` in ``lang``; the hint is empty when the letter passed."""
        reason = _MSG.get(self.reason, lang, **self.values)
        if self.passed:
            return reason, ""
        return reason, _MSG.get(self.hint or f"{self.reason}.hint", lang, **self.values)


def _text(v) -> str:
    return "" if _blank(v) else str(v).strip()


def _specific(f: dict) -> _Verdict:
    """S: a statement naming a metric and an owner, not only vague verbs."""
    statement, metric, owner = _text(f["statement"]), _text(f["metric"]), _text(f["owner"])
    vague = [w for w in VAGUE_WORDS if w in statement]
    if not statement:
        return _Verdict(False, "S.no_statement")
    if not metric:
        return _Verdict(False, "S.no_metric")
    if not owner:
        return _Verdict(False, "S.no_owner")
    if vague and not _DIGIT.search(statement):
        return _Verdict(False, "S.vague", {"vague_zh": _MSG.text("list_sep").join(vague), "vague_en": ", ".join(vague)})
    return _Verdict(True, "S.ok", {"metric": metric, "owner": owner})


def _measurable(f: dict) -> _Verdict:
    """M: a numeric target with a unit of measure."""
    target, unit = _number(f["target"]), _text(f["unit"])
    if target is None:
        return _Verdict(False, "M.no_target")
    if not unit:
        return _Verdict(False, "M.no_unit", hint="M.unit_hint")
    if len(unit) > 4 or any(w in unit for w in VAGUE_WORDS):
        return _Verdict(False, "M.not_unit", {"unit": unit}, hint="M.unit_hint")
    return _Verdict(True, "M.ok", {"target": target, "unit": unit})


def _achievable(f: dict, max_growth: float) -> _Verdict:
    """A: the target within ± ``max_growth`` of a (non-zero) baseline."""
    target, unit, baseline = _number(f["target"]), _text(f["unit"]), _number(f["baseline"])
    if target is None:
        return _Verdict(False, "A.no_target")
    if baseline is None:
        return _Verdict(False, "A.no_baseline")
    if baseline == 0:
        return _Verdict(True, "A.zero_both") if target == 0 else _Verdict(False, "A.zero")
    change = (target - baseline) / abs(baseline)
    values = {"change": change, "max_growth": max_growth}
    if abs(change) <= max_growth + 1e-12:
        return _Verdict(True, "A.ok", values)
    lo, hi = baseline * (1 - max_growth), baseline * (1 + max_growth)
    return _Verdict(False, "A.too_far", {**values, "lo": lo, "hi": hi, "unit": unit})


def _relevant(f: dict) -> _Verdict:
    """R: linked to a parent goal or KPI."""
    if _blank(f["parent"]):
        return _Verdict(False, "R.no_parent")
    return _Verdict(True, "R.ok", {"parent": str(f["parent"]).strip()})


def _time_bound(f: dict, setting: pd.Timestamp | None) -> _Verdict:
    """T: a readable deadline after the setting date."""
    deadline = _date(f["deadline"])
    if deadline is None:
        return _Verdict(False, "T.no_deadline")
    if setting is not None and deadline <= setting:
        return _Verdict(False, "T.too_early", {"deadline": deadline, "setting": setting})
    return _Verdict(True, "T.ok", {"deadline": deadline})


def smart_check(goal, *, setting_date=None, max_growth: float = 0.30, lang: str = "zh") -> pd.DataFrame:
    """Check a goal against the five SMART letters.

    Parameters
    ----------
    goal : mapping, Goal or Series
        The fields ``statement, metric, target, unit, baseline, deadline, owner, parent`` (missing ones count as
        blank). Numbers may be typed text (``"3万"``, ``"45"``); dates any pandas-readable form or ``2026年12月``
        (= end of that month).
    setting_date : date-like, optional
        The day the goal is set; the deadline must come after it. Default: today.
    max_growth : float
        The feasible band for A: |target − baseline| / baseline ≤ ``max_growth`` (0.30 = 30 %).
    lang : {"zh", "en"}
        Language of ``name``, ``reason`` and ``hint``.

    Returns
    -------
    DataFrame
        Five rows (S, M, A, R, T): ``letter``, ``name`` (具体 …), ``passed`` (bool), ``reason`` (why it passes or
        fails), ``hint`` (how to rewrite; empty when passed).
    """
    check_lang(lang)
    if not (isinstance(max_growth, (int, float)) and max_growth >= 0):
        raise ParameterError(*_MSG.both("max_growth", max_growth=max_growth))
    f = _fields(goal)
    setting = pd.Timestamp.today().normalize() if setting_date is None else _date(setting_date)
    verdicts = {
        "S": _specific(f),
        "M": _measurable(f),
        "A": _achievable(f, max_growth),
        "R": _relevant(f),
        "T": _time_bound(f, setting),
    }
    rows = []
    for letter, v in verdicts.items():
        reason, hint = v.texts(lang)
        rows.append({"letter": letter, "name": _LETTERS.label(letter, lang), "passed": bool(v.passed), "reason": reason,
                     "hint": hint})
    out = pd.DataFrame(rows)
    out["letter"] = out["letter"].astype("string")
    out["name"] = out["name"].astype("string")
    out["reason"] = out["reason"].astype("string")
    out["hint"] = out["hint"].astype("string")
    return out
