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
from dealerlab.exercises.course._sorting import answer_key, answers, case_field, case_lines, classify_detail

__all__ = ["qscv_survey", "complaint_handling", "QSCV_PRACTICES", "REMARKS", "COMPLAINTS", "PHONE_RULES",
           "survey_population", "EXERCISES"]

_QSCV = {"Q": "Q 品质（结果做对）", "S": "S 服务（过程周到）", "C": "C 清洁（环境干净）", "V": "V 价值（物有所值）"}
_QSCV_EN = {"Q": "Quality", "S": "Service", "C": "Cleanliness", "V": "Value"}

#: practice id → (zh text, letter)
QSCV_PRACTICES = {
    "p1": ("完工后终检、试车，保证一次修好", "Q"),
    "p2": ("客户进店 30 秒内有人主动招呼", "S"),
    "p3": ("交车前洗车、吸尘，车内铺好脚垫纸", "C"),
    "p4": ("开工前把每项费用报给客户确认，结算不超过报价", "V"),
    "p5": ("休息区每两小时检查一次卫生间", "C"),
    "p6": ("按承诺的时间交车", "Q"),
    "p7": ("保养套餐明码标价，和官方价一致", "V"),
    "p8": ("服务顾问用客户听得懂的话讲解维修项目", "S"),
}

_TEN = ["有形性", "可靠性", "响应性", "胜任能力", "礼貌", "可信度", "安全性", "可接近性", "沟通", "了解客户"]

#: remark id → (zh remark, dimension among the ten)
REMARKS = {
    "r1": ("“打了三次电话都没人接，想约个保养太难了。”", "可接近性"),
    "r2": ("“他根本说不清哪里坏了，换了两个零件还是响。”", "胜任能力"),
    "r3": ("“车放在你们这儿，行车记录仪里的东西被人翻过。”", "安全性"),
    "r4": ("“我每次都跑长途，他记得提醒我提前检查轮胎。”", "了解客户"),
    "r5": ("“说好周三交车，拖到周五，电话也没一个。”", "可靠性"),
}

#: exercise 05d ③: service visits last month; ± 5 points, 95 % confidence
SURVEY_POPULATION = 400


def survey_population() -> tuple[int, int]:
    """(customers, questionnaires needed) of exercise 05d: 400 visits, ± 5 points at 95 % → 197."""
    return SURVEY_POPULATION, sample_size(SURVEY_POPULATION, margin=0.05, confidence=0.95)


_THIRD = {
    "a": "第三方调查更便宜",
    "b": "由和门店没有利益关系的一方按统一问卷和抽样去问，结果可信、可以在门店之间比较，也能检查门店自己的客户管理",
    "c": "第三方会替门店解决客户的问题",
    "d": "只要调查满意的客户，分数会更高",
}


def _check_qscv(answer: dict) -> Feedback:
    _n, need = survey_population()
    q = answer.get("sample")
    details = [
        classify_detail("qscv", answer.get("qscv"), answers(QSCV_PRACTICES),
                        "Q 看结果（修好没有、准不准时），S 看过程（接待、讲解），C 看环境和车辆干净，V 看价格是否透明、值不值"),
        classify_detail("remarks", answer.get("remarks"), answers(REMARKS),
                        "先问客户在抱怨什么：联系不上（可接近性）、技术不行（胜任能力）、财物隐私（安全性）、"
                        "被记住个别需要（了解客户）、承诺没做到（可靠性）"),
        ("sample", q is not None and abs(q - need) <= 1,
         "n₀ = 1.96² × 0.5 × 0.5 ÷ 0.05² = 384.2；客户只有 400 人，再修正：n = n₀ ÷ (1 + (n₀ − 1) ÷ 400)，向上取整"),
        ("third", answer.get("third") == "b", "第三方调查的价值在于独立、统一、可比，而不是便宜或分数好看"),
    ]
    return Feedback.grade(
        details,
        weights={"qscv": 2, "remarks": 2, "sample": 1, "third": 1},
        explanation=(
            "**QSC+V** 是麦当劳的经营信条：品质、服务、清洁，加上价值。放到 4S 店：Q 是“结果做对”——一次修好、按时交车；"
            "S 是过程中的接待和沟通；C 是展厅、休息区和交还车辆的干净；V 是客户觉得花的钱值——报价透明、结算不超报价。"
            "四样要同时做到，任何一样差，客户都会记住。\n\n"
            "**十个维度**是服务质量的原始模型（有形性、可靠性、响应性、胜任能力、礼貌、可信度、安全性、可接近性、沟通、了解客户），"
            "后来合并成 RATER 五维：胜任能力、礼貌、可信度、安全性并入保证性，可接近性、沟通、了解客户并入同理心。"
            "听懂客户抱怨的是哪个维度，才知道该改什么。\n\n"
            "**调查**：样本要够——400 位客户里要有约 197 份有效问卷，指数才能精确到 ±5 个百分点；"
            "引入第三方（甚至两家竞争）调查，是为了独立、可比，并用它检查门店的客户管理工作。"
        ),
        explanation_en=(
            "QSC+V: quality (result right), service (process), cleanliness, value. The ten dimensions were condensed into "
            "RATER. A survey of 400 customers needs about 197 answers for ± 5 points at 95 %; third parties make it "
            "independent and comparable."
        ),
        hint="有限总体修正：n = 384.2 ÷ (1 + 383.2 ÷ 400)。",
        hint_en="Finite population: n = 384.2 / (1 + 383.2 / 400).",
    )


