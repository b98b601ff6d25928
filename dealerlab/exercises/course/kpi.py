"""Course module 2 exercises: design a KPI card, allocate weights with sliders, score a consultant's month.

Every check runs the functions of :mod:`dealerlab.kpi` (card validation, :func:`~dealerlab.kpi.score_cards`), so the
feedback is exactly what the course's tools say about the same card.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd

from dealerlab._dates import parse_deadline
from dealerlab.exercises import (
    ChoiceField,
    ClassifyField,
    Exercise,
    Feedback,
    NumberField,
    SliderField,
    TableField,
    TextField,
    find_keywords,
    is_close,
)
from dealerlab.exercises.course._sorting import answer_key, case_field, case_lines, case_numbers, wrong_cases
from dealerlab.kpi import FIELDS, KpiCard, score_cards, validate_cards
from dealerlab.kpi.card import parse_sources
from dealerlab.kpi.design import screen_kpis
from dealerlab.kpi.formula import parse
from dealerlab.kpi.library import library_cards

__all__ = [
    "card_designer",
    "weight_allocator",
    "consultant_month",
    "card_from_answer",
    "canonical_formula",
    "DESIGN_CASE",
    "WEIGHT_CASE",
    "MONTH_CASE",
    "month_answer",
    "MONTH_TABLE",
    "kpi_system",
    "design_flow",
    "POINT_PERIOD",
    "MAP_OBJECTIVES",
    "BASIS_CASES",
    "SCREEN_CASE",
    "screen_case",
    "EXERCISES",
]

# ---- 02a: design a card for a role ----------------------------------------------------------------------------------
#: the case: the service manager's comeback-rate card for October 2026
DESIGN_CASE = {
    "role": "服务经理",
    "kpi": "返修率",
    "metric": "comeback_rate",
    "set_date": dt.date(2026, 10, 1),
    "period_end": dt.date(2026, 10, 31),
    "baseline": 0.035,
    "weight": 0.20,
}

_TABLE_OPTIONS = {
    "维修工单": "维修工单",
    "销售": "销售记录",
    "潜客": "潜客档案",
    "满意度调查": "满意度调查",
    "客户投诉": "客户投诉",
    "员工": "员工名册",
    "DMS系统": "DMS 系统（经销商管理系统）",
    "服务经理日报": "服务经理日报",
}
#: options that are not one of the data tables: where they stand for a table (the DMS holds the repair orders) or why
#: they are not a source for this card. Every option offered is understood; none is "not a data table".
_SOURCE_TABLE = {"DMS系统": "维修工单"}
_SOURCE_NOT_FOR_CARD = {
    "服务经理日报": "「服务经理日报」由被考核的服务经理自己填写，不能作为他本人考核卡的数据来源；返修标记要从维修工单（DMS）里取。",
}

#: a comeback rate written in words: 返修工单数 ÷ 进厂工单数 × 100%
_COMEBACK_WORDS = re.compile(
    r"^(?:返修率[=＝:：])?\(?(?:返修|返工)(?:工单|车辆|车|台次)?(?:数|数量|量|台次|单数)?\)?"
    r"[÷/／]\(?(?:进厂|入厂|进站|维修|全部|总|当月)?(?:维修)?(?:工单|车辆|台次)(?:总数|数|数量|量)?\)?"
    r"(?:[×x*＊]100%?|%)?$",
    re.IGNORECASE,
)


def canonical_formula(text: str) -> str:
    """The formula a trainee wrote, with a comeback rate in words (「返修工单数÷进厂工单数×100%」) read as ``返修率``.

    Parameters
    ----------
    text : str
        The 计算公式 as typed.

    Returns
    -------
    str
        ``"返修率"`` when the text is the comeback rate written as a ratio of counts, else the text unchanged.
    """
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))
    t = t.replace("（", "(").replace("）", ")")
    return "返修率" if t and _COMEBACK_WORDS.match(t) else str(text or "")
_PERSPECTIVE_OPTIONS = {"财务": "财务", "客户": "客户", "内部流程": "内部流程", "学习与成长": "学习与成长"}
_DIRECTION_OPTIONS = {"higher": "越高越好", "lower": "越低越好"}


def card_from_answer(answer: dict) -> KpiCard:
    """The card a trainee's answer to :data:`card_designer` describes (blank fields stay blank)."""
    due = str(answer.get("due_date") or "").strip()
    parsed = parse_deadline(due, year=DESIGN_CASE["set_date"].year) if due else None
    due = parsed[0] if parsed else (due or None)  # text that is no date is kept: validation reports it
    sources = []
    for s in answer.get("data_source") or []:
        s = _SOURCE_TABLE.get(s, s)
        if s not in _SOURCE_NOT_FOR_CARD and s not in sources:
            sources.append(s)
    return KpiCard(
        card_id="02a",
        name=DESIGN_CASE["kpi"],
        definition=answer.get("definition") or "",
        formula=canonical_formula(answer.get("formula") or ""),
        owner=answer.get("owner") or "",
        weight=answer.get("weight"),
        due_date=due,
        target=answer.get("target"),
        stretch=answer.get("stretch"),
        data_source="、".join(sources),
        standard=answer.get("standard") or "",
        direction=answer.get("direction") or "",
        perspective=answer.get("perspective") or "",
        set_date=DESIGN_CASE["set_date"],
    )


