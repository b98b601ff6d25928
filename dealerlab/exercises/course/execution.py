"""Exercises of course module 10 — execution and organisation (trainer notebooks ``10a``–``10d``).

* :data:`three_no` (10a) — six cases from a dealership: diagnose each as 能不能做 / 会不会做 / 愿不愿做 (seed 004) and pick
  the lever: 规范 (作业规范、流程/人力管理), 培训 (培训、演练、日常考核) or 激励 (鼓励制度、绩效考核); plus the principle
  「知道了，没有做，等于不知道」.
* :data:`six_s_4` (10b) — classify site observations into the 6S, management measures into the 4化, and daily tasks to
  the role that owns them (关键岗位职责); score a 6S audit (:func:`dealerlab.execution.six_s_score`).
* :data:`daily_close_case` (10c) — 日清日结 on selling days: time progress, tomorrow's target (日结日高), the new hires'
  脱落率, and an evening close-out note checked for its elements.
* :data:`training_plan` (10d) — 培训方案: the first step (choice), who needs which course and the hours (table, from
  :func:`dealerlab.execution.training_needs`), a checkable goal (text).

The numbers of 10c come from :func:`dealerlab.targets.daily_close`, :func:`dealerlab.targets.day_weights` and
:func:`dealerlab.execution.recruiting` (the same functions as notebook 10). Nothing happens at import time except
building these plain-data definitions (10c's numbers are computed on a small fixed case when first checked).
"""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd

from dealerlab.data.dataset import Dataset
from dealerlab.execution import recruiting, six_s_score, training_needs
from dealerlab.exercises import (
    ChoiceField,
    Exercise,
    Feedback,
    NumberField,
    TableField,
    TextField,
    find_keywords,
    is_close,
)
from dealerlab.exercises.course._sorting import answer_key, case_field, case_lines, case_names, wrong_cases
from dealerlab.targets import daily_close, day_weights

__all__ = ["three_no", "six_s_4", "daily_close_case", "THREE_NO_CASES", "SIX_S_ITEMS", "FOUR_ITEMS", "ROLE_TASKS",
           "AUDIT", "audit_numbers", "HEADCOUNT", "headcount_needed", "daily_case_numbers", "training_plan",
           "SKILL_SCORES", "SKILLS", "COURSE_HOURS", "training_numbers", "EXERCISES"]

# ----------------------------------------------------------------------------------------------------------------
# 10a 能不能 / 会不会 / 愿不愿做

_NO = {"can": "能不能做（条件/规范）", "know": "会不会做（能力）", "will": "愿不愿做（意愿）"}
_NO_EN = {"can": "able to (conditions, rules)", "know": "know how (skills)", "will": "willing (motivation)"}
_LEVER = {"rules": "规范：作业规范、流程/人力管理", "train": "培训：培训、演练、日常考核", "reward": "激励：鼓励制度、绩效考核"}
_LEVER_EN = {"rules": "rules: standards, process, staffing", "train": "training: train, drill, daily checks",
             "reward": "incentives: rewards, appraisal"}
_LEVER_OF = {"can": "rules", "know": "train", "will": "reward"}

#: case id → (zh text, diagnosis)
THREE_NO_CASES = {
    "c1": ("新来的销售顾问小王不会做环车六方位介绍，客户问到安全配置就卡壳。", "know"),
    "c2": ("周六客流高峰，展厅只有 2 名顾问在岗，客户等了 20 分钟没人接待，排班表上周末和工作日一样。", "can"),
    "c3": ("老顾问老李话术熟练、产品精通，但上月起不再主动邀约试驾——试驾提成取消后，他说“做了也白做”。", "will"),
    "c4": ("服务顾问都知道要做交车回访，可系统里没有回访模板，也没规定谁在几天内打电话。", "can"),
    "c5": ("服务顾问填写的预检单漏项很多，一问才知道他们没学过新版预检单的填写要求。", "know"),
    "c6": ("客服专员会用 CRM、流程也清楚，但回访完成率连续三个月只有 60%，完成与否收入没有任何差别。", "will"),
}