qscv_survey = Exercise(
    id="05d-qscv-survey",
    title="练习 5D：QSC+V、十个维度与满意度调查",
    title_en="Exercise 5D: QSC+V, the ten dimensions and the survey",
    instructions=(
        "**① QSC+V**：下面八项做法各主要服务于 Q、S、C、V 中的哪一项？\n\n"
        + case_lines(QSCV_PRACTICES)
        + "\n\n**② 十个维度**：下面五句客户原话，各说的是服务质量十个维度中的哪一个？\n\n"
        + case_lines(REMARKS)
        + f"\n\n**③ 抽样**：上月售后共接待 **{SURVEY_POPULATION}** 位客户。要让满意比例的误差在 **±5 个百分点**以内"
        "（置信度 95%，按最保守的 50% 估计），至少要收回多少份有效问卷？\n\n**④** 为什么厂家要用第三方调查？"
    ),
    instructions_en="Sort practices into QSC+V, name the dimension of five remarks, size the survey and say why a third party.",
    fields={
        "qscv": case_field("① 做法 → QSC+V", "Practice → QSC+V", QSCV_PRACTICES, _QSCV, _QSCV_EN),
        "remarks": case_field("② 客户原话 → 维度", "Remark → dimension", REMARKS, {d: d for d in _TEN}),
        "sample": NumberField("③ 至少需要的有效问卷", "Questionnaires needed", unit="份"),
        "third": ChoiceField("④ 第三方调查的意义", "Why a third party", options=_THIRD),
    },
    check=_check_qscv,
    model_answer=lambda _a=None: (
        "**参考答案**\n\n① "
        + answer_key(QSCV_PRACTICES, mark=" ")
        + "。\n\n② " + answer_key(REMARKS, mark=" ")
        + f"。\n\n③ n₀ = 1.96² × 0.25 ÷ 0.0025 = 384.2；n = 384.2 ÷ (1 + 383.2 ÷ 400) = 196.2 → **{survey_population()[1]} 份**"
        "（回收率约 50% 时要联系约 400 人，也就是几乎每位客户都要邀请）。\n\n④ b：独立、统一、可比，并能检查门店的客户管理。"
    ),
)

# ----------------------------------------------------------------------------------------------------------------
# 05e complaints

_TYPES = {
    "quality": "产品质量型：车本身的故障",
    "fault": "服务过失型：我们做错了（返修、超时、损坏）",
    "promise": "承诺落差型：说过的没兑现、理解不一致",
    "unreasonable": "要求过高型：超出合理范围的要求",
    "third": "第三方型：客户本人可接受，上司/家人有意见",
}
_TYPES_EN = {"quality": "product quality", "fault": "our service fault", "promise": "broken promise / misunderstanding",
             "unreasonable": "unreasonable demand", "third": "third party (boss, spouse)"}
_RESPONSES = {
    "tech": "技术确认 + 申请厂家支持，给客户进度承诺",
    "redo": "道歉、免费返修或补救，并给合理补偿",
    "explain": "找出原来的承诺或单据，兑现或当面解释清楚",
    "rule": "耐心倾听、讲清政策底线，必要时请上级出面",
    "direct": "直接和客户的上司、家人对话，说明处理结果",
}
_RESP_EN = {"tech": "technical check + maker support", "redo": "apologise, redo, compensate",
            "explain": "honour or explain the promise", "rule": "listen, state the limits, escalate",
            "direct": "talk to the boss / spouse directly"}
_RESP_OF = {"quality": "tech", "fault": "redo", "promise": "explain", "unreasonable": "rule", "third": "direct"}

#: complaint id → (zh text, type)
COMPLAINTS = {
    "q1": ("新车开了 800 公里，变速箱换挡冲击，客户很生气", "quality"),
    "q2": ("保养后发现车门有一道新划痕，是车间挪车时刮的", "fault"),
    "q3": ("销售顾问口头答应送一次免费保养，到店时前台说没有记录", "promise"),
    "q4": ("客户说车开了三年油耗变高，要求门店免费换一台新车", "unreasonable"),
    "q5": ("车队司机觉得处理结果可以接受，但车队老板认为门店推卸责任，要换一家服务站", "third"),
}

#: phone complaint: statement id → (zh text, is a good principle)
PHONE_RULES = {
    "t1": ("铃响三声内接听，先报门店和姓名", True),
    "t2": ("先让客户把话说完，不打断、不争辩", True),
    "t3": ("边听边记录：车牌、时间、经过、客户要求", True),
    "t4": ("说“这不是我们部门的事”，请客户另打电话", False),
    "t5": ("当场答应客户所有要求，先把电话挂了再说", False),
    "t6": ("不能当场解决时，约定回电时间并按时回电", True),
    "t7": ("重大投诉立即报告上级，逐件登记跟进到结案", True),
}

