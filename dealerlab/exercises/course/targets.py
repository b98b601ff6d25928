"""Exercises of course module 1 — goals and targets (trainer notebooks ``01a``, ``01b``, ``01c``).

* :data:`smart_builder` — the trainee writes a goal for their own store field by field; every SMART letter turns
  green or explains what to fix (uses :func:`dealerlab.targets.smart_check`).
* :data:`decomposition` — an annual target and last year's months: fill the monthly split and the split of one
  month over four consultants; checks sums, whole numbers and weights; the model answer (largest remainder) is shown
  after an attempt.
* :func:`progress_check` — the board on the 15th: time progress on office days vs the store's selling days, with the
  numbers of notebook 01 and the report (:func:`progress_case`); built when called (it reads the demo data).
* :data:`rebalancing` — the seed-002 case (10万 a month, 2.5万 a week, week one at 70 %); :func:`rebalancing_drill`
  builds variations of it from a seed (:data:`rebalancing_variant` is one of them).

Nothing happens at import time except building these plain-data definitions.
"""

from __future__ import annotations

import html
import random
import re
from typing import TYPE_CHECKING

import pandas as pd

from dealerlab.datasets import load_demo
from dealerlab.exercises import (
    ChoiceField,
    ClassifyField,
    Exercise,
    Feedback,
    NumberField,
    TableField,
    TextField,
    find_keywords,
    is_close,
)
from dealerlab.exercises.course._sorting import case_field, case_lines, case_names, wrong_cases
from dealerlab.targets import (
    QUADRANTS,
    achievement,
    amount_rate_matrix,
    day_weights,
    policy_target,
    rebalance_weeks,
    retier_month,
    smart_check,
    split_integer,
    split_month,
    split_year,
    time_progress,
    tree_split,
)
from dealerlab.targets.smart import VAGUE_WORDS, _number

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = [
    "smart_builder",
    "decomposition",
    "rebalancing",
    "rebalancing_variant",
    "rebalancing_drill",
    "progress_check",
    "progress_case",
    "check_smart",
    "check_decomposition",
    "EXERCISES",
    "DECOMP",
    "goal_sources",
    "tree_matrix",
    "STAKEHOLDER_GOALS",
    "POLICY_CASE",
    "policy_case_numbers",
    "TREE_TOTAL",
    "TREE_UNITS",
    "MATRIX_TEAM",
    "tree_case",
    "matrix_case",
]

# ----------------------------------------------------------------------------------------------------------------
# 01a SMART builder

#: which field each letter marks when it fails
_LETTER_FIELD = {"S": "statement", "M": "target", "A": "baseline", "R": "parent", "T": "deadline"}


def _goal(answer: dict) -> dict:
    return {k: answer.get(k) for k in ("statement", "metric", "target", "unit", "baseline", "deadline", "owner", "parent")}


_PASS = '<span style="color:#029e73;font-weight:bold">✓</span>'
_FAIL = '<span style="color:#d55e00;font-weight:bold">✗</span>'


def _letters_markdown(result: pd.DataFrame) -> str:
    """One line per letter, green ✓ or red ✗; the reasons quote the trainee's text, so they are HTML-escaped."""
    lines = []
    for _, r in result.iterrows():
        text = r["reason"] if r["passed"] else f"{r['reason']} → {r['hint']}"
        colour = "#029e73" if r["passed"] else "#d55e00"
        lines.append(
            f"- {_PASS if r['passed'] else _FAIL} <b style=\"color:{colour}\">{r['letter']} {r['name']}</b>：{html.escape(text)}"
        )
    return "\n".join(lines)


#: unit words accepted in the 单位 box (a goal is counted in one of these)
UNIT_WORDS = (
    "台", "辆", "台次", "辆次", "元", "万元", "万", "千元", "%", "％", "个百分点", "百分点", "次", "个", "分", "批",
    "人", "位", "条", "单", "件", "笔", "家", "天", "小时", "分钟",
)
#: words that show the owner is a department, team, store or role
_OWNER_WORDS = (
    "部", "店", "展厅", "团队", "小组", "组", "班", "中心", "车间", "顾问", "经理", "主管", "总监", "专员", "店长",
    "技师", "前台", "客服", "销售", "售后", "市场", "财务", "二网", "大客户", "某",
)
#: owners that name nobody
_VAGUE_OWNERS = ("大家", "全员", "所有人", "我们", "相关人员", "相关部门", "各部门", "全体", "有关人员", "人人")
_STORE_ID = re.compile(r"S\d+", re.IGNORECASE)
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


def _text(v) -> str:
    return "" if v is None else str(v).strip()


def _metric_check(metric: str) -> tuple[bool, str]:
    if not metric:
        return False, "写出衡量的指标，例如“零售销量”“展厅成交率”“衍生收入”。"
    vague = [w for w in VAGUE_WORDS if w in metric]
    if vague:
        return False, f"指标写名词（例如“零售销量”），不要带“{vague[0]}”这样的动词——方向写在目标值里。"
    if metric in ("业绩", "工作", "效益", "成绩", "表现", "销量和利润"):
        return False, f"“{metric}”太笼统，写一个能直接统计的指标，例如“零售销量”“展厅成交率”。"
    return True, ""


def _unit_check(unit: str) -> tuple[bool, str]:
    if unit.replace(" ", "") in UNIT_WORDS:
        return True, ""
    return False, "单位写一个计量单位：台、辆、元、万元、%、次、个、分……"


def _owner_check(owner: str) -> tuple[bool, str]:
    msg = "负责人写一个部门、班组或具体的人，例如“S01 销售部”“销售顾问 王某”。"
    if not owner:
        return False, msg
    if any(w in owner for w in _VAGUE_OWNERS) or any(w in owner for w in VAGUE_WORDS):
        return False, f"“{owner}”说不清由谁负责。" + msg
    if _STORE_ID.search(owner) or any(w in owner for w in _OWNER_WORDS) or _CJK_NAME.match(owner):
        return True, ""
    if re.search(r"[A-Za-z]{2,}", owner):  # a name in Latin letters (Wang Li)
        return True, ""
    return False, msg


def _statement_number_check(statement: str, target) -> tuple[bool, str]:
    """The statement must contain the target number (105 → "105"; 0.35 → "35%" or "0.35"; 30000 → "3万")."""
    if target is None or not statement:
        return False, "先填目标值，再把这个数字写进目标陈述里。"
    s = statement.translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%"))
    s = re.sub(r"(?<=\d)[,，\s](?=\d{3})", "", s)
    t = float(target)
    wanted = [t, t * 100, t / 100]  # a rate typed as a fraction or in percentage points
    for num, wan in re.findall(r"(\d+(?:\.\d+)?)\s*(万?)", s):
        v = float(num) * (10000 if wan else 1)
        if any(abs(v - w) <= 1e-9 * max(1.0, abs(w)) for w in wanted):
            return True, ""
    return False, f"目标陈述里要写出目标值 {t:g}，让每个人一看就知道要做到多少。"


def _extra_checks(answer: dict) -> list[tuple[str, bool, str]]:
    """The checks beyond the five letters: metric, unit, owner and the target number in the statement."""
    details = []
    for field, fn in (("metric", _metric_check), ("unit", _unit_check), ("owner", _owner_check)):
        ok, msg = fn(_text(answer.get(field)))
        details.append((field, ok, msg))
    ok, msg = _statement_number_check(_text(answer.get("statement")), _number(answer.get("target")))
    details.append(("statement", ok, msg))
    return details