def _check_three_no(answer: dict) -> Feedback:
    diag = answer.get("diagnosis") or {}
    lever = answer.get("lever") or {}
    d_wrong = wrong_cases(diag, THREE_NO_CASES)
    l_wrong = [k for k, (_t, want) in THREE_NO_CASES.items() if lever.get(k) != _LEVER_OF[want]]
    # a lever that fits the trainee's own diagnosis but the diagnosis is wrong: say so once
    consistent = [k for k in l_wrong if diag.get(k) and lever.get(k) == _LEVER_OF.get(diag.get(k))]

    def names(keys):
        return case_names(keys, THREE_NO_CASES, "案例 {n}")

    d_msg = f"{names(d_wrong)} 的诊断再想想：缺条件/规范（能不能）、缺方法（会不会）、还是缺动力（愿不愿）？" if d_wrong else ""
    l_msg = ""
    if l_wrong:
        l_msg = f"{names(l_wrong)} 的手段和问题不对应：能不能 → 规范，会不会 → 培训，愿不愿 → 激励"
        if consistent:
            l_msg += f"（{names(consistent)} 的手段和你的诊断一致，问题出在诊断上）"
    ok_principle = answer.get("principle") == "b"
    ok_gm = answer.get("gm") == "b"
    details = [
        ("diagnosis", not d_wrong, d_msg),
        ("lever", not l_wrong, l_msg),
        ("principle", ok_principle, "“知道了，没有做，等于不知道”：检查的是有没有做、做出了什么结果"),
        ("gm", ok_gm, "总经理是中层经理的指导者：和销售经理一起找出落后环节，定到人、定到时间，再跟进检查——不是自己顶上，也不是等月底"),
    ]
    if "gm" not in answer and "diagnosis" in answer:  # an answer saved before the GM question existed
        details = details[:3]
    return Feedback.grade(
        details,
        weights={"diagnosis": 2, "lever": 2, "principle": 1, "gm": 1},
        explanation=(
            "执行不到位先分清是哪一种“不”：**能不能做**是基础——人手、排班、工具、流程和规范没到位，再培训也没用，"
            "要先补**规范**（作业规范、流程、人力安排）；**会不会做**是能力——用**培训**、演练和日常考核补上；"
            "**愿不愿做**是意愿——会做也有条件却不做，要靠**激励**（鼓励制度、绩效考核）把做与不做的差别拉开。\n\n"
            "顺序也重要：先解决能不能，再解决会不会，最后解决愿不愿；把“能不能”的问题当成“愿不愿”去罚人，只会伤士气。"
        ),
        explanation_en=(
            "Able to (conditions, rules) → fix the standards and staffing; know how (skills) → training and drills; "
            "willing (motivation) → incentives and appraisal. Fix them in that order."
        ),
        hint="先问：条件和规范有没有？再问：他会不会？最后问：他想不想？",
        hint_en="Ask in order: are the conditions there? can they do it? do they want to?",
    )


three_no = Exercise(
    id="10a-three-no",
    title="练习 10A：执行不到位，是能不能、会不会，还是愿不愿？",
    title_en="Exercise 10A: able to, know how, or willing?",
    instructions=(
        "下面是店里常见的六个“执行不到位”。先判断每个属于哪一种“不”，再为它选一个最先用的管理手段。\n\n"
        + case_lines(THREE_NO_CASES)
    ),
    instructions_en="Six cases of poor execution: diagnose each (able / know how / willing) and pick the first lever.",
    fields={
        "diagnosis": case_field("诊断：哪一种“不”", "Diagnosis", THREE_NO_CASES, _NO, _NO_EN, item="案例 {n}"),
        "lever": case_field("最先用的手段", "First lever", THREE_NO_CASES, _LEVER, _LEVER_EN, item="案例 {n}"),
        "principle": ChoiceField(
            "“知道了，没有做，等于不知道”说的是什么？", "What does 'knowing without doing is not knowing' mean?",
            options={
                "a": "培训越多越好，知道得多执行力就强",
                "b": "执行力看的是有没有做、做出了什么结果，不看开会时说知道",
                "c": "员工不知道就不用做",
            },
            options_en={"a": "more training is always better", "b": "execution is judged by what is done and its result",
                        "c": "staff who do not know need not act"},
        ),
        "gm": ChoiceField(
            "总经理 15 日发现销量落后于时间进度，他的第一件事是？", "The GM sees sales behind on the 15th. First step?",
            options={
                "a": "自己下展厅接待客户，带头冲量",
                "b": "和销售经理一起看看板，找出落后的环节，定下谁在什么时候做什么，并约好复查",
                "c": "先不干预，等月底看结果再奖惩",
            },
            options_en={"a": "sell on the floor himself", "b": "review the board with the sales manager, assign who does "
                        "what by when, and check back", "c": "wait for the month end"},
        ),
    },
    check=_check_three_no,
    model_answer=(
        "**参考答案**\n\n| 案例 | 诊断 | 手段 |\n|---|---|---|\n"
        + "\n".join(f"| {i} | {_NO[w]} | {_LEVER[_LEVER_OF[w]]} |" for i, (_t, w) in enumerate(THREE_NO_CASES.values(), start=1))
        + "\n\n“知道了，没有做，等于不知道”：选 b。总经理的第一件事：选 b——他是中层经理的指导者，"
        "抓的是过程检查和责任到人（正规军：每日、每周、每月的工作有章有法）。"
    ),
)

