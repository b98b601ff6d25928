"""Exercises of course module 4 — problem-analysis tools (trainer notebooks ``04d`` and ``04e``).

* :data:`fishbone_drill` (04d) — sort twelve causes of a rising comeback rate onto the six bones (人机料法环测) of a
  fishbone (:func:`dealerlab.pdca.fishbone`), say what comes after the fishbone (verify the main causes on data before
  acting), and match the causes of a low KPI to the measure that removes them (seed 002「件均保费偏低原因」turned to a
  dealership figure).
* :data:`gemba_peer` (04e) — the CS PDCA and its base work (seed 004「做好CS管理」): put each activity in P, D, C, A or
  基础建设; a gemba patrol note with who and by when (seed 001「现地现物管理」, three patrols a day of ≥ 20 minutes);
  and 核心数据对比: a store against its peers' median (:func:`dealerlab.pdca.peer_compare`).

What trainees read (cases, options, texts) is in ``pdca_tools.toml`` beside this file.
"""

from __future__ import annotations

import pandas as pd

from dealerlab.exercises import (
    ChoiceField,
    Exercise,
    Feedback,
    NumberField,
    TextField,
    find_keywords,
    is_close,
)
from dealerlab.exercises.course._content import Content
from dealerlab.exercises.course._sorting import answer_key, answers, case_field, case_lines, classify_detail
from dealerlab.metrics import label
from dealerlab.pdca import peer_compare

__all__ = ["fishbone_drill", "gemba_peer", "COMEBACK_CAUSES", "LOW_KPI_CAUSES", "CS_STEPS", "PEER_TABLE",
           "peer_numbers", "EXERCISES"]

_TEXT = Content.load(__name__)

# ----------------------------------------------------------------------------------------------------------------
# 04d fishbone

_BONES, _BONES_EN = _TEXT.options("fishbone.bones")
#: cause id → (zh text, bone)
COMEBACK_CAUSES = _TEXT.table("cases.comeback")
#: the low-KPI drill: 单车精品产值（件均）偏低的原因 → the measure that removes it
_MEASURES, _MEASURES_EN = _TEXT.options("fishbone.measures")
LOW_KPI_CAUSES = _TEXT.table("cases.low_kpi")


def _check_fishbone(answer: dict) -> Feedback:
    advice = _TEXT.table("fishbone.advice")
    details = [
        classify_detail("bones", answer.get("bones"), answers(COMEBACK_CAUSES), advice["bones"]),
        ("next", answer.get("next") == "verify", advice["next"]),
        classify_detail("measures", answer.get("measures"), answers(LOW_KPI_CAUSES), advice["measures"]),
    ]
    return Feedback.grade(details, weights={"bones": 2, "next": 1, "measures": 2}, **_TEXT.feedback("fishbone"))


fishbone_drill = Exercise(
    id="04d-fishbone",
    **_TEXT.exercise("fishbone", causes=case_lines(COMEBACK_CAUSES), low_kpi=case_lines(LOW_KPI_CAUSES)),
    fields={
        "bones": case_field("① 原因 → 大骨", "Cause → bone", COMEBACK_CAUSES, _BONES, _BONES_EN),
        "next": ChoiceField("② 鱼骨图画完以后", "After the fishbone", **_TEXT.choice("fishbone.options.next")),
        "measures": case_field("③ 精品产值偏低：原因 → 措施", "Low add-on revenue: cause → measure", LOW_KPI_CAUSES,
                               _MEASURES, _MEASURES_EN),
    },
    check=_check_fishbone,
    model_answer=_TEXT.text(
        "fishbone.model_answer", "zh", bones=answer_key(COMEBACK_CAUSES, mark=" "),
        measures=answer_key(LOW_KPI_CAUSES, lambda m: _MEASURES[m].split("：")[0], mark=" ")),
)

# ----------------------------------------------------------------------------------------------------------------
# 04e CS PDCA, gemba patrol, peer comparison