_FIELD_OF = {zh: f for f, (zh, _en) in FIELDS.items()}


def _card_problems(card: KpiCard) -> pd.DataFrame:
    problems = validate_cards([card])
    return problems[problems["rule"] != "weight_sum"]  # one card alone cannot sum to 100 %


def _trainee_message(msg: str) -> str:
    """A validator message as a trainee reads it: the card validator speaks to consultants (metric ids such as
    close_rate, the format YYYY-MM-DD); a trainee writes Chinese names and dates the way he speaks."""
    msg = re.sub(r"请使用指标编号或中文名称（如 [a-z_]+ / ([^）]+)）", r"请使用中文指标名称（如 \1、返修率）", msg)
    msg = re.sub(r"应为日期（YYYY-MM-DD），收到 '([^']*)'", r"写成了「\1」，不是日期：写成 2026-10-31 或 2026年10月31日", msg)
    return msg


def _check_card(answer: dict) -> Feedback:
    card = card_from_answer(answer)
    problems = _card_problems(card)
    by_field: dict[str, list[str]] = {}
    for rec in problems.itertuples(index=False):
        msg = _trainee_message(rec.message)
        by_field.setdefault(_FIELD_OF.get(rec.factor, ""), []).append(msg)
    self_reported = [_SOURCE_NOT_FOR_CARD[s] for s in answer.get("data_source") or [] if s in _SOURCE_NOT_FOR_CARD]
    if self_reported:
        by_field["data_source"] = self_reported
    c = DESIGN_CASE
    details = []

    def add(field, extra_ok=True, extra_msg=""):
        msgs = by_field.get(field, [])
        ok = not msgs and extra_ok
        details.append((field, ok, "；".join(msgs) if msgs else ("" if extra_ok else extra_msg)))

    add("definition", len(card.definition.strip()) >= 8, "目标定义要说明衡量什么、为什么重要（至少一句话）。")
    formula_ok, formula_msg = True, ""
    if "formula" not in by_field:
        metrics = parse(card.formula).metrics
        if c["metric"] not in metrics and "first_time_fix" not in metrics:
            formula_ok, formula_msg = False, "公式要算的是返修率：写「返修率」或「返修工单数 ÷ 进厂工单数 × 100%」。"
    add("formula", formula_ok, formula_msg)
    add("owner", "服务经理" in card.owner, "责任人应是服务经理（写明岗位，最好加上姓名）。")
    add(
        "weight",
        is_close(answer.get("weight"), c["weight"], tolerance=0.001),
        "题目给定这张卡占服务经理全部指标的 20%。",
    )
    due = card.due_date if isinstance(card.due_date, dt.date) else None
    add(
        "due_date",
        due is None or due <= c["period_end"] + dt.timedelta(days=10),
        "本卡考核 10 月，完成日期应在 10 月底（最迟 11 月上旬出数）。",
    )
    target = answer.get("target")
    add(
        "target",
        target is None or target < c["baseline"],
        f"去年返修率 {c['baseline']:.1%}，今年的目标应低于它（返修率越低越好）。",
    )
    add("stretch")
    sources, _unknown = parse_sources(card.data_source)
    add("data_source", "service_orders" in sources, "返修标记在维修工单里：数据来源应包含「维修工单」（或 DMS 系统）。")
    words = find_keywords(card.standard, {"how": ["达成率", "计分", "得分", "封顶", "满分", "按月", "月末", "公式"]})
    add(
        "standard",
        words["how"],
        "完成标准要写清怎样判定和计分，例如「月末按公式取数，达成率 = 目标 ÷ 实际，按突破值封顶」。",
    )
    details.append(
        (
            "direction",
            answer.get("direction") == "lower",
            "" if answer.get("direction") == "lower" else "返修率越低越好。",
        )
    )
    persp_ok = answer.get("perspective") in ("内部流程", "客户")
    details.append(
        ("perspective", persp_ok, "" if persp_ok else "返修反映维修流程的质量：一般归「内部流程」（也可归「客户」）。")
    )
    return Feedback.grade(
        details,
        explanation=(
            "一张合格的卡九要素缺一不可。返修率是**越低越好**的指标：突破性目标值要**低于**目标值，"
            "计分用 目标 ÷ 实际，封顶在 目标 ÷ 突破值。公式写「返修率」（或「返修工单数 ÷ 进厂工单数 × 100%」），"
            "数据来自维修工单（DMS）里的返修标记，这样每个人算出来的数都一样。"
        ),
        explanation_en=(
            "All nine factors are required. The comeback rate is lower-is-better: the stretch is below the target, the rate "
            "is target / actual capped at target / stretch; the formula is `comeback_rate`, from service_orders."
        ),
        hint="先想清楚方向：返修率是越高越好还是越低越好？这决定了突破值该比目标值高还是低。",
    )


def _live_card(answer: dict):
    card = card_from_answer(answer)
    problems = _card_problems(card)
    if problems.empty:
        return "✓ 这张卡通过了九要素校验。"
    return "**校验结果**（随填写实时更新）：\n\n" + "\n".join(f"- {_trainee_message(m)}" for m in problems["message"])


