"""Exercises of course module 5 — QSC+V, the ten dimensions, survey design and complaint handling (trainer notebooks
``05d`` and ``05e``).

* :data:`qscv_survey` (05d) — sort store practices into QSC+V (seed 003「Q、S、C+V」), name the dimension behind a
  customer's remark among the ten (seed 000「十个纬度」, written out as the course only names it), the sample a
  survey needs (:func:`dealerlab.csi.sample_size`), and why a third-party survey (seed 004「第三方调查」).
* :data:`complaint_handling` (05e) — the type of five complaints and the first response to each (seed 001: a customer
  caught between us and his boss or wife → talk to the boss/wife directly), the principles of a phone complaint
  (seed 000「处理电话抱怨的原则」), and a reply checked for its elements.
"""

from __future__ import annotations

from dealerlab.csi import sample_size
from dealerlab.exercises import ChoiceField, Exercise, Feedback, NumberField, TextField, find_keywords
from dealerlab.exercises.course._content import Content
from dealerlab.exercises.course._sorting import answer_key, answers, case_field, case_lines, classify_detail

__all__ = ["qscv_survey", "complaint_handling", "QSCV_PRACTICES", "REMARKS", "COMPLAINTS", "PHONE_RULES",
           "survey_population", "EXERCISES"]

_TEXT = Content.load(__name__)

_QSCV, _QSCV_EN = _TEXT.options("qscv.classes")

#: practice id → (zh text, letter)
QSCV_PRACTICES = _TEXT.table("cases.qscv")

_TEN = _TEXT.table("qscv")["dimensions"]

#: remark id → (zh remark, dimension among the ten)
REMARKS = _TEXT.table("cases.remarks")

#: exercise 05d ③: service visits last month; ± 5 points, 95 % confidence
SURVEY_POPULATION = 400


def survey_population() -> tuple[int, int]:
    """(customers, questionnaires needed) of exercise 05d: 400 visits, ± 5 points at 95 % → 197."""
    return SURVEY_POPULATION, sample_size(SURVEY_POPULATION, margin=0.05, confidence=0.95)


def _check_qscv(answer: dict) -> Feedback:
    _n, need = survey_population()
    q = answer.get("sample")
    advice = _TEXT.table("qscv.advice")
    details = [
        classify_detail("qscv", answer.get("qscv"), answers(QSCV_PRACTICES), advice["qscv"]),
        classify_detail("remarks", answer.get("remarks"), answers(REMARKS), advice["remarks"]),
        ("sample", q is not None and abs(q - need) <= 1, advice["sample"]),
        ("third", answer.get("third") == "b", advice["third"]),
    ]
    return Feedback.grade(details, weights={"qscv": 2, "remarks": 2, "sample": 1, "third": 1},
                          **_TEXT.feedback("qscv"))


qscv_survey = Exercise(
    id="05d-qscv-survey",
    **_TEXT.exercise("qscv", practices=case_lines(QSCV_PRACTICES), remarks=case_lines(REMARKS),
                     population=SURVEY_POPULATION),
    fields={
        "qscv": case_field("① 做法 → QSC+V", "Practice → QSC+V", QSCV_PRACTICES, _QSCV, _QSCV_EN),
        "remarks": case_field("② 客户原话 → 维度", "Remark → dimension", REMARKS, {d: d for d in _TEN}),
        "sample": NumberField("③ 至少需要的有效问卷", "Questionnaires needed", unit="份"),
        "third": ChoiceField("④ 第三方调查的意义", "Why a third party", **_TEXT.choice("qscv.options.third")),
    },
    check=_check_qscv,
    model_answer=lambda _a=None: _TEXT.text(
        "qscv.model_answer", qscv=answer_key(QSCV_PRACTICES, mark=" "), remarks=answer_key(REMARKS, mark=" "),
        need=survey_population()[1]),
)

# ----------------------------------------------------------------------------------------------------------------
# 05e complaints

_TYPES, _TYPES_EN = _TEXT.options("complaints.types")
_RESPONSES, _RESP_EN = _TEXT.options("complaints.responses")
_RESP_OF = _TEXT.table("complaints.response_of")

#: complaint id → (zh text, type)
COMPLAINTS = _TEXT.table("cases.complaints")

#: phone complaint: statement id → (zh text, is a good principle)
PHONE_RULES = _TEXT.table("cases.phone")

_REPLY_RULES = _TEXT.table("complaints.reply.rules")
_REPLY_MSG = _TEXT.table("complaints.reply.missing")


def _check_complaints(answer: dict) -> Feedback:
    types = answers(COMPLAINTS)
    resp = {k: _RESP_OF[v] for k, v in types.items()}
    rules = answer.get("phone") or []
    want = sorted(k for k, (_t, ok) in PHONE_RULES.items() if ok)
    reply = answer.get("reply") or ""
    found = find_keywords(reply, _REPLY_RULES)
    missing = [_REPLY_MSG[k] for k, ok in found.items() if not ok]
    advice = _TEXT.table("complaints.advice")
    details = [
        classify_detail("types", answer.get("types"), types, advice["types"]),
        classify_detail("responses", answer.get("responses"), resp, advice["responses"]),
        ("phone", sorted(rules) == want, advice["phone"]),
        ("reply", len(reply) >= 20 and not missing, "；".join(missing) if missing else advice["reply"]),
    ]
    return Feedback.grade(details, weights={"types": 2, "responses": 2, "phone": 1, "reply": 1},
                          **_TEXT.feedback("complaints"))


complaint_handling = Exercise(
    id="05e-complaints",
    **_TEXT.exercise("complaints", complaints=case_lines(COMPLAINTS)),
    fields={
        "types": case_field("① 投诉类型", "Type", COMPLAINTS, _TYPES, _TYPES_EN),
        "responses": case_field("① 第一步处理", "First response", COMPLAINTS, _RESPONSES, _RESP_EN),
        "phone": ChoiceField("② 正确的电话处理原则", "Phone rules", multiple=True,
                             options={k: t for k, (t, _ok) in PHONE_RULES.items()}),
        "reply": TextField("③ 你的回应", "Your reply", rows=4,
                           placeholder="王先生，非常抱歉……我马上……今天……前……"),
    },
    check=_check_complaints,
    model_answer=_TEXT.text("complaints.model_answer", key="；".join(
        f"{i} {_TYPES[v].split('：')[0]} → {_RESPONSES[_RESP_OF[v]].split('，')[0]}"
        for i, (_t, v) in enumerate(COMPLAINTS.values(), start=1))),
)

EXERCISES = [qscv_survey, complaint_handling]
