"""Exercises of course module 3 — the sales funnel (trainer notebooks ``03a``, ``03b``, ``03c``).

* :data:`showroom_log` — a small showroom log of one month: the trainee counts FV, FC, W, C, N, CV, L, R, RnoTD, TD,
  S_room and computes the capture, test-drive, revisit and close rates; every box is checked on its own and a wrong
  one says what to count (the expected numbers come from :func:`dealerlab.funnel.funnel_counts` on the same log).
* :data:`whatif_slider` — how many more sales if the test-drive rate reaches 55 %? A slider shows the path model
  live (:func:`dealerlab.funnel.what_if`, docs/DOMAIN.md §10: extra test drives × the difference of the two paths' close
  shares); the typed answers are checked, and the withdrawn multiplicative answer gets its own message.
* :data:`diagnosis_case` — a store's five stage rates against their benchmarks: choose the bottleneck (by extra
  gross at the reachable target on the path model, not by the largest gap in points nor by the multiplicative
  ratio), compute its extra sales and pick the first action from the step's action table.

Nothing happens at import time except building these plain-data definitions.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from dealerlab.data.dataset import Dataset
from dealerlab.exercises import (
    ChoiceField,
    Exercise,
    Feedback,
    NumberField,
    SliderField,
    TextField,
    find_keywords,
    is_close,
)
from dealerlab.exercises.course._sorting import answer_key, case_field, case_lines, case_numbers, wrong_cases
from dealerlab.funnel import funnel_counts, funnel_rates, lead_sources, traffic_mix
from dealerlab.funnel.benchmarks import load_benchmarks
from dealerlab.funnel.diagnosis import STEP_OF
from dealerlab.funnel.paths import STAGES, TARGET_SOURCES, reachable_target, stage_extra_sales, target_source, what_if

__all__ = [
    "showroom_log",
    "whatif_slider",
    "diagnosis_case",
    "check_showroom_log",
    "check_whatif",
    "check_diagnosis",
    "log_answers",
    "CASE",
    "EXERCISES",
    "sources_roles",
    "process_people",
    "MIX_CASE",
    "ONLINE_CASE",
    "ROLE_VIEWS",
    "FORM_TABLES",
    "MOT_CASES",
    "SKILL_CASES",
    "mix_case_numbers",
]

# ----------------------------------------------------------------------------------------------------------------
# 03a showroom log (October 2026, one store)

_MONTH = "2026-10"
_LEADS = [  # lead_id, consultant, created, first contact, status, closed
    ("K01", "王", "2026-10-02", "到店", "跟进中", None),
    ("K02", "王", "2026-10-04", "到店", "成交", "2026-10-18"),
    ("K03", "李", "2026-10-05", "来电", "跟进中", None),
    ("K04", "李", "2026-09-26", "来电", "跟进中", None),
    ("K05", "王", "2026-08-20", "到店", "成交", "2026-10-01"),
    ("K06", "李", "2026-09-10", "到店", "战败", "2026-09-28"),
    ("K07", "李", "2026-10-12", "网络", "跟进中", None),
    ("K08", "王", "2026-09-03", "到店", "跟进中", None),
    ("K09", "李", "2026-10-20", "到店", "跟进中", None),
]
_VISITS = [  # date, type, lead
    ("2026-10-02", "首次", "K01"),
    ("2026-10-04", "首次", "K02"),
    ("2026-10-06", "首次", None),
    ("2026-10-07", "首次", "K04"),
    ("2026-10-09", "首次", "K03"),
    ("2026-10-11", "首次", None),
    ("2026-10-15", "再次", "K08"),
    ("2026-10-16", "再次", "K01"),
    ("2026-10-18", "再次", "K02"),
    ("2026-10-20", "首次", "K09"),
    ("2026-10-25", "再次", "K01"),
    ("2026-09-29", "首次", None),
]
_CALLS = [  # date, type, lead
    ("2026-10-03", "首次", None),
    ("2026-10-05", "首次", "K03"),
    ("2026-10-08", "再次", "K03"),
    ("2026-10-19", "首次", None),
    ("2026-09-26", "首次", "K04"),
]
_DRIVES = [  # lead, date, invited
    ("K08", "2026-09-20", False),
    ("K01", "2026-10-16", True),
    ("K02", "2026-10-04", False),
    ("K04", "2026-10-07", True),
]
_SALES = [  # lead, date, channel
    ("K02", "2026-10-18", "展厅"),
    ("K05", "2026-10-01", "展厅"),
    (None, "2026-10-22", "大客户"),
]

#: the boxes of 03a: id → (zh label, en label, percent?, what to count when it is wrong)
_LOG_FIELDS = {
    "FV": ("首次到店批次 FV", "First visits FV", False, "只数到店类型为「首次」、日期在 10 月的记录（9 月 29 日那条不算）。"),
    "FC": ("首次来电数 FC", "First calls FC", False, "只数来电类型为「首次」、日期在 10 月的来电；没留资料的也算。"),
    "W": ("到店新增潜客 W", "New walk-in prospects W", False, "10 月建档、首次接触为「到店」的潜客。"),
    "C": ("来电新增潜客 C", "New call prospects C", False, "10 月建档、首次接触为「来电」的潜客。"),
    "N": ("当月新增潜客 N", "New prospects N", False, "10 月建档的全部潜客，网络来的也算。"),
    "CV": ("来电潜客首次到店 CV", "Call prospects' first visits CV", False,
           "首次接触为来电、10 月有「首次」到店的潜客——9 月建档的也算。"),
    "L": ("上月末留存潜客 L", "Open prospects at month start L", False,
          "10 月 1 日前建档、10 月 1 日时还没结案的：跟进中，或结案日期 ≥ 10 月 1 日（10 月 1 日当天结案的也算）。"),
    "R": ("再回展厅客户 R", "Returning prospects R", False, "10 月有「再次」到店的潜客，同一人来两次只算一个。"),
    "RnoTD": ("再回展厅未试驾 RT", "Returning without earlier drive RT", False,
              "R 里面 10 月 1 日之前没有试驾过的（9 月已试驾的不算；10 月才试驾的仍算）。"),
    "TD": ("试乘试驾客户 TD", "Test-drive prospects TD", False, "10 月试驾的潜客（去重）。"),
    "S_room": ("展厅零售销量 S", "Showroom sales S", False, "10 月开票、渠道为展厅的销售；大客户不算。"),
    "capture_rate": ("信息留存率", "Capture rate", True, "(W + C) ÷ (FV + FC)——分子、分母各自先加起来再相除；写成 W + C ÷ FV + FC（少了括号）会先除后加，结果不对。"),
    "test_drive_rate": ("试乘试驾率", "Test-drive rate", True, "TD ÷ (W + CV + RT)，RT = 再回展厅未试驾。"),
    "revisit_rate": ("再回展厅率", "Revisit rate", True, "R ÷ (W + CV + L)。"),
    "close_rate": ("成交率", "Close rate", True, "S ÷ (L + N)——S 只算展厅零售，括号不能少。"),
}


def _log_dataset():
    T = pd.Timestamp
    leads = pd.DataFrame(
        [(lid, "D1", staff, T(c), fc, st, T(cl) if cl else None) for lid, staff, c, fc, st, cl in _LEADS],
        columns=["lead_id", "store_id", "staff_id", "created_date", "first_contact", "status", "closed_date"],
    )
    visits = pd.DataFrame([(f"V{i}", "D1", T(d), t, lead) for i, (d, t, lead) in enumerate(_VISITS)],
                          columns=["visit_id", "store_id", "visit_date", "visit_type", "lead_id"])
    calls = pd.DataFrame([(f"C{i}", "D1", T(d), t, lead) for i, (d, t, lead) in enumerate(_CALLS)],
                         columns=["call_id", "store_id", "call_date", "call_type", "lead_id"])
    drives = pd.DataFrame([(f"T{i}", "D1", lead, T(d), inv) for i, (lead, d, inv) in enumerate(_DRIVES)],
                          columns=["test_drive_id", "store_id", "lead_id", "drive_date", "invited"])
    sales = pd.DataFrame([(f"S{i}", "D1", lead, "王", T(d), ch, "X", 100000.0) for i, (lead, d, ch) in enumerate(_SALES)],
                         columns=["sale_id", "store_id", "lead_id", "staff_id", "invoice_date", "channel", "model", "price"])
    return Dataset.from_frames({"leads": leads, "visits": visits, "calls": calls, "test_drives": drives, "sales": sales})


@lru_cache(maxsize=1)
def log_answers() -> dict[str, float]:
    """The expected values of :data:`showroom_log`, computed by :mod:`dealerlab.funnel` on the same log."""
    ds = _log_dataset()
    c = funnel_counts(ds, periods=[_MONTH]).iloc[0]
    r = funnel_rates(ds, periods=[_MONTH]).iloc[0]
    return {k: float(c[k]) if k in c.index else float(r[k]) for k in _LOG_FIELDS}


def _md_table(header: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


_LOG_TEXT = (
    "某店 2026 年 10 月的展厅日志如下（只摘了与漏斗有关的列）。数一数每个计数，再算出四个比率。"
    "比率可以写 `50%` 或 `0.5`。\n\n**潜客表**\n\n"
    + _md_table(["客户编号", "顾问", "建档日期", "首次接触", "状态", "结案日期"], _LEADS)
    + "\n\n**展厅客流**\n\n" + _md_table(["到店日期", "到店类型", "客户编号（空 = 未留资料）"], _VISITS)
    + "\n\n**来电**\n\n" + _md_table(["来电日期", "来电类型", "客户编号"], _CALLS)
    + "\n\n**试乘试驾**\n\n" + _md_table(["客户编号", "试驾日期", "是否邀约"], [(a, b, "是" if c else "否") for a, b, c in _DRIVES])
    + "\n\n**销售（开票）**\n\n" + _md_table(["客户编号", "开票日期", "渠道"], _SALES)
)


def check_showroom_log(answer: dict) -> Feedback:
    """Check of :data:`showroom_log`: one detail per box, with what to count when it is wrong."""
    expected = log_answers()
    details = []
    for key, (zh, _en, is_rate, why) in _LOG_FIELDS.items():
        got = answer.get(key)
        ok = is_close(got, expected[key], tolerance=0.005 if is_rate else 0.0)
        msg = "" if ok else (f"{zh}：还没填。{why}" if got is None else f"{zh}：不对。{why}")
        details.append((key, ok, msg))
    return Feedback.grade(
        details,
        explanation=(
            "漏斗的每个比率都是「走到下一步的人 ÷ 有机会走到下一步的人」。容易错的地方：日期要落在本月；"
            "CV 不管潜客哪个月建档；L 要看月初那一刻是否还开着（10 月 1 日当天结案的也算）；R、TD 按人去重；"
            "成交率只算展厅零售。有些讲义把信息留存率和成交率的公式印得少了括号，照字面算会得到荒唐的结果（例如留存率大于 100%）。"
        ),
        explanation_en=(
            "Each rate is 'people who reached the next step ÷ people who could'. Watch the month, CV regardless of the "
            "creation month, L as open at the start of the month, distinct people for R and TD, showroom sales only."
        ),
        hint="先把 10 月以外的行划掉，再逐个数。",
        hint_en="Strike out the rows outside October first, then count.",
    )


def _log_model_answer(answer=None) -> str:
    e = log_answers()
    parts = []
    for key, (zh, _en, is_rate, _why) in _LOG_FIELDS.items():
        parts.append(f"- {zh}：**{e[key]:.1%}**" if is_rate else f"- {zh}：**{e[key]:.0f}**")
    return "**参考答案**\n\n" + "\n".join(parts)


showroom_log = Exercise(
    id="03a-showroom-log",
    title="从展厅日志算漏斗比率",
    title_en="Funnel rates from a showroom log",
    instructions=_LOG_TEXT,
    instructions_en="A showroom log of October 2026: count each funnel figure, then compute the four rates.",
    fields={
        key: NumberField(zh, en, unit="" if is_rate else "个", percent=is_rate)
        for key, (zh, en, is_rate, _why) in _LOG_FIELDS.items()
    },
    check=check_showroom_log,
    model_answer=_log_model_answer,
)

# ----------------------------------------------------------------------------------------------------------------
# 03b what-if slider (path model, docs/DOMAIN.md §10)

#: the case of 03b: this month's test-drive rate and its base, the cohort's path shares, gross per unit
WHATIF = {"test_drive_rate": 0.44, "target": 0.55, "base": 90, "p_td": 0.49, "p_notd": 0.13, "sales": 40,
          "gross_per_unit": 2500.0, "addon_gross_per_unit": 2000.0}


def _whatif_row(target: float) -> dict:
    r = what_if(rates={"test_drive_rate": WHATIF["test_drive_rate"]}, counts={"W": WHATIF["base"], "CV": 0, "RnoTD": 0},
                shares={"p_td": WHATIF["p_td"], "p_notd": WHATIF["p_notd"]}, changes={"test_drive_rate": target},
                gross_per_unit=WHATIF["gross_per_unit"], addon_gross_per_unit=WHATIF["addon_gross_per_unit"])
    return r.iloc[0].to_dict()


def _whatif_expected() -> dict:
    return _whatif_row(WHATIF["target"])


def _naive_extra() -> float:
    """What the withdrawn multiplicative model would say (shown once, as the mistake to avoid)."""
    return WHATIF["sales"] * (WHATIF["target"] / WHATIF["test_drive_rate"] - 1)


def check_whatif(answer: dict) -> Feedback:
    """Check of :data:`whatif_slider`: extra sales and total gross at 55 % on the path model (the slider is free)."""
    e = _whatif_expected()
    ok_sales = is_close(answer.get("extra_sales"), e["extra_sales"], tolerance=0.1)
    ok_gross = is_close(answer.get("extra_gross"), e["extra_gross"], rel_tolerance=0.01)
    naive = is_close(answer.get("extra_sales"), _naive_extra(), tolerance=0.2)
    details = [
        ("extra_sales", ok_sales, "" if ok_sales else (
            "这是乘法模型的答案（40 × 55/44 − 40）：它假设新增的试驾客户和现在的平均成交一样多，高估了。"
            "多销台数 = (55% − 44%) × 90 × (49% − 13%)。" if naive else
            "多销台数 = (目标 − 当前) × 90 位可试驾潜客 × (试驾后成交率 − 未试驾成交率)。")),
        ("extra_gross", ok_gross, "" if ok_gross else
         "多得毛利 = 多销台数 × (单车毛利 2 500 + 单车衍生毛利 2 000) 元：衍生产品的毛利也算，销售收入不算。"),
    ]
    return Feedback.grade(
        details,
        explanation=(
            f"路径模型：多试驾的 (55% − 44%) × 90 = 9.9 位潜客，每位只比不试驾多成交 49% − 13% = 36%，"
            f"所以多销约 {e['extra_sales']:.1f} 台，毛利多 {e['extra_gross']:,.0f} 元（含衍生毛利）。"
            f"乘法模型会说 40 × 55/44 − 40 = {_naive_extra():.0f} 台——它把每个新增试驾都当成一台平均成交，约高估 "
            f"{_naive_extra() / e['extra_sales']:.1f} 倍。"
        ),
        explanation_en="Path model: 9.9 more test-driven leads, each 36 points likelier to buy: about 3.6 more sales.",
        hint="先拖动滑块看看 55% 时的结果，再把数填进来。",
    )


def _whatif_live(answer: dict):
    target = answer.get("target")
    if target is None:
        return ""
    rows = []
    for t in sorted({WHATIF["test_drive_rate"], float(target), 0.50, WHATIF["target"]}):
        r = _whatif_row(t)
        rows.append({"试乘试驾率": f"{t:.0%}", "多试驾潜客": round((t - WHATIF["test_drive_rate"]) * WHATIF["base"], 1),
                     "多销台数": round(r["extra_sales"], 1), "多得毛利（元，含衍生）": round(r["extra_gross"])})
    return pd.DataFrame(rows)


whatif_slider = Exercise(
    id="03b-whatif-slider",
    title="如果试乘试驾率达到 55%……",
    title_en="What if the test-drive rate reached 55 %?",
    instructions=(
        "某店本月试乘试驾率 **44%**，可试驾的潜客（W + CV + RT，RT = 再回展厅未试驾）**90 位**。过去 6 个月已结案、到过店的潜客里，"
        "**试驾过的成交 49%**，**没试驾的成交 13%**。单车毛利 **2 500 元**，单车衍生毛利 **2 000 元**。"
        "拖动滑块看不同的试乘试驾率下能多卖几台（其他环节不变，路径模型：多出来的试驾客户只带来成交率的**差**）。\n\n"
        "**问题：** 试乘试驾率达到 55% 时，能多销几台？多得多少毛利（含衍生毛利）？"
    ),
    instructions_en=("Test-drive rate 44 %, 90 leads who could drive; test-driven leads close at 49 %, the others at 13 %; "
                     "2 500 vehicle + 2 000 add-on gross per unit: what if the rate reached 55 %?"),
    fields={
        "target": SliderField("试乘试驾率目标", "Test-drive rate target", min=0.30, max=0.70, step=0.01, value=0.44, percent=True),
        "extra_sales": NumberField("达到 55% 时多销台数", "Extra sales at 55 %", unit="台"),
        "extra_gross": NumberField("多得毛利（含衍生毛利）", "Extra gross profit (incl. add-ons)", unit="元"),
    },
    check=check_whatif,
    model_answer=lambda answer=None: (
        f"**参考答案**：多销约 {_whatif_expected()['extra_sales']:.1f} 台，毛利多约 {_whatif_expected()['extra_gross']:,.0f} 元"
        f"（(55% − 44%) × 90 × (49% − 13%) = {_whatif_expected()['extra_sales']:.2f} 台，× (2 500 + 2 000) 元）。"
        f"不是乘法模型的 {_naive_extra():.0f} 台。"
    ),
    live=_whatif_live,
)

# ----------------------------------------------------------------------------------------------------------------
# 03c diagnosis case (path model, reachable targets, docs/DOMAIN.md §10)

#: the case of 03c: per stage the rate, the best month of the last 6, the count base and the path shares
CASE = {
    "rates": {"capture_rate": 0.56, "call_visit_rate": 0.30, "revisit_rate": 0.22, "test_drive_rate": 0.38,
              "close_rate": 0.17},
    "own_best": {"capture_rate": 0.62, "call_visit_rate": 0.33, "revisit_rate": 0.24, "test_drive_rate": 0.47,
                 "close_rate": 0.18},
    "counts": {"FV": 200, "FC": 100, "C": 60, "W": 120, "CV": 18, "L": 35, "RnoTD": 12, "N": 200},
    "shares": {"p_lead": 0.12, "p_call_visited": 0.30, "p_call_unvisited": 0.02, "p_revisit": 0.34,
               "p_norevisit": 0.31, "p_td": 0.50, "p_notd": 0.15},
    "sales": 40,
    "gross_per_unit": 2500.0,
    "addon_gross_per_unit": 2000.0,
}
_STAGE_NAMES = {"capture_rate": "信息留存率", "call_visit_rate": "来电潜客到店率", "revisit_rate": "再回展厅率",
                "test_drive_rate": "试乘试驾率", "close_rate": "成交率"}
_BASE_TEXT = {"capture_rate": "首次到店 + 首次来电 300 批", "call_visit_rate": "来电潜客 60 位",
              "revisit_rate": "W + CV + L = 173 位", "test_drive_rate": "W + CV + RT（再回展厅未试驾）= 150 位",
              "close_rate": "L + N = 235 位（比率本身就是成交）"}
_PATH_TEXT = {"capture_rate": "全部已结案潜客成交 12%", "call_visit_rate": "到店 30% / 未到店 2%",
              "revisit_rate": "再回 34% / 未再回 31%", "test_drive_rate": "试驾 50% / 未试驾 15%", "close_rate": "—"}
_ACTIONS = {
    "call_script": ("统一来电接听话术和留资要点，抽听录音纠偏（展厅经理）", "来电接听"),
    "call_sms": ("来电当天发送邀约短信并约定到店时间（销售顾问）", "来电接听"),
    "reception": ("按排班表前台值守，送别前确认联系方式（展厅经理）", "进店接待"),
    "ab_form": ("用试乘试驾 A/B 表提醒流程和体验点，介绍结束必发试驾邀请（试乘试驾专员）", "试乘试驾"),
    "contract": ("制定合同领用监督流程，明确控制节点（销售经理）", "报价及成交条件确认"),
}


def _case_table() -> pd.DataFrame:
    bench = load_benchmarks(business="乘用车")
    gpu = CASE["gross_per_unit"] + CASE["addon_gross_per_unit"]
    rows = []
    for m in STAGES:
        v, b, best = CASE["rates"][m], bench[m], CASE["own_best"][m]
        t = reachable_target(v, b, best)
        d = max(0.0, stage_extra_sales(m, current=v, new=t, counts=CASE["counts"], shares=CASE["shares"]))
        rows.append({"metric": m, "name": _STAGE_NAMES[m], "value": v, "benchmark": b, "own_best": best, "target": t,
                     "target_basis": TARGET_SOURCES[target_source(v, b, best)][0], "gap_pts": (v - b) * 100,
                     "extra_sales": d, "extra_gross": d * gpu,
                     "naive": CASE["sales"] * (b / v - 1)})
    return pd.DataFrame(rows)


def _case_answer() -> dict:
    t = _case_table()
    top = t.sort_values("extra_gross", ascending=False, kind="stable").iloc[0]
    return {"bottleneck": top["metric"], "stake": float(top["extra_sales"]), "gross": float(top["extra_gross"]),
            "target": float(top["target"]), "basis": str(top["target_basis"])}


#: a reason for the store manager must rest on the numbers of the case: the sales or gross at stake, the target
#: (a figure, or the words of the comparison); 「提高销量」 alone is a wish, not a reason
_WHY_WORDS = {"evidence": ["标杆", "差距", "毛利", "成交率", "最好水平", "百分点"]}


def check_diagnosis(answer: dict) -> Feedback:
    """Check of :data:`diagnosis_case`: the bottleneck by extra gross at the reachable target (path model), its extra
    sales, an action of the bottleneck's step, and a reason for the store manager that rests on the case's numbers.
    An empty reason, or one with no number behind it ("很重要"), is not accepted: the exercise asks for it."""
    e = _case_answer()
    t = _case_table().set_index("metric")
    widest = t["gap_pts"].idxmin()
    naive = t["naive"].idxmax()
    ok_b = answer.get("bottleneck") == e["bottleneck"]
    b_msg = ""
    if not ok_b:
        if answer.get("bottleneck") == widest:
            b_msg = "差距的百分点最大，不等于多卖最多：要看可达目标 × 基数 × 路径成交率之差。"
        elif answer.get("bottleneck") == naive:
            b_msg = "这是乘法模型（标杆 ÷ 当前）选出的环节：它假设每位新增客户都按平均成交，高估了；请用路径成交率之差。"
        else:
            b_msg = "逐个算「(可达目标 − 当前) × 基数 × 路径成交率之差」，再乘单车总毛利，取最大的那个。"
    ok_s = is_close(answer.get("stake"), e["stake"], tolerance=0.15)
    action = answer.get("action")
    ok_a = action in _ACTIONS and _ACTIONS[action][1] == STEP_OF[e["bottleneck"]]
    a_msg = "" if ok_a else f"第一项行动要落在瓶颈所在的流程环节（{STEP_OF[e['bottleneck']]}）。"
    why = str(answer.get("why") or "").strip()
    ok_w = bool(why) and (any(ch.isdigit() for ch in why) or any(find_keywords(why, _WHY_WORDS).values()))
    w_msg = "" if ok_w else (
        "请给店总写一两句理由：为什么先抓这一环节（目标是多少、能多销几台、多赚多少毛利），第一步做什么。" if not why else
        "理由要有依据：说出可达目标、能多销几台或多赚多少毛利。")
    details = [("bottleneck", ok_b, b_msg),
               ("stake", ok_s, "" if ok_s else "多销台数 = (可达目标 − 当前) × 基数 × (走这条路径的成交率 − 不走的成交率)。"),
               ("action", ok_a, a_msg),
               ("why", ok_w, w_msg)]
    lines = "\n".join(f"| {r.name} | {r.value:.0%} | {r.benchmark:.0%} | {r.target:.1%}（{r.target_basis}） | "
                      f"{r.extra_sales:.1f} | {r.extra_gross:,.0f} |" for r in t.itertuples())
    return Feedback.grade(
        details,
        explanation=(
            "| 环节比率 | 本月 | 标杆 | 可达目标 | 多销（台） | 多得毛利（元） |\n|---|---|---|---|---|---|\n" + lines + "\n\n"
            f"信息留存率差得最多（{t.loc[widest, 'gap_pts']:+.0f} 个百分点），乘法模型会选{_STAGE_NAMES[naive]}；"
            f"但按路径成交率之差，{_STAGE_NAMES[e['bottleneck']]}提到{e['basis']} {e['target']:.0%} 多销约 {e['stake']:.1f} 台、"
            f"毛利约 {e['gross']:,.0f} 元，是最大的一项。各环节的数字不能相加。"
        ),
        explanation_en="The bottleneck is the stage with the largest extra gross at its reachable target on the path model.",
        hint="每个环节都算一下：(可达目标 − 当前) × 基数 × 成交率之差。可达目标 = 「近 6 个月最好」与「当前 + 差距的一半」中较高的一个，但不超过标杆。",
    )


diagnosis_case = Exercise(
    id="03c-diagnosis-case",
    title="诊断案例：瓶颈在哪一步？第一项行动是什么？",
    title_en="Diagnosis case: the bottleneck and the first action",
    instructions=(
        "某店（乘用车）本月展厅零售 **40 台**，单车毛利 **2 500 元**，单车衍生毛利 **2 000 元**。"
        "漏斗五个环节的比率、标杆、近 6 个月最好水平、基数和过去 6 个月已结案潜客的路径成交率：\n\n"
        + _md_table(["环节比率", "本月", "标杆", "近6个月最好", "基数", "路径成交率"],
                    [(_STAGE_NAMES[m], f"{CASE['rates'][m]:.0%}", f"{b:.0%}", f"{CASE['own_best'][m]:.0%}",
                      _BASE_TEXT[m], _PATH_TEXT[m]) for m, b in
                     [("capture_rate", 0.70), ("call_visit_rate", 0.40), ("revisit_rate", 0.25), ("test_drive_rate", 0.50),
                      ("close_rate", 0.20)]])
        + "\n\n可达目标 = 「近 6 个月最好」与「当前 + 差距的一半」中较高的一个，但不超过标杆；多销台数 = (可达目标 − 当前) × 基数 × "
        "(走这条路径的成交率 − 不走的成交率)（信息留存率乘全部潜客成交率，成交率直接乘 L + N）。"
        "找出多得毛利最大的环节（瓶颈），算出它多销几台，再从对策表中选出第一项行动，并用一两句话说明理由。"
    ),
    instructions_en="Find the bottleneck by extra gross at the reachable target (path model), compute it, pick the first action.",
    fields={
        "bottleneck": ChoiceField("瓶颈环节", "Bottleneck", options=_STAGE_NAMES),
        "stake": NumberField("瓶颈环节提到可达目标可多销", "Extra sales of the bottleneck at its reachable target", unit="台"),
        "action": ChoiceField("第一项行动", "First action", options={k: v[0] for k, v in _ACTIONS.items()}),
        "why": TextField("理由（给店总的一两句话）", "Why (one or two sentences)", rows=3),
    },
    check=check_diagnosis,
    model_answer=lambda answer=None: (
        f"**参考答案**：瓶颈是{_STAGE_NAMES[_case_answer()['bottleneck']]}，提到{_case_answer()['basis']} "
        f"{_case_answer()['target']:.0%} 可多销约 {_case_answer()['stake']:.1f} 台（毛利约 {_case_answer()['gross']:,.0f} 元，"
        "含衍生毛利）；第一项行动：用试乘试驾 A/B 表提醒流程和体验点，介绍结束必发试驾邀请。\n\n"
        f"**理由示例**：试驾过的潜客成交 50%，没试驾的只有 15%；把试乘试驾率从 38% 提到本店做到过的 47%，"
        f"可多销约 {_case_answer()['stake']:.1f} 台、毛利约 {_case_answer()['gross'] / 1e4:.1f} 万元，比其他任何环节都多，所以先从试乘试驾抓起。"
    ),
)

# ----------------------------------------------------------------------------------------------------------------
# 03d 客流从哪里来、谁看流程、登记到哪张表

#: first showroom visits of the 03d case by source (one store, one month)
MIX_CASE = {"自然到店": 165, "来电邀约": 45, "网络邀约": 39, "活动": 16}
#: leads of the 03d case closed over six months, by source: (closed, sold)
ONLINE_CASE = {"自然到店": (745, 243), "来电": (534, 70), "网络平台": (451, 70)}

_ROLES = {"gm": "总经理", "sm": "销售经理", "trainer": "内训师", "floor": "展厅经理"}
_ROLES_EN = {"gm": "general manager", "sm": "sales manager", "trainer": "trainer", "floor": "showroom manager"}
#: what is watched → the role whose purpose it is
ROLE_VIEWS = {
    "v1": ("流程和销量、毛利之间的因果：资源（人、车、广告费）该投在哪一步", "gm"),
    "v2": ("每个环节的比率和顾问之间的差距，下周的排班和每人的跟进任务", "sm"),
    "v3": ("哪一步的动作不规范、话术不熟，据此安排演练和考核", "trainer"),
    "v4": ("现场有没有按标准接待、登记、安排试驾，当场纠正", "floor"),
    "v5": ("流程是否被全店执行、是否需要调整组织和考核方式", "gm"),
    "v6": ("新顾问的环车介绍演练是否过关", "trainer"),
}

_TABLES = {"leads": "潜客表", "visits": "展厅客流表", "calls": "来电表", "test_drives": "试乘试驾表",
           "sales": "销售表"}
_TABLES_EN = {"leads": "leads", "visits": "visits", "calls": "calls", "test_drives": "test drives", "sales": "sales"}
#: a form of the showroom or a DMS report → the table of the product that holds it
FORM_TABLES = {
    "f1": ("客户意向登记卡（姓名、电话、意向车型、意向级别）", "leads"),
    "f2": ("展厅客流登记表（每批客人的到店时间、人数、接待顾问）", "visits"),
    "f3": ("来电登记表（来电时间、咨询车型、是否留下电话）", "calls"),
    "f4": ("试乘试驾协议与登记（驾照、路线、满意度）", "test_drives"),
    "f5": ("管理系统的“意向明细”报表", "leads"),
    "f6": ("管理系统的“展厅客流统计分析表”", "visits"),
    "f7": ("开票和交车登记", "sales"),
}


def mix_case_numbers() -> dict:
    """The 03d numbers computed by :func:`dealerlab.funnel.traffic_mix` and :func:`dealerlab.funnel.lead_sources`."""
    rows = [(s, i) for s, n in MIX_CASE.items() for i in range(n)]
    visits = pd.DataFrame({"visit_id": [f"V{i}" for i in range(len(rows))], "store_id": "S",
                           "visit_date": pd.Timestamp("2026-10-10"), "visit_type": "首次", "lead_id": None,
                           "staff_id": "E", "source": [s for s, _i in rows]})
    lrows = [(s, "成交" if i < sold else "战败") for s, (closed, sold) in ONLINE_CASE.items() for i in range(closed)]
    leads = pd.DataFrame({"lead_id": [f"L{i}" for i in range(len(lrows))], "store_id": "S", "staff_id": "E",
                          "created_date": pd.Timestamp("2026-06-01"), "first_contact": "到店",
                          "channel": [s for s, _t in lrows], "intent_level": "H", "model": "X",
                          "status": [t for _s, t in lrows], "closed_date": pd.Timestamp("2026-07-01"),
                          "lost_reason": None, "name": "甲", "phone": "1", "account_id": None})
    ds = Dataset.from_frames({"visits": visits, "leads": leads})
    mix = traffic_mix(ds, periods=["2026-10"]).set_index("source")["share"]
    src = lead_sources(ds, periods=["2026-07"]).set_index("source")["sold_share"]
    return {"online_share": float(mix["网络邀约"]), "online_sold": float(src["网络平台"]),
            "walkin_sold": float(src["自然到店"])}


def _check_sources_roles(answer: dict) -> Feedback:
    n = mix_case_numbers()
    ok_share = is_close(answer.get("online_share"), n["online_share"], tolerance=0.006)
    ok_sold = is_close(answer.get("online_sold"), n["online_sold"], tolerance=0.006)
    roles = answer.get("roles") or {}
    r_wrong = wrong_cases(roles, ROLE_VIEWS)
    forms = answer.get("forms") or {}
    f_wrong = wrong_cases(forms, FORM_TABLES)
    share_msg = "网络邀约的占比 = 网络邀约到店批次 ÷ 全部首次到店批次"
    if is_close(answer.get("online_share"), 39 / 249, tolerance=0.006):
        share_msg = "分母是全部四个来源的首次到店批次之和（包括活动）"
    details = [
        ("online_share", ok_share, share_msg),
        ("online_sold", ok_sold, "网络线索的成交占比 = 网络平台已结案潜客中成交的 ÷ 网络平台已结案潜客"),
        ("online_action", answer.get("online_action") == "b",
         "先比较网络线索和自然到店线索的成交占比，再决定是该花钱买更多线索，还是该补跟进"),
        ("roles", not r_wrong,
         f"第 {case_numbers(r_wrong, ROLE_VIEWS)} 条再想想：总经理看因果和资源，销售经理看比率和人，"
         "内训师看技能，展厅经理看现场" if r_wrong else ""),
        ("forms", not f_wrong,
         f"第 {case_numbers(f_wrong, FORM_TABLES)} 项登记到哪张表不对：留下联系方式的是潜客，每批进店是客流，"
         "每个来电是来电，试驾和开票各有各的表" if f_wrong else ""),
    ]
    return Feedback.grade(
        details,
        weights={"online_share": 1, "online_sold": 1, "online_action": 1, "roles": 2, "forms": 2},
        explanation=(
            f"**客流构成：** 网络邀约 39 ÷ 265 = **{n['online_share']:.1%}**。构成比例告诉市场部钱该花在哪个来源上。\n\n"
            f"**线上集客：** 网络平台的已结案潜客 451 条中成交 70 条，成交占比 **{n['online_sold']:.1%}**；自然到店是 "
            f"{n['walkin_sold']:.1%}。加大线上营销之前，先看线上线索成交得怎么样——成交占比低，要先补跟进和邀约到店"
            "（首次响应速度、短信和电话模板、邀约试驾），否则线索越多，浪费越多。\n\n"
            "**各角色关注流程的目的不同：** 总经理看流程和业绩的因果、资源投在哪一步、流程是否被执行；销售经理看每个环节的比率"
            "和顾问差距，安排排班和跟进；内训师看动作和话术，安排演练；展厅经理看现场执行，当场纠正。\n\n"
            "**登记工具：** 意向卡 → 潜客表，客流登记表 → 展厅客流表，来电登记表 → 来电表，试驾登记 → 试乘试驾表，"
            "开票 → 销售表。管理系统里的报表就是这些表的汇总：登记不全，所有比率都会失真。"
        ),
        explanation_en="Traffic mix share, sold share of online leads, what each role watches, which table each form fills.",
        hint="先把四个来源的批次加起来作分母。",
    )


def _sources_roles_model(answer=None) -> str:
    n = mix_case_numbers()
    roles = answer_key(ROLE_VIEWS, _ROLES.get)
    forms = answer_key(FORM_TABLES, _TABLES.get)
    return (f"1. {n['online_share']:.1%}；2. {n['online_sold']:.1%}；3. 先把已有网络线索的跟进和邀约到店做好。\n\n"
            f"4. {roles}。\n\n5. {forms}。")


sources_roles = Exercise(
    id="03d-sources-roles",
    title="练习 3D：客流从哪里来、谁看流程的什么、登记到哪张表",
    title_en="Exercise 3D: traffic sources, who watches what, which table each form fills",
    instructions=(
        "某店 10 月的首次到店批次：" + "、".join(f"{k} {v}" for k, v in MIX_CASE.items())
        + f"（合计 {sum(MIX_CASE.values())} 批）。近 6 个月已结案的潜客（成交或战败）："
        + "；".join(f"{k} {c} 条、成交 {s} 条" for k, (c, s) in ONLINE_CASE.items()) + "。\n\n"
        "1. 网络邀约占首次到店批次的比例是多少？\n"
        "2. 网络平台线索的成交占比是多少？\n"
        "3. 总经理想“加大线上营销力度”，第一步该做什么？\n"
        "4. 下面六件事，各是哪个角色关注流程的目的？\n\n"
        + case_lines(ROLE_VIEWS, indent="   ")
        + "\n\n5. 下面的登记工具和报表，各对应本课程数据里的哪张表？\n\n"
        + case_lines(FORM_TABLES, indent="   ")
    ),
    instructions_en="Traffic mix, online leads' sold share, the first step for more online marketing, role views, forms.",
    fields={
        "online_share": NumberField("网络邀约占比", "Online share of traffic", percent=True),
        "online_sold": NumberField("网络线索成交占比", "Sold share of online leads", percent=True),
        "online_action": ChoiceField(
            "加大线上营销的第一步", "First step for more online marketing",
            options={"a": "加大网络平台的广告预算，买更多线索",
                     "b": "先查网络线索的跟进：首次响应快不快、有没有邀约到店和试驾，把已有线索做透",
                     "c": "线上客户不靠谱，减少网络投入"},
            options_en={"a": "buy more online leads", "b": "fix the follow-up of online leads first",
                        "c": "cut online marketing"},
        ),
        "roles": case_field("谁关注这件事", "Whose purpose", ROLE_VIEWS, _ROLES, _ROLES_EN, item="第 {n} 条"),
        "forms": case_field("登记到哪张表", "Which table", FORM_TABLES, _TABLES, _TABLES_EN, item="第 {n} 项"),
    },
    check=_check_sources_roles,
    model_answer=_sources_roles_model,
)

# ----------------------------------------------------------------------------------------------------------------
# 03e 流程里的人：关键时刻、六项能力、短信、基盘开发、连带销售

_MOT = {"plus": "正面关键时刻", "minus": "负面关键时刻"}
_MOT_EN = {"plus": "positive moment", "minus": "negative moment"}
MOT_CASES = {
    "m1": ("客户进门 30 秒内有顾问微笑迎接、递上名片", "plus"),
    "m2": ("客户来电问价，接电话的人说“你来店里再说”就挂了", "minus"),
    "m3": ("试驾前顾问按客户关心的油耗设计了一段路线", "plus"),
    "m4": ("交车时车内有上一位试驾客户留下的烟味", "minus"),
    "m5": ("客户离店后当晚收到顾问的感谢短信，写着他关心的配置", "plus"),
    "m6": ("约好周六试驾，客户到店时试驾车没油", "minus"),
    "m7": ("客户犹豫时，顾问说“今天不定，明天就没这个价了”，客户觉得被逼", "minus"),
    "m8": ("首保前三天收到提醒，预约后到店不用排队", "plus"),
}
_SKILLS = {"develop": "开发客户", "trust": "建立信任", "needs": "挖掘需求", "value": "展现价值",
           "objection": "解决异议", "close": "轻松成交"}
_SKILLS_EN = {"develop": "prospecting", "trust": "building trust", "needs": "finding needs", "value": "showing value",
              "objection": "handling objections", "close": "closing"}
SKILL_CASES = {
    "k1": ("整理去年交车客户名单，逐个回访并请满意的客户转介绍", "develop"),
    "k2": ("第一次见面先自我介绍、记住客户称呼，兑现每一个小承诺", "trust"),
    "k3": ("问清谁开车、每天通勤多远、家里几口人、预算多少", "needs"),
    "k4": ("针对客户关心的安全，用六方位介绍把主动刹车演示出来", "value"),
    "k5": ("客户说“比对手贵”，先认同再对比配置和保值率", "objection"),
    "k6": ("看到客户反复问交车时间，主动提出今天签约可锁定本月交车", "close"),
}

_SMS_RULES = {
    "greet": ["您好", "先生", "女士", "尊敬"],
    "thanks": ["感谢", "谢谢"],
    "invite": ["试驾", "到店", "邀请", "欢迎", "预约"],
    "contact": ["电话", "联系", "微信", "顾问", "我是"],
}
_SMS_MSG = {
    "greet": "称呼客户（您好、张先生……）",
    "thanks": "感谢客户来店或来电",
    "invite": "给出下一步的邀约（预约试驾、周末到店……）",
    "contact": "留下你的身份和联系方式（我是某店顾问某某、电话……）",
}


def _check_people(answer: dict) -> Feedback:
    mot = answer.get("mot") or {}
    m_wrong = wrong_cases(mot, MOT_CASES)
    skills = answer.get("skills") or {}
    s_wrong = wrong_cases(skills, SKILL_CASES)
    sms = str(answer.get("sms") or "")
    found = find_keywords(sms, _SMS_RULES)
    missing = [k for k, ok in found.items() if not ok]
    ok_sms = 15 <= len(sms) <= 140 and not missing
    sms_msg = "；".join(_SMS_MSG[k] for k in missing) if missing else (
        "短信要短：不超过 140 个字，客户一眼看完" if len(sms) > 140 else "再具体一点（至少 15 个字）")
    details = [
        ("mot", not m_wrong, f"第 {case_numbers(m_wrong, MOT_CASES)} 个场景再想想：客户离开时记住的是好印象还是坏印象？"
         if m_wrong else ""),
        ("skills", not s_wrong, f"第 {case_numbers(s_wrong, SKILL_CASES)} 个行为对应的能力不对" if s_wrong else ""),
        ("sms", ok_sms, sms_msg),
        ("base", answer.get("base") == "b",
         "哪一类客户对你已经有信任、开发成本又最低？"),
        ("addon", answer.get("addon") == "c",
         "在哪个时刻推荐配套产品，既不打乱成交、客户又最容易接受？"),
    ]
    return Feedback.grade(
        details,
        weights={"mot": 2, "skills": 2, "sms": 2, "base": 1, "addon": 1},
        explanation=(
            "**关键时刻（MOT）：** 客户和店里的每一次接触都会留下一个持续的印象，正面或负面。像宜家一样，把流程里的关键时刻"
            "找出来、细化成标准动作，全员理解一致、行为统一——一个负面时刻（试驾车没油）就能抵消好几个正面时刻。\n\n"
            "**六项能力：** 开发客户 → 建立信任 → 挖掘需求 → 展现价值 → 解决异议 → 轻松成交，对应流程的九步；"
            "顾问式演练就是按这六项逐项打 ✓/✗。\n\n"
            "**短信模板：** 称呼、感谢、下一步邀约、身份和联系方式，短而具体。\n\n"
            "**基盘开发：** 按系统提示按时回访保有客户、请满意的客户转介绍和置换；和售后满意度连在一起（模块 9）。\n\n"
            "**连带销售：** 在客户确定购买后推荐配套产品，每一单都问一遍，养成习惯，提高单车衍生毛利（衍生产品渗透率）。"
        ),
        explanation_en="Moments of truth, the six selling skills, an SMS template, prospecting the base, cross-selling.",
        hint="关键时刻看的是客户的感受，不是顾问做了多少事。",
    )


def _people_model(answer=None) -> str:
    mot = answer_key(MOT_CASES, lambda w: _MOT[w][:2])
    skills = answer_key(SKILL_CASES, _SKILLS.get)
    return (f"**关键时刻：** {mot}。\n\n**六项能力：** {skills}。\n\n"
            "**短信（参考）：** “张先生您好，我是某某店的销售顾问小王，感谢您今天来店看车。您关心的油耗和后排空间，"
            "周六上午可以安排一次试驾亲自感受，方便的话回复我预约，电话 138xxxx。”\n\n"
            "**基盘：** 按提示按时回访老客户，请满意的客户转介绍和置换。**连带：** 客户确定购买后推荐配套产品。")


process_people = Exercise(
    id="03e-process-people",
    title="练习 3E：流程里的人——关键时刻、六项能力、短信、基盘与连带销售",
    title_en="Exercise 3E: people in the process — moments of truth, six skills, SMS, base, cross-selling",
    instructions=(
        "1. 下面八个场景，哪些是正面关键时刻、哪些是负面关键时刻？\n\n"
        + case_lines(MOT_CASES, indent="   ")
        + "\n\n2. 顾问式演练时，下面六个行为各体现了哪一项销售能力？\n\n"
        + case_lines(SKILL_CASES, indent="   ")
        + "\n\n3. 张先生今天来店看了一款 SUV，关心油耗和后排空间，没留下订单。写一条当晚发给他的短信。\n"
        "4. 基盘客户开发，第一步做什么？\n"
        "5. 连带销售（保险、贷款、精品、延保）什么时候推荐最合适？"
    ),
    instructions_en="Moments of truth, six skills, an SMS to a visitor, base prospecting, when to cross-sell.",
    fields={
        "mot": case_field("正面还是负面", "Positive or negative", MOT_CASES, _MOT, _MOT_EN, item="场景 {n}"),
        "skills": case_field("哪一项能力", "Which skill", SKILL_CASES, _SKILLS, _SKILLS_EN, item="行为 {n}"),
        "sms": TextField("当晚的短信", "The evening SMS", rows=3,
                         placeholder="称呼 + 感谢 + 下一步邀约 + 你的身份和电话"),
        "base": ChoiceField(
            "基盘客户开发的第一步", "First step to prospect the base",
            options={"a": "周末去小区发传单", "b": "按系统提示按时回访保有客户，请满意的客户转介绍、置换",
                     "c": "向网络平台多买线索"},
            options_en={"a": "hand out flyers", "b": "call owners on time, ask for referrals and trade-ins",
                        "c": "buy more online leads"},
        ),
        "addon": ChoiceField(
            "连带销售的时机", "When to cross-sell",
            options={"a": "客户一进门就先介绍贷款和精品套餐", "b": "报价谈判最僵的时候拿精品做让步",
                     "c": "客户确定购买后（签约、付款时）推荐和这台车配套的产品"},
            options_en={"a": "at the door", "b": "as a concession in price talks", "c": "once the customer has decided"},
        ),
    },
    check=_check_people,
    model_answer=_people_model,
)

EXERCISES = [showroom_log, whatif_slider, diagnosis_case, sources_roles, process_people]