# ----------------------------------------------------------------------------------------------------------------
# 10b 6S, 4化 and job duties

_SIX = {"整理": "整理（要与不要分开，不要的清走）", "整顿": "整顿（定位、定量、标识，30 秒找到）", "清扫": "清扫（打扫并检查设备）",
        "清洁": "清洁（把前三个 S 制度化、保持住）", "素养": "素养（人人按规定做，养成习惯）", "安全": "安全（消除隐患）"}
_SIX_EN = {"整理": "sort", "整顿": "set in order", "清扫": "shine", "清洁": "standardise", "素养": "sustain", "安全": "safety"}

#: observation → 6S element
SIX_S_ITEMS = {
    "s1": ("展厅角落堆着上季度的旧海报和空纸箱", "整理"),
    "s2": ("维修工具没有定位板，技师每次要找扳手", "整顿"),
    "s3": ("展车轮胎和门槛有灰，每天开门前没人擦", "清扫"),
    "s4": ("清洁检查表只在厂家检核前一周才填写", "清洁"),
    "s5": ("接待员不按规定着装、佩戴工牌，提醒了也不改", "素养"),
    "s6": ("钣喷车间的灭火器过期，消防通道堆放配件", "安全"),
}
_FOUR = {"process": "流程合理化", "standard": "作业标准化", "duty": "权责明确化", "data": "管理数据化"}
_FOUR_EN = {"process": "rational process", "standard": "standard work", "duty": "clear responsibility", "data": "data-based control"}
#: measure → 4化 element
FOUR_ITEMS = {
    "f1": ("把交车流程从 11 步精简为 8 步，去掉客户要来回跑的两个环节", "process"),
    "f2": ("制定预检单填写标准，每一项写明检查步骤和合格标准", "standard"),
    "f3": ("回访不满意客户由客服经理负责，48 小时内必须回复，写进岗位职责", "duty"),
    "f4": ("每周用系统数据统计各顾问的邀约到店率，和目标比较后再开会", "data"),
}
_ROLES = {"gm": "总经理", "sm": "销售经理", "sc": "销售顾问", "cs": "客服经理", "sa": "服务经理", "trainer": "内训师"}
_ROLES_EN = {"gm": "general manager", "sm": "sales manager", "sc": "sales consultant", "cs": "customer service manager",
             "sa": "service manager", "trainer": "in-house trainer"}
#: task → role (seed 001「关键岗位职责」)
ROLE_TASKS = {
    "r1": ("制定门店年度经营目标，批准各部门预算", "gm"),
    "r2": ("主持销售晨会，每天检查每位顾问的进度看板", "sm"),
    "r3": ("每天跟进意向客户，按约安排试乘试驾", "sc"),
    "r4": ("组织客户回访，处理投诉并分析满意度结果", "cs"),
    "r5": ("安排车间派工，检查一次修复率和返修原因", "sa"),
    "r6": ("做培训需求分析，给新人上产品和流程课并考核", "trainer"),
}


#: a showroom 6S audit (2 = met, 1 = partly, 0 = not met) — the one of notebook 10 §3
AUDIT = [
    ("整理", "展厅无杂物、无过期物料", 2), ("整理", "顾问工位只放当天资料", 1), ("整顿", "资料架、车型单页定位并标识", 2),
    ("清扫", "展车车身、轮胎、门槛无灰", 1), ("清扫", "洽谈桌椅整洁", 2), ("清洁", "每日 6S 检核表按时填写", 0),
    ("素养", "着装、工牌符合规定", 2), ("素养", "客户进店 30 秒内有人接待", 1), ("安全", "灭火器在有效期、通道畅通", 2),
]


#: headcount plan (人员编制): store → (next month's target, 人均单产 of the last months)
HEADCOUNT = {"A": (120, 12.0), "B": (90, 9.5), "C": (70, 14.0)}


def headcount_needed() -> dict[str, int]:
    """Consultants needed per store = target ÷ 人均单产, rounded up (a fraction of a person still needs a person).

    Returns
    -------
    dict
        Store → whole number of consultants.
    """
    return {k: int(math.ceil(t / p - 1e-9)) for k, (t, p) in HEADCOUNT.items()}


@lru_cache(maxsize=1)
def audit_numbers() -> dict:
    """The model answer of the 6S audit part of :data:`six_s_4`, from :func:`dealerlab.execution.six_s_score`.

    Returns
    -------
    dict
        ``total`` (score as a share of the maximum), ``weakest`` (the S with the lowest score).
    """
    t = six_s_score([{"s": a, "item": b, "points": c} for a, b, c in AUDIT]).set_index("s")
    per = t.drop(index="合计")["score"].dropna()
    return {"total": float(t.loc["合计", "score"]), "weakest": str(per.idxmin())}


