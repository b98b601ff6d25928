"""Course module 5 exercises: sort items into the three Kano classes, choose what to fix first from an IPA chart,
compute P − E and the index of a small survey.

Every check calls :mod:`dealerlab.csi` (and the default survey dictionary), so the feedback and the model answers
are the figures the tests check.
"""

from __future__ import annotations

import functools

import pandas as pd

from dealerlab import csi
from dealerlab.data.defaults import OVERALL_ITEM
from dealerlab.exercises import ChoiceField, ClassifyField, Exercise, Feedback, NumberField, is_close
from dealerlab.exercises.course._content import Content
from dealerlab.exercises.course._sorting import item_details

__all__ = [
    "kano_sort",
    "ipa_pick",
    "gap_index",
    "KANO_CASE",
    "IPA_CASE",
    "ipa_case_table",
    "GAP_CASE",
    "gap_case_surveys",
    "gap_case_answer",
]

_TEXT = Content.load(__name__)

# ---- 05a: sort items into the three Kano classes ---------------------------------------------------------------------
#: item → what the customer experiences (the class comes from the survey dictionary)
KANO_CASE = _TEXT.table("cases.kano")


def _kano_truth() -> dict[str, str]:
    d = csi.survey_dictionary()
    d = d[(d["survey"] == "CSI") & d["item"].isin(list(KANO_CASE))]
    return dict(zip(d["item"], d["kano_class"], strict=True))


def _check_kano(answer: dict) -> Feedback:
    truth = _kano_truth()
    advice = _TEXT.text("kano.advice.item")
    details = item_details("classes", answer.get("classes"), truth, lambda item, _right: advice.format(item=item))
    return Feedback.grade(details, **_TEXT.feedback("kano"))


kano_sort = Exercise(
    id="05a-kano-sort",
    **_TEXT.exercise("kano"),
    fields={
        "classes": ClassifyField(
            "题项分类",
            "Classes",
            items={k: f"{k}（{v}）" for k, v in KANO_CASE.items()},
            classes={k: k for k in csi.KANO},
            classes_en=_TEXT.table("kano.classes"),
        )
    },
    check=_check_kano,
    model_answer=lambda _answer=None: _TEXT.text(
        "kano.model_answer", key="；".join(f"{item} → {cls}" for item, cls in _kano_truth().items())),
)

# ---- 05b: from an IPA chart, choose the two items to fix first ---------------------------------------------------------
#: a store's CSI items: index (1000 scale) and derived importance (correlation with 总体满意度)
IPA_CASE = pd.DataFrame(
    {
        "item": ["一次修好", "按时交车", "诊断准确", "维修项目解释清楚", "价格公道", "预约便捷", "休息区舒适", "车辆交还清洁"],
        "index": [760.0, 772.0, 845.0, 835.0, 750.0, 800.0, 870.0, 858.0],
        "importance": [0.62, 0.58, 0.60, 0.52, 0.30, 0.28, 0.20, 0.25],
    }
)


def ipa_case_table() -> pd.DataFrame:
    """:data:`IPA_CASE` with its quadrants (:func:`dealerlab.csi.assign_quadrants`), ready for ``ipa_map``."""
    t = IPA_CASE.assign(survey="CSI", performance=IPA_CASE["index"] / 100)
    return csi.assign_quadrants(t, by=["survey"])


def _ipa_truth() -> list[str]:
    return csi.fix_first(ipa_case_table(), n=2)["item"].tolist()


def _check_ipa(answer: dict) -> Feedback:
    right = _ipa_truth()
    chosen = list(answer.get("items") or [])
    quadrant = ipa_case_table().set_index("item")["quadrant"].to_dict()
    advice = _TEXT.table("ipa.advice")
    why = _TEXT.table("ipa.why")
    details = []
    for item in right:
        ok = item in chosen
        details.append(("items", ok, "" if ok else advice["missing"]))
    for item in chosen:
        if item not in right:
            details.append(("items", False, advice["wrong"].format(item=item, quadrant=quadrant[item],
                                                                   why=why.get(quadrant[item], ""))))
    if len(chosen) < 2:
        details.append(("items", False, advice["count"].format(n=len(chosen))))
    return Feedback.grade(details, **_TEXT.feedback("ipa"))