card_designer = Exercise(
    id="02a-card-designer",
    title="为服务经理设计一张「返修率」KPI 卡",
    title_en="Design a comeback-rate KPI card for the service manager",
    instructions=(
        "服务经理 10 月的计分卡里要加一张 **返修率** 卡，权重 **20%**，设定日期 **2026-10-01**。"
        f"去年全年返修率为 **{DESIGN_CASE['baseline']:.1%}**。请填写九要素，并选择方向和平衡计分卡维度。\n\n"
        "- 计算公式用中文指标名、数字、+ − × ÷ 和括号，例如「返修率」或「返修工单数 ÷ 进厂工单数 × 100%」；\n"
        "- 比率可以写成 3% 或 0.03；完成日期写成 2026-10-31 或 2026年10月31日。\n\n"
        "下方会实时显示校验结果；点「检查答案」获得逐项反馈。"
    ),
    instructions_en=(
        "Add a comeback-rate card (weight 20 %, set on 2026-10-01; last year's rate 3.5 %) to the service manager's "
        "October scorecard: fill in the nine factors, the direction and the BSC perspective."
    ),
    fields={
        "definition": TextField("目标定义", "Definition", rows=2),
        "formula": TextField("计算公式", "Formula", multiline=False, placeholder="例如 返修工单数 ÷ 进厂工单数 × 100%"),
        "owner": TextField("责任人", "Owner", multiline=False),
        "weight": NumberField("权重", "Weight", unit="%", percent=True),
        "due_date": TextField("完成日期", "Due date", multiline=False, placeholder="例如 2026年10月31日"),
        "target": NumberField("目标值", "Target", unit="%", percent=True),
        "stretch": NumberField("突破性目标值", "Stretch target", unit="%", percent=True),
        "data_source": ChoiceField("数据来源", "Data source", options=_TABLE_OPTIONS, multiple=True),
        "standard": TextField("完成标准", "Completion standard", rows=2),
        "direction": ChoiceField("方向", "Direction", options=_DIRECTION_OPTIONS),
        "perspective": ChoiceField("平衡计分卡维度", "BSC perspective", options=_PERSPECTIVE_OPTIONS),
    },
    check=_check_card,
    model_answer=(
        "**参考答案**：目标定义「当月开单的工单中返修工单的比例，衡量一次修好的能力」；计算公式 返修率"
        "（= 返修工单数 ÷ 进厂工单数 × 100%）；"
        "责任人 服务经理；权重 20%；完成日期 2026-10-31；目标值 3.0%；突破性目标值 2.0%；数据来源 维修工单；"
        "完成标准「月末按公式取数，达成率 = 目标 ÷ 实际，低于突破值按 150% 封顶」；方向 越低越好；维度 内部流程。"
    ),
    live=_live_card,
)

# ---- 02b: allocate weights with sliders -------------------------------------------------------------------------------
#: the case: the five library cards of a sales consultant
WEIGHT_CASE = {"set": "销售顾问", "period": "2026-10", "min": 0.05, "max": 0.40, "volume_min": 0.25}


def _weight_cards():
    return library_cards(WEIGHT_CASE["set"], period=WEIGHT_CASE["period"])


def _weight_key(card) -> str:
    return card.card_id.lower()


def _check_weights(answer: dict) -> Feedback:
    cards = _weight_cards()
    w = {_weight_key(c): float(answer.get(_weight_key(c)) or 0.0) for c in cards}
    total = sum(w.values())
    details = []
    ok_sum = abs(total - 1.0) <= 0.005
    details.append(("", ok_sum, "" if ok_sum else f"权重合计 {total:.0%}，必须正好是 100%。"))
    for c in cards:
        k = _weight_key(c)
        ok = WEIGHT_CASE["min"] - 1e-9 <= w[k] <= WEIGHT_CASE["max"] + 1e-9
        msg = (
            ""
            if ok
            else (
                f"「{c.name}」权重 {w[k]:.0%}：低于 5% 的指标不值得放进 KPI，不如删掉。"
                if w[k] < WEIGHT_CASE["min"]
                else f"「{c.name}」权重 {w[k]:.0%}：单项超过 40%，其他指标就形同虚设。"
            )
        )
        details.append((k, ok, msg))
    volume = w["sc01"]
    ok_volume = volume >= WEIGHT_CASE["volume_min"] - 1e-9 and volume >= max(w.values()) - 1e-9
    details.append(
        ("sc01", ok_volume, "" if ok_volume else "销量是销售顾问最核心的结果指标：权重应最大，且不低于 25%。")
    )
    return Feedback.grade(
        details,
        explanation=(
            "权重表达的是「什么最重要」：合计必须 100%；结果指标（个人销量）分量最重，过程指标（成交率、试驾率、"
            "再回展厅率）保证结果可持续，单车衍生毛利防止以价换量。任何一项都不宜低于 5% 或高于 40%。"
        ),
        explanation_en="Weights must sum to 100 %; volume carries the most (≥ 25 %); each weight between 5 % and 40 %.",
        hint="先给个人销量定一个最大的权重，再把剩下的分给四个过程和质量指标。",
    )


