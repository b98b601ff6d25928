"""Course module 2 exercises: design a KPI card, allocate weights with sliders, score a consultant's month.

Every check runs the functions of :mod:`dealerlab.kpi` (card validation, :func:`~dealerlab.kpi.score_cards`), so the
feedback is exactly what the course's tools say about the same card.
"""

from __future__ import annotations

import datetime as dt
import functools
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
from dealerlab.exercises.course._content import Content
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

_TEXT = Content.load(__name__)

_TABLE_OPTIONS = _TEXT.table("card.options.data_source")
#: options that are not one of the data tables: where they stand for a table (the DMS holds the repair orders) or why
#: they are not a source for this card. Every option offered is understood; none is "not a data table".
_SOURCE_TABLE = _TEXT.table("card.source_table")
_SOURCE_NOT_FOR_CARD = _TEXT.table("card.not_a_source")

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


#: the four balanced-scorecard perspectives (02a's choice, 02d's strategy map)
_BSC, _BSC_EN = _TEXT.options("perspectives")
_PERSPECTIVE_OPTIONS = _BSC
_DIRECTION_OPTIONS = _TEXT.table("card.options.direction")


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


@functools.cache
def _field_of() -> dict[str, str]:
    """Card field by its Chinese name (the validator's ``factor``), read from the card catalogue on first use."""
    return {zh: f for f, (zh, _en) in FIELDS.items()}


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
        by_field.setdefault(_field_of().get(rec.factor, ""), []).append(msg)
    self_reported = [_SOURCE_NOT_FOR_CARD[s] for s in answer.get("data_source") or [] if s in _SOURCE_NOT_FOR_CARD]
    if self_reported:
        by_field["data_source"] = self_reported
    c = DESIGN_CASE
    advice = _TEXT.table("card.advice")
    advice["target"] = _TEXT.text("card.advice.target", baseline=c["baseline"])
    details = []

    def add(field, extra_ok=True):
        msgs = by_field.get(field, [])
        ok = not msgs and extra_ok
        details.append((field, ok, "；".join(msgs) if msgs else ("" if extra_ok else advice[field])))

    add("definition", len(card.definition.strip()) >= 8)
    formula_ok = True
    if "formula" not in by_field:
        metrics = parse(card.formula).metrics
        formula_ok = c["metric"] in metrics or "first_time_fix" in metrics
    add("formula", formula_ok)
    add("owner", "服务经理" in card.owner)
    add("weight", is_close(answer.get("weight"), c["weight"], tolerance=0.001))
    due = card.due_date if isinstance(card.due_date, dt.date) else None
    add("due_date", due is None or due <= c["period_end"] + dt.timedelta(days=10))
    target = answer.get("target")
    add("target", target is None or target < c["baseline"])
    add("stretch")
    sources, _unknown = parse_sources(card.data_source)
    add("data_source", "service_orders" in sources)
    add("standard", find_keywords(card.standard, {"how": _TEXT.table("card.words")["standard"]})["how"])
    ok = answer.get("direction") == "lower"
    details.append(("direction", ok, "" if ok else advice["direction"]))
    ok = answer.get("perspective") in ("内部流程", "客户")
    details.append(("perspective", ok, "" if ok else advice["perspective"]))
    return Feedback.grade(details, **_TEXT.feedback("card"))


def _live_card(answer: dict):
    card = card_from_answer(answer)
    problems = _card_problems(card)
    if problems.empty:
        return _TEXT.text("card.live.ok")
    return _TEXT.text("card.live.head") + "\n".join(f"- {_trainee_message(m)}" for m in problems["message"])