def _extra_markdown(details) -> str:
    names = {"metric": "指标", "unit": "单位", "owner": "负责人", "statement": "陈述含目标值"}
    lines = []
    for field, ok, msg in details:
        text = "填写得当" if ok else msg
        lines.append(f"- {_PASS if ok else _FAIL} <b>{names[field]}</b>：{html.escape(text)}")
    return "\n".join(lines)


def check_smart(answer: dict, *, setting_date=None) -> Feedback:
    """Check of :data:`smart_builder`: one detail per SMART letter (the deadline must be after ``setting_date``,
    default today), plus the metric (a noun, not a vague verb), the unit (one of :data:`UNIT_WORDS`), the owner
    (a department, team, role or person — not 大家/全员) and the statement (it must contain the target number)."""
    result = smart_check(_goal(answer), setting_date=setting_date)
    details = []
    for _, r in result.iterrows():
        field = _LETTER_FIELD[r["letter"]]
        msg = "" if r["passed"] else f"{r['letter']}：{r['reason']} {r['hint']}"
        details.append((field, bool(r["passed"]), msg))
    extra = _extra_checks(answer)
    details += extra
    return Feedback.grade(
        details,
        explanation=(
            "SMART 五个字母：\n\n" + _letters_markdown(result) + "\n\n"
            "其他检查：\n\n" + _extra_markdown(extra) + "\n\n"
            "一个好目标让每个人都能回答：谁、做什么指标、做到多少、到什么时候、为哪个上级目标服务；"
            "增幅在现状的 ±30% 以内，跳一跳够得着。"
        ),
        explanation_en="The five SMART letters: who, which metric, how much, by when, serving which higher goal; "
        "within ±30 % of the current level.",
        hint="看看哪个字母是红色的，按提示改写对应的格子。",
        hint_en="Fix the fields whose letter is red, following the hints.",
    )


def _live_smart(answer: dict) -> str:
    return (
        "**实时检查**\n\n" + _letters_markdown(smart_check(_goal(answer)))
        + "\n" + _extra_markdown(_extra_checks(answer))
    )


smart_builder = Exercise(
    id="01a-smart-builder",
    title="练习 1A：为你的门店写一个 SMART 目标",
    title_en="Exercise 1A: write a SMART goal for your store",
    instructions=(
        "为你自己的门店写一个**下个月**的目标（销量、展厅成交率、衍生收入、售后产值……都可以），逐项填写。\n\n"
        "下方的“实时检查”会随你的输入更新：每个字母变绿才算过关。写完后点 **检查答案**。\n\n"
        "- **基线**：这个指标现在的水平（例如近 3 个月的月平均值），单位与目标相同；\n"
        "- **截止日期**：写成 2026-12-31 或 2026年12月；\n"
        "- **上级目标**：它支撑哪个更大的目标或 KPI（例如门店年度销量、厂家下达的 VP 目标）。"
    ),
    instructions_en=(
        "Write a goal for your own store for next month, field by field. The live check turns each letter green "
        "when it passes. Baseline = the current level in the same unit; deadline like 2026-12-31; parent = the "
        "higher goal or KPI it serves."
    ),
    fields={
        "statement": TextField("目标陈述（一句话）", "Goal statement", multiline=False,
                               placeholder="例如：S01 展厅 12 月零售销量达到 105 台"),
        "metric": TextField("衡量指标", "Metric", multiline=False, placeholder="例如：零售销量"),
        "target": NumberField("目标值", "Target"),
        "unit": TextField("单位", "Unit", multiline=False, placeholder="台 / 元 / %"),
        "baseline": NumberField("基线（现状）", "Baseline (current level)"),
        "deadline": TextField("截止日期", "Deadline", multiline=False, placeholder="2026-12-31"),
        "owner": TextField("负责人 / 对象", "Owner", multiline=False, placeholder="例如：S01 销售部 / 销售顾问 王某"),
        "parent": TextField("上级目标或 KPI", "Parent goal or KPI", multiline=False,
                            placeholder="例如：门店 2027 年度销量 1 189 台"),
    },
    check=check_smart,
    live=_live_smart,
    model_answer=(
        "**参考写法**（数字换成你门店的）：\n\n"
        "- 目标陈述：S01 销售部 2026 年 12 月零售销量达到 105 台\n"
        "- 衡量指标：零售销量；目标值：105；单位：台；基线：96（近 3 个月月均）\n"
        "- 截止日期：2026-12-31；负责人：S01 销售部（销售经理）；上级目标：门店 2027 年度销量目标\n\n"
        "对比：“下个月大家努力提高销量”——没有指标对象、没有数字、没有期限，五个字母全红。"
    ),
)

# ----------------------------------------------------------------------------------------------------------------
# 01b decomposition

_MONTHS = [f"m{m:02d}" for m in range(1, 13)]
_MONTH_ZH = {f"m{m:02d}": f"{m} 月" for m in range(1, 13)}
_LAST_YEAR = [82, 58, 96, 92, 95, 94, 88, 95, 99, 104, 108, 139]  # sums to 1 150
_ANNUAL = 1265  # +10 %
_CONSULTANTS = {"A": "顾问 A", "B": "顾问 B", "C": "顾问 C", "D": "顾问 D"}
_RECENT = {"A": 36, "B": 30, "C": 24, "D": 10}  # units over September–November
_MONTH_PICK = "m12"


def _model_months() -> dict[str, int]:
    t = split_year(_ANNUAL, year=2027, last_year=_LAST_YEAR)
    return {m: int(v) for m, v in zip(_MONTHS, t["target"])}


def _model_people(month_target: int) -> dict[str, int]:
    return dict(zip(_CONSULTANTS, split_integer(month_target, list(_RECENT.values()))))


_WEEK_PERIOD = "2027-12"


def _model_weeks(month_target: int, basis: str = "selling_days") -> pd.DataFrame:
    """December 2027 over its weeks (Mon–Sun clipped) by day weights: the defaults (no daily history is given)."""
    return split_month(month_target, period=_WEEK_PERIOD, by="week", basis=basis)


#: the data and the model answer of :data:`decomposition`
DECOMP = {
    "annual": _ANNUAL,
    "last_year": dict(zip(_MONTHS, _LAST_YEAR)),
    "recent": dict(_RECENT),
    "months": _model_months(),
}
DECOMP["people"] = _model_people(DECOMP["months"][_MONTH_PICK])
_W = _model_weeks(DECOMP["months"][_MONTH_PICK])
_WEEKS = {f"w{int(r.week)}": f"第 {int(r.week)} 周（{r.start:%m-%d}–{r.end:%m-%d}）" for r in _W.itertuples()}
_WEEK_DESC = {
    f"w{int(r.week)}": f"{int(r.working_days)} 个工作日 + {int(r.days - r.working_days)} 个周末日" for r in _W.itertuples()
}
DECOMP["week_weights"] = {k: float(w) for k, w in zip(_WEEKS, _W["weight"])}
DECOMP["weeks"] = {k: int(t) for k, t in zip(_WEEKS, _W["target"])}
#: the office split (official working days) — the classic mistake for a showroom
DECOMP["weeks_office"] = {k: int(t) for k, t in zip(_WEEKS, _model_weeks(DECOMP["months"][_MONTH_PICK], "working_days")["target"])}


def _col(table: dict | None, col: str, keys) -> dict:
    table = table or {}
    return {k: (table.get(k) or {}).get(col) for k in keys}