def _check_six_s_4(answer: dict) -> Feedback:
    details = []
    for field, table, label in (
        ("six", SIX_S_ITEMS, "6S"), ("four", FOUR_ITEMS, "4化"), ("roles", ROLE_TASKS, "岗位"),
    ):
        got = answer.get(field) or {}
        wrong = [i for i, (k, (_t, want)) in enumerate(table.items(), start=1) if got.get(k) != want]
        msg = f"第 {'、'.join(map(str, wrong))} 项的{label}归类不对" if wrong else ""
        details.append((field, not wrong, msg))
    if "headcount" in answer:
        got = {k: ((answer.get("headcount") or {}).get(k) or {}).get("needed") for k in HEADCOUNT}
        want = headcount_needed()
        wrong = [k for k in HEADCOUNT if not is_close(got[k], want[k])]
        down = [k for k in wrong if got[k] is not None and is_close(got[k], want[k] - 1)]
        msg = ""
        if wrong:
            msg = "需要的顾问数 = 下月目标 ÷ 人均单产" + ("；人数要向上取整（算出 9.47 人也要排 10 人）" if down else "") + \
                  f"（{'、'.join(f'{k} 店' for k in wrong)}）"
        details.append(("headcount", not wrong, msg))
    if "audit_total" in answer or "audit_weakest" in answer:
        a = audit_numbers()
        ok_total = is_close(answer.get("audit_total"), a["total"], tolerance=0.006)
        details.append(("audit_total", ok_total, "总分 = 各项得分之和 ÷（检查项数 × 2 分）"))
        details.append(("audit_weakest", answer.get("audit_weakest") == a["weakest"],
                        "看每个 S 的得分率（得分 ÷ 满分），不是看扣分最多的那一项"))
    return Feedback.grade(
        details,
        explanation=(
            "**6S** 是现场管理的六个动作：整理（分开要与不要）、整顿（定位标识）、清扫（打扫即点检）、"
            "清洁（把前三个 S 变成制度并保持）、素养（人人自觉按规定做）、安全。检核前突击填表是“清洁”没做到——"
            "6S 靠日、周、月的定期检核保持，奖励重于处罚、鼓励多于说教。\n\n"
            "**4化** 是把执行落到制度上：流程合理化（流程适合现在的条件）、作业标准化（每一步有标准）、"
            "权责明确化（每项工作落到人）、管理数据化（用客观数据评估）。\n\n"
            "**岗位职责**：每项日常工作要有明确的负责岗位——总经理定目标和预算，销售经理管过程，顾问做客户，"
            "客服经理管回访与投诉，服务经理管车间质量，内训师管培训。"
        ),
        explanation_en="6S = sort, set in order, shine, standardise, sustain, safety; 4化 = process, standard work, "
                       "clear responsibility, data; each daily task belongs to one role.",
        hint="先看问题出在“东西”（整理/整顿/清扫）、“制度”（清洁）、“人”（素养）还是“隐患”（安全）。",
    )


