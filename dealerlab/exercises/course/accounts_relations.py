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
from dealerlab.exercises import (
    ChoiceField,
    ClassifyField,
    Exercise,
    Feedback,
    NumberField,
    TableField,
    TextField,
    find_keywords,
    is_close,
)
from dealerlab.exercises.course._sorting import answer_key, answers, case_field, case_lines, classify_detail

__all__ = ["relation_drill", "b2b_equity", "STEP_ACTIONS", "METHOD_SCENES", "DECISION_PEOPLE", "FUNNEL_RATES",
           "FUNNEL_DEALS", "pipeline_answer", "EQUITY_CASE", "equity_answer", "EXERCISES"]

_STEPS = {"建立": "建立", "维系": "维系", "巩固": "巩固", "发展": "发展"}
STEP_ACTIONS = {
    "a1": ("从政府采购网查到物流公司要更新 20 台车，约采购经理首次见面", "建立"),
    "a2": ("每月走访一次车队，更新客户档案中的车辆和联系人", "维系"),
    "a3": ("发现竞争品牌在给车队做免费检测，立即安排总经理和对方老总互访，签年度服务协议", "巩固"),
    "a4": ("老客户车队扩张，向他推荐冷藏车型和融资租赁方案", "发展"),
    "a5": ("车队长生日时送上祝福和一次免费洗车", "维系"),
    "a6": ("客户 5 个月没有进厂，列入流失预警，经理带队拜访了解原因", "巩固"),
}

_METHODS = {"空降式": "空降式（从高层切入）", "剥茧式": "剥茧式（逐层深入）", "雷达式": "雷达式（广泛收集信息）",
            "网络式": "网络式（借人脉）", "机会式": "机会式（抓事件）"}
METHOD_SCENES = {
    "m1": ("总经理在商会活动上认识了建材集团的董事长，约好下周带方案去公司拜访", "空降式"),
    "m2": ("先和快递网点的司机混熟，再通过车队长认识了区域运营经理，最后见到采购总监", "剥茧式"),
    "m3": ("每周整理招标公告、行业新闻和新注册的物流企业名单，筛出有购车需求的客户", "雷达式"),
    "m4": ("请一直在本店买车的运输公司老板，把我们介绍给他同乡开的冷链公司", "网络式"),
    "m5": ("一家工程公司的车在工地抛锚，门店两小时赶到救援，借此和项目经理建立联系", "机会式"),
}

_ROLES = {"user": "使用者：天天用车，关心好不好开、坏了修得快不快", "influencer": "影响者：提技术意见和评价",
          "buyer": "采购执行：走流程、比价、谈条款", "decider": "决策者：拍板，关心总成本和风险"}
_ROLES_EN = {"user": "user", "influencer": "influencer", "buyer": "buyer", "decider": "decision maker"}
DECISION_PEOPLE = {
    "d1": ("车队司机", "user"),
    "d2": ("车队长（负责车辆调度和维修）", "influencer"),
    "d3": ("采购部经理", "buyer"),
    "d4": ("分管副总经理", "decider"),
}

_COMP_RULES = {
    "who": ["品牌", "竞争", "对手", "友商", "竞品"],
    "what": ["报价", "价格", "优惠", "免费", "活动", "拜访", "方案", "检测", "政策", "送"],
    "answer": ["应对", "对策", "我们", "安排", "计划", "拜访", "方案"],
    "when": ["日", "月", "周", "前", "今天", "明天"],
}
_COMP_MSG = {"who": "写明是哪个竞争对手（品牌或门店）", "what": "写明对手做了什么（报价、活动、拜访……）",
             "answer": "写明我们的应对", "when": "写明时间（何时发现、何时应对）"}