def _live_weights(answer: dict):
    cards = _weight_cards()
    total = sum(float(answer.get(_weight_key(c)) or 0.0) for c in cards)
    by_persp: dict[str, float] = {}
    for c in cards:
        by_persp[c.perspective] = by_persp.get(c.perspective, 0.0) + float(answer.get(_weight_key(c)) or 0.0)
    gap = 1.0 - total
    state = "✓ 合计正好 100%" if abs(gap) <= 0.005 else (f"还差 {gap:.0%}" if gap > 0 else f"超出 {-gap:.0%}")
    persp = "、".join(f"{p} {v:.0%}" for p, v in by_persp.items())
    return f"**当前合计：{total:.0%}**（{state}）\n\n按平衡计分卡维度：{persp}"


weight_allocator = Exercise(
    id="02b-weight-allocator",
    title="用滑块给销售顾问的五张卡分配权重",
    title_en="Allocate a sales consultant's KPI weights",
    instructions=(
        "指标库给销售顾问准备了五张卡。请拖动滑块分配权重，要求：**合计 100%**；每项在 **5%～40%** 之间；"
        "**个人销量** 是最核心的结果指标，权重最大且不低于 25%。下方实时显示合计和各维度的占比。"
    ),
    instructions_en="Drag the sliders: total 100 %, each 5–40 %, volume the largest and at least 25 %.",
    fields={
        "sc01": SliderField(
            "个人销量（财务）", "Volume (financial)", min=0.0, max=0.6, step=0.05, value=0.2, percent=True
        ),
        "sc02": SliderField(
            "个人成交率（客户）", "Close rate (customer)", min=0.0, max=0.6, step=0.05, value=0.2, percent=True
        ),
        "sc03": SliderField(
            "试乘试驾率（内部流程）", "Test-drive rate (internal)", min=0.0, max=0.6, step=0.05, value=0.2, percent=True
        ),
        "sc04": SliderField(
            "再回展厅率（客户）", "Revisit rate (customer)", min=0.0, max=0.6, step=0.05, value=0.2, percent=True
        ),
        "sc05": SliderField(
            "单车衍生毛利（财务）",
            "Add-on gross per unit (financial)",
            min=0.0,
            max=0.6,
            step=0.05,
            value=0.2,
            percent=True,
        ),
    },
    check=_check_weights,
    model_answer="**参考答案**（之一）：个人销量 35%、个人成交率 20%、试乘试驾率 15%、再回展厅率 15%、单车衍生毛利 15%——即指标库的默认权重。",
    live=_live_weights,
)

# ---- 02c: score a consultant's month -------------------------------------------------------------------------------
#: the case: a consultant's October actuals against the library's consultant cards
MONTH_CASE = {"SC01": 13, "SC02": 0.18, "SC03": 0.45, "SC04": 0.20, "SC05": 3000.0}


def _month_cards():
    return library_cards("销售顾问", period="2026-10")


def month_answer() -> pd.DataFrame:
    """The scored cards of :data:`MONTH_CASE` (from :func:`dealerlab.kpi.score_cards`)."""
    return score_cards(_month_cards(), actuals=MONTH_CASE)


def _check_month(answer: dict) -> Feedback:
    right = month_answer().set_index("card_id")
    table = answer.get("rates") or {}
    details = []
    wrong = []
    for cid, rec in right.iterrows():
        given = (table.get(cid) or {}).get("rate")
        if is_close(given, rec["rate"], tolerance=0.005):
            continue
        raw = rec["actual"] / rec["target"]
        if rec["capped"] and is_close(given, raw, tolerance=0.005):
            wrong.append(f"「{rec['name']}」{raw:.0%} 超过封顶：按 突破值 ÷ 目标 = {rec['cap']:.0%} 计")
        else:
            wrong.append(
                f"「{rec['name']}」达成率 = 实际 ÷ 目标 = {_plain(rec['actual'])} ÷ {_plain(rec['target'])}，再看是否封顶"
            )
    details.append(("rates", not wrong, "；".join(wrong) + ("。" if wrong else "")))
    total = float(right["score"].sum())
    ok_total = is_close(answer.get("total"), total, tolerance=0.005)
    details.append(("total", ok_total, "" if ok_total else "总分 = Σ 权重 × 封顶后的达成率。"))
    return Feedback.grade(
        details,
        explanation=(
            "每张卡先算 实际 ÷ 目标，再和 突破值 ÷ 目标 比较取小：个人销量 13 台超过突破值 12 台，只能按 120% 计。"
            "封顶的作用：销量冲得再高，也不能掩盖成交率、再回展厅率的不足。总分 = Σ 权重 × 封顶后的达成率。"
        ),
        explanation_en="Volume 13 of 10 is capped at the stretch, 120 %; the total is Σ weight × capped rate.",
        hint="先逐项算 实际 ÷ 目标，再和 突破值 ÷ 目标 比较取小，最后乘权重相加。",
    )


def _plain(v: float) -> str:
    return f"{v:.0%}" if abs(v) <= 1.5 else f"{v:,.0f}"


#: the case as shown to trainees (plain text: nothing is read at import); a test checks it against the library
MONTH_TABLE = """| 指标 | 权重 | 目标值 | 突破性目标值 | 本月实际 |
|---|---|---|---|---|
| 个人销量 | 35% | 10 台 | 12 台 | 13 台 |
| 个人成交率 | 20% | 20% | 25% | 18% |
| 试乘试驾率 | 15% | 40% | 50% | 45% |
| 再回展厅率 | 15% | 25% | 30% | 20% |
| 单车衍生毛利 | 15% | 3,500 元 | 4,200 元 | 3,000 元 |"""


