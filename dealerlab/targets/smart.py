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

__all__ = ["Goal", "smart_check", "VAGUE_WORDS", "GOAL_FIELDS"]

GOAL_FIELDS = ("statement", "metric", "target", "unit", "baseline", "deadline", "owner", "parent")

#: verbs that say "more effort" without saying how much
VAGUE_WORDS = (
    "提高", "提升", "加强", "努力", "尽量", "争取", "改善", "优化", "做好", "加大", "推进", "落实", "力争",
    "改进", "增强", "大幅", "显著", "进一步",
)

_DIGIT = re.compile(r"[0-9０-９]|[一二三四五六七八九十百千万两]+(?:台|辆|个|次|元|万|%|成|倍|天|周)")

_LETTERS = {
    "S": ("具体", "Specific"),
    "M": ("可衡量", "Measurable"),
    "A": ("可达成", "Achievable"),
    "R": ("相关", "Relevant"),
    "T": ("有时限", "Time-bound"),
}


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
    s = str(v).strip().replace(",", "").replace("，", "").translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    mult = 1.0
    if s.endswith("万"):
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
        m = re.match(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?", s)
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
        raise ParameterError(
            "目标要按字段给出（字典、Goal 或一行表格），包括 statement、metric、target、unit、baseline、deadline、owner、parent。",
            "Give the goal as fields (dict, Goal or a table row): statement, metric, target, unit, baseline, deadline, owner, parent.",
        )
    return {k: d.get(k) for k in GOAL_FIELDS}


class _Verdict(NamedTuple):
    """One letter's verdict: passed or not, why (zh, en) and how to rewrite the goal (zh, en; shown when failed)."""

    passed: bool
    reason_zh: str
    reason_en: str
    hint_zh: str = ""
    hint_en: str = ""


def _text(v) -> str:
    return "" if _blank(v) else str(v).strip()


def _specific(f: dict) -> _Verdict:
    """S: a statement naming a metric and an owner, not only vague verbs."""
    statement = _text(f["statement"])
    metric = _text(f["metric"])
    owner = _text(f["owner"])
    vague = [w for w in VAGUE_WORDS if w in statement]
    has_number = bool(_DIGIT.search(statement))
    if not statement:
        return _Verdict(False, "没有写目标陈述。", "The statement is empty.",
            "用一句话写清：谁、在什么时候、把什么指标做到多少，例如“S02 展厅 2026年12月 展厅销量达到 45 台”。",
            "Write one sentence: who, by when, which metric, how much — e.g. 'S02 showroom sells 45 units in Dec 2026'.")
    elif not metric:
        return _Verdict(False, "没有指明衡量的指标（metric）。", "No metric is named.",
            "写出具体指标，例如“展厅销量”“试乘试驾率”“衍生收入”，而不是“业绩”“工作”。",
            "Name the metric, e.g. showroom sales, test-drive rate, add-on revenue — not 'performance'.")
    elif not owner:
        return _Verdict(False, "没有指明对象（谁来负责：人、班组或门店）。", "No object/owner is named.",
            "写上负责人或对象，例如“销售顾问 王某”“二网团队”“S02 门店”。",
            "Name who owns it: a consultant, a team or the store.")
    elif vague and not has_number:
        return _Verdict(False, f"陈述只有“{'、'.join(vague)}”之类的模糊动词，没有数字。",
            f"The statement only has vague verbs ({', '.join(vague)}) and no number.",
            "去掉模糊动词，按“谁 + 何时 + 指标 + 达到多少 + 单位”写一句，例如“S01 销售部 下月 零售销量 达到 105 台”。",
            "Drop the vague verb and write who + when + metric + how much + unit, "
            "e.g. 'S01 sales team: retail sales reach 105 units next month'.")
    else:
        return _Verdict(True, f"指明了指标“{metric}”和对象“{owner}”。", f"Names the metric '{metric}' and the owner '{owner}'.")


def _measurable(f: dict) -> _Verdict:
    """M: a numeric target with a unit of measure."""
    target = _number(f["target"])
    unit = _text(f["unit"])
    if target is None:
        return _Verdict(False, "目标值不是数字（或没有填写）。", "The target is not a number (or is missing).",
            "填一个数字目标，例如 45（台）或 0.35（35%）。", "Give a numeric target, e.g. 45 (units) or 0.35 (35%).")
    elif not unit:
        return _Verdict(False, "目标值没有单位。", "The target has no unit.",
            "写明单位：台、元、万元、%、次……", "Give the unit: units, yuan, %, times…")
    elif len(unit) > 4 or any(w in unit for w in VAGUE_WORDS):
        return _Verdict(False, f"“{unit}”不是计量单位。", f"'{unit}' is not a unit of measure.",
            "写明单位：台、元、万元、%、次……", "Give the unit: units, yuan, %, times…")
    else:
        return _Verdict(True, f"目标 {target:g} {unit} 可以直接计量。", f"Target {target:g} {unit} can be measured.")


def _achievable(f: dict, max_growth: float) -> _Verdict:
    """A: the target within ± ``max_growth`` of a (non-zero) baseline."""
    target = _number(f["target"])
    unit = _text(f["unit"])
    baseline = _number(f["baseline"])
    if target is None:
        return _Verdict(False, "没有数字目标，无法判断能否达成。", "No numeric target, so feasibility cannot be judged.",
            "先填写数字目标和当前基线。", "Give a numeric target and the current baseline first.")
    elif baseline is None:
        return _Verdict(False, "没有基线（现状），无法判断目标是否可达成。", "No baseline, so feasibility cannot be judged.",
            "填写现在的水平，例如近3个月平均月销量。", "Give the current level, e.g. the last 3 months' average.")
    elif baseline == 0:
        ok = target == 0
        return _Verdict(ok, "基线为 0 且目标为 0。" if ok else "基线为 0，无法用增幅判断可达成性。",
            "Baseline and target are 0." if ok else "The baseline is 0, so growth cannot be judged.",
            "用一个非零的参照（如同类门店或上季度水平）作基线。", "Use a non-zero reference as baseline (peer store, last quarter).")
    else:
        change = (target - baseline) / abs(baseline)
        ok = abs(change) <= max_growth + 1e-12
        if ok:
            return _Verdict(True, f"目标相对基线变化 {change:+.0%}，在 ±{max_growth:.0%} 的可行范围内。",
                f"The target changes {change:+.0%} from the baseline, within ±{max_growth:.0%}.")
        else:
            lo, hi = baseline * (1 - max_growth), baseline * (1 + max_growth)
            return _Verdict(False, f"目标相对基线变化 {change:+.0%}，超出 ±{max_growth:.0%} 的可行范围。",
                f"The target changes {change:+.0%} from the baseline, beyond ±{max_growth:.0%}.",
                f"把目标放在 {lo:g}–{hi:g} {unit} 之间，或把超出的部分设为突破目标（分阶段实现）。",
                f"Keep the target within {lo:g}–{hi:g} {unit}, or make the excess a stretch goal.")


def _relevant(f: dict) -> _Verdict:
    """R: linked to a parent goal or KPI."""
    if _blank(f["parent"]):
        return _Verdict(False, "没有关联上级目标或 KPI。", "Not linked to a parent goal or KPI.",
            "写明它支撑哪个上级目标，例如“门店年度销量 520 台”或 KPI“展厅成交率”。",
            "Say which higher goal it serves, e.g. the store's annual volume or a KPI.")
    else:
        return _Verdict(True, f"支撑上级目标“{str(f['parent']).strip()}”。", f"Serves the parent goal '{str(f['parent']).strip()}'.")


def _time_bound(f: dict, setting: pd.Timestamp | None) -> _Verdict:
    """T: a readable deadline after the setting date."""
    deadline = _date(f["deadline"])
    if deadline is None:
        return _Verdict(False, "没有截止日期（或日期无法识别）。", "No deadline (or it cannot be read).",
            "写明截止日期，例如 2026-12-31 或“2026年12月”。", "Give a deadline, e.g. 2026-12-31.")
    elif setting is not None and deadline <= setting:
        return _Verdict(False, f"截止日期 {deadline:%Y-%m-%d} 不晚于设定日期 {setting:%Y-%m-%d}。",
            f"The deadline {deadline:%Y-%m-%d} is not after the setting date {setting:%Y-%m-%d}.",
            "截止日期要在设定日期之后，例如本月末或本季度末。", "The deadline must come after today, e.g. month or quarter end.")
    else:
        return _Verdict(True, f"截止日期 {deadline:%Y-%m-%d}。", f"Deadline {deadline:%Y-%m-%d}.")


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
        raise ParameterError(
            f"max_growth 必须是不小于 0 的小数（0.3 表示 30%），收到 {max_growth!r}。",
            f"max_growth must be a fraction ≥ 0 (0.3 = 30%), got {max_growth!r}.",
        )
    f = _fields(goal)
    setting = pd.Timestamp.today().normalize() if setting_date is None else _date(setting_date)
    verdicts = {
        "S": _specific(f),
        "M": _measurable(f),
        "A": _achievable(f, max_growth),
        "R": _relevant(f),
        "T": _time_bound(f, setting),
    }
    zh = lang == "zh"
    rows = [
        {
            "letter": letter,
            "name": _LETTERS[letter][0 if zh else 1],
            "passed": bool(v.passed),
            "reason": v.reason_zh if zh else v.reason_en,
            "hint": "" if v.passed else (v.hint_zh if zh else v.hint_en),
        }
        for letter, v in verdicts.items()
    ]
    out = pd.DataFrame(rows)
    out["letter"] = out["letter"].astype("string")
    out["name"] = out["name"].astype("string")
    out["reason"] = out["reason"].astype("string")
    out["hint"] = out["hint"].astype("string")
    return out
