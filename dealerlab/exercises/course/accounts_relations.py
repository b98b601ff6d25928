"""Exercises of course module 6 — building and keeping key-account relationships, the B2B sales process, customer
equity and the account manager as 管家 (trainer notebooks ``06b`` and ``06c``).

* :data:`relation_drill` (06b) — actions → the four steps (建立/维系/巩固/发展, seed 000「大客户关系管理步骤」), scenes →
  the five ways to build a relationship (seed 000「空降式客户渗透法」), people of a fleet customer → their part in the
  buying decision (seed 000「梳理大客户的内部关系」), and a competitor log entry (seed 000「竞争对手的动态管理」).
* :data:`b2b_equity` (06c) — the B2B funnel worked backwards (:func:`dealerlab.accounts.required_pipeline`), CLV and
  customer equity of a segment (:func:`dealerlab.accounts.customer_equity`, seed 003「客户终身价值」), and the account
  representative's role (seed 003「“管家”的角色」).
"""

from __future__ import annotations

from dealerlab.accounts import customer_equity, required_pipeline
from dealerlab.exercises import Exercise, Feedback, find_keywords, is_close
from dealerlab.exercises.course._content import Content
from dealerlab.exercises.course._sorting import answer_key, answers, case_field, case_lines, classify_detail
from dealerlab.exercises.fields import ChoiceField, ClassifyField, NumberField, TableField, TextField

__all__ = ["relation_drill", "b2b_equity", "STEP_ACTIONS", "METHOD_SCENES", "DECISION_PEOPLE", "FUNNEL_RATES",
           "FUNNEL_DEALS", "pipeline_answer", "EQUITY_CASE", "equity_answer", "EXERCISES"]

_TEXT = Content.load(__name__)

_STEPS, _STEPS_EN = _TEXT.options("relations.steps")
#: action → (zh text, the step it belongs to)
STEP_ACTIONS = _TEXT.table("cases.steps")

_METHODS = _TEXT.table("relations.methods")
#: scene → (zh text, the way the relationship was built)
METHOD_SCENES = _TEXT.table("cases.methods")

_ROLES, _ROLES_EN = _TEXT.options("relations.roles")
#: person → (zh text, their part in the buying decision)
DECISION_PEOPLE = _TEXT.table("cases.people")


def _check_relation(answer: dict) -> Feedback:
    note = answer.get("competitor") or ""
    found = find_keywords(note, _TEXT.table("relations.competitor.keywords"))
    missing_advice = _TEXT.table("relations.competitor.missing")
    missing = [missing_advice[k] for k, ok in found.items() if not ok]
    advice = _TEXT.table("relations.advice")
    details = [
        classify_detail("steps", answer.get("steps"), answers(STEP_ACTIONS), advice["steps"]),
        ("principle", answer.get("principle") == "b", advice["principle"]),
        classify_detail("methods", answer.get("methods"), answers(METHOD_SCENES), advice["methods"]),
        classify_detail("people", answer.get("people"), answers(DECISION_PEOPLE), advice["people"]),
        ("competitor", len(note) >= 20 and not missing, "；".join(missing) if missing else advice["competitor"]),
    ]
    return Feedback.grade(details, weights={"steps": 2, "principle": 1, "methods": 2, "people": 1, "competitor": 1},
                          **_TEXT.feedback("relations"))


relation_drill = Exercise(
    id="06b-relations",
    **_TEXT.exercise("relations", steps=case_lines(STEP_ACTIONS), methods=case_lines(METHOD_SCENES)),
    fields={
        "steps": case_field("① 动作 → 步骤", "Action → step", STEP_ACTIONS, _STEPS, _STEPS_EN),
        "principle": ChoiceField("② 原则", "Principle", **_TEXT.choice("relations.options.principle")),
        "methods": case_field("③ 场景 → 方法", "Scene → method", METHOD_SCENES, _METHODS),
        "people": ClassifyField("④ 人 → 角色", "Person → role",
                                items={k: t for k, (t, _v) in DECISION_PEOPLE.items()}, classes=_ROLES,
                                classes_en=_ROLES_EN),
        "competitor": TextField("⑤ 竞争对手动态记录", "Competitor log", rows=3,
                                placeholder=_TEXT.text("relations.placeholder.competitor")),
    },
    check=_check_relation,
    model_answer=_TEXT.text("relations.model_answer", steps=answer_key(STEP_ACTIONS, mark=" "),
                            methods=answer_key(METHOD_SCENES, mark=" ")),
)