consultant_month = Exercise(
    id="02c-consultant-month",
    title="给销售顾问的一个月打分",
    title_en="Score a consultant's month",
    instructions=(
        "销售顾问小李 10 月的计分卡和实际如下（都是越高越好的指标）。请算出每张卡**封顶后的达成率**和本月**总分**"
        "（总分 = Σ 权重 × 达成率，例如 1.02）。\n\n" + MONTH_TABLE
    ),
    instructions_en="Compute each card's capped achievement rate and the month's total score (Σ weight × rate).",
    fields={
        "rates": TableField(
            "封顶后的达成率",
            "Capped achievement",
            rows={
                "SC01": "个人销量",
                "SC02": "个人成交率",
                "SC03": "试乘试驾率",
                "SC04": "再回展厅率",
                "SC05": "单车衍生毛利",
            },
            columns={"rate": "达成率"},
            percent=True,
            ratio_max=3,  # achievement passes 100 %: 1.2 is 120 % (as 120 and 120% are), not 1.2 %
            totals=None,
        ),
        "total": NumberField("本月总分", "Total score", placeholder="例如 1.02", percent=True, ratio_max=3),
    },
    check=_check_month,
    model_answer=lambda answer: (
        "**参考答案**："
        + "；".join(f"{r.name} {r.rate:.1%}" for r in month_answer().itertuples())
        + f"；总分 {month_answer()['score'].sum():.3f}。"
    ),
)


# ---- 02d: the KPI system — types, cascade, links, strategy map, benchmarks -----------------------------------------

#: KPI → 时点 (a stock read at one moment) or 时期 (a flow over the period)
POINT_PERIOD = {
    "k1": ("月末库存台数", "point"),
    "k2": ("当月新车销量", "period"),
    "k3": ("月末在职销售顾问人数", "point"),
    "k4": ("当月售后产值", "period"),
    "k5": ("月末应收账款余额", "point"),
    "k6": ("当月新增潜客数", "period"),
}
_PP = {"point": "时点指标（某一时刻的存量）", "period": "时期指标（一段时间的累计）"}
_PP_EN = {"point": "point in time (a stock)", "period": "over a period (a flow)"}

#: strategy-map objective → balanced-scorecard perspective
MAP_OBJECTIVES = {
    "o1": ("提高单车综合毛利（新车 + 衍生）", "财务"),
    "o2": ("降低库存资金占用", "财务"),
    "o3": ("让客户交车满意、愿意转介绍", "客户"),
    "o4": ("提高区域市场占有率", "客户"),
    "o5": ("缩短潜客跟踪的响应时间", "内部流程"),
    "o6": ("提高试乘试驾率和展厅成交率", "内部流程"),
    "o7": ("新顾问上岗前完成产品和流程认证", "学习与成长"),
    "o8": ("降低核心员工离职率", "学习与成长"),
}
_BSC = {"财务": "财务", "客户": "客户", "内部流程": "内部流程", "学习与成长": "学习与成长"}
_BSC_EN = {"财务": "financial", "客户": "customer", "内部流程": "internal process", "学习与成长": "learning & growth"}


def _check_kpi_system(answer: dict) -> Feedback:
    pp = answer.get("point_period") or {}
    pp_wrong = wrong_cases(pp, POINT_PERIOD)
    bsc = answer.get("perspective") or {}
    bsc_wrong = wrong_cases(bsc, MAP_OBJECTIVES)
    linked = answer.get("linked") or []
    details = [
        ("point_period", not pp_wrong,
         f"第 {case_numbers(pp_wrong, POINT_PERIOD)} 项再想想：月末数一次的是时点，整个月累加的是时期" if pp_wrong else ""),
        ("controllable", answer.get("controllable") == "c",
         "哪一项是顾问自己再努力也左右不了的？不可控的指标不该放在他的卡上"),
        ("cascade", answer.get("cascade") == "b", "体系是从上往下建的：先有哪一层的目标？绩效合同是起点还是终点？"),
        ("perspective", not bsc_wrong,
         f"第 {case_numbers(bsc_wrong, MAP_OBJECTIVES)} 个目标的维度不对：钱的结果是财务，客户感受到的是客户，"
         "店里怎么做事是内部流程，人的能力和稳定是学习与成长" if bsc_wrong else ""),
        ("linked", sorted(linked) == ["a", "b", "c"],
         "顺着因果链往下游想：客流少了先影响谁的什么指标，再传到哪个部门？有没有和客流无关的选项？"),
        ("benchmark", answer.get("benchmark") == "b",
         "标杆法的目标要够得着：一步跳到最好门店的水平现实吗？完全不比较又怎么知道差距在哪？"),
    ]
    return Feedback.grade(
        details,
        weights={"point_period": 1, "controllable": 1, "cascade": 1, "perspective": 2, "linked": 1, "benchmark": 1},
        explanation=(
            "**类型：** 时点指标是某一刻的存量（月末库存、人数、应收余额），时期指标是一段时间的累计（销量、产值、"
            "新增潜客）。两类不能直接相加或相除后当成同一口径比较。**选取原则：** 除了 SMART，还要稳定、"
            "**可控**（责任人自己能影响）、可优化。\n\n"
            "**体系：** 公司 KPI → 部门 KPI → 岗位 KPI → 绩效合同，下一层要撑得起上一层。\n\n"
            "**战略地图：** 学习与成长（人会做、留得住）→ 内部流程（做对的事）→ 客户（满意、占有率）→ 财务（毛利、"
            "资金），每个目标再配上指标卡。\n\n"
            "**关联图：** 同一个指标常常出现在几个部门的卡上，或者一个部门的结果是另一个部门的起点——"
            "客流（市场部）→ 销量与 VP（销售部）→ 毛利总额（财务部）。关联图告诉店长：一个指标掉了，要叫哪几个部门一起开会。\n\n"
            "**标杆法：** 拿本店和标杆（厂家、集团最好的门店）比，差距大的先改；目标定在够得着的一档，"
            "不一步跳到标杆。"
        ),
        explanation_en=(
            "Point-in-time vs period KPIs; controllability; company → department → job → contract; strategy map "
            "perspectives; KPI links across departments; benchmarking with a reachable target."
        ),
        hint="先分清“某一刻的数”和“一段时间的累计”。",
    )