_REPLY_RULES = {
    "sorry": ["抱歉", "对不起", "道歉", "歉意"],
    "fact": ["确认", "核实", "查", "了解"],
    "plan": ["免费", "重新", "返修", "补", "处理", "修复", "安排"],
    "time": ["今天", "明天", "小时", "前", "日", "点"],
}
_REPLY_MSG = {"sorry": "先道歉或表达歉意", "fact": "说明会确认/核实事实", "plan": "给出具体的处理方案",
              "time": "承诺一个时间（何时给答复或何时完成）"}


def _check_complaints(answer: dict) -> Feedback:
    types = answers(COMPLAINTS)
    resp = {k: _RESP_OF[v] for k, v in types.items()}
    rules = answer.get("phone") or []
    want = sorted(k for k, (_t, ok) in PHONE_RULES.items() if ok)
    reply = answer.get("reply") or ""
    found = find_keywords(reply, _REPLY_RULES)
    missing = [_REPLY_MSG[k] for k, ok in found.items() if not ok]
    details = [
        classify_detail("types", answer.get("types"), types,
                        "先分清是车的问题、我们的错、承诺没兑现、要求过高，还是客户身边的人有意见"),
        classify_detail("responses", answer.get("responses"), resp,
                        "对策跟着类型走：车的问题找技术和厂家；我们的错先道歉补救；承诺落差去兑现或解释；"
                        "要求过高守住底线；第三方有意见就直接和那个人谈"),
        ("phone", sorted(rules) == want, "电话抱怨：快接、让客户说完、记录、不推诿、约定回电并按时回、重大案件上报；"
                                          "推给别的部门和当场乱答应都不行"),
        ("reply", len(reply) >= 20 and not missing, "；".join(missing) if missing else "写完整一些"),
    ]
    return Feedback.grade(
        details,
        weights={"types": 2, "responses": 2, "phone": 1, "reply": 1},
        explanation=(
            "投诉是客户给的第二次机会。处理之前先判断**类型**，因为对策不同：产品质量问题要技术确认、找厂家支持；"
            "服务过失要先道歉、补救、补偿；承诺落差要找出原来说过的话并兑现；要求过高要耐心但守住底线；"
            "种子 001 特别提到一种——客户本人可以接受，但他的**上司、老婆或朋友**有意见，客户夹在中间，"
            "这时要**直接和那位上司/家人对话**。\n\n"
            "电话抱怨的原则：快接、先听、不争辩、记录、不推诿；当场解决不了就约定回电时间并按时回电；"
            "重要案件立即上报，逐件登记直到结案（这正是第 6 节的投诉数字）。"
        ),
        explanation_en=(
            "Classify the complaint first; the response follows the type. On the phone: answer fast, listen, record, never "
            "pass the buck, promise a call-back time and keep it, escalate serious cases."
        ),
        hint="第 5 个案例就是种子里的“上司、老婆”型。",
        hint_en="Case 5 is the seed's 'boss or spouse' type.",
    )


complaint_handling = Exercise(
    id="05e-complaints",
    title="练习 5E：投诉是哪一类？先做什么？",
    title_en="Exercise 5E: which kind of complaint, and what first?",
    instructions=(
        "**① 类型与对策**：为下面五起投诉判断类型，再选出第一步的处理方式。\n\n"
        + case_lines(COMPLAINTS)
        + "\n\n**② 电话抱怨**：下面哪些是正确的处理原则？（多选）\n\n**③** 对第 2 起投诉（挪车刮伤），"
        "写一段服务经理在电话里的回应：要有道歉、确认事实、处理方案和时间承诺。"
    ),
    instructions_en="Classify five complaints and pick the first response, choose the phone rules and write a reply.",
    fields={
        "types": case_field("① 投诉类型", "Type", COMPLAINTS, _TYPES, _TYPES_EN),
        "responses": case_field("① 第一步处理", "First response", COMPLAINTS, _RESPONSES, _RESP_EN),
        "phone": ChoiceField("② 正确的电话处理原则", "Phone rules", multiple=True,
                             options={k: t for k, (t, _ok) in PHONE_RULES.items()}),
        "reply": TextField("③ 你的回应", "Your reply", rows=4,
                           placeholder="王先生，非常抱歉……我马上……今天……前……"),
    },
    check=_check_complaints,
    model_answer=(
        "**参考答案**\n\n① "
        + "；".join(f"{i} {_TYPES[v].split('：')[0]} → {_RESPONSES[_RESP_OF[v]].split('，')[0]}"
                   for i, (_t, v) in enumerate(COMPLAINTS.values(), start=1))
        + "。\n\n② 1、2、3、6、7 正确；4（推诿）和 5（当场乱答应）错误。\n\n"
        "③ “王先生，非常抱歉，车门的划痕是我们挪车时造成的，这是我们的责任。我已经让车间主管调了挪车时段的监控核实经过，"
        "钣喷车间会免费为您修复，今天下午 5 点前我给您回电确定取车时间，修复期间为您安排代步车。”"
    ),
)

EXERCISES = [qscv_survey, complaint_handling]