six_s_4 = Exercise(
    id="10b-six-s-4",
    title="练习 10B：6S、4化与岗位职责归类",
    title_en="Exercise 10B: classify into the 6S, the 4化 and job duties",
    instructions=(
        "1. 巡视现场发现下面六个问题，各属于 6S 的哪一个 S？\n\n"
        + case_lines(SIX_S_ITEMS, indent="   ")
        + "\n\n2. 下面四项改善措施，各属于 4化 的哪一化？\n\n"
        + case_lines(FOUR_ITEMS, indent="   ")
        + "\n\n3. 下面六项日常工作，各由哪个岗位负责？\n\n"
        + case_lines(ROLE_TASKS, indent="   ")
        + "\n\n4. 一次展厅 6S 检核的结果（每项 2 分 = 做到、1 分 = 部分做到、0 分 = 没做到）：\n\n"
        + "| S | 检查项 | 得分 |\n|---|---|---|\n" + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in AUDIT)
        + "\n\n   这次检核的总分（得分 ÷ 满分）是多少？哪一个 S 最弱？"
        + "\n\n5. 人员编制：按“需要的销售顾问数 = 下月销量目标 ÷ 人均单产”，三家店各需要几名顾问？（表中灰色为给定数据）"
    ),
    instructions_en="Classify six site observations into the 6S, four measures into the 4化, six tasks to roles.",
    fields={
        "six": case_field("现场问题 → 6S", "Observation → 6S", SIX_S_ITEMS, _SIX, _SIX_EN),
        "four": case_field("改善措施 → 4化", "Measure → 4化", FOUR_ITEMS, _FOUR, _FOUR_EN),
        "roles": case_field("日常工作 → 负责岗位", "Task → role", ROLE_TASKS, _ROLES, _ROLES_EN),
        "audit_total": NumberField("6S 检核总分", "6S audit score", percent=True),
        "headcount": TableField(
            "人员编制（名）", "Headcount plan", rows={k: f"{k} 店" for k in HEADCOUNT},
            columns={"target": "下月目标（台）", "per_head": "人均单产（台）", "needed": "需要顾问（名）"},
            columns_en={"target": "Target", "per_head": "Per head", "needed": "Consultants needed"}, totals=None,
            fixed={**{(k, "target"): t for k, (t, _p) in HEADCOUNT.items()}, **{(k, "per_head"): p for k, (_t, p) in HEADCOUNT.items()}},
        ),
        "audit_weakest": ChoiceField("最弱的 S", "Weakest S", options={k: k for k in _SIX}, options_en=_SIX_EN),
    },
    check=_check_six_s_4,
    model_answer=(
        "**6S**：" + answer_key(SIX_S_ITEMS)
        + "\n\n**4化**：" + answer_key(FOUR_ITEMS, _FOUR.get)
        + "\n\n**岗位**：" + answer_key(ROLE_TASKS, _ROLES.get)
        + "\n\n**6S 检核**：得分 13 ÷ 满分 18 = 72%；最弱的是“清洁”（0 ÷ 2）——检核表没人填，前面做得再好也保持不住。"
        + "\n\n**人员编制**：" + "；".join(f"{k} 店 {t} ÷ {p:g} = {t / p:.2f} → {n} 名" for (k, (t, p)), n
                                          in zip(HEADCOUNT.items(), headcount_needed().values()))
        + "（人数向上取整；再和在职人数、试用期新人比较，决定要不要增员）。"
    ),
)

# ----------------------------------------------------------------------------------------------------------------
# 10c 日清日结 on selling days + new hires' dropout + the evening close-out note

_CASE_TARGET = 60
#: units sold each day 1–15 October 2026 (国庆 1–7): 24 by the 15th
_CASE_DAILY = [3, 2, 2, 1, 2, 1, 2, 1, 1, 2, 2, 1, 1, 2, 1]
#: the March class of new consultants: (days employed when they left, or None = still employed after 90 days)
_CASE_HIRES = {"甲": 25, "乙": None, "丙": 60, "丁": None, "戊": None}


def _case_dataset():
    days = pd.date_range("2026-10-01", periods=len(_CASE_DAILY), freq="D")
    rows = [{"sale_id": f"c{d:%d}-{i}", "store_id": "S9", "staff_id": "A", "invoice_date": d}
            for d, n in zip(days, _CASE_DAILY) for i in range(n)]
    targets = pd.DataFrame({"store_id": ["S9"], "period": ["2026-10"], "metric": ["销量"], "target": [float(_CASE_TARGET)]})
    hire = pd.Timestamp("2026-03-02")
    staff = pd.DataFrame(
        [{"staff_id": k, "store_id": "S9", "name": k, "department": "销售部", "role": "销售顾问", "hire_date": hire,
          "leave_date": (hire + pd.Timedelta(days=v)) if v is not None else pd.NaT} for k, v in _CASE_HIRES.items()]
    )
    return Dataset.from_frames({"sales": pd.DataFrame(rows), "targets": targets, "staff": staff})


@lru_cache(maxsize=1)
def daily_case_numbers() -> dict:
    """The model numbers of :data:`daily_close_case` from :func:`dealerlab.targets.daily_close` and
    :func:`dealerlab.execution.recruiting` on the fixed case.

    Returns
    -------
    dict
        ``sold`` (units by the 15th), ``time_progress``, ``achievement``, ``next_target`` (16 October),
        ``dropout_rate``, ``elapsed``/``total`` (Σ day weights).
    """
    ds = _case_dataset()
    close = daily_close(ds, period="2026-10", as_of="2026-10-15", store_id="S9").iloc[-1]
    w = day_weights("2026-10", ds=ds, store_id="S9")
    rec = recruiting(ds, periods=["2026-03"], as_of="2026-10-31").iloc[0]
    return {
        "sold": float(close["cumulative"]),
        "time_progress": float(close["time_progress"]),
        "achievement": float(close["achievement"]),
        "next_target": float(close["next_target"]),
        "dropout_rate": float(rec["dropout_rate"]),
        "elapsed": float(w.loc[w["date"] <= "2026-10-15", "weight"].sum()),
        "total": float(w["weight"].sum()),
    }