def _kpi_system_model(answer=None) -> str:
    pp = "；".join(f"{t} → {_PP[w][:4]}" for t, w in POINT_PERIOD.values())
    bsc = "；".join(f"{t} → {w}" for t, w in MAP_OBJECTIVES.values())
    return (
        f"1. {pp}。\n\n2. 全店市场占有率（顾问不可控）。\n\n3. 公司 KPI → 部门 KPI → 岗位 KPI → 绩效合同。\n\n"
        f"4. {bsc}。\n\n5. 新车销量、VP 达成率、新车销售毛利总额。\n\n"
        "6. 下季度成交率目标定在 17.5%（15% 和标杆 20% 差距的一半），并组织顾问去集团最好的门店学习邀约和试驾做法。"
    )


kpi_system = Exercise(
    id="02d-kpi-system",
    title="练习 2D：指标体系——类型、分解、战略地图、关联与标杆",
    title_en="Exercise 2D: the KPI system — types, cascade, strategy map, links, benchmarks",
    instructions=(
        "1. 下面的指标，哪些是**时点指标**、哪些是**时期指标**？\n\n"
        + case_lines(POINT_PERIOD, indent="   ")
        + "\n\n2. 给销售顾问选 KPI，哪一项不符合“可控性”？\n"
        "3. 建立 KPI 体系的顺序是？\n"
        "4. 店里的战略地图上有八个目标，各属于平衡计分卡的哪个维度？\n\n"
        + case_lines(MAP_OBJECTIVES, indent="   ")
        + "\n\n5. 市场部的展厅客流量下降 20%，关联图上哪些部门的指标会跟着受影响？（多选）\n"
        "6. 本店展厅成交率 15%，集团里最好的门店 22%，标杆值 20%。用标杆法定下季度目标，哪种做法对？"
    ),
    instructions_en="Six questions on KPI types, controllability, the cascade, the strategy map, links and benchmarks.",
    fields={
        "point_period": case_field("时点还是时期", "Point or period", POINT_PERIOD, _PP, _PP_EN, item="第 {n} 项"),
        "controllable": ChoiceField(
            "不符合可控性的一项", "Not controllable by a consultant",
            options={"a": "个人成交率", "b": "个人试乘试驾率", "c": "全店市场占有率", "d": "单车衍生毛利"},
            options_en={"a": "own close rate", "b": "own test-drive rate", "c": "store market share",
                        "d": "add-on gross per unit"},
        ),
        "cascade": ChoiceField(
            "体系建立的顺序", "Order of building the system",
            options={"a": "岗位 KPI → 部门 KPI → 公司 KPI → 绩效合同",
                     "b": "公司 KPI → 部门 KPI → 岗位 KPI → 绩效合同",
                     "c": "绩效合同 → 岗位 KPI → 部门 KPI → 公司 KPI"},
            options_en={"a": "job → department → company → contract", "b": "company → department → job → contract",
                        "c": "contract → job → department → company"},
        ),
        "perspective": case_field("战略地图的维度", "Strategy-map perspective", MAP_OBJECTIVES, _BSC, _BSC_EN, item="目标 {n}"),
        "linked": ChoiceField(
            "客流下降会影响的指标", "KPIs hit by less traffic", multiple=True,
            options={"a": "销售部：新车销量", "b": "销售部：VP 达成率", "c": "财务部：新车销售毛利总额",
                     "d": "售后部：零件即时供应率"},
            options_en={"a": "sales: new-car volume", "b": "sales: VP achievement", "c": "finance: new-car gross",
                        "d": "after-sales: parts fill rate"},
        ),
        "benchmark": ChoiceField(
            "标杆法定目标", "Benchmarking a target",
            options={"a": "直接定 22%，向最好的门店看齐",
                     "b": "先定 17.5%（和标杆 20% 差距的一半），并去最好的门店学具体做法",
                     "c": "不和别人比，按去年增长 5% 定"},
            options_en={"a": "22% straight away", "b": "half the gap to 20%, and learn from the best store",
                        "c": "last year + 5%"},
        ),
    },
    check=_check_kpi_system,
    model_answer=_kpi_system_model,
)


# ---- 02e: design bases, the setting workflow, screening, cases -------------------------------------------------