def _check_relation(answer: dict) -> Feedback:
    note = answer.get("competitor") or ""
    found = find_keywords(note, _COMP_RULES)
    missing = [_COMP_MSG[k] for k, ok in found.items() if not ok]
    details = [
        classify_detail("steps", answer.get("steps"), answers(STEP_ACTIONS),
                        "建立 = 认识对的人；维系 = 让客户持续满意（走访、档案、关怀）；巩固 = 防流失、防对手、"
                        "把个人关系变成组织关系；发展 = 在老客户身上做出新生意"),
        ("principle", answer.get("principle") == "b",
         "大客户关系管理的原则：变被动服务为主动关怀，变推销产品为双赢合作"),
        classify_detail("methods", answer.get("methods"), answers(METHOD_SCENES),
                        "看入口在哪里：高层（空降）、一层层往上（剥茧）、信息（雷达）、熟人介绍（网络）、突发事件（机会）"),
        classify_detail("people", answer.get("people"), answers(DECISION_PEOPLE),
                        "司机用车，车队长提意见，采购走流程，分管领导拍板"),
        ("competitor", len(note) >= 20 and not missing, "；".join(missing) if missing else "写完整一些"),
    ]
    return Feedback.grade(
        details,
        weights={"steps": 2, "principle": 1, "methods": 2, "people": 1, "competitor": 1},
        explanation=(
            "大客户关系分四步：**建立**（找到并认识决策链上的人）→ **维系**（走访、个性化服务、关怀、档案）→ "
            "**巩固**（高层互访、服务协议、盯住竞争对手、流失预警，把“销售员和采购的交情”变成“两家单位的合作”）→ "
            "**发展**（增购、置换、金融方案、转介绍）。原则是变被动服务为主动关怀，变推销产品为双赢合作。\n\n"
            "建立关系有五种入口：**空降式**从高层切入，快但要有引荐；**剥茧式**从司机、车队长一层层往上，慢但扎实；"
            "**雷达式**先广泛收集信息找到有需求的客户；**网络式**借老客户和人脉转介绍；**机会式**抓住救援、开工、展会等事件。\n\n"
            "了解客户内部关系：同一单位里，使用者、影响者、采购和决策者关心的东西不同，要分别经营——只认识司机，"
            "生意永远停在基层。竞争对手的动态要记下来：谁、做了什么、何时、我们怎么应对。"
        ),
        explanation_en=(
            "Four steps: build, keep, consolidate, develop. Five ways in: top-down, layer by layer, radar, network, "
            "opportunity. Map users, influencers, buyers and the decision maker. Log each competitor move with our answer."
        ),
        hint="“盯住对手、防止流失”属于巩固；“关怀、走访、档案”属于维系。",
        hint_en="Watching competitors and churn = consolidate; care, visits, records = keep.",
    )