_NOTE_RULES = {
    "numbers": ["台", "%", "目标", "进度"],
    "cause": ["原因", "因为", "问题", "卡在", "没有"],
    "owner": ["负责", "顾问", "经理", "谁", "我"],
    "when": ["明天", "明日", "晨会", "今晚", "16日", "16 日", "上午", "下午"],
}
_NOTE_MSG = {
    "numbers": "写出今天的数字：目标、实际、时间进度或差几台",
    "cause": "写出今天落后的原因（问题卡在哪一步）",
    "owner": "写清楚谁来做（岗位或姓名）",
    "when": "写清楚什么时候做、什么时候复查（明天晨会、明天下班前……）",
}


def _check_daily(answer: dict) -> Feedback:
    n = daily_case_numbers()
    ok_tp = is_close(answer.get("time_progress"), n["time_progress"], tolerance=0.006)
    ok_ach = is_close(answer.get("achievement"), n["achievement"], tolerance=0.006)
    ok_next = is_close(answer.get("next_target"), n["next_target"], tolerance=0.15) or is_close(
        answer.get("next_target"), float(-(-n["next_target"] // 1)), tolerance=0.0)
    ok_drop = is_close(answer.get("dropout_rate"), n["dropout_rate"], tolerance=0.006)
    note = str(answer.get("note") or "")
    found = find_keywords(note, _NOTE_RULES)
    missing = [k for k, ok in found.items() if not ok]
    ok_note = len(note) >= 20 and not missing
    tp_msg = "时间进度 = 1–15 日的卖车日权重之和 ÷ 全月权重之和（国庆每天 1.8、周末 1.6、工作日 1.0）"
    if is_close(answer.get("time_progress"), 7 / 18, tolerance=0.006):
        tp_msg = "这是法定工作日的进度：展厅国庆和周末都在卖车，要按卖车日权重算"
    details = [
        ("time_progress", ok_tp, tp_msg),
        ("achievement", ok_ach, "达成率 = 1–15 日实际之和 ÷ 月目标"),
        ("next_target", ok_next, "明天目标 = 还差的台数 × 明天的权重 ÷ 剩余各天权重之和"),
        ("dropout_rate", ok_drop, "脱落率 = 试用期（90 天）内离职的人数 ÷ 已经有结论的新人数"),
        ("note", ok_note, "；".join(_NOTE_MSG[k] for k in missing) if missing else "再具体一点（至少 20 个字）"),
    ]
    return Feedback.grade(
        details,
        weights={"time_progress": 1, "achievement": 1, "next_target": 1, "dropout_rate": 1, "note": 2},
        explanation=(
            f"1–15 日卖车日权重 {n['elapsed']:g}，全月 {n['total']:g}：时间进度 **{n['time_progress']:.1%}**；"
            f"实际 {n['sold']:.0f} ÷ {_CASE_TARGET} = **{n['achievement']:.1%}**，落后。还差 {_CASE_TARGET - n['sold']:.0f} 台，"
            f"剩余权重 {n['total'] - n['elapsed']:g}，16 日（周五）权重 1.0 → 明天目标 "
            f"{_CASE_TARGET - n['sold']:.0f} × 1.0 ÷ {n['total'] - n['elapsed']:g} ≈ **{n['next_target']:.2f} 台**（排班按 2 台）。\n\n"
            f"新人 5 人，甲（第 25 天）和丙（第 60 天）在 90 天内离职：脱落率 2 ÷ 5 = **{n['dropout_rate']:.0%}**。\n\n"
            "**日清日结**：当天的目标当天检查，当天的问题当天找原因、定到人、定到时间；**日结日高**：明天的目标"
            "按剩下的任务重新算，而不是月底再算总账。一份合格的晚间小结有数字、原因、负责人和复查时间。"
        ),
        explanation_en=(
            f"Time progress {n['time_progress']:.1%} (selling days), achievement {n['achievement']:.1%}, tomorrow's "
            f"target {n['next_target']:.2f}, dropout {n['dropout_rate']:.0%}. A close-out note needs numbers, the cause, "
            "an owner and when it is reviewed."
        ),
        hint="先把 1–15 日的日权重加起来（国庆 7 天每天 1.8）。",
    )


daily_close_case = Exercise(
    id="10c-daily-close",
    title="练习 10C：日清日结——15 日晚上的小结",
    title_en="Exercise 10C: the daily close on the 15th",
    instructions=(
        f"某店 2026 年 10 月销量目标 **{_CASE_TARGET} 台**。门店不满 12 个月历史，卖车日权重用默认值："
        "工作日 1.0、周六日 1.6、法定节假日 1.8。10 月 1–7 日国庆，10 日（周六）调休上班仍按周六算；"
        "全月权重合计 40.8。\n\n"
        f"1–15 日每天的销量：{'、'.join(map(str, _CASE_DAILY))}（合计 {sum(_CASE_DAILY)} 台）。\n\n"
        "1. 15 日收市时的时间进度（卖车日）是多少？\n"
        "2. 本月至今的达成率是多少？\n"
        "3. 日结日高：16 日（周五）的销量目标是多少台？（还差的台数按剩余各天的权重分，保留一位小数即可）\n"
        "4. 这家店 3 月招了 5 名新顾问：甲第 25 天离职，丙第 60 天离职，其余 3 人已满 90 天试用期。脱落率是多少？\n"
        "5. 写一段 15 日晚上的日结小结（发到工作群）：今天的数字、落后的原因、明天谁做什么、什么时候复查。"
    ),
    instructions_en=(
        f"Month target {_CASE_TARGET}; default selling-day weights; sales 1–15 Oct: {_CASE_DAILY}. 1) time progress, "
        "2) achievement, 3) tomorrow's target, 4) dropout of 5 March hires (two left on day 25 and 60), 5) a close-out note."
    ),
    fields={
        "time_progress": NumberField("时间进度（卖车日）", "Time progress (selling days)", percent=True),
        "achievement": NumberField("达成率", "Achievement", percent=True, ratio_max=3),
        "next_target": NumberField("16 日目标", "Target for the 16th", unit="台"),
        "dropout_rate": NumberField("新人脱落率", "New-hire dropout", percent=True),
        "note": TextField("日结小结", "Close-out note", rows=5,
                          placeholder="例：今天 1 台，累计 24/60 台（40%），时间进度 53%……原因……明天……负责……晨会复查"),
    },
    check=_check_daily,
    model_answer=lambda answer=None: (
        f"1. 时间进度 {daily_case_numbers()['time_progress']:.1%}；2. 达成率 {daily_case_numbers()['achievement']:.1%}；"
        f"3. 16 日目标约 {daily_case_numbers()['next_target']:.1f} 台（排 2 台）；4. 脱落率 {daily_case_numbers()['dropout_rate']:.0%}。\n\n"
        "5. 参考小结：“15 日收市：今天 1 台，本月累计 24/60 台，达成率 40%，时间进度 53%，落后 13 个百分点、约 8 台。"
        "原因：国庆期间邀约不足，节后到店批次少，试驾转化只有两成。明天起：销售经理在晨会把剩余 36 台按天分到每位顾问，"
        "16 日目标 2 台；顾问小张、小李今晚各回访 10 位节日到店未成交客户，邀约周末试驾；明天下班前我复查邀约数，"
        "周六晚再看一次进度。”"
    ),
)


# ----------------------------------------------------------------------------------------------------------------
# 10d 培训方案：从培训需求分析到课时 (seed 001「培训方案」, seed 002「培训需求分析」)

#: the skill scores of eight consultants (monthly check, 100 points): staff → (产品知识, 需求分析, 试乘试驾)
SKILL_SCORES = {
    "顾问 1": (86, 72, 90), "顾问 2": (78, 81, 74), "顾问 3": (92, 65, 70), "顾问 4": (70, 88, 83),
    "顾问 5": (84, 76, 79), "顾问 6": (81, 90, 95), "顾问 7": (75, 70, 68), "顾问 8": (88, 84, 86),
}
SKILLS = {"product": "产品知识", "needs": "需求分析", "drive": "试乘试驾"}
#: course hours per person for each skill
COURSE_HOURS = {"product": 4, "needs": 6, "drive": 3}
STANDARD = 80
#: the first step of a training plan
FIRST_STEP = {
    "a": "培训需求分析：用考核和检核结果找出谁在哪项技能上低于标准",
    "b": "先买一套外部课程，全员参加",
    "c": "让每个人自己报想上的课",
    "d": "等厂家安排培训",
}


@lru_cache(maxsize=1)
def training_numbers() -> pd.DataFrame:
    """The 10d answers from :func:`dealerlab.execution.training_needs` (index = skill key)."""
    rows = [(who, SKILLS[k], s[i]) for who, s in SKILL_SCORES.items() for i, k in enumerate(SKILLS)]
    scores = pd.DataFrame(rows, columns=["staff_id", "skill", "score"])
    t = training_needs(scores, standard=STANDARD, hours={SKILLS[k]: h for k, h in COURSE_HOURS.items()})
    return t.assign(key=list(SKILLS)).set_index("key")


def _check_training(answer: dict) -> Feedback:
    t = training_numbers()
    got = answer.get("plan") or {}
    wrong_n = [SKILLS[k] for k in SKILLS if not is_close((got.get(k) or {}).get("people"), t.loc[k, "below"])]
    wrong_h = [SKILLS[k] for k in SKILLS if not is_close((got.get(k) or {}).get("hours"), t.loc[k, "hours_total"])]
    goal = answer.get("goal") or ""
    found = find_keywords(goal, {"number": [str(d) for d in range(10)] + ["％", "%"],
                                 "kpi": ["试驾率", "成交率", "试乘试驾", "分", "考核", "达标", "检核"]})
    missing = [m for k, m in (("number", "一个数字"), ("kpi", "一个能检查的指标（考核分、试驾率……）")) if not found[k]]
    return Feedback.grade(
        [("first", answer.get("first") == "a", "培训方案的第一步是培训需求分析：先找短板，再定课程"),
         ("plan", not wrong_n and not wrong_h,
          ("、".join(wrong_n) + f"：需培训人数 = 该项低于 {STANDARD} 分的人数（80 分本身达标）" if wrong_n else "")
          + ("；" if wrong_n and wrong_h else "")
          + ("、".join(wrong_h) + "：总课时 = 人数 × 每人课时" if wrong_h else "")),
         ("goal", not missing, "培训目标还缺：" + "、".join(missing) if missing else "")],
        weights={"first": 1, "plan": 2, "goal": 1},
        explanation=(
            "课程的培训方案顺序是：**培训需求分析 → 培训目标 → 对象与时间 → 内容 → 方式 → 评估 → 效果跟踪**。"
            "需求分析把“大家都需要培训”变成“谁、哪一项、差多少”：只培训低于标准的人，课时和费用就有了依据。"
            "目标要能检查（考核分从几分到几分、试驾率从多少到多少），回到岗位后看指标有没有变——培训解决的是"
            "“会不会做”，指标不变就回头看是不是“能不能”“愿不愿”（第 5 节）。"
        ),
        explanation_en="Start from a training-needs analysis: who is below standard in which skill; hours = people × hours each; a checkable goal.",
        hint=f"逐列数低于 {STANDARD} 分的人（不含 80 分）；总课时 = 人数 × 每人课时。",
        hint_en=f"Count per skill the people below {STANDARD} (80 passes); hours = people × hours each.",
    )


def _training_model(answer=None) -> str:
    t = training_numbers()
    rows = "\n".join(f"| {SKILLS[k]} | {t.loc[k, 'staff']} | {t.loc[k, 'below']} | {t.loc[k, 'hours_each']:.0f} | "
                     f"{t.loc[k, 'hours_total']:.0f} |" for k in SKILLS)
    return ("**参考答案**\n\n第一步选 a（培训需求分析）。\n\n| 技能 | 低于 80 分 | 人数 | 每人课时 | 总课时 |\n|---|---|---|---|---|\n"
            + rows + f"\n\n合计 {t['hours_total'].sum():.0f} 课时。培训目标举例：需求分析培训后一个月，参训顾问的需求分析"
            "检核分全部达到 80 分，展厅试乘试驾率从 35% 提高到 45%。")


training_plan = Exercise(
    id="10d-training-plan",
    title="练习 10D：培训方案——从需求分析到课时",
    title_en="Exercise 10D: a training plan from the needs analysis",
    instructions=(
        f"下面是展厅八位销售顾问上月的技能检核分（百分制，标准 {STANDARD} 分）：\n\n| 顾问 | "
        + " | ".join(SKILLS.values()) + " |\n|---|---|---|---|\n"
        + "\n".join(f"| {who} | " + " | ".join(str(x) for x in s) + " |" for who, s in SKILL_SCORES.items())
        + "\n\n每人课时：" + "、".join(f"{SKILLS[k]} {h} 课时" for k, h in COURSE_HOURS.items())
        + "。\n\n1. 培训方案的第一步是什么？\n2. 填表：每项技能需要培训的人数（低于标准的人）和总课时；\n"
          "3. 写一个能检查的培训目标。"
    ),
    instructions_en="From eight consultants' skill scores, count who needs each course and the total hours; set a checkable goal.",
    fields={
        "first": ChoiceField("培训方案的第一步", "First step", options=FIRST_STEP, options_en={
            "a": "training-needs analysis", "b": "buy a course for everyone", "c": "let people choose",
            "d": "wait for the OEM"}),
        "plan": TableField("培训计划", "Training plan", rows=SKILLS, columns={"people": "需培训人数", "hours": "总课时"},
                           columns_en={"people": "people", "hours": "hours"},
                           rows_en={"product": "product knowledge", "needs": "needs analysis", "drive": "test drive"},
                           totals="columns"),
        "goal": TextField("培训目标", "Training goal", rows=2, placeholder="培训后……从……提高到……"),
    },
    check=_check_training,
    model_answer=_training_model,
)

#: All exercises of module 10, in notebook order.
EXERCISES = (three_no, six_s_4, daily_close_case, training_plan)