_BASES = {
    "boss": "上级主管要求", "nature": "公司 / 事业部性质", "function": "部门职能", "culture": "企业文化",
    "voice": "内外部客户意见与竞争对手", "jobdesc": "《岗位说明书》", "competency": "胜任力模型",
}
_BASES_EN = {"boss": "the superior's requirement", "nature": "nature of the company", "function": "department function",
             "culture": "corporate culture", "voice": "customers and competitors", "jobdesc": "job description",
             "competency": "competency model"}
#: scenario → the design basis it uses
BASIS_CASES = {
    "s1": ("总经理要求销售经理本季度把单车综合毛利提高 500 元，销售经理据此给自己定 KPI", "boss"),
    "s2": ("这家店是商用车经销商，大客户批量采购占六成，所以把大客户销量和回款放进销售部的卡", "nature"),
    "s3": ("售后部的职能是维修和保养，所以用入库台数、一次修复率和准时交车率考核它", "function"),
    "s4": ("公司倡导“客户第一”，所以每个岗位的卡上都有一项和客户满意相关的指标", "culture"),
    "s5": ("客户投诉交车等待太久，隔壁竞品店承诺 1 小时交车，于是给交车专员加上“交车时长”", "voice"),
    "s6": ("对照信息员的岗位职责（接听来电、登记、派发），定来电登记完整率和派发及时率", "jobdesc"),
    "s7": ("优秀顾问都擅长需求分析，就给新顾问加一项“需求分析表填写合格率”来培养这个能力", "competency"),
}
_STEPS = {"talk": "预先沟通", "draft": "员工草拟", "discuss": "正式讨论", "file": "修订存档"}
_ORDER = {"1": "第 1 步", "2": "第 2 步", "3": "第 3 步", "4": "第 4 步"}
_STEP_ORDER = {"talk": "1", "draft": "2", "discuss": "3", "file": "4"}
_ACTORS = {"boss": "上级主导", "staff": "员工主导", "both": "上下级一起"}
_ACTORS_EN = {"boss": "the superior", "staff": "the employee", "both": "both together"}
_STEP_ACTOR = {"talk": "boss", "draft": "staff", "discuss": "both", "file": "boss"}

#: 02e screening case: candidate → scores (strategy, measurable, controllable, data), 1–5
SCREEN_CASE = {
    "展厅成交率": (5, 5, 4, 5),
    "员工满意度": (3, 2, 3, 2),
    "潜客跟踪及时率": (4, 5, 5, 4),
    "展厅卫生": (2, 3, 5, 3),
}
_SCREEN_ROWS = {f"r{i}": n for i, n in enumerate(SCREEN_CASE, start=1)}


def screen_case() -> pd.DataFrame:
    """The 02e candidates screened by :func:`dealerlab.kpi.design.screen_kpis` (default criteria, threshold 3.5)."""
    rows = [{"name": n, "strategy": s[0], "measurable": s[1], "controllable": s[2], "data": s[3]}
            for n, s in SCREEN_CASE.items()]
    return screen_kpis(pd.DataFrame(rows))


_CASE_RULES = {
    "voice": ["参与", "沟通", "反馈", "意见", "讨论", "草拟"],
    "reward": ["激励", "奖励", "奖金", "收入", "晋升"],
    "process": ["过程", "数据", "跟踪", "辅导", "复盘", "检查"],
}
_CASE_MSG = {
    "voice": "员工参与：让员工草拟、讨论、反馈（银行就败在这里）",
    "reward": "和激励挂钩：做好做坏在收入或晋升上有差别",
    "process": "过程跟踪：用数据定期检查、辅导，而不是月底算总账",
}