relation_drill = Exercise(
    id="06b-relations",
    title="练习 6B：大客户关系——四个步骤、五种方法、决策链与竞争对手",
    title_en="Exercise 6B: key-account relationships",
    instructions=(
        "**① 四个步骤**：下面的动作各属于关系管理的哪一步？\n\n"
        + case_lines(STEP_ACTIONS)
        + "\n\n**② 原则**：选出大客户关系管理的原则。\n\n**③ 五种方法**：下面的场景各用了哪种建立关系的方法？\n\n"
        + case_lines(METHOD_SCENES)
        + "\n\n**④ 内部关系**：一家物流公司买车，下面四个人各在决策中扮演什么角色？\n\n"
        "**⑤ 竞争对手动态**：写一条竞争对手动态记录（哪个对手、做了什么、何时、我们怎么应对）。"
    ),
    instructions_en="Sort actions into the four steps, scenes into the five methods, people into decision roles; log a competitor move.",
    fields={
        "steps": case_field("① 动作 → 步骤", "Action → step", STEP_ACTIONS, _STEPS,
                            {"建立": "build", "维系": "keep", "巩固": "consolidate", "发展": "develop"}),
        "principle": ChoiceField("② 原则", "Principle", options={
            "a": "客户有需要时再提供服务，价格越低越好",
            "b": "变被动服务为主动关怀，变推销产品为双赢合作",
            "c": "抓住一个关键人，其他人不用管"}),
        "methods": case_field("③ 场景 → 方法", "Scene → method", METHOD_SCENES, _METHODS),
        "people": ClassifyField("④ 人 → 角色", "Person → role",
                                items={k: t for k, (t, _v) in DECISION_PEOPLE.items()}, classes=_ROLES,
                                classes_en=_ROLES_EN),
        "competitor": TextField("⑤ 竞争对手动态记录", "Competitor log", rows=3,
                                placeholder="例：10 月 8 日得知 X 品牌给……；我们……前……"),
    },
    check=_check_relation,
    model_answer=(
        "**参考答案**\n\n① " + answer_key(STEP_ACTIONS, mark=" ")
        + "。\n\n② b。\n\n③ " + answer_key(METHOD_SCENES, mark=" ")
        + "。\n\n④ 司机 = 使用者；车队长 = 影响者；采购经理 = 采购执行；分管副总 = 决策者。\n\n"
        "⑤ “10 月 8 日车队长透露：X 品牌 4S 店给华泰快运报了年度保养套餐 8 折，并免费做一次全车检测。"
        "应对：10 月 12 日前由大客户经理带服务经理拜访车队长，提交包含上门保养和优先工位的年度服务方案，同时约分管副总见面。”"
    ),
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


_KA_ROLE = {
    "r1": "是唯一能在客户面前代表全店各部门的人",
    "r2": "考核看两样：客户满意度和为门店找到的新商机",
    "r3": "要懂客户的主营业务，而不只是懂车",
    "r4": "只负责卖车，售后问题让客户自己找服务部",
    "r5": "考核只看当月卖了多少台",
}


def _check_b2b(answer: dict) -> Feedback:
    want = pipeline_answer()
    table = answer.get("pipeline") or {}
    bad = [s for s, n in want.items() if s != "签约" and not is_close((table.get(s) or {}).get("needed"), n, tolerance=1)]
    clv, equity = equity_answer()
    role = sorted(answer.get("role") or [])
    details = [
        ("pipeline", not bad, ("、".join(bad) + " 不对：从签约倒推，上一阶段需要的客户数 = 下一阶段需要的 ÷ 下一阶段的转化率，"
                               "每一步向上取整") if bad else ""),
        ("clv", is_close(answer.get("clv"), clv, rel_tolerance=0.01),
         "CLV = 年毛利 × r ÷ (1 + d − r) = 30 000 × 0.75 ÷ (1 + 0.10 − 0.75)"),
        ("equity", is_close(answer.get("equity"), equity, rel_tolerance=0.01), "客户资产 = 每个客户的 CLV × 客户数"),
        ("role", role == ["r1", "r2", "r3"], "“管家”代表全店面对客户，考核客户满意度和商机，并懂客户的生意"),
    ]
    return Feedback.grade(
        details,
        weights={"pipeline": 2, "clv": 1, "equity": 1, "role": 1},
        explanation=(
            "**B2B 漏斗**从签约目标倒推：要签 6 单，投标阶段要有 9 家，报价 18 家，确认需求 36 家，拜访 60 家，"
            "线索 120 条。大客户经理每月的工作量（拜访数、方案数）就是这样定出来的，而不是“多跑跑”。\n\n"
            "**客户资产**：一个客户的价值不是这一单，而是终身价值 CLV = 年毛利 × r ÷ (1 + d − r)；一个细分市场的客户资产 = "
            "CLV × 客户数。留存率 r 从 75% 掉到 60%，CLV 从约 6.4 万降到 3.6 万——流失预警值这么多钱。\n\n"
            "**“管家”式客户代表**：是唯一能在客户面前代表全店所有部门（销售、售后、金融、保险）的人，"
            "考核客户满意度和找到的新商机，要懂客户的主营业务。门店的大客户部按行业分工，后面有各部门支持。"
        ),
        explanation_en=(
            "Work the B2B funnel back from the contracts; customer equity = CLV × customers; the account representative "
            "speaks for every department and is judged on satisfaction and new business."
        ),
        hint="签约 6 ÷ (2/3) = 9 家在投标；9 ÷ 0.5 = 18 家在报价……",
        hint_en="6 ÷ 2/3 = 9 at the bid stage; 9 ÷ 0.5 = 18 at the quote stage…",
    )


def _rate_text() -> str:
    return "、".join(f"{s} {r:.0%}" for s, r in list(FUNNEL_RATES.items())[1:])


b2b_equity = Exercise(
    id="06c-b2b-equity",
    title="练习 6C：B2B 漏斗倒推、客户资产与“管家”",
    title_en="Exercise 6C: the B2B funnel backwards, customer equity and the account 'butler'",
    instructions=(
        f"**① B2B 漏斗**：大客户部下季度要签 **{FUNNEL_DEALS}** 单车队合同。各阶段进入下一阶段的转化率是："
        f"{_rate_text()}。倒推每个阶段至少需要多少家客户。\n\n"
        f"**② 客户资产**：价值型客户 {EQUITY_CASE['accounts']} 家，每家年毛利 {EQUITY_CASE['annual_margin']:,} 元，"
        f"实测留存率 {EQUITY_CASE['retention']:.0%}，折现率 {EQUITY_CASE['discount']:.0%}。算出每家的 CLV（= 年毛利 × r ÷ (1 + d − r)，r 是留存率、d 是折现率）和这一类客户的客户资产（= CLV × 客户数）。\n\n"
        "**③ “管家”**：哪些说法符合大客户代表（“管家”）的角色？（多选）"
    ),
    instructions_en="Work the funnel back from 6 contracts; CLV and customer equity of 12 accounts; the account rep's role.",
    fields={
        "pipeline": TableField("① 每阶段需要的客户数", "Accounts needed",
                               rows={s: s for s in FUNNEL_RATES}, columns={"needed": "需要（家）"}, totals=None,
                               fixed={("签约", "needed"): FUNNEL_DEALS}),
        "clv": NumberField("② 每家 CLV", "CLV per account", unit="元"),
        "equity": NumberField("② 客户资产", "Customer equity", unit="元"),
        "role": ChoiceField("③ “管家”的角色", "The representative's role", options=_KA_ROLE, multiple=True),
    },
    check=_check_b2b,
    model_answer=lambda _a=None: (
        "**参考答案**\n\n① " + " ← ".join(f"{s} {n}" for s, n in reversed(pipeline_answer().items()))
        + f"。\n\n② CLV = 30 000 × 0.75 ÷ 0.35 = **{equity_answer()[0]:,.0f} 元**；客户资产 = CLV × 12 家 = "
        f"{equity_answer()[0]:,.0f} × 12 ≈ **{equity_answer()[1]:,.0f} 元**。\n\n③ 1、2、3。"
    ),
)

EXERCISES = [relation_drill, b2b_equity]
