"""Course module 2 exercises: design a KPI card, allocate weights with sliders, score a consultant's month.

Every check runs the functions of :mod:`dealerlab.kpi` (card validation, :func:`~dealerlab.kpi.score_cards`), so the
feedback is exactly what the course's tools say about the same card.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd

from dealerlab.exercises import (
    ChoiceField,
    Exercise,
    Feedback,
    NumberField,
    SliderField,
    TableField,
    TextField,
    find_keywords,
    is_close,
)
from dealerlab.kpi import FIELDS, KpiCard, score_cards, validate_cards
from dealerlab.kpi.card import parse_sources
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
    from dealerlab._dates import parse_deadline

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
    from dealerlab.formula import parse

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