def _check_design_flow(answer: dict) -> Feedback:
    bases = answer.get("bases") or {}
    b_wrong = wrong_cases(bases, BASIS_CASES)
    order = answer.get("order") or {}
    o_ok = all(order.get(k) == v for k, v in _STEP_ORDER.items())
    actor = answer.get("actor") or {}
    a_wrong = [k for k, v in _STEP_ACTOR.items() if actor.get(k) != v]
    s = screen_case().set_index("name")
    table = answer.get("screen") or {}
    sc_wrong = [n for r, n in _SCREEN_ROWS.items()
                if not is_close((table.get(r) or {}).get("score"), float(s.loc[n, "score"]), tolerance=0.011)]
    keep_want = sorted(r for r, n in _SCREEN_ROWS.items() if s.loc[n, "keep"])
    ok_keep = sorted(answer.get("keep") or []) == keep_want
    text = str(answer.get("lesson") or "")
    found = find_keywords(text, _CASE_RULES)
    missing = [k for k, ok in found.items() if not ok]
    ok_text = len(text) >= 15 and len(missing) <= 1
    details = [
        ("bases", not b_wrong, f"场景 {case_numbers(b_wrong, BASIS_CASES)} 的依据再想想：这个指标是因为谁、因为什么提出来的？"
         if b_wrong else ""),
        ("order", o_ok, "顺序再想想：员工动笔之前，上级要先做什么？定稿之后还剩哪一步？"),
        ("actor", not a_wrong, "想一想：哪一步必须让员工自己动手？哪一步需要上下级都在场？"),
        ("screen", not sc_wrong, f"{'、'.join(sc_wrong)} 的加权得分不对：得分 = 0.4 × 战略 + 0.2 × 可衡量 + 0.2 × 可控 + 0.2 × 数据"
         if sc_wrong else ""),
        ("keep", ok_keep, "保留加权得分不低于 3.5 的指标"),
        ("lesson", ok_text, "；".join(_CASE_MSG[k] for k in missing) if missing else "再具体一点（至少 15 个字）"),
    ]
    lines = "；".join(f"{n} {s.loc[n, 'score']:.1f}" for n in SCREEN_CASE)
    return Feedback.grade(
        details,
        weights={"bases": 2, "order": 1, "actor": 1, "screen": 2, "keep": 1, "lesson": 1},
        explanation=(
            "**七种依据**：上级要求、公司性质、部门职能、企业文化、客户与竞争对手、岗位说明书、胜任力模型——同一张卡上"
            "的指标各有来处，说得出依据，员工才服气。\n\n"
            "**设定流程**：预先沟通（上级讲清公司和部门目标）→ 员工草拟 → 正式讨论（上下级一起）→ 修订存档。\n\n"
            f"**审查筛选**：加权得分 {lines}；不低于 3.5 的保留。“员工满意度”重要但数据难取、顾问难控，适合放在"
            "店长的卡上或用调查单独管理；“展厅卫生”用检查表管理，不必占 KPI 的权重。\n\n"
            "**案例**：银行推 KPI 失败在没有员工参与和反馈；腾讯、京东成功在指标对准客户和战略，同时配上激励、培训和过程管理。"
        ),
        explanation_en="Seven design bases; talk → draft → discuss → file; weighted screening; lessons from the cases.",
        hint="筛选表：每一行用 0.4、0.2、0.2、0.2 的权重乘上打分再相加。",
    )


def _design_flow_model(answer=None) -> str:
    s = screen_case().set_index("name")
    bases = answer_key(BASIS_CASES, _BASES.get)
    scores = "；".join(f"{n} {s.loc[n, 'score']:.1f}{'（保留）' if s.loc[n, 'keep'] else ''}" for n in SCREEN_CASE)
    return (
        f"**依据：** {bases}。\n\n**流程：** 预先沟通（上级）→ 员工草拟（员工）→ 正式讨论（上下级一起）→ 修订存档（上级）。\n\n"
        f"**筛选：** {scores}。\n\n**教训（参考）：** 定 KPI 前先和员工沟通，让员工草拟并反馈意见；指标和奖金挂钩；"
        "每周用数据跟踪过程、及时辅导，而不是月底才算总账。"
    )


design_flow = Exercise(
    id="02e-design-flow",
    title="练习 2E：KPI 从哪里来、怎么定、怎么筛",
    title_en="Exercise 2E: where KPIs come from, how they are set and screened",
    instructions=(
        "1. 下面七个场景，各是按哪一种依据设计的 KPI？\n\n"
        + case_lines(BASIS_CASES, indent="   ")
        + "\n\n2. 岗位 KPI 的设定有四步：把它们排好顺序，并说出每一步由谁主导。\n\n"
        "3. 销售经理想给顾问的卡加指标，四个候选按 1–5 分打了分（权重：对长期战略的重要性 40%，可衡量 20%，"
        "责任人可控 20%，数据可得 20%）。算出加权得分，并选出得分不低于 3.5 的保留。\n\n"
        "4. 某银行推行 KPI，员工没有参与、也没有反馈渠道，结果积极性下降、业绩下滑。换成你的店，推 KPI 时你会怎么做？"
        "写两三条。"
    ),
    instructions_en="Seven design bases; the four setting steps and who leads them; weighted screening; a lesson.",
    fields={
        "bases": case_field("设计依据", "Design basis", BASIS_CASES, _BASES, _BASES_EN, item="场景 {n}"),
        "order": ClassifyField("第几步", "Step number", items=_STEPS, classes=_ORDER),
        "actor": ClassifyField("由谁主导", "Led by", items=_STEPS, classes=_ACTORS, classes_en=_ACTORS_EN),
        "screen": TableField(
            "候选指标的打分与加权得分", "Scores and weighted score",
            rows=_SCREEN_ROWS,
            columns={"strategy": "战略重要性 40%", "measurable": "可衡量 20%", "controllable": "可控 20%",
                     "data": "数据可得 20%", "score": "加权得分"},
            columns_en={"strategy": "strategy 40%", "measurable": "measurable 20%", "controllable": "controllable 20%",
                        "data": "data 20%", "score": "weighted score"},
            totals=None,
            fixed={(r, c): SCREEN_CASE[n][j] for r, n in _SCREEN_ROWS.items()
                   for j, c in enumerate(("strategy", "measurable", "controllable", "data"))},
        ),
        "keep": ChoiceField("保留哪些", "Keep which", multiple=True, options=_SCREEN_ROWS),
        "lesson": TextField("推 KPI 时你会怎么做", "What you would do", rows=4,
                            placeholder="例：先和顾问沟通……让他们草拟……和奖金挂钩……每周跟踪……"),
    },
    check=_check_design_flow,
    model_answer=_design_flow_model,
)

#: All exercises of module 2, in notebook order.
EXERCISES = (card_designer, weight_allocator, consultant_month, kpi_system, design_flow)