# ----------------------------------------------------------------------------------------------------------------
# 06c B2B funnel backwards, customer equity, the 管家 role

FUNNEL_DEALS = 6
#: step conversion into each stage (seed 002's BTB funnel with the course's example rates)
FUNNEL_RATES = {"获得线索": 1.0, "首次拜访": 0.5, "需求确认": 0.6, "方案报价": 0.5, "谈判/投标": 0.5, "签约": 2 / 3}


def pipeline_answer() -> dict[str, int]:
    """Stage → accounts needed so that :data:`FUNNEL_DEALS` contracts are signed (6 ← 9 ← 18 ← 36 ← 60 ← 120)."""
    t = required_pipeline(FUNNEL_DEALS, FUNNEL_RATES)
    return dict(zip(t["stage"], t["needed"].astype(int)))


#: a segment: accounts, annual margin per account, measured retention, discount rate
EQUITY_CASE = {"accounts": 12, "annual_margin": 30_000, "retention": 0.75, "discount": 0.10}


def equity_answer() -> tuple[float, float]:
    """(CLV per account, customer equity of the segment) of exercise 06c: 30 000 × 0.75 ÷ 0.35 = 64 286; × 12."""
    import pandas as pd

    c = EQUITY_CASE
    clv = c["annual_margin"] * c["retention"] / (1 + c["discount"] - c["retention"])
    eq = customer_equity(pd.DataFrame({"tier": ["价值型"], "accounts": [c["accounts"]], "clv": [clv], "reason": [""]}))
    return clv, float(eq["equity"].iloc[-1])


def _check_b2b(answer: dict) -> Feedback:
    want = pipeline_answer()
    table = answer.get("pipeline") or {}
    bad = [s for s, n in want.items() if s != "签约" and not is_close((table.get(s) or {}).get("needed"), n, tolerance=1)]
    clv, equity = equity_answer()
    role = sorted(answer.get("role") or [])
    advice = _TEXT.table("b2b.advice")
    details = [
        ("pipeline", not bad, advice["pipeline"].format(stages="、".join(bad)) if bad else ""),
        ("clv", is_close(answer.get("clv"), clv, rel_tolerance=0.01), advice["clv"]),
        ("equity", is_close(answer.get("equity"), equity, rel_tolerance=0.01), advice["equity"]),
        ("role", role == ["r1", "r2", "r3"], advice["role"]),
    ]
    return Feedback.grade(details, weights={"pipeline": 2, "clv": 1, "equity": 1, "role": 1}, **_TEXT.feedback("b2b"))


def _rate_text() -> str:
    return "、".join(f"{s} {r:.0%}" for s, r in list(FUNNEL_RATES.items())[1:])


def _b2b_model(_answer=None) -> str:
    clv, equity = equity_answer()
    pipeline = " ← ".join(f"{s} {n}" for s, n in reversed(pipeline_answer().items()))
    return _TEXT.text("b2b.model_answer", pipeline=pipeline, clv=clv, equity=equity)


b2b_equity = Exercise(
    id="06c-b2b-equity",
    **_TEXT.exercise("b2b", deals=FUNNEL_DEALS, rates=_rate_text(), **EQUITY_CASE),
    fields={
        "pipeline": TableField("① 每阶段需要的客户数", "Accounts needed",
                               rows={s: s for s in FUNNEL_RATES}, columns={"needed": "需要（家）"}, totals=None,
                               fixed={("签约", "needed"): FUNNEL_DEALS}),
        "clv": NumberField("② 每家 CLV", "CLV per account", unit="元"),
        "equity": NumberField("② 客户资产", "Customer equity", unit="元"),
        "role": ChoiceField("③ “管家”的角色", "The representative's role", **_TEXT.choice("b2b.options.role"),
                            multiple=True),
    },
    check=_check_b2b,
    model_answer=_b2b_model,
)

EXERCISES = [relation_drill, b2b_equity]