def _grade_split(values: dict, total: int, weights: dict, model: dict, *, even_msg: str = "",
                 labels: dict | None = None) -> tuple[bool, str, float]:
    """(ok, message, partial score) for one split typed by the trainee.

    An even split (every part within 1 unit of the others while the weights differ) gets ``even_msg`` — the classic
    mistake — before the total is looked at, so the trainee learns that the shares matter, not only the sum."""
    if any(v is None for v in values.values()):
        return False, "还有空格没有填", 0.0
    if any(float(v) != int(v) for v in values.values()):
        return False, "目标要是整数台：用最大余数法取整（先取整数部分，剩下的按小数部分大小补）", 0.25
    if any(v < 0 for v in values.values()):
        return False, "目标不能是负数", 0.0
    s = int(sum(values.values()))
    sum_msg = f"合计 {s} 台，不等于要分解的 {total} 台（差 {total - s:+d}）"
    even = max(values.values()) - min(values.values()) <= 1 and max(weights.values()) - min(weights.values()) > 1
    if even and even_msg:
        return False, even_msg + ("" if s == total else "；另外" + sum_msg), 0.25
    if s != total:
        return False, sum_msg, 0.25
    wsum = sum(weights.values())
    labels = labels or {}
    off = [labels.get(k, k) for k, v in values.items() if abs(v - total * weights[k] / wsum) >= 1]
    if off:
        return False, "合计对了，但有的数离按权重算出的份额差 1 台以上：" + "、".join(off), 0.5
    if values != model:
        return False, "按比例没问题，但取整不是最大余数法（小数部分大的先补 1 台）", 0.8
    return True, "", 1.0


def check_decomposition(answer: dict) -> Feedback:
    """Check of :data:`decomposition`: monthly split of the annual target and the December split over consultants."""
    months = {k: v for k, v in _col(answer.get("months"), "target", _MONTHS).items()}
    m_ok, m_msg, m_score = _grade_split(
        months, _ANNUAL, DECOMP["last_year"], DECOMP["months"], labels=_MONTH_ZH,
        even_msg="不能平均分到每个月：要按去年各月销量的占比分（旺季多、淡季少），不只是合计对上",
    )
    month_target = DECOMP["months"][_MONTH_PICK]
    people = _col(answer.get("people"), "target", _CONSULTANTS)
    p_ok, p_msg, p_score = _grade_split(
        people, month_target, _RECENT, DECOMP["people"], labels=_CONSULTANTS,
        even_msg="不能平均分给四位顾问：要按每人近 3 个月销量的占比分（卖得多的多分），不只是合计对上",
    )
    weeks = _col(answer.get("weeks"), "target", _WEEKS)
    if all(v is not None for v in weeks.values()) and weeks == DECOMP["weeks_office"]:
        w_ok, w_msg, w_score = False, ("这是按法定工作日分的：周末日权重成了 0，最后一周（只有周一到周五）反而分得最多。"
                                       "展厅周末照常卖车而且卖得更多，要按卖车日权重分（工作日 1.0、周六日 1.6）"), 0.25
    else:
        w_ok, w_msg, w_score = _grade_split(
            weeks, month_target, DECOMP["week_weights"], DECOMP["weeks"], labels=_WEEKS,
            even_msg="不能按周平均分：第 1 周和第 5 周都不满 7 天，周末又是卖车高峰，要按每周的卖车日权重分",
        )
    if "weeks" not in answer and ("months" in answer or "people" in answer):  # saved before the weeks part existed
        w_ok, w_msg, w_score = True, "", None
    scores = [x for x in (m_score, p_score, w_score) if x is not None]
    score = sum(scores) / len(scores)
    parts_ok = [m_ok, p_ok, w_ok]
    # no field right → "wrong" (a manager reads 部分正确 as "almost there"); the step credit stays in the score
    status = "correct" if all(parts_ok) else ("partly" if any(parts_ok) else "wrong")
    return Feedback(
        status=status,
        score=1.0 if status == "correct" else min(score, 0.99),
        explanation=(
            f"年度目标 {_ANNUAL} 台按去年各月销量占比分：某月目标 = {_ANNUAL} × 去年该月 ÷ {sum(_LAST_YEAR)}，"
            "得到的小数先取整数部分，剩下的台数按小数部分从大到小各补 1 台（一样大时给靠前的月份），"
            f"这样 12 个月加起来正好 {_ANNUAL} 台。\n\n"
            "12 月目标再按四位顾问近 3 个月销量 36 : 30 : 24 : 10 分配，方法相同。"
            "如果平均分，淡季月份必然失败、旺季轻松超额；顾问之间也一样——按能力分才公平。\n\n"
            "12 月分到周用**卖车日权重**（工作日 1.0、周六日 1.6、法定节假日 1.8）：每周权重 = 这周每天权重之和，"
            f"全月 {sum(DECOMP['week_weights'].values()):g}。按法定工作日分，周末的目标是 0、只有周一到周五的最后一周"
            "反而最多——展厅恰恰相反。"
        ),
        explanation_en=(
            f"Month target = {_ANNUAL} × last year's month / {sum(_LAST_YEAR)}, floors first, then one more unit to "
            "the largest remainders; the same for the consultants (36 : 30 : 24 : 10)."
        ),
        hint="先算每份的精确值（小数），再取整；检查合计是否等于总数。",
        hint_en="Compute each exact share first, then round so that the parts add up to the whole.",
        details=(("months", m_ok, m_msg), ("people", p_ok, p_msg), ("weeks", w_ok, w_msg)),
    )


def _decomp_model_text(answer: dict | None = None) -> str:
    rows = " | ".join(f"{m[1:].lstrip('0')}月 {v}" for m, v in DECOMP["months"].items())
    people = "，".join(f"{_CONSULTANTS[k]} {v} 台" for k, v in DECOMP["people"].items())
    weeks = "，".join(f"{_WEEKS[k]} {v} 台（权重 {DECOMP['week_weights'][k]:g}）" for k, v in DECOMP["weeks"].items())
    return (
        f"**月度目标**（合计 {_ANNUAL}）：{rows}\n\n"
        f"**12 月分到顾问**（合计 {DECOMP['months'][_MONTH_PICK]}）：{people}\n\n"
        f"**12 月按卖车日分到周**：{weeks}\n\n"
        "计算方法：精确份额 = 总数 × 权重 ÷ 权重合计；先取整数部分，差几台就给小数部分最大的几份各加 1。"
    )