ipa_pick = Exercise(
    id="05b-ipa-fix-first",
    **_TEXT.exercise("ipa"),
    fields={
        "items": ChoiceField("选择两个题项", "Choose two items", options=list(IPA_CASE["item"]), multiple=True),
    },
    check=_check_ipa,
    model_answer=lambda _answer=None: _TEXT.text("ipa.model_answer", items="、".join(_ipa_truth())),
)

# ---- 05c: compute P − E and the index of a small survey -------------------------------------------------------------
#: three CSI responses: item → (performance, expectation or None); plus 总体满意度
GAP_CASE = {
    "Q1": {"一次修好": (8, 9), "费用解释清楚": (9, 8), OVERALL_ITEM: (9, None)},
    "Q2": {"一次修好": (7, 9), "费用解释清楚": (8, None), OVERALL_ITEM: (7, None)},
    "Q3": {"一次修好": (9, 8), "费用解释清楚": (10, 9), OVERALL_ITEM: (10, None)},
}


def gap_case_surveys() -> pd.DataFrame:
    """:data:`GAP_CASE` as a ``surveys`` table (store 本店, March 2026)."""
    rows = [
        {"response_id": rid, "store_id": "本店", "survey": "CSI", "survey_date": pd.Timestamp("2026-03-10"),
         "item": item, "performance": float(p), "expectation": float("nan") if e is None else float(e)}
        for rid, answers in GAP_CASE.items()
        for item, (p, e) in answers.items()
    ]
    return pd.DataFrame(rows)


@functools.lru_cache(maxsize=1)
def _gap_case_answer() -> tuple[tuple[str, float], ...]:
    return tuple(_compute_gap_case_answer().items())


def gap_case_answer() -> dict[str, float]:
    """The right answers: gap of each item and the CSI index (from :mod:`dealerlab.csi`; computed once, cached —
    the case is fixed, so every check need not recompute it)."""
    return dict(_gap_case_answer())


def _compute_gap_case_answer() -> dict[str, float]:
    s = gap_case_surveys()
    sc = csi.scores(s, level="item", by=[]).set_index("item")
    idx = csi.satisfaction_index(s, periods=["2026-03"], stores=["本店"])
    return {
        "gap_fix": float(sc.loc["一次修好", "gap"]),
        "gap_charges": float(sc.loc["费用解释清楚", "gap"]),
        "index": float(idx.loc[idx["survey"] == "CSI", "index"].iloc[0]),
    }


def _check_gap(answer: dict) -> Feedback:
    right = gap_case_answer()
    advice = _TEXT.table("gap.advice")
    details = []
    # −2/3: −0.67 and the one-decimal −0.7 are both right (no trap lies within ±0.04)
    ok = is_close(answer.get("gap_fix"), right["gap_fix"], tolerance=0.04)
    details.append(("gap_fix", ok, "" if ok else advice["gap_fix"]))
    g = answer.get("gap_charges")
    ok = is_close(g, right["gap_charges"], tolerance=0.01)
    msg = ""
    if not ok:
        if is_close(g, 10 / 3, tolerance=0.01):
            msg = advice["charges_blank"]
        elif is_close(g, 2 / 3, tolerance=0.01):
            msg = advice["charges_divisor"]
        else:
            msg = advice["charges"]
    details.append(("gap_charges", ok, msg))
    v = answer.get("index")
    ok = is_close(v, right["index"], tolerance=0.5)
    msg = ""
    if not ok:
        if is_close(v, (51 + 26) / 9 * 100, tolerance=0.5):
            msg = advice["index_overall"]
        elif is_close(v, 8.5, tolerance=0.01):
            msg = advice["index_scale"]
        else:
            msg = advice["index"]
    details.append(("index", ok, msg))
    return Feedback.grade(details, **_TEXT.feedback("gap"))


gap_index = Exercise(
    id="05c-gap-index",
    **_TEXT.exercise("gap"),
    fields={
        "gap_fix": NumberField("一次修好的差距 P − E", "Gap: fixed right first time", unit="分"),
        "gap_charges": NumberField("费用解释清楚的差距 P − E", "Gap: explanation of charges", unit="分"),
        "index": NumberField("CSI 指数（千分制）", "CSI index (1000 scale)"),
    },
    check=_check_gap,
    model_answer=_TEXT.text("gap.model_answer"),
)
