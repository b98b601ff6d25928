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
from dealerlab.exercises import Exercise, Feedback, find_keywords, is_close
from dealerlab.exercises.course._content import Content
from dealerlab.exercises.course._sorting import case_field, case_lines, case_names, wrong_cases
from dealerlab.exercises.fields import ChoiceField, ClassifyField, NumberField, TableField, TextField
from dealerlab.targets import (
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

_TEXT = Content.load(__name__)

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


_WORDS = _TEXT.table("smart.words")
#: unit words accepted in the 单位 box (a goal is counted in one of these)
UNIT_WORDS = _WORDS["units"]
#: words that show the owner is a department, team, store or role
_OWNER_WORDS = _WORDS["owners"]
#: owners that name nobody
_VAGUE_OWNERS = _WORDS["vague_owners"]
_STORE_ID = re.compile(r"S\d+", re.IGNORECASE)
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


def _text(v) -> str:
    return "" if v is None else str(v).strip()


def _metric_check(metric: str) -> tuple[bool, str]:
    advice = _TEXT.table("smart.advice")
    if not metric:
        return False, advice["metric_missing"]
    vague = [w for w in VAGUE_WORDS if w in metric]
    if vague:
        return False, advice["metric_verb"].format(word=vague[0])
    if metric in _WORDS["vague_metrics"]:
        return False, advice["metric_vague"].format(metric=metric)
    return True, ""


def _unit_check(unit: str) -> tuple[bool, str]:
    if unit.replace(" ", "") in UNIT_WORDS:
        return True, ""
    return False, _TEXT.text("smart.advice.unit")


def _owner_check(owner: str) -> tuple[bool, str]:
    advice = _TEXT.table("smart.advice")
    msg = advice["owner"]
    if not owner:
        return False, msg
    if any(w in owner for w in _VAGUE_OWNERS) or any(w in owner for w in VAGUE_WORDS):
        return False, advice["owner_vague"].format(owner=owner) + msg
    if _STORE_ID.search(owner) or any(w in owner for w in _OWNER_WORDS) or _CJK_NAME.match(owner):
        return True, ""
    if re.search(r"[A-Za-z]{2,}", owner):  # a name in Latin letters (Wang Li)
        return True, ""
    return False, msg


def _statement_number_check(statement: str, target) -> tuple[bool, str]:
    """The statement must contain the target number (105 → "105"; 0.35 → "35%" or "0.35"; 30000 → "3万")."""
    if target is None or not statement:
        return False, _TEXT.text("smart.advice.statement_missing")
    s = statement.translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%"))
    s = re.sub(r"(?<=\d)[,，\s](?=\d{3})", "", s)
    t = float(target)
    wanted = [t, t * 100, t / 100]  # a rate typed as a fraction or in percentage points
    for num, wan in re.findall(r"(\d+(?:\.\d+)?)\s*(万?)", s):
        v = float(num) * (10000 if wan else 1)
        if any(abs(v - w) <= 1e-9 * max(1.0, abs(w)) for w in wanted):
            return True, ""
    return False, _TEXT.text("smart.advice.statement_number", target=t)


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
    names = _TEXT.table("smart.extra")
    lines = []
    for field, ok, msg in details:
        text = _TEXT.text("smart.advice.ok") if ok else msg
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
    return Feedback.grade(details, **_TEXT.feedback("smart", letters=_letters_markdown(result),
                                                    extra=_extra_markdown(extra)))


def _live_smart(answer: dict) -> str:
    return _TEXT.text("smart.live", letters=_letters_markdown(smart_check(_goal(answer))),
                      extra=_extra_markdown(_extra_checks(answer)))


_PLACEHOLDER = _TEXT.table("smart.placeholder")

smart_builder = Exercise(
    id="01a-smart-builder",
    **_TEXT.exercise("smart"),
    fields={
        "statement": TextField("目标陈述（一句话）", "Goal statement", multiline=False,
                               placeholder=_PLACEHOLDER["statement"]),
        "metric": TextField("衡量指标", "Metric", multiline=False, placeholder=_PLACEHOLDER["metric"]),
        "target": NumberField("目标值", "Target"),
        "unit": TextField("单位", "Unit", multiline=False, placeholder=_PLACEHOLDER["unit"]),
        "baseline": NumberField("基线（现状）", "Baseline (current level)"),
        "deadline": TextField("截止日期", "Deadline", multiline=False, placeholder=_PLACEHOLDER["deadline"]),
        "owner": TextField("负责人 / 对象", "Owner", multiline=False, placeholder=_PLACEHOLDER["owner"]),
        "parent": TextField("上级目标或 KPI", "Parent goal or KPI", multiline=False,
                            placeholder=_PLACEHOLDER["parent"]),
    },
    check=check_smart,
    live=_live_smart,
    model_answer=_TEXT.text("smart.model_answer"),
)

# ----------------------------------------------------------------------------------------------------------------
# 01b decomposition

_MONTHS = [f"m{m:02d}" for m in range(1, 13)]
_LABELS = _TEXT.table("decomp.labels")
_MONTH_ZH = {f"m{m:02d}": _LABELS["month"].format(month=m) for m in range(1, 13)}
_LAST_YEAR = [82, 58, 96, 92, 95, 94, 88, 95, 99, 104, 108, 139]  # sums to 1 150
_ANNUAL = 1265  # +10 %
_CONSULTANTS = _TEXT.table("decomp.consultants")
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
_WEEKS = {f"w{int(r.week)}": _LABELS["week"].format(week=int(r.week), start=r.start, end=r.end) for r in _W.itertuples()}
_WEEK_DESC = {
    f"w{int(r.week)}": _LABELS["week_days"].format(working=int(r.working_days), weekend=int(r.days - r.working_days))
    for r in _W.itertuples()
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
    msg = _TEXT.table("decomp.split")
    if any(v is None for v in values.values()):
        return False, msg["empty"], 0.0
    if any(float(v) != int(v) for v in values.values()):
        return False, msg["integer"], 0.25
    if any(v < 0 for v in values.values()):
        return False, msg["negative"], 0.0
    s = int(sum(values.values()))
    sum_msg = msg["sum"].format(sum=s, total=total, diff=total - s)
    even = max(values.values()) - min(values.values()) <= 1 and max(weights.values()) - min(weights.values()) > 1
    if even and even_msg:
        return False, even_msg + ("" if s == total else msg["also"] + sum_msg), 0.25
    if s != total:
        return False, sum_msg, 0.25
    wsum = sum(weights.values())
    labels = labels or {}
    off = [labels.get(k, k) for k, v in values.items() if abs(v - total * weights[k] / wsum) >= 1]
    if off:
        return False, msg["off"] + "、".join(off), 0.5
    if values != model:
        return False, msg["rounding"], 0.8
    return True, "", 1.0


def check_decomposition(answer: dict) -> Feedback:
    """Check of :data:`decomposition`: monthly split of the annual target and the December split over consultants."""
    advice = _TEXT.table("decomp.advice")
    months = {k: v for k, v in _col(answer.get("months"), "target", _MONTHS).items()}
    m_ok, m_msg, m_score = _grade_split(
        months, _ANNUAL, DECOMP["last_year"], DECOMP["months"], labels=_MONTH_ZH, even_msg=advice["months_even"],
    )
    month_target = DECOMP["months"][_MONTH_PICK]
    people = _col(answer.get("people"), "target", _CONSULTANTS)
    p_ok, p_msg, p_score = _grade_split(
        people, month_target, _RECENT, DECOMP["people"], labels=_CONSULTANTS, even_msg=advice["people_even"],
    )
    weeks = _col(answer.get("weeks"), "target", _WEEKS)
    if all(v is not None for v in weeks.values()) and weeks == DECOMP["weeks_office"]:
        w_ok, w_msg, w_score = False, advice["weeks_office"], 0.25
    else:
        w_ok, w_msg, w_score = _grade_split(
            weeks, month_target, DECOMP["week_weights"], DECOMP["weeks"], labels=_WEEKS, even_msg=advice["weeks_even"],
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
        **_TEXT.feedback("decomp", annual=_ANNUAL, last_total=sum(_LAST_YEAR),
                         week_weights=sum(DECOMP["week_weights"].values())),
        details=(("months", m_ok, m_msg), ("people", p_ok, p_msg), ("weeks", w_ok, w_msg)),
    )


def _decomp_model_text(answer: dict | None = None) -> str:
    item = _TEXT.table("decomp.model_items")
    rows = " | ".join(item["month"].format(month=m[1:].lstrip("0"), units=v) for m, v in DECOMP["months"].items())
    people = "，".join(item["person"].format(name=_CONSULTANTS[k], units=v) for k, v in DECOMP["people"].items())
    weeks = "，".join(item["week"].format(week=_WEEKS[k], units=v, weight=DECOMP["week_weights"][k])
                     for k, v in DECOMP["weeks"].items())
    return _TEXT.text("decomp.model_answer", annual=_ANNUAL, december=DECOMP["months"][_MONTH_PICK], months=rows,
                      people=people, weeks=weeks)


_COLUMNS = {name: _TEXT.options(f"decomp.columns.{name}") for name in ("months", "people", "weeks")}

decomposition = Exercise(
    id="01b-decomposition",
    **_TEXT.exercise("decomp", annual=_ANNUAL, last_total=sum(_LAST_YEAR)),
    fields={
        "months": TableField(
            "月度目标（台）", "Monthly targets (units)",
            rows=_MONTH_ZH, columns=_COLUMNS["months"][0], columns_en=_COLUMNS["months"][1], unit="台",
            totals="columns", fixed={(m, "last"): v for m, v in zip(_MONTHS, _LAST_YEAR)},
        ),
        "people": TableField(
            "12 月目标分到顾问（台）", "December by consultant (units)",
            rows=_CONSULTANTS, columns=_COLUMNS["people"][0], columns_en=_COLUMNS["people"][1], unit="台",
            totals="columns", fixed={(k, "recent"): v for k, v in _RECENT.items()},
        ),
        "weeks": TableField(
            "12 月目标按卖车日分到周（台）", "December by week on selling days (units)",
            rows=_WEEKS, columns=_COLUMNS["weeks"][0], columns_en=_COLUMNS["weeks"][1], unit="台", totals="columns",
            fixed={(k, "weight"): v for k, v in DECOMP["week_weights"].items()},
            help=_LABELS["week_help"] + "；".join(f"{_WEEKS[k]}：{d}" for k, d in _WEEK_DESC.items()),
        ),
    },
    check=check_decomposition,
    model_answer=_decomp_model_text,
)

# ----------------------------------------------------------------------------------------------------------------
# 01c weekly rebalancing drill

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
    money = _TEXT.table("rebalancing.money")
    return money["wan"].format(v=v / 10000) if v % 1000 == 0 else money["yuan"].format(v=v)


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
        advice = _TEXT.table("rebalancing.advice")
        details = [(name, ok, "" if ok else advice[name]) for name, ok in (
            ("rate1", ok_rate), ("week2", ok_week2), ("cum_rate", ok_cum), ("tiers", ok_tiers), ("tier1", ok_t1),
            ("tier2", ok_t2))]
        if all(ok for _, ok, _ in details):  # the worked numbers only once solved; before that the method
            verdict = _TEXT.text("rebalancing.verdict." + ("behind" if ans["tiers"] == "85_95" else "ahead"))
            explanation, explanation_en = _TEXT.both(
                "rebalancing.solved", **ans, a1=a1, t=t, short=t - a1, left=W - 1, spread=(t - a1) / (W - 1),
                a12=a1 + a2, plan2=2 * t, verdict=verdict)
        else:  # (the model answer is one click away)
            explanation, explanation_en = _TEXT.both("rebalancing.method")
        return Feedback.grade(details, explanation=explanation, explanation_en=explanation_en,
                              **_TEXT.feedback("rebalancing"))

    number = 1 if number is None else int(number)
    title = _TEXT.both("rebalancing.case.seed") if not seed else _TEXT.both("rebalancing.case.variation", number=number)
    texts = _TEXT.exercise("rebalancing", month=_wan(T), week=_wan(t), weeks=W, a1=a1, a2=a2, T=T, t=t)
    texts["title"], texts["title_en"] = (_TEXT.text("rebalancing.title", lang, case=case)
                                         for lang, case in zip(("zh", "en"), title))
    return Exercise(
        id=id or ("01c-rebalancing" if not seed else f"01c-rebalancing-{seed}"),
        **texts,
        fields={
            # rates can pass 100 % (a strong week): ratio_max=3 reads 1.05 as 105 % and 105 as 105 %
            "rate1": NumberField("第一周达成率", "Week-1 rate", percent=True, ratio_max=3),
            "week2": NumberField("第 2 周目标", "Week-2 target", unit="元"),
            "cum_rate": NumberField("前两周累计达成率", "Cumulative rate after week 2", percent=True, ratio_max=3),
            "tiers": ChoiceField("第 2 周后的两档月目标", "Tiers after week 2", **_TEXT.choice("rebalancing.options.tiers")),
            "tier1": NumberField("目标一（月目标，元）", "Tier 1 month target", unit="元"),
            "tier2": NumberField("目标二（月目标，元）", "Tier 2 month target", unit="元"),
        },
        check=check,
        model_answer=dict(ans),
    )


# ----------------------------------------------------------------------------------------------------------------
# 01c (second part): time progress on selling days, read on the 15th

_STATUS_CHOICES = _TEXT.table("progress.options.status")


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
    calendar = _TEXT.table("progress.calendar")
    lines = [calendar["head"]]
    for k in sorted(set(week)):
        cells = [""] * 7
        for r in w[week == k].itertuples():
            mark = calendar["holiday"] if r.holiday else ""
            cells[r.date.day_of_week] = calendar["cell"].format(day=r.date.day, mark=mark, weight=r.weight)
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
    day = _TEXT.text("progress.day", month=case["as_of"].month, day=case["as_of"].day)
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
        advice = _TEXT.table("progress.advice")
        sell_msg = advice["tp_selling"]
        if is_close(answer.get("tp_selling"), case["tp_calendar"], tolerance=0.006):
            sell_msg = advice["calendar"]
        details = [
            ("tp_office", ok_office, advice["tp_office"]),
            ("tp_selling", ok_sell, sell_msg),
            ("achievement", ok_ach, advice["achievement"]),
            ("status", ok_status, advice["status"]),
        ]
        office_note = ""
        if case["office_status"] != case["status"]:
            office_note = _TEXT.text("progress.office_note",
                                     office_status_name=_STATUS_CHOICES[case["office_status"]])
        return Feedback.grade(details, **_TEXT.feedback("progress", **case, day=day, office_note=office_note,
                                                        status_name=_STATUS_CHOICES[case["status"]]))

    texts = _TEXT.exercise("progress", **{
        **case, "day": day, "year": period[:4], "month": int(period[5:]), "weights": _weights_markdown(case["weights"]),
        "working_days": int(case["weights"]["working_day"].sum()),
    })
    texts["title"], texts["title_en"] = _TEXT.both("progress.title", day=day)
    return Exercise(
        id="01c-progress",
        **texts,
        fields={
            "tp_office": NumberField("时间进度（法定工作日）", "Time progress (office days)", percent=True),
            "tp_selling": NumberField("时间进度（卖车日）", "Time progress (selling days)", percent=True),
            "achievement": NumberField("达成率", "Achievement", percent=True, ratio_max=3),
            "status": ChoiceField("对照卖车日进度", "Against selling-day progress", **_TEXT.choice("progress.options.status")),
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

_HOLDERS, _HOLDERS_EN = _TEXT.options("goals.holders")
_GOAL_ITEM = _TEXT.text("goals.item")

#: expectation id → (zh text, the stakeholder it serves)
STAKEHOLDER_GOALS = _TEXT.table("cases.goals")

#: the 01d policy case: factory VP, last year's sales, the group's growth, the margin handed to consultants
POLICY_CASE = {"volume_plan": 1150, "vp_tier": 1.0, "last_year": 1120, "group_growth": 0.08, "safety": 0.05}

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
    advice = _TEXT.table("goals.advice")
    store_msg = advice["store"]
    if is_close(answer.get("store_target"), n["vp"], tolerance=0.5):
        store_msg = advice["store_vp"]
    team_msg = advice["team"]
    if is_close(answer.get("team_target"), n["store"], tolerance=0.5):
        team_msg = advice["team_store"]
    plan = str(answer.get("plan") or "")
    found = find_keywords(plan, _TEXT.table("goals.plan.keywords"))
    missing_advice = _TEXT.table("goals.plan.missing")
    missing = [k for k, ok in found.items() if not ok]
    details = [
        ("holders", not wrong,
         advice["holders"].format(cases=case_names(wrong, STAKEHOLDER_GOALS, _GOAL_ITEM)) if wrong else ""),
        ("store_target", ok_store, store_msg),
        ("team_target", ok_team, team_msg),
        ("plan", len(plan) >= 20 and not missing,
         "；".join(missing_advice[k] for k in missing) if missing else advice["plan"]),
    ]
    return Feedback.grade(details, weights={"holders": 2, "store_target": 1, "team_target": 1, "plan": 2},
                          **_TEXT.feedback("goals", **POLICY_CASE, **n))


def _goal_sources_model(answer=None) -> str:
    n = policy_case_numbers()
    lines = [f"{i}. {text} → {_HOLDERS[h]}" for i, (text, h) in enumerate(STAKEHOLDER_GOALS.values(), start=1)]
    return _TEXT.text("goals.model_answer", holders="\n".join(lines), **n)


goal_sources = Exercise(
    id="01d-goal-sources",
    **_TEXT.exercise("goals", goals=case_lines(STAKEHOLDER_GOALS, indent="   "), **POLICY_CASE),
    fields={
        "holders": case_field("期望来自哪一方", "Whose expectation", STAKEHOLDER_GOALS, _HOLDERS, _HOLDERS_EN,
                              item=_GOAL_ITEM),
        "store_target": NumberField("门店年度目标", "Store year target", unit="台"),
        "team_target": NumberField("分给顾问的目标合计", "Consultants' targets in total", unit="台"),
        "plan": TextField("年度工作计划（一条）", "One annual-plan line", rows=4,
                          placeholder=_TEXT.text("goals.placeholder.plan")),
    },
    check=_check_goal_sources,
    model_answer=_goal_sources_model,
)

# ----------------------------------------------------------------------------------------------------------------
# 01e 分解与复盘：车型 × 顾问（多杈树法）和达成额 × 达成率

#: 01e tree case: the month target and the last 3 months' units per model line × consultant
TREE_TOTAL = 30
TREE_UNITS = {"王": {"sedan": 6, "suv": 2}, "李": {"sedan": 3, "suv": 4}, "张": {"sedan": 3, "suv": 2}}
_TREE_MODELS, _TREE_MODELS_EN = _TEXT.options("tree.models")

#: 01e matrix case: consultant → (month target, actual units)
MATRIX_TEAM = {"A": (12, 15), "B": (6, 7), "C": (16, 13), "D": (10, 5), "E": (14, 13), "F": (12, 8)}
_QUAD_EN = _TEXT.table("tree.quadrants_en")

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
    return _TEXT.table("tree.quadrants_zh")


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
    advice = _TEXT.table("tree.advice")
    if not col_ok:
        tree_msg = advice["models"].format(total=TREE_TOTAL, sedan=target_model["sedan"], suv=target_model["suv"])
    else:
        tree_msg = advice["people"]
    m = matrix_case().set_index("staff_id")
    medians = {"amount_median": m["amount_median"].iloc[0], "rate_median": m["rate_median"].iloc[0]}
    quad = answer.get("quadrant") or {}
    q_wrong = [k for k in MATRIX_TEAM if quad.get(k) != m.loc[k, "quadrant"]]
    star_err = [k for k in q_wrong if quad.get(k) == "star" and m.loc[k, "achievement"] < 1]
    q_msg = ""
    if q_wrong:
        q_msg = advice["quadrant"].format(wrong="、".join(q_wrong), **medians)
        if star_err:
            q_msg += advice["star"].format(wrong="、".join(star_err))
    ok_first = answer.get("first_step_b") == "b"
    details = [
        ("tree", ok_tree, tree_msg),
        ("quadrant", not q_wrong, q_msg),
        ("first_step_b", ok_first, advice["first_step_b"]),
    ]
    piv = tree.pivot_table(index="staff_id", columns="model", values="target", aggfunc="sum")
    return Feedback.grade(details, weights={"tree": 2, "quadrant": 2, "first_step_b": 1},
                          **_TEXT.feedback("tree", sedan=target_model["sedan"], suv=target_model["suv"],
                                           li_sedan=int(piv.loc["李", "sedan"]), zhang_sedan=int(piv.loc["张", "sedan"]),
                                           **medians))


def _tree_matrix_model(answer=None) -> str:
    tree = tree_case()
    piv = tree.pivot_table(index="staff_id", columns="model", values="target", aggfunc="sum").reindex(list(TREE_UNITS))
    lines = "\n".join(f"| {p} | {int(piv.loc[p, 'sedan'])} | {int(piv.loc[p, 'suv'])} | "
                      f"{int(piv.loc[p].sum())} |" for p in TREE_UNITS)
    m = matrix_case().set_index("staff_id")
    quads = "；".join(f"{k} {m.loc[k, 'quadrant_name']}" for k in MATRIX_TEAM)
    return _TEXT.text("tree.model_answer", rows=lines, sedan=int(piv["sedan"].sum()), suv=int(piv["suv"].sum()),
                      total=TREE_TOTAL, quads=quads)


tree_matrix = Exercise(
    id="01e-tree-matrix",
    **_TEXT.exercise("tree", total=TREE_TOTAL, team="；".join(f"{k} {tg} / {a}" for k, (tg, a) in MATRIX_TEAM.items())),
    fields={
        "tree": TableField(
            "车型 × 顾问的目标（台）", "Targets by consultant × model line (units)",
            rows={p: p for p in TREE_UNITS}, columns=_TREE_MODELS, columns_en=_TREE_MODELS_EN, unit="台",
            totals="both",
        ),
        "quadrant": ClassifyField(
            "象限", "Quadrant", items={k: _TEXT.text("tree.consultant", name=k) for k in MATRIX_TEAM},
            classes=_quadrant_labels(), classes_en=_QUAD_EN,
        ),
        "first_step_b": ChoiceField("B 的第一步", "First step for B", **_TEXT.choice("tree.options.first_step_b")),
    },
    check=_check_tree_matrix,
    model_answer=_tree_matrix_model,
)

#: All exercises of module 1, in notebook order.
EXERCISES = (smart_builder, decomposition, rebalancing, rebalancing_variant, goal_sources, tree_matrix)