decomposition = Exercise(
    id="01b-decomposition",
    title="练习 1B：把年度目标分解到月和顾问",
    title_en="Exercise 1B: split an annual target into months and consultants",
    instructions=(
        f"某店明年的年度销量目标是 **{_ANNUAL} 台**（去年实际 {sum(_LAST_YEAR)} 台，增长 10%）。\n\n"
        "1. 按**去年各月销量占比**把年度目标分到 12 个月（整数台，12 个月合计必须正好等于年度目标）。\n"
        "2. 把你算出的 **12 月目标**分给四位顾问，权重是每人近 3 个月（9–11 月）的销量："
        "顾问 A 36 台、B 30 台、C 24 台、D 10 台。\n"
        "3. 把 12 月目标按**卖车日权重**分到 5 周（周一到周日，月初月末的周不满 7 天）。展厅天天卖车、周末卖得更多："
        "这家店没有按天的历史数据，用默认权重——工作日 1.0、周六日 1.6、法定节假日 1.8（12 月没有法定节假日）。"
        "每周权重 = 这周每天权重之和，表中已给出。\n\n"
        "表格下方会自动显示合计。提交一次后可以查看参考答案。"
    ),
    instructions_en=(
        f"Next year's target is {_ANNUAL} units (last year {sum(_LAST_YEAR)}). 1) Split it over the months by last "
        "year's monthly shares (whole units, summing exactly). 2) Split December over four consultants by their last "
        "3 months' units: A 36, B 30, C 24, D 10."
    ),
    fields={
        "months": TableField(
            "月度目标（台）", "Monthly targets (units)",
            rows=_MONTH_ZH, columns={"last": "去年销量", "target": "明年目标"},
            columns_en={"last": "Last year", "target": "Target"}, unit="台", totals="columns",
            fixed={(m, "last"): v for m, v in zip(_MONTHS, _LAST_YEAR)},
        ),
        "people": TableField(
            "12 月目标分到顾问（台）", "December by consultant (units)",
            rows=_CONSULTANTS, columns={"recent": "近3个月销量", "target": "12 月目标"},
            columns_en={"recent": "Last 3 months", "target": "December target"}, unit="台", totals="columns",
            fixed={(k, "recent"): v for k, v in _RECENT.items()},
        ),
        "weeks": TableField(
            "12 月目标按卖车日分到周（台）", "December by week on selling days (units)",
            rows=_WEEKS, columns={"weight": "卖车日权重", "target": "周目标"},
            columns_en={"weight": "Selling-day weight", "target": "Week target"}, unit="台", totals="columns",
            fixed={(k, "weight"): v for k, v in DECOMP["week_weights"].items()},
            help="每周权重 = 工作日数 × 1.0 + 周末日数 × 1.6；" + "；".join(f"{_WEEKS[k]}：{d}" for k, d in _WEEK_DESC.items()),
        ),
    },
    check=check_decomposition,
    model_answer=_decomp_model_text,
)

# ----------------------------------------------------------------------------------------------------------------
# 01c weekly rebalancing drill

_TIER_CHOICES = {
    "85_95": "目标一 85%、目标二 95%",
    "100_110": "目标一 100%、目标二 110%",
    "keep": "保持原月目标不变",
}


def _drill_case(seed: int | None) -> dict:
    """The seed case (seed None or 0) or a variation: month target, week plan, week 1–2 actuals."""
    if not seed:
        return {"T": 100000, "weeks": 4, "a1": 17500, "a2": 25000}
    rng = random.Random(seed)
    week = rng.choice([15000, 20000, 25000, 30000, 40000, 50000])
    weeks = 4
    # week one behind plan (as in the seed) by a shortfall that splits evenly over the 3 remaining weeks
    short = int(round(week * (1 - rng.choice([0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9])) / 300)) * 300
    a1 = week - short
    a2 = int(round(week * rng.choice([0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4]) / 100)) * 100
    return {"T": week * weeks, "weeks": weeks, "a1": a1, "a2": a2}


def _drill_answers(case: dict) -> dict:
    plan = [case["T"] / case["weeks"]] * case["weeks"]
    after1 = rebalance_weeks(plan, [case["a1"]])
    week2 = float(after1.loc[(after1["after_week"] == 1) & (after1["week"] == 2), "target"].iloc[0])
    tiers = retier_month(plan, [case["a1"], case["a2"]])
    behind = tiers["status"].iloc[0] == "落后于计划"
    return {
        "rate1": case["a1"] / plan[0],
        "week2": week2,
        "cum_rate": float(tiers["cum_rate"].iloc[0]),
        "tiers": "85_95" if behind else "100_110",
        "tier1": float(tiers["month_target"].iloc[0]),
        "tier2": float(tiers["month_target"].iloc[1]),
    }


def _wan(v: float) -> str:
    return f"{v / 10000:g} 万" if v % 1000 == 0 else f"{v:,.0f} 元"


def rebalancing_drill(seed: int | None = None, *, id: str | None = None, number: int | None = None) -> Exercise:
    """The weekly rebalancing drill: the seed-002 case (``seed`` None or 0) or a variation drawn from ``seed``.

    Parameters
    ----------
    seed : int, optional
        0/None = the seed case (10万, 4 × 2.5万, week one 17 500, week two 25 000); any other integer gives a
        reproducible variation (week target, week 1 and week 2 rates).
    id : str, optional
        Exercise id (answer file name); default ``01c-rebalancing`` for the seed case, ``01c-rebalancing-<seed>``
        otherwise (the id keeps the seed so answer files stay stable).
    number : int, optional
        The number shown in the title of a variation, 「变式 N」 (default 1). The seed is never shown: a trainee
        would read 20261123 as a date.

    Returns
    -------
    Exercise
    """
    case = _drill_case(seed)
    ans = _drill_answers(case)
    T, W, a1, a2 = case["T"], case["weeks"], case["a1"], case["a2"]
    t = T / W

    def check(answer: dict) -> Feedback:
        ok_rate = is_close(answer.get("rate1"), ans["rate1"], tolerance=0.006)
        ok_week2 = is_close(answer.get("week2"), ans["week2"], tolerance=0.5)
        ok_cum = is_close(answer.get("cum_rate"), ans["cum_rate"], tolerance=0.006)
        ok_tiers = answer.get("tiers") == ans["tiers"]
        ok_t1 = is_close(answer.get("tier1"), ans["tier1"], tolerance=0.5)
        ok_t2 = is_close(answer.get("tier2"), ans["tier2"], tolerance=0.5)
        details = [
            ("rate1", ok_rate, "" if ok_rate else "第一周达成率 = 第一周实际 ÷ 第一周计划"),
            ("week2", ok_week2, "" if ok_week2 else "第 2 周目标 = 原周计划 + 第一周差额 ÷ 剩下的周数"),
            ("cum_rate", ok_cum, "" if ok_cum else "累计达成率 = 前两周实际之和 ÷ 前两周计划之和"),
            ("tiers", ok_tiers, "" if ok_tiers else "累计达成率 < 100% 用 85%/95%，否则 100%/110%"),
            ("tier1", ok_t1, "" if ok_t1 else "目标一 = 原月目标 × 档位比例"),
            ("tier2", ok_t2, "" if ok_t2 else "目标二 = 原月目标 × 档位比例"),
        ]
        solved = all(ok for _, ok, _ in details)
        if solved:  # the worked numbers only once solved; before that the method (the model answer is one click away)
            explanation = (
                f"1. 第一周达成率 = {a1:,} ÷ {t:,.0f} = **{ans['rate1']:.0%}**。\n"
                f"2. 第一周差额 {t - a1:,.0f}，平摊到剩下 {W - 1} 周：第 2 周目标 = {t:,.0f} + "
                f"{(t - a1) / (W - 1):,.0f} = **{ans['week2']:,.0f}**。\n"
                f"3. 前两周累计 {a1 + a2:,} ÷ {2 * t:,.0f} = **{ans['cum_rate']:.0%}**，"
                + ("落后于计划 → 调成两档：目标一 85%、目标二 95%" if ans["tiers"] == "85_95" else "达到计划 → 调成两档：目标一 100%、目标二 110%")
                + f"，即 **{ans['tier1']:,.0f}** 和 **{ans['tier2']:,.0f}**。\n\n"
                "落后时降一点让目标“够得着”，避免后两周放弃；领先时加一档，避免“达成即可”。"
            )
        else:
            explanation = (
                "方法：① 本周达成率 = 实际 ÷ 计划；② 差额（计划 − 实际）平摊到剩下的周，加到每周原计划上；"
                "③ 第 2 周后看前两周累计达成率：低于 100% 调成 85% / 95% 两档，否则 100% / 110% 两档，"
                "两档的月目标 = 原月目标 × 比例。"
            )
        return Feedback.grade(
            details,
            explanation=explanation,
            explanation_en=(
                f"Week-1 rate {ans['rate1']:.0%}; the shortfall is spread over the remaining weeks → week 2 target "
                f"{ans['week2']:,.0f}; cumulative rate {ans['cum_rate']:.0%} → tiers {ans['tier1']:,.0f} / {ans['tier2']:,.0f}."
                if solved else
                "Method: rate = actual / plan; spread the shortfall over the remaining weeks; after week 2 the tiers are "
                "85 %/95 % when behind, else 100 %/110 % of the month target."
            ),
            hint="一步一步来：先算第一周的差额，再平摊；第 2 周后看前两周的累计达成率。",
            hint_en="Step by step: the week-1 shortfall first, then spread it; after week 2 look at the cumulative rate.",
        )

    number = 1 if number is None else int(number)
    title_case = "课程案例" if not seed else f"变式 {number}"
    return Exercise(
        id=id or ("01c-rebalancing" if not seed else f"01c-rebalancing-{seed}"),
        title=f"练习 1C：周目标调整演练（{title_case}）",
        title_en=f"Exercise 1C: weekly re-planning drill ({'seed case' if not seed else f'variation {number}'})",
        instructions=(
            f"某店月销售指标 **{_wan(T)}**，分 {W} 周，每周计划 **{_wan(t)}**。第一周实际完成 **{a1:,} 元**。\n\n"
            "1. 第一周的达成率是多少？\n"
            "2. 按“差额平摊到后面几周”，第 2 周的目标应该是多少元？\n"
            f"3. 第二周实际完成 **{a2:,} 元**。前两周的累计达成率是多少？\n"
            "4. 第 2 周后月度目标应调成哪两档？两档的月目标各是多少元？"
        ),
        instructions_en=(
            f"Month target {T:,}, {W} weeks of {t:,.0f}; week 1 achieved {a1:,}. 1) Week-1 rate? 2) Week-2 target "
            f"after spreading the shortfall? 3) Week 2 achieved {a2:,}: cumulative rate? 4) Which two tiers, and their "
            "month targets?"
        ),
        fields={
            # rates can pass 100 % (a strong week): ratio_max=3 reads 1.05 as 105 % and 105 as 105 %
            "rate1": NumberField("第一周达成率", "Week-1 rate", percent=True, ratio_max=3),
            "week2": NumberField("第 2 周目标", "Week-2 target", unit="元"),
            "cum_rate": NumberField("前两周累计达成率", "Cumulative rate after week 2", percent=True, ratio_max=3),
            "tiers": ChoiceField("第 2 周后的两档月目标", "Tiers after week 2", options=_TIER_CHOICES,
                                 options_en={"85_95": "85 % and 95 %", "100_110": "100 % and 110 %", "keep": "keep the target"}),
            "tier1": NumberField("目标一（月目标，元）", "Tier 1 month target", unit="元"),
            "tier2": NumberField("目标二（月目标，元）", "Tier 2 month target", unit="元"),
        },
        check=check,
        model_answer=dict(ans),
    )


