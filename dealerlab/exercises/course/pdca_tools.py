"""Exercises of course module 4 — problem-analysis tools (trainer notebooks ``04d`` and ``04e``).

* :data:`fishbone_drill` (04d) — sort twelve causes of a rising comeback rate onto the six bones (人机料法环测) of a
  fishbone (:func:`dealerlab.pdca.fishbone`), say what comes after the fishbone (verify the main causes on data before
  acting), and match the causes of a low KPI to the measure that removes them (seed 002「件均保费偏低原因」turned to a
  dealership figure).
* :data:`gemba_peer` (04e) — the CS PDCA and its base work (seed 004「做好CS管理」): put each activity in P, D, C, A or
  基础建设; a gemba patrol note with who and by when (seed 001「现地现物管理」, three patrols a day of ≥ 20 minutes);
  and 核心数据对比: a store against its peers' median (:func:`dealerlab.pdca.peer_compare`).
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
from dealerlab.exercises.course._sorting import answer_key, answers, case_field, case_lines, classify_detail
from dealerlab.metrics import label
from dealerlab.pdca import peer_compare

__all__ = ["fishbone_drill", "gemba_peer", "COMEBACK_CAUSES", "LOW_KPI_CAUSES", "CS_STEPS", "PEER_TABLE",
           "peer_numbers", "EXERCISES"]

# ----------------------------------------------------------------------------------------------------------------
# 04d fishbone

_BONES = {"人": "人（人员）", "机": "机（设备工具）", "料": "料（零件材料）", "法": "法（方法流程）", "环": "环（环境）",
          "测": "测（检测记录）"}
_BONES_EN = {"人": "Man", "机": "Machine", "料": "Material", "法": "Method", "环": "Environment", "测": "Measurement"}

#: cause id → (zh text, bone)
COMEBACK_CAUSES = {
    "k1": ("两名新技师没有经过带教就独立接单", "人"),
    "k2": ("诊断仪软件一年没有升级，新车型故障码读不全", "机"),
    "k3": ("缺件时用了质量不稳定的副厂件", "料"),
    "k4": ("完工后没有终检，修完直接交车", "法"),
    "k5": ("周末高峰工位全满，技师赶工", "环"),
    "k6": ("交车前不试车、不复测故障", "测"),
    "k7": ("扭力扳手从未校准", "机"),
    "k8": ("派工不看技能等级，难活派给新人", "法"),
    "k9": ("返修工单没有逐单记录原因", "测"),
    "k10": ("技师对新款变速箱的维修手册不熟", "人"),
    "k11": ("机油滤清器批次有问题", "料"),
    "k12": ("工位照明不足，底盘看不清", "环"),
}

_NEXT = {
    "act": "马上对全部 12 个原因同时下对策",
    "verify": "先用数据和现场确认主要原因（例如按工单类型、技师、班组看返修率，抽查返修工单），再对主要原因制定 5W1H 对策",
    "blame": "找出返修最多的技师，扣罚绩效",
    "wait": "继续观察三个月再说",
}

#: the low-KPI drill: 单车精品产值（件均）偏低的原因 → the measure that removes it
_MEASURES = {
    "train": "培训：精品/养护品知识与推荐话术演练",
    "bundle": "产品：按车型和客户用途设计精品套餐",
    "target": "客群：把高配车型、大客户和新车交付作为重点推荐对象",
    "process": "流程：把精品推荐写进交车流程和检核表",
    "incent": "激励：精品产值计入顾问绩效",
}
_MEASURES_EN = {"train": "training", "bundle": "packages", "target": "target segments", "process": "process step",
                "incent": "incentive"}
LOW_KPI_CAUSES = {
    "c1": ("顾问说不出精品的好处，客户一问价格就放弃", "train"),
    "c2": ("只卖一件脚垫，没有组合方案", "bundle"),
    "c3": ("只向低配车客户推荐，高配车和车队客户没人推", "target"),
    "c4": ("交车时忙着办手续，精品推荐经常被跳过", "process"),
    "c5": ("卖不卖精品收入一样，顾问没有动力", "incent"),
}


def _check_fishbone(answer: dict) -> Feedback:
    bones = answers(COMEBACK_CAUSES)
    measures = answers(LOW_KPI_CAUSES)
    details = [
        classify_detail("bones", answer.get("bones"), bones,
                        "人 = 谁在做（技能、带教）；机 = 设备工具；料 = 零件油料；法 = 做法和流程；环 = 场地和节奏；"
                        "测 = 检测、试车和记录"),
        ("next", answer.get("next") == "verify",
         "鱼骨图列出的是“可能的原因”，要先用数据和现场确认哪几个是主要原因，再集中资源下对策"),
        classify_detail("measures", answer.get("measures"), measures,
                        "每个原因对应去掉它的那一个措施：不会说 → 培训；没组合 → 套餐；找错人 → 客群；被跳过 → 流程；"
                        "没动力 → 激励"),
    ]
    return Feedback.grade(
        details,
        weights={"bones": 2, "next": 1, "measures": 2},
        explanation=(
            "鱼骨图把一个结果（鱼头）的原因按**人、机、料、法、环、测**六根大骨摆全，防止只盯着“技师不行”一个方向。"
            "它只是**假设清单**：画完要用数据（按工单类型、技师、班组的返修率）和现场抽查确认主要原因，"
            "再对主要原因写 5W1H 对策、进入 PDCA。\n\n"
            "指标偏低时同理：先列原因清单，再给**每个原因配一个能去掉它的措施**——培训解决不会，流程解决被跳过，"
            "激励解决不愿，套餐和客群解决卖什么、卖给谁。措施对不上原因，做得再多也不见效。"
        ),
        explanation_en=(
            "A fishbone lists possible causes under Man, Machine, Material, Method, Environment and Measurement; verify "
            "the main ones on data before acting. For a low KPI, match each cause with the measure that removes it."
        ),
        hint="“测”是检测和记录；“法”是做法和流程；先验证再行动。",
        hint_en="Measurement = checks and records; Method = the way of working; verify before acting.",
    )


fishbone_drill = Exercise(
    id="04d-fishbone",
    title="练习 4D：鱼骨图——返修为什么多？",
    title_en="Exercise 4D: fishbone — why so many comebacks?",
    instructions=(
        "服务经理带车间开了一次原因分析会，大家说出了下面 12 个可能导致**返修率偏高**的原因。\n\n"
        + case_lines(COMEBACK_CAUSES)
        + "\n\n① 把每个原因放到鱼骨图的一根大骨上；② 画完鱼骨图下一步做什么；"
        "③ 另一家店的**单车精品产值**偏低，为每个原因选一个最对症的措施：\n\n"
        + case_lines(LOW_KPI_CAUSES)
    ),
    instructions_en="Sort 12 comeback causes onto the 6M bones, choose the next step, and match low-KPI causes to measures.",
    fields={
        "bones": case_field("① 原因 → 大骨", "Cause → bone", COMEBACK_CAUSES, _BONES, _BONES_EN),
        "next": ChoiceField("② 鱼骨图画完以后", "After the fishbone", options=_NEXT,
                            options_en={"act": "act on all 12 at once", "verify": "verify the main causes first",
                                        "blame": "fine the technician", "wait": "wait three months"}),
        "measures": case_field("③ 精品产值偏低：原因 → 措施", "Low add-on revenue: cause → measure", LOW_KPI_CAUSES, _MEASURES, _MEASURES_EN),
    },
    check=_check_fishbone,
    model_answer=(
        "**参考答案**\n\n① "
        + answer_key(COMEBACK_CAUSES, mark=" ")
        + "。\n\n② 先验证：用数据（返修率按工单类型、技师、班组拆开）和现场抽查返修工单确认主要原因，再对主要原因写 5W1H 对策。"
        "本例“返修原因没有逐单记录”本身就是要先补上的——没有记录，就无法验证。\n\n③ "
        + answer_key(LOW_KPI_CAUSES, lambda m: _MEASURES[m].split('：')[0], mark=" ")
        + "。"
    ),
)

# ----------------------------------------------------------------------------------------------------------------
# 04e CS PDCA, gemba patrol, peer comparison

_STAGES = {"base": "基础建设（流程、规范、考核）", "P": "P 设定目标", "D": "D 执行展开", "C": "C 检核评价", "A": "A 改善行动"}
_STAGES_EN = {"base": "groundwork", "P": "Plan", "D": "Do", "C": "Check", "A": "Act"}

#: activity id → (zh text, stage)
CS_STEPS = {
    "s1": ("把 CSI “交车说明”一项的季度目标定为 900 分", "P"),
    "s2": ("制定交车说明的标准流程和检核表，写进服务运行标准", "base"),
    "s3": ("服务顾问按 5W1H 排好的计划，每台车交车时逐项讲解", "D"),
    "s4": ("月底看第三方调查结果和每日抽查记录，和目标比", "C"),
    "s5": ("没达标的原因开会分析，修订下一轮行动", "A"),
    "s6": ("把交车说明纳入服务顾问的日常考核和 CS 奖惩制度", "base"),
}


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


_PATROL_RULES = {
    "what": ["发现", "看到", "未", "没有", "不", "问题"],
    "who": ["经理", "主管", "组长", "顾问", "技师", "负责", "由"],
    "when": ["前", "日", "号", "点", "今天", "明天", "本周", "月", "小时"],
}
_PATROL_MSG = {
    "what": "写出现场看到的具体问题（在哪里、什么情况）",
    "who": "写明由谁负责改（岗位或姓名）",
    "when": "写明到何时完成（具体日期或时点）",
}


def _check_gemba(answer: dict) -> Feedback:
    stages = answers(CS_STEPS)
    details = [classify_detail(
        "stages", answer.get("stages"), stages,
        "先有流程、标准和考核（基础建设），PDCA 才有东西可转：P 定目标，D 按 5W1H 执行，C 用调查和日常检核看结果，"
        "A 分析没达成的原因并修订行动")]
    details.append(("patrol_times", answer.get("patrol_times") == "b",
                    "种子的要求是每天三次、每次不少于 20 分钟，到现场看作业，而不是在办公室看报表"))
    note = answer.get("patrol_note") or ""
    found = find_keywords(note, _PATROL_RULES)
    missing = [_PATROL_MSG[k] for k, ok in found.items() if not ok]
    details.append(("patrol_note", len(note) >= 15 and not missing,
                    "；".join(missing) if missing else "再写具体一些：问题、谁、何时"))
    nums = peer_numbers().set_index("metric")
    want = float(nums.loc["on_time_delivery", "gap"])
    details.append(("gap", is_close(answer.get("gap"), want, tolerance=0.0015),
                    "差距 = 本店 − 其他门店的中位数（两家店时中位数就是两者平均），准时交车率是百分比，注意正负号"))
    worst = str(nums.index[0])
    details.append(("first", answer.get("first") == worst,
                    "比的是相对差距：差距 ÷ 同行中位数，最差的一项最先进 PDCA"))
    return Feedback.grade(
        details,
        weights={"stages": 2, "patrol_times": 1, "patrol_note": 1, "gap": 1, "first": 1},
        explanation=(
            "CS 管理要同时做两件事：**基础建设**（标准流程、管理规范、考核规范）和 **PDCA 循环**（设目标 → 5W1H 执行 → "
            "用第三方调查和日常检核检查 → 分析未达成原因、修订行动）。没有标准和考核，PDCA 转不起来。\n\n"
            "**现地现物**：经理每天三次、每次至少 20 分钟到现场，站在客户立场看作业；发现问题当场定下**由谁、到何时**改好，"
            "下一次巡视复查——这是管理节奏里报表看不到的部分。\n\n"
            "**核心数据对比**：把本店每个指标和同行（同集团其他门店）的中位数比，按相对差距排序，"
            "最差的一项就是下一轮 PDCA 的题目。演示数据中 S02 的烤房利用率差距最大，正是模块 4 钣喷案例的问题。"
        ),
        explanation_en=(
            "CS management = groundwork (process, standards, appraisal) + the PDCA loop. Patrol the floor three times a "
            "day for at least 20 minutes and fix each finding with an owner and a deadline. Compare each figure with the "
            "peers' median; the worst relative gap is the next PDCA topic."
        ),
        hint="S02 准时交车率 81.19%，S01 和 S03 的中位数 = (89.92% + 87.16%) ÷ 2。",
        hint_en="S02 on-time 81.19 %; the peers' median = (89.92 % + 87.16 %) / 2.",
    )


def _peer_markdown() -> str:
    rows = ["| 门店 | 一次修复率 | 准时交车率 | 烤房利用率 |", "|---|---|---|---|"]
    for r in PEER_TABLE.itertuples():
        rows.append(f"| {r.store_id} | {r.first_time_fix:.2%} | {r.on_time_delivery:.2%} | {r.booth_utilisation:.2%} |")
    return "\n".join(rows)


gemba_peer = Exercise(
    id="04e-cs-gemba-peer",
    title="练习 4E：CS 管理的 PDCA、现场巡视与核心数据对比",
    title_en="Exercise 4E: CS PDCA, gemba patrol and peer comparison",
    instructions=(
        "**① CS 管理**：某店 CSI 的“交车说明”一项连续两季低于目标。下面六件事各属于基础建设还是 P/D/C/A？\n\n"
        + case_lines(CS_STEPS)
        + "\n\n**② 现场巡视**：选出种子要求的巡视频率，再写一条巡视记录：看到了什么问题、由谁、到何时改好。\n\n"
        "**③ 核心数据对比**：三家门店近三个月的平均值如下。算出 S02 的准时交车率与其他两店中位数的差距，"
        "并选出 S02 最该先改的一项。\n\n" + _peer_markdown()
    ),
    instructions_en="Sort CS activities into groundwork/P/D/C/A, write a patrol note, and compare S02 with its peers.",
    fields={
        "stages": case_field("① 属于哪一步", "Stage", CS_STEPS, _STAGES, _STAGES_EN),
        "patrol_times": ChoiceField("② 经理现场巡视的要求", "Patrol rule", options={
            "a": "每周一次，看当周报表", "b": "每天三次，每次不少于 20 分钟，在现场看作业",
            "c": "出了投诉再去现场"},
            options_en={"a": "weekly, reading reports", "b": "three times a day, ≥ 20 minutes on the floor",
                        "c": "only after a complaint"}),
        "patrol_note": TextField("② 巡视记录（问题 + 谁 + 何时）", "Patrol note",
                                 placeholder="例：10:30 发现 3 号工位……由……在……前……", rows=3),
        "gap": NumberField("③ S02 准时交车率 − 同行中位数", "S02 on-time − peers' median", unit="%", percent=True),
        "first": ChoiceField("③ S02 最该先改的一项", "S02's first topic", options=_PEER_LABELS),
    },
    check=_check_gemba,
    model_answer=lambda _a=None: (
        "**参考答案**\n\n① "
        + answer_key(CS_STEPS, lambda s: _STAGES[s].split('（')[0], mark=" ")
        + "。\n\n② 每天三次、每次不少于 20 分钟。记录示例：“10:30 巡视发现 3 号工位完工车辆未做终检就移到交车区，"
        "由车间主管今天 16:00 前补做终检，并在明早晨会上重申终检签字要求，下午巡视复查。”\n\n"
        f"③ 差距 = 81.19% − (89.92% + 87.16%) ÷ 2 = {peer_numbers().set_index('metric').loc['on_time_delivery', 'gap']:.2%}；"
        "相对差距最大的是**烤房利用率**（51.31% 对 74.32%，低约 31%），先改它——它也拖慢了交车。"
    ),
)

EXERCISES = [fishbone_drill, gemba_peer]