_STAGES, _STAGES_EN = _TEXT.options("gemba.stages")
#: activity id → (zh text, stage)
CS_STEPS = _TEXT.table("cases.cs_steps")

#: 核心数据对比 — three months' averages of the demo stores (aftersales.figures, 2026-08..10), rounded
PEER_TABLE = pd.DataFrame({
    "store_id": ["S01", "S02", "S03"],
    "first_time_fix": [0.9746, 0.9753, 0.9711],
    "on_time_delivery": [0.8992, 0.8119, 0.8716],
    "booth_utilisation": [0.7451, 0.5131, 0.7412],
})
_PEER_METRICS = {"first_time_fix": True, "on_time_delivery": True, "booth_utilisation": True}
_PEER_LABELS = {m: label(m) for m in _PEER_METRICS}  # the registry's names


def peer_numbers() -> pd.DataFrame:
    """S02 against the median of S01 and S03 for the three figures of :data:`PEER_TABLE` (the answer of 04e ③)."""
    return peer_compare(PEER_TABLE, store_id="S02", metrics=_PEER_METRICS)


def _gap() -> float:
    return float(peer_numbers().set_index("metric").loc["on_time_delivery", "gap"])


def _check_gemba(answer: dict) -> Feedback:
    advice = _TEXT.table("gemba.advice")
    details = [classify_detail("stages", answer.get("stages"), answers(CS_STEPS), advice["stages"]),
               ("patrol_times", answer.get("patrol_times") == "b", advice["patrol_times"])]
    note = answer.get("patrol_note") or ""
    lacks = _TEXT.table("gemba.patrol_missing")
    missing = [lacks[k] for k, ok in find_keywords(note, _TEXT.table("gemba.patrol_rules")).items() if not ok]
    details.append(("patrol_note", len(note) >= 15 and not missing, "；".join(missing) or advice["patrol_note"]))
    details.append(("gap", is_close(answer.get("gap"), _gap(), tolerance=0.0015), advice["gap"]))
    worst = str(peer_numbers().set_index("metric").index[0])
    details.append(("first", answer.get("first") == worst, advice["first"]))
    return Feedback.grade(details, weights={"stages": 2, "patrol_times": 1, "patrol_note": 1, "gap": 1, "first": 1},
                          **_TEXT.feedback("gemba"))


def _peer_markdown() -> str:
    rows = ["| 门店 | 一次修复率 | 准时交车率 | 烤房利用率 |", "|---|---|---|---|"]
    for r in PEER_TABLE.itertuples():
        rows.append(f"| {r.store_id} | {r.first_time_fix:.2%} | {r.on_time_delivery:.2%} | {r.booth_utilisation:.2%} |")
    return "\n".join(rows)


gemba_peer = Exercise(
    id="04e-cs-gemba-peer",
    **_TEXT.exercise("gemba", steps=case_lines(CS_STEPS), peers=_peer_markdown()),
    fields={
        "stages": case_field("① 属于哪一步", "Stage", CS_STEPS, _STAGES, _STAGES_EN),
        "patrol_times": ChoiceField("② 经理现场巡视的要求", "Patrol rule", **_TEXT.choice("gemba.options.patrol_times")),
        "patrol_note": TextField("② 巡视记录（问题 + 谁 + 何时）", "Patrol note",
                                 placeholder="例：10:30 发现 3 号工位……由……在……前……", rows=3),
        "gap": NumberField("③ S02 准时交车率 − 同行中位数", "S02 on-time − peers' median", unit="%", percent=True),
        "first": ChoiceField("③ S02 最该先改的一项", "S02's first topic", options=_PEER_LABELS),
    },
    check=_check_gemba,
    model_answer=lambda _a=None: _TEXT.text(
        "gemba.model_answer", "zh", stages=answer_key(CS_STEPS, lambda s: _STAGES[s].split("（")[0], mark=" "), gap=_gap()),
)

EXERCISES = [fishbone_drill, gemba_peer]