# ----------------------------------------------------------------------------------------------------------------
# 01c (second part): time progress on selling days, read on the 15th

_STATUS_CHOICES = {"ahead": "领先于时间进度", "behind": "落后于时间进度"}


def progress_case(ds: Dataset | None = None, *, store_id: str = "S03", period: str = "2026-10", as_of="2026-10-15") -> dict:
    """The numbers of :func:`progress_check`: one store's month to date, from the same functions as notebook 01 and
    the report's targets section (:func:`dealerlab.targets.achievement`, :func:`dealerlab.targets.time_progress`).

    Parameters
    ----------
    ds : Dataset, optional
        The data; default the demo data (:func:`dealerlab.datasets.load_demo`).
    store_id : str
        The store.
    period : str
        Month ``YYYY-MM``.
    as_of : date-like
        The day the manager reads the board.

    Returns
    -------
    dict
        ``store_id, period, as_of, target, actual, achievement, tp_selling`` (the store's selling days),
        ``tp_calendar, tp_office, status`` ("ahead"/"behind" on selling days), ``office_status``, ``weights`` (the
        month's day-weight table), ``source`` (own pattern or defaults), ``elapsed`` / ``total`` (Σ weights).
    """
    ds = load_demo() if ds is None else ds
    as_of = pd.Timestamp(as_of).normalize()
    row = achievement(ds, period=period, as_of=as_of, stores=[store_id]).iloc[0]
    w = day_weights(period, ds=ds, store_id=store_id)
    tp_office = time_progress(period, as_of=as_of, basis="working_days")
    ach = float(row["achievement"])
    return {
        "store_id": store_id,
        "period": period,
        "as_of": as_of,
        "target": float(row["target"]),
        "actual": float(row["actual"]),
        "achievement": ach,
        "tp_selling": float(row["time_progress"]),
        "tp_calendar": time_progress(period, as_of=as_of, basis="calendar_days"),
        "tp_office": tp_office,
        "status": "ahead" if ach >= float(row["time_progress"]) else "behind",
        "office_status": "ahead" if ach >= tp_office else "behind",
        "weights": w,
        "source": str(w["source"].iloc[0]),
        "elapsed": float(w.loc[w["date"] <= as_of, "weight"].sum()),
        "total": float(w["weight"].sum()),
    }