card_designer = Exercise(
    id="02a-card-designer",
    **_TEXT.exercise("card", baseline=f"{DESIGN_CASE['baseline']:.1%}"),
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
    model_answer=_TEXT.text("card.model_answer"),
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
    advice = _TEXT.table("weights.advice")
    details = []
    ok_sum = abs(total - 1.0) <= 0.005
    details.append(("", ok_sum, "" if ok_sum else advice["total"].format(total=total)))
    for c in cards:
        k = _weight_key(c)
        ok = WEIGHT_CASE["min"] - 1e-9 <= w[k] <= WEIGHT_CASE["max"] + 1e-9
        msg = "" if ok else advice["low" if w[k] < WEIGHT_CASE["min"] else "high"].format(name=c.name, weight=w[k])
        details.append((k, ok, msg))
    volume = w["sc01"]
    ok_volume = volume >= WEIGHT_CASE["volume_min"] - 1e-9 and volume >= max(w.values()) - 1e-9
    details.append(("sc01", ok_volume, "" if ok_volume else advice["volume"]))
    return Feedback.grade(details, **_TEXT.feedback("weights"))


_SLIDERS, _SLIDERS_EN = _TEXT.options("weights.sliders")


def _live_weights(answer: dict):
    cards = _weight_cards()
    total = sum(float(answer.get(_weight_key(c)) or 0.0) for c in cards)
    by_persp: dict[str, float] = {}
    for c in cards:
        by_persp[c.perspective] = by_persp.get(c.perspective, 0.0) + float(answer.get(_weight_key(c)) or 0.0)
    gap = 1.0 - total
    live = _TEXT.table("weights.live")
    state = live["exact"] if abs(gap) <= 0.005 else (live["short"] if gap > 0 else live["over"]).format(gap=gap, over=-gap)
    persp = "、".join(live["perspective"].format(name=p, share=v) for p, v in by_persp.items())
    return live["total"].format(total=total, state=state, perspectives=persp)


weight_allocator = Exercise(
    id="02b-weight-allocator",
    **_TEXT.exercise("weights"),
    fields={k: SliderField(zh, _SLIDERS_EN[k], min=0.0, max=0.6, step=0.05, value=0.2, percent=True)
            for k, zh in _SLIDERS.items()},
    check=_check_weights,
    model_answer=_TEXT.text("weights.model_answer"),
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
    advice = _TEXT.table("month.advice")
    details = []
    wrong = []
    for cid, rec in right.iterrows():
        given = (table.get(cid) or {}).get("rate")
        if is_close(given, rec["rate"], tolerance=0.005):
            continue
        raw = rec["actual"] / rec["target"]
        if rec["capped"] and is_close(given, raw, tolerance=0.005):
            wrong.append(advice["capped"].format(name=rec["name"], raw=raw, cap=rec["cap"]))
        else:
            wrong.append(advice["rate"].format(name=rec["name"], actual=_plain(rec["actual"]), target=_plain(rec["target"])))
    details.append(("rates", not wrong, "；".join(wrong) + ("。" if wrong else "")))
    total = float(right["score"].sum())
    ok_total = is_close(answer.get("total"), total, tolerance=0.005)
    details.append(("total", ok_total, "" if ok_total else advice["total"]))
    return Feedback.grade(details, **_TEXT.feedback("month"))


def _plain(v: float) -> str:
    return f"{v:.0%}" if abs(v) <= 1.5 else f"{v:,.0f}"


#: the case as shown to trainees (plain text: nothing is read at import); a test checks it against the library
MONTH_TABLE = _TEXT.text("month.table")


consultant_month = Exercise(
    id="02c-consultant-month",
    **_TEXT.exercise("month", table=MONTH_TABLE),
    fields={
        "rates": TableField(
            "封顶后的达成率",
            "Capped achievement",
            rows=_TEXT.table("month.rows"),
            columns={"rate": "达成率"},
            percent=True,
            ratio_max=3,  # achievement passes 100 %: 1.2 is 120 % (as 120 and 120% are), not 1.2 %
            totals=None,
        ),
        "total": NumberField("本月总分", "Total score", placeholder="例如 1.02", percent=True, ratio_max=3),
    },
    check=_check_month,
    model_answer=lambda answer: _TEXT.text(
        "month.model_answer", rates="；".join(f"{r.name} {r.rate:.1%}" for r in month_answer().itertuples()),
        total=month_answer()["score"].sum()),
)


# ---- 02d: the KPI system — types, cascade, links, strategy map, benchmarks -----------------------------------------

#: KPI → 时点 (a stock read at one moment) or 时期 (a flow over the period)
POINT_PERIOD = _TEXT.table("cases.point_period")
_PP, _PP_EN = _TEXT.options("system.point_period")

#: strategy-map objective → balanced-scorecard perspective
MAP_OBJECTIVES = _TEXT.table("cases.map_objectives")


def _check_kpi_system(answer: dict) -> Feedback:
    pp = answer.get("point_period") or {}
    pp_wrong = wrong_cases(pp, POINT_PERIOD)
    bsc = answer.get("perspective") or {}
    bsc_wrong = wrong_cases(bsc, MAP_OBJECTIVES)
    linked = answer.get("linked") or []
    advice = _TEXT.table("system.advice")
    details = [
        ("point_period", not pp_wrong,
         advice["point_period"].format(numbers=case_numbers(pp_wrong, POINT_PERIOD)) if pp_wrong else ""),
        ("controllable", answer.get("controllable") == "c", advice["controllable"]),
        ("cascade", answer.get("cascade") == "b", advice["cascade"]),
        ("perspective", not bsc_wrong,
         advice["perspective"].format(numbers=case_numbers(bsc_wrong, MAP_OBJECTIVES)) if bsc_wrong else ""),
        ("linked", sorted(linked) == ["a", "b", "c"], advice["linked"]),
        ("benchmark", answer.get("benchmark") == "b", advice["benchmark"]),
    ]
    return Feedback.grade(
        details,
        weights={"point_period": 1, "controllable": 1, "cascade": 1, "perspective": 2, "linked": 1, "benchmark": 1},
        **_TEXT.feedback("system"),
    )


def _kpi_system_model(answer=None) -> str:
    pp = "；".join(f"{t} → {_PP[w][:4]}" for t, w in POINT_PERIOD.values())
    bsc = "；".join(f"{t} → {w}" for t, w in MAP_OBJECTIVES.values())
    return _TEXT.text("system.model_answer", point_period=pp, objectives=bsc)


def _choice(key: str, label: str, label_en: str, *, multiple: bool = False) -> ChoiceField:
    """The ChoiceField of 02d's question ``key``, its options (zh, en) from the content file."""
    options, options_en = _TEXT.options(f"system.options.{key}")
    return ChoiceField(label, label_en, options=options, options_en=options_en, multiple=multiple)


kpi_system = Exercise(
    id="02d-kpi-system",
    **_TEXT.exercise("system", point_period=case_lines(POINT_PERIOD, indent="   "),
                     objectives=case_lines(MAP_OBJECTIVES, indent="   ")),
    fields={
        "point_period": case_field("时点还是时期", "Point or period", POINT_PERIOD, _PP, _PP_EN, item="第 {n} 项"),
        "controllable": _choice("controllable", "不符合可控性的一项", "Not controllable by a consultant"),
        "cascade": _choice("cascade", "体系建立的顺序", "Order of building the system"),
        "perspective": case_field("战略地图的维度", "Strategy-map perspective", MAP_OBJECTIVES, _BSC, _BSC_EN, item="目标 {n}"),
        "linked": _choice("linked", "客流下降会影响的指标", "KPIs hit by less traffic", multiple=True),
        "benchmark": _choice("benchmark", "标杆法定目标", "Benchmarking a target"),
    },
    check=_check_kpi_system,
    model_answer=_kpi_system_model,
)


# ---- 02e: design bases, the setting workflow, screening, cases -------------------------------------------------

_BASES, _BASES_EN = _TEXT.options("design.bases")
#: scenario → the design basis it uses
BASIS_CASES = _TEXT.table("cases.bases")
_STEPS = _TEXT.table("design.steps")
_ORDER = _TEXT.table("design.order")
_STEP_ORDER = _TEXT.table("design.step_order")
_ACTORS, _ACTORS_EN = _TEXT.options("design.actors")
_STEP_ACTOR = _TEXT.table("design.step_actor")

#: 02e screening case: candidate → scores (strategy, measurable, controllable, data), 1–5
SCREEN_CASE = _TEXT.table("cases.screen")
_SCREEN_ROWS = {f"r{i}": n for i, n in enumerate(SCREEN_CASE, start=1)}
_SCREEN_COLUMNS, _SCREEN_COLUMNS_EN = _TEXT.options("design.screen_columns")


def screen_case() -> pd.DataFrame:
    """The 02e candidates screened by :func:`dealerlab.kpi.design.screen_kpis` (default criteria, threshold 3.5)."""
    rows = [{"name": n, "strategy": s[0], "measurable": s[1], "controllable": s[2], "data": s[3]}
            for n, s in SCREEN_CASE.items()]
    return screen_kpis(pd.DataFrame(rows))


_CASE_RULES = _TEXT.table("design.lesson.rules")
_CASE_MSG = _TEXT.table("design.lesson.missing")


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
    advice = _TEXT.table("design.advice")
    details = [
        ("bases", not b_wrong, advice["bases"].format(numbers=case_numbers(b_wrong, BASIS_CASES)) if b_wrong else ""),
        ("order", o_ok, advice["order"]),
        ("actor", not a_wrong, advice["actor"]),
        ("screen", not sc_wrong, advice["screen"].format(names="、".join(sc_wrong)) if sc_wrong else ""),
        ("keep", ok_keep, advice["keep"]),
        ("lesson", ok_text, "；".join(_CASE_MSG[k] for k in missing) if missing else advice["lesson"]),
    ]
    lines = "；".join(f"{n} {s.loc[n, 'score']:.1f}" for n in SCREEN_CASE)
    return Feedback.grade(
        details,
        weights={"bases": 2, "order": 1, "actor": 1, "screen": 2, "keep": 1, "lesson": 1},
        **_TEXT.feedback("design", lines=lines),
    )


def _design_flow_model(answer=None) -> str:
    s = screen_case().set_index("name")
    bases = answer_key(BASIS_CASES, _BASES.get)
    kept = _TEXT.text("design.marks.kept")
    scores = "；".join(f"{n} {s.loc[n, 'score']:.1f}{kept if s.loc[n, 'keep'] else ''}" for n in SCREEN_CASE)
    return _TEXT.text("design.model_answer", bases=bases, scores=scores)


design_flow = Exercise(
    id="02e-design-flow",
    **_TEXT.exercise("design", bases=case_lines(BASIS_CASES, indent="   ")),
    fields={
        "bases": case_field("设计依据", "Design basis", BASIS_CASES, _BASES, _BASES_EN, item="场景 {n}"),
        "order": ClassifyField("第几步", "Step number", items=_STEPS, classes=_ORDER),
        "actor": ClassifyField("由谁主导", "Led by", items=_STEPS, classes=_ACTORS, classes_en=_ACTORS_EN),
        "screen": TableField(
            "候选指标的打分与加权得分", "Scores and weighted score",
            rows=_SCREEN_ROWS,
            columns=_SCREEN_COLUMNS,
            columns_en=_SCREEN_COLUMNS_EN,
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