def _weights_markdown(w: pd.DataFrame) -> str:
    """The month's day weights as a compact calendar (one row per week)."""
    week = ((w["date"].dt.day - 1 + int(w["date"].iloc[0].day_of_week)) // 7) + 1
    head = "| 周 | 一 | 二 | 三 | 四 | 五 | 六 | 日 |\n|---|---|---|---|---|---|---|---|"
    lines = [head]
    for k in sorted(set(week)):
        cells = [""] * 7
        for r in w[week == k].itertuples():
            mark = "（节）" if r.holiday else ""
            cells[r.date.day_of_week] = f"{r.date.day}日{mark} **{r.weight:g}**"
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def progress_check(ds: Dataset | None = None, *, store_id: str = "S03", period: str = "2026-10", as_of="2026-10-15") -> Exercise:
    """Exercise 1C, part 2: read the board on the 15th — time progress on selling days vs office days.

    Built when called (it reads the data); the numbers are :func:`progress_case`, the same functions notebook 01 and
    the report use, so all three show the same time progress for the same store and day.

    Parameters
    ----------
    ds : Dataset, optional
        The data; default the demo data.
    store_id : str
        The store.
    period : str
        Month ``YYYY-MM``.
    as_of : date-like
        The day the board is read.

    Returns
    -------
    Exercise
    """
    case = progress_case(ds, store_id=store_id, period=period, as_of=as_of)
    day = f"{case['as_of'].month} 月 {case['as_of'].day} 日"
    model = {
        "tp_office": case["tp_office"],
        "tp_selling": case["tp_selling"],
        "achievement": case["achievement"],
        "status": case["status"],
    }

    def check(answer: dict) -> Feedback:
        ok_office = is_close(answer.get("tp_office"), case["tp_office"], tolerance=0.006)
        ok_sell = is_close(answer.get("tp_selling"), case["tp_selling"], tolerance=0.006)
        ok_ach = is_close(answer.get("achievement"), case["achievement"], tolerance=0.006)
        ok_status = answer.get("status") == case["status"]
        sell_msg = "卖车日时间进度 = 截至当天的日权重之和 ÷ 全月日权重之和（国庆每天 1.8、周末 1.6、工作日 1.0）"
        if is_close(answer.get("tp_selling"), case["tp_calendar"], tolerance=0.006):
            sell_msg = "这是自然日进度（已过天数 ÷ 全月天数）：没有考虑黄金周和周末卖得多"
        details = [
            ("tp_office", ok_office, "办公日进度 = 已过的法定工作日 ÷ 全月法定工作日（国庆 7 天不算，10 日调休上班算）"),
            ("tp_selling", ok_sell, sell_msg),
            ("achievement", ok_ach, "达成率 = 本月至今实际 ÷ 月目标"),
            ("status", ok_status, "达成率不低于卖车日时间进度才是领先"),
        ]
        explanation = (
            f"截至 {day}：本月卖车日权重合计 {case['total']:g}，已过 {case['elapsed']:g}，"
            f"卖车日时间进度 {case['elapsed']:g} ÷ {case['total']:g} = **{case['tp_selling']:.1%}**；"
            f"办公日进度只有 **{case['tp_office']:.1%}**（国庆 7 天和周末都不算），自然日 {case['tp_calendar']:.1%}。"
            f"达成率 {case['actual']:.0f} ÷ {case['target']:.0f} = **{case['achievement']:.1%}**，"
            f"对照卖车日进度是**{_STATUS_CHOICES[case['status']]}**。\n\n"
            + (f"按办公日进度它看起来是“{_STATUS_CHOICES[case['office_status']]}”——结论正好相反。"
               if case["office_status"] != case["status"] else "")
            + "展厅的一个月不是从节后才开始：黄金周和周末是卖车最多的日子，按办公日算进度会让店长以为时间还多、"
            "进度“领先”，月底才发现落后。"
        )
        return Feedback.grade(
            details,
            explanation=explanation,
            explanation_en=(
                f"By {case['as_of']:%d %b}: selling-day progress {case['tp_selling']:.1%}, office days "
                f"{case['tp_office']:.1%}, calendar {case['tp_calendar']:.1%}; achievement {case['achievement']:.1%} → "
                f"{'ahead' if case['status'] == 'ahead' else 'behind'} on selling days."
            ),
            hint="先把截至当天的日权重加起来，再除以全月的日权重合计。",
            hint_en="Add up the day weights up to the day, then divide by the month's total.",
        )

    return Exercise(
        id="01c-progress",
        title=f"练习 1C（续）：{day}看板——时间进度按卖车日算",
        title_en="Exercise 1C (part 2): the board on the 15th — time progress on selling days",
        instructions=(
            f"演示门店 **{store_id}**，{period[:4]} 年 {int(period[5:])} 月销量目标 **{case['target']:.0f} 台**，"
            f"截至 **{day}** 实际 **{case['actual']:.0f} 台**。\n\n"
            f"本月每天的卖车日权重（{case['source']}；“节”= 法定节假日；调休上班的周末日仍按周末算）：\n\n"
            f"{_weights_markdown(case['weights'])}\n\n"
            "1. 按**法定工作日**（办公部门的口径）算，时间进度是多少？本月法定工作日共 "
            f"{int(case['weights']['working_day'].sum())} 天。\n"
            "2. 按**卖车日权重**算，时间进度是多少？\n"
            "3. 本月至今的达成率是多少？\n"
            "4. 对照卖车日时间进度，这家店是领先还是落后？"
        ),
        instructions_en=(
            f"Demo store {store_id}: target {case['target']:.0f} units, {case['actual']:.0f} sold by {case['as_of']:%d %b}. "
            "1) Time progress on official working days? 2) On the selling-day weights shown? 3) Achievement to date? "
            "4) Ahead or behind on selling days?"
        ),
        fields={
            "tp_office": NumberField("时间进度（法定工作日）", "Time progress (office days)", percent=True),
            "tp_selling": NumberField("时间进度（卖车日）", "Time progress (selling days)", percent=True),
            "achievement": NumberField("达成率", "Achievement", percent=True, ratio_max=3),
            "status": ChoiceField("对照卖车日进度", "Against selling-day progress", options=_STATUS_CHOICES,
                                  options_en={"ahead": "ahead", "behind": "behind"}),
        },
        check=check,
        model_answer=model,
    )


#: the seed-002 case
rebalancing = rebalancing_drill()
#: a variation of it (fixed seed, so every trainee gets the same numbers and the class report compares them)
rebalancing_variant = rebalancing_drill(20261123, number=1)

# ----------------------------------------------------------------------------------------------------------------
# 01d 目标从哪里来：干系人、集团考核与 VP、年度工作计划

_HOLDERS = {"factory": "厂家 / 集团", "owner": "投资人 / 总经理", "staff": "员工 / 团队", "customer": "客户"}
_HOLDERS_EN = {"factory": "factory / group", "owner": "investor / GM", "staff": "staff / team", "customer": "customers"}

#: expectation id → (zh text, the stakeholder it serves)
STAKEHOLDER_GOALS = {
    "g1": ("全年零售完成 VP 的 100%，拿到四个季度的返利", "factory"),
    "g2": ("新车毛利加衍生毛利每台不低于 6,000 元，全年净利润 300 万元", "owner"),
    "g3": ("每位顾问月均收入不低于 8,000 元，新人 3 个月内能独立接待", "staff"),
    "g4": ("交车满意度不低于 90 分，交车手续 1 小时内办完", "customer"),
    "g5": ("库存周转不超过 45 天，车辆资金占用不超过 2,000 万元", "owner"),
    "g6": ("本区域市场占有率提升到 8%，形象店建设按标准验收", "factory"),
    "g7": ("投诉 48 小时内给出处理方案，首保回厂率 85%", "customer"),
    "g8": ("每季度评一次明星顾问，优秀者晋升为展厅主管", "staff"),
}

#: the 01d policy case: factory VP, last year's sales, the group's growth, the margin handed to consultants
POLICY_CASE = {"volume_plan": 1150, "vp_tier": 1.0, "last_year": 1120, "group_growth": 0.08, "safety": 0.05}

_PLAN_RULES = {
    "target": ["台", "%", "万", "目标"],
    "measure": ["措施", "通过", "开展", "举办", "培训", "邀约", "活动", "增加", "建立"],
    "quarter": ["季度", "Q1", "Q2", "Q3", "Q4", "上半年", "下半年", "月底", "月前", "月起", "月份"],
    "difficulty": ["难点", "风险", "困难", "挑战", "瓶颈", "不足"],
}
_PLAN_MSG = {
    "target": "写出可以考核的目标（数字和单位，例如 1,210 台、占有率 8%）",
    "measure": "写出达成目标的措施（做什么，例如开展车展、增加邀约、培训新人）",
    "quarter": "写出时间安排（哪个季度或哪几个月做）",
    "difficulty": "写出难点或风险，以及你打算怎么应对",
}


def policy_case_numbers() -> dict:
    """The 01d policy case computed by :func:`dealerlab.targets.policy_target` (the same function as notebook 1)."""
    t = policy_target(**POLICY_CASE).set_index("step")["units"]
    return {k: int(v) for k, v in t.items()}


def _check_goal_sources(answer: dict) -> Feedback:
    n = policy_case_numbers()
    holders = answer.get("holders") or {}
    wrong = wrong_cases(holders, STAKEHOLDER_GOALS)
    ok_store = is_close(answer.get("store_target"), n["store"], tolerance=0.5)
    ok_team = is_close(answer.get("team_target"), n["team"], tolerance=0.5)
    store_msg = "门店目标要同时满足厂家 VP 和集团的增长要求：两个数都算出来，取大的那个（向上取整）"
    if is_close(answer.get("store_target"), n["vp"], tolerance=0.5):
        store_msg = "只完成 VP 还不够：集团按“去年 × (1 + 8%)”考核，这个数更大"
    team_msg = "分给顾问的合计 = 门店目标 × (1 + 5%)，向上取整"
    if is_close(answer.get("team_target"), n["store"], tolerance=0.5):
        team_msg = "分给顾问的合计要留 5% 余量：总有顾问完不成，门店还得达成"
    plan = str(answer.get("plan") or "")
    found = find_keywords(plan, _PLAN_RULES)
    missing = [k for k, ok in found.items() if not ok]
    details = [
        ("holders", not wrong,
         (case_names(wrong, STAKEHOLDER_GOALS, "第 {n} 条") + " 再想想：这个期望是谁最先提出、谁最在意？") if wrong else ""),
        ("store_target", ok_store, store_msg),
        ("team_target", ok_team, team_msg),
        ("plan", len(plan) >= 20 and not missing,
         "；".join(_PLAN_MSG[k] for k in missing) if missing else "再具体一点（至少 20 个字）"),
    ]
    return Feedback.grade(
        details,
        weights={"holders": 2, "store_target": 1, "team_target": 1, "plan": 2},
        explanation=(
            "**目标从干系人的期望来。** 店长的目标不是只有厂家的任务：厂家和集团要量和占有率，投资人和总经理要利润、"
            "周转和资金安全，员工要收入和成长，客户要满意和被尊重。一份好的年度目标四方都照顾到，而且互相不打架——"
            "只冲量不看毛利，投资人不答应；只压成本不管收入，顾问会走。\n\n"
            f"**依集团考核和 VP 定年度目标：** 厂家 VP {POLICY_CASE['volume_plan']:,} 台 × 100% = {n['vp']:,} 台；"
            f"集团要求比去年 {POLICY_CASE['last_year']:,} 台增长 8%：{POLICY_CASE['last_year']:,} × 1.08 = 1,209.6，"
            f"向上取整 **{n['store']:,} 台**（目标向下取整就完不成要求）。两者取大，门店年度目标 {n['store']:,} 台。"
            f"分给顾问时再留 5% 余量：{n['store']:,} × 1.05 = 1,270.5 → **{n['team']:,} 台**。\n\n"
            "**年度工作计划** 把目标落成措施：每条写清目标（数字）、措施（做什么）、季度（什么时候做）和难点（"
            "最可能卡在哪里、怎么办），之后每个季度对照复盘。"
        ),
        explanation_en=(
            f"Goals come from the stakeholders. Year target = max(VP {n['vp']}, last year × 1.08 = {n['store']}) = "
            f"{n['store']}; handed to consultants with a 5% margin: {n['team']}. A plan line names the target, the "
            "measure, the quarter and the difficulty."
        ),
        hint="先判断每条期望最关心的人是谁；再把 VP 和集团要求两个数都算出来。",
        hint_en="Who cares most about each expectation? Then compute both requirements.",
    )


def _goal_sources_model(answer=None) -> str:
    n = policy_case_numbers()
    lines = [f"{i}. {text} → {_HOLDERS[h]}" for i, (text, h) in enumerate(STAKEHOLDER_GOALS.values(), start=1)]
    return (
        "**干系人：**\n\n" + "\n".join(lines) + "\n\n"
        f"**门店年度目标：** {n['store']:,} 台（集团要求 1,120 × 1.08 = 1,209.6 → 1,210，大于 VP {n['vp']:,} 台）；"
        f"**分给顾问的合计：** {n['team']:,} 台。\n\n"
        "**年度计划一条（参考）：** 目标：全年零售 1,210 台、区域占有率 8%。措施：一季度举办两场周末试驾会，"
        "二季度起每月开展一次老客户转介绍活动，新人入职先培训两周再上岗。难点：三季度是淡季、库存偏高，"
        "风险是压价冲量——应对：提前和厂家确认车源节奏，淡季以衍生业务毛利考核为主。"
    )


goal_sources = Exercise(
    id="01d-goal-sources",
    title="练习 1D：目标从哪里来——干系人、集团考核与年度计划",
    title_en="Exercise 1D: where goals come from — stakeholders, group appraisal, annual plan",
    instructions=(
        "店长定年度目标之前，先想清楚“谁对我有期望”。\n\n"
        "1. 下面八条期望，各自最先来自哪一方？\n\n"
        + case_lines(STAKEHOLDER_GOALS, indent="   ")
        + "\n\n"
        f"2. 2027 年厂家给这家店的 VP 是 **{POLICY_CASE['volume_plan']:,} 台**，店里要拿全年返利（VP 的 100%）；"
        f"集团按“比去年增长 8%”考核，去年实际销售 **{POLICY_CASE['last_year']:,} 台**。"
        "门店的年度目标至少是多少台？\n"
        "3. 销售经理把目标分给顾问时留 **5% 余量**（总有人完不成）。分给顾问的目标合计是多少台？\n"
        "4. 为这个目标写一条年度工作计划：目标、措施、季度安排、难点（及应对）。"
    ),
    instructions_en=(
        "1) Whose expectation is each line? 2) VP 1,150 (100%), last year 1,120, group growth 8%: the store's year "
        "target? 3) With a 5% margin for consultants: their total? 4) One annual-plan line: target, measure, quarter, "
        "difficulty."
    ),
    fields={
        "holders": case_field("期望来自哪一方", "Whose expectation", STAKEHOLDER_GOALS, _HOLDERS, _HOLDERS_EN, item="第 {n} 条"),
        "store_target": NumberField("门店年度目标", "Store year target", unit="台"),
        "team_target": NumberField("分给顾问的目标合计", "Consultants' targets in total", unit="台"),
        "plan": TextField("年度工作计划（一条）", "One annual-plan line", rows=4,
                          placeholder="目标：…… 措施：…… 季度：…… 难点及应对：……"),
    },
    check=_check_goal_sources,
    model_answer=_goal_sources_model,
)

# ----------------------------------------------------------------------------------------------------------------
# 01e 分解与复盘：车型 × 顾问（多杈树法）和达成额 × 达成率

#: 01e tree case: the month target and the last 3 months' units per model line × consultant
TREE_TOTAL = 30
TREE_UNITS = {"王": {"sedan": 6, "suv": 2}, "李": {"sedan": 3, "suv": 4}, "张": {"sedan": 3, "suv": 2}}
_TREE_MODELS = {"sedan": "轿车", "suv": "SUV"}
_TREE_MODELS_EN = {"sedan": "sedan", "suv": "SUV"}

#: 01e matrix case: consultant → (month target, actual units)
MATRIX_TEAM = {"A": (12, 15), "B": (6, 7), "C": (16, 13), "D": (10, 5), "E": (14, 13), "F": (12, 8)}
_QUAD_EN = {"star": "star", "leader_below_target": "ahead but below target", "low_target": "target too low",
            "high_target": "target too high", "coach": "coach"}


def tree_case() -> pd.DataFrame:
    """The 01e tree case split by :func:`dealerlab.targets.tree_split` (model line first, then consultant)."""
    rows = [{"model": m, "staff_id": p, "units": u} for m in _TREE_MODELS for p, d in TREE_UNITS.items()
            for u in [d[m]]]
    return tree_split(pd.DataFrame(rows), total=TREE_TOTAL, levels=["model", "staff_id"], weight="units")


def matrix_case() -> pd.DataFrame:
    """The 01e team placed by :func:`dealerlab.targets.amount_rate_matrix` (one team, medians over six consultants)."""
    t = pd.DataFrame([{"staff_id": k, "target": tg, "actual": a, "achievement": a / tg}
                      for k, (tg, a) in MATRIX_TEAM.items()])
    return amount_rate_matrix(t, by=())


def _quadrant_labels() -> dict:
    return {q: QUADRANTS[q][0] for q in ("star", "leader_below_target", "low_target", "high_target", "coach")}


def _check_tree_matrix(answer: dict) -> Feedback:
    tree = tree_case()
    model_total = tree.groupby("model")["units"].sum()
    # exact share of each leaf: the model's target × the consultant's share of that model
    exact = {(r.model, r.staff_id): r.target_model * r.units / model_total[r.model] for r in tree.itertuples()}
    target_model = tree.groupby("model")["target_model"].first().to_dict()
    table = answer.get("tree") or {}
    cells = {(m, p): (table.get(p) or {}).get(m) for m in _TREE_MODELS for p in TREE_UNITS}
    within = all(v is not None and v == int(v) and abs(v - exact[k]) < 1 for k, v in cells.items())
    col_ok = all(sum((cells[(m, p)] or 0) for p in TREE_UNITS) == target_model[m] for m in _TREE_MODELS)
    ok_tree = within and col_ok
    if not col_ok:
        tree_msg = (f"先分车型：{TREE_TOTAL} 台按两个车型近 3 个月的销量（轿车 12、SUV 8）分，"
                    f"轿车 {target_model['sedan']} 台、SUV {target_model['suv']} 台——每一列加起来要等于它的车型目标")
    else:
        tree_msg = "再分顾问：每个车型的目标按顾问在这个车型上的销量占比分，整数台，小数部分大的多分 1 台"
    m = matrix_case().set_index("staff_id")
    quad = answer.get("quadrant") or {}
    q_wrong = [k for k in MATRIX_TEAM if quad.get(k) != m.loc[k, "quadrant"]]
    star_err = [k for k in q_wrong if quad.get(k) == "star" and m.loc[k, "achievement"] < 1]
    q_msg = ""
    if q_wrong:
        q_msg = (f"顾问 {'、'.join(q_wrong)} 的象限不对：分界线是团队的中位数"
                 f"（销量 {m['amount_median'].iloc[0]:g} 台、达成率 {m['rate_median'].iloc[0]:.1%}），不是 100%")
        if star_err:
            q_msg += f"；{'、'.join(star_err)} 没完成目标（< 100%），不能叫明星、不表扬"
    ok_first = answer.get("first_step_b") == "b"
    details = [
        ("tree", ok_tree, tree_msg),
        ("quadrant", not q_wrong, q_msg),
        ("first_step_b", ok_first, "B 达成率高、销量却低：先想想这是能力问题，还是目标和出勤的问题——要先查清楚才能表扬或辅导"),
    ]
    piv = tree.pivot_table(index="staff_id", columns="model", values="target", aggfunc="sum")
    return Feedback.grade(
        details,
        weights={"tree": 2, "quadrant": 2, "first_step_b": 1},
        explanation=(
            f"**多杈树法 / 剥洋葱法：** 先按车型分（轿车 {target_model['sedan']}、SUV {target_model['suv']}），"
            "再把每个车型剥给顾问。轿车 18 台按 6 : 3 : 3 分是 9、4.5、4.5：两个 0.5 一样大，多出的 1 台给排在前面的"
            f"（李 {int(piv.loc['李', 'sedan'])}、张 {int(piv.loc['张', 'sedan'])}）；SUV 12 台按 2 : 4 : 2 分是 3、6、3。"
            "每一层加起来都等于上一层，谁的任务从哪里来一目了然。\n\n"
            f"**达成额 × 达成率：** 分界线是团队中位数（销量 {m['amount_median'].iloc[0]:g} 台、达成率 "
            f"{m['rate_median'].iloc[0]:.1%}）。A 高额高率且超额 → 明星，请他分享；E 高额高率但只完成 92.9% → "
            "领先但未达标，肯定做法、找出差的 1 台，不表扬；C 高额低率 → 目标偏高或靠加班，重新评估；"
            "B 低额高率 → 目标偏低或出勤少，先核对；D、F 低额低率 → 一对一辅导，拆漏斗找问题。"
        ),
        explanation_en=(
            "Split by model line first, then by consultant, each level with largest remainders. The matrix splits at "
            "the team medians; a consultant below 100% of target is never a star."
        ),
        hint="先算两个车型各分多少台，再在每个车型里分给三位顾问。",
        hint_en="First the model lines, then the consultants within each line.",
    )


def _tree_matrix_model(answer=None) -> str:
    tree = tree_case()
    piv = tree.pivot_table(index="staff_id", columns="model", values="target", aggfunc="sum").reindex(list(TREE_UNITS))
    lines = "\n".join(f"| {p} | {int(piv.loc[p, 'sedan'])} | {int(piv.loc[p, 'suv'])} | "
                      f"{int(piv.loc[p].sum())} |" for p in TREE_UNITS)
    m = matrix_case().set_index("staff_id")
    quads = "；".join(f"{k} {m.loc[k, 'quadrant_name']}" for k in MATRIX_TEAM)
    return (
        "| 顾问 | 轿车 | SUV | 合计 |\n|---|---|---|---|\n" + lines
        + f"\n| 合计 | {int(piv['sedan'].sum())} | {int(piv['suv'].sum())} | {TREE_TOTAL} |\n\n"
        f"**象限：** {quads}。\n\n**B 的第一步：** 核对目标是否偏低、出勤天数是否偏少，再决定下月是否上调目标。"
    )


tree_matrix = Exercise(
    id="01e-tree-matrix",
    title="练习 1E：车型 × 顾问分解，再用达成额 × 达成率复盘",
    title_en="Exercise 1E: split by model line × consultant, then review amount × rate",
    instructions=(
        f"**1. 多杈树法。** 下月目标 **{TREE_TOTAL} 台**。近 3 个月各顾问分车型的销量："
        "王 轿车 6、SUV 2；李 轿车 3、SUV 4；张 轿车 3、SUV 2（合计轿车 12、SUV 8）。先按车型分，再把每个车型分给顾问"
        "（整数台，每一列加起来等于该车型的目标）。\n\n"
        "**2. 达成额 × 达成率。** 上个月六位顾问的目标 / 实际（台）："
        + "；".join(f"{k} {tg} / {a}" for k, (tg, a) in MATRIX_TEAM.items())
        + "。按团队中位数分象限，把每人放进对应的象限。\n\n"
        "**3.** 对 B，店长第一步该做什么？"
    ),
    instructions_en=(
        f"1) Split {TREE_TOTAL} units by model line, then by consultant (last 3 months: 王 6/2, 李 3/4, 张 3/2). "
        "2) Place six consultants (target / actual) in the amount × rate matrix. 3) First step for B?"
    ),
    fields={
        "tree": TableField(
            "车型 × 顾问的目标（台）", "Targets by consultant × model line (units)",
            rows={p: p for p in TREE_UNITS}, columns=_TREE_MODELS, columns_en=_TREE_MODELS_EN, unit="台",
            totals="both",
        ),
        "quadrant": ClassifyField(
            "象限", "Quadrant", items={k: f"顾问 {k}" for k in MATRIX_TEAM},
            classes=_quadrant_labels(), classes_en=_QUAD_EN,
        ),
        "first_step_b": ChoiceField(
            "B 的第一步", "First step for B",
            options={
                "a": "在晨会上表扬 B，请他分享经验",
                "b": "先核对 B 的目标是否定低了、本月出勤了几天，再决定下月是否上调",
                "c": "B 销量最低，安排一对一辅导",
            },
            options_en={"a": "praise B", "b": "check B's target and days attended first", "c": "coach B"},
        ),
    },
    check=_check_tree_matrix,
    model_answer=_tree_matrix_model,
)

#: All exercises of module 1, in notebook order.
EXERCISES = (smart_builder, decomposition, rebalancing, rebalancing_variant, goal_sources, tree_matrix)
