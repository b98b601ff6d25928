"""The course's ten modules in one place: number, name, notebook and the seed topics each teaches (docs/COURSE_COVERAGE.md
and the course map list them by topic id), and the index of the trainee exercises — what notebook 00 (the course map)
shows, so that a module is named the same way everywhere ("模块 1 目标管理"; tests/project/test_course_map.py checks
the notebooks' titles and the README against :data:`MODULES`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dealerlab.i18n import Catalogue

__all__ = ["Module", "MODULES", "module", "exercise_index", "course_map_markdown"]

_MSG = Catalogue.load("course")


@dataclass(frozen=True)
class Module:
    """One course module: ``number``, ``name`` (zh), ``notebook`` (file stem under notebooks/) and its seed topics
    ``(topic id, topic)`` in course-map order."""

    number: int
    name: str
    notebook: str
    topics: tuple[tuple[str, str], ...]

    @property
    def label(self) -> str:
        """「模块 N 名称」, the one way a module is named."""
        return _MSG.get("module_label", "zh", number=self.number, name=self.name)


#: the ten modules, in course order (topics from the course map of the seed outlines)
MODULES: tuple[Module, ...] = (
    Module(1, "目标管理", "01-targets", (
        ("T01", "目标意义、期望理论、管理误区"),
        ("T02", "以原则为核心、生命中的角色、干系人"),
        ("T03", "影响目标达成的核心因素"),
        ("T04", "SMART"),
        ("T05", "年→月→周→日→人分解"),
        ("T06", "多杈树法、剥洋葱法"),
        ("T07", "依集团考核/VP 定目标"),
        ("T08", "看板、达成率、突破达成率"),
        ("T09", "周小结、差额平摊、两档目标"),
        ("T10", "达成额×达成率矩阵"),
        ("T11", "人均单产"),
        ("T12", "年度/季度工作计划"),
    )),
    Module(2, "KPI 设计", "02-kpi", (
        ("T13", "KPI 定义、量化四类、FEW、常见错误"),
        ("T14", "部门指标关联图、指标识别表"),
        ("T15", "KPI 分类与选取原则"),
        ("T16", "体系建立、分解：公司→部门→员工"),
        ("T17", "KRA 与战略地图"),
        ("T18", "标杆法"),
        ("T19", "九大因素、指标库、岗位计分卡"),
        ("T20", "设计 KPI 的七种依据"),
        ("T21", "设定过程：预先沟通→员工草拟→正式讨论→修订存档"),
        ("T22", "权重计分、平衡计分卡、一至四维度"),
        ("T23", "KPI 加权审查筛选"),
        ("T24", "KPI 成败案例"),
    )),
    Module(3, "销售漏斗", "03-funnel", (
        ("T25", "SGM 九步流程、因果链、漏斗原理"),
        ("T26", "各角色关注流程的目的"),
        ("T27", "客流量与客流构成"),
        ("T28", "留存率[F]、到店、再回、试驾/邀约/满意、成交率[F]、跟踪；销量、VP、MS、衍生、单车毛利"),
        ("T29", "线上集客"),
        ("T30", "瓶颈诊断 v2"),
        ("T31", "★ What-if"),
        ("T32", "根源问题→改善→责任→工具"),
        ("T33", "登记工具：意向卡、客流/来电登记表"),
        ("T34", "DOSS 表单与经营分析报告"),
        ("T35", "MOT 关键时刻"),
        ("T36", "来电/接待标准、短信模板"),
        ("T37", "基盘客户开发"),
        ("T38", "顾问式演练、销售六能力"),
        ("T39", "连带销售、提升成交率"),
    )),
    Module(4, "PDCA 与管理节奏", "04-pdca", (
        ("T40", "PDCA 八步骤、5W1H/6W2H"),
        ("T41", "CS 管理 PDCA 与基础建设"),
        ("T42", "数据管理及行动要点"),
        ("T43", "现场巡视、现地现物"),
        ("T44", "入库、产值、返修、零件供应、准时交车"),
        ("T45", "返修率 PDCA、钣喷 <60% 案例"),
        ("T46", "鱼骨图"),
        ("T47", "KPI 偏低原因→措施"),
        ("T48", "核心数据对比与问题解析"),
        ("T49", "★ p 控制图、趋势图"),
    )),
    Module(5, "客户满意度", "05-csi", (
        ("T50", "满意=表现−期望、千分制指数与目标"),
        ("T51", "满意度链、三类因素、RATER、车间因素"),
        ("T52", "麦当劳 QSC+V"),
        ("T53", "十个需求维度、隐含期望"),
        ("T54", "满意度调查、第三方调查"),
        ("T55", "★ IPA、投诉柏拉图"),
        ("T56", "苦情逐案管理与上报"),
        ("T57", "投诉处理技巧、苦情类型"),
    )),
    Module(6, "大客户管理", "06-accounts", (
        ("T58", "大客户定义、RFM、三类分级与策略"),
        ("T59", "关系管理原则与四步骤"),
        ("T60", "行业、内部关系、个人特征"),
        ("T61", "关系建立五法：空降/剥茧/雷达/网络/机会"),
        ("T62", "维系与巩固：走访、档案、竞争对手、流失预警"),
        ("T63", "CLV 与客户资产"),
        ("T64", "B2B 销售过程"),
        ("T65", "大客户部、“管家”客户代表"),
    )),
    Module(7, "绩效薪酬、人员结构与价值", "07-pay", (
        ("T66", "绩效概况、四观念、责权利、岗位说明书"),
        ("T67", "绩效三个侧重点、送水案例"),
        ("T68", "考核流程与十大误区"),
        ("T69", "360 度反馈"),
        ("T70", "薪酬结构、测评规划"),
        ("T71", "奖金、奖金池、末位淘汰"),
        ("T72", "淘汰复活政策"),
        ("T73", "销售积分规则"),
        ("T74", "激励：物质、人员调整、精神"),
        ("T75", "人均销量/产值/创利、一线占比"),
        ("T76", "EVA"),
        ("T77", "价值驱动：价格×数量、存货、应收"),
        ("T78", "STEP、商用车市场"),
        ("T79", "SWOT"),
    )),
    Module(8, "商务政策、返利与库存", "08-policy", (
        ("T80", "商务政策解读、返利关系、运营驱动因素"),
        ("T81", "返利阶梯：VP/SSI/CSI/暗访/明访/管理奖"),
        ("T82", "冲量决策：差几台、返利增量、保本让价"),
        ("T83", "★ 综合单车毛利含返利"),
        ("T84", "在库、库龄、库存深度、标准库存、资金占用"),
        ("T85", "CALL车准确率、30 天售出率"),
        ("T86", "库存消化、滞销车型"),
        ("T87", "单车营销费用"),
        ("T88", "定价与促销"),
    )),
    Module(9, "客户关系与保客", "09-retention", (
        ("T89", "CRM 概念、客户导向思维与行为"),
        ("T90", "营销六问、4P 与 4C、价值营销"),
        ("T91", "客户细分与个性化；XYZ/7-Eleven/三部曲案例"),
        ("T92", "为何维系老客户"),
        ("T93", "基盘客户、回厂率、流失保客名单"),
        ("T94", "★ 首保回厂率"),
        ("T95", "满意与忠诚"),
        ("T96", "关系维度、个别人物法则、福利反馈"),
        ("T97", "俱乐部、车辆讲堂、救援、定期检测"),
        ("T98", "客户档案"),
        ("T99", "积分：老推新、积分换精品"),
        ("T100", "第三方调查、到店检核"),
        ("T101", "★ 续保率"),
    )),
    Module(10, "执行力与组织", "10-execution", (
        ("T102", "执行力：目标是基础、四原则、五要素"),
        ("T103", "日清日结、日结日高"),
        ("T104", "6S、日常持续管理、酒店案例"),
        ("T105", "4化；三不：能不能/会不会/愿不愿做"),
        ("T106", "总经理角色、职责、六大策略"),
        ("T107", "关键岗位职责 12 岗"),
        ("T108", "招聘面试 KPI、增员、转正率、脱落率"),
        ("T109", "离职率 ES"),
        ("T110", "人员编制计划"),
        ("T111", "培训方案与内训"),
        ("T112", "团队协作、员工满意度、企业文化"),
    )),
)


def module(number: int) -> Module:
    """The module ``number`` (1–10)."""
    for m in MODULES:
        if m.number == number:
            return m
    raise KeyError(number)


def _title(path: Path) -> str:
    """The first markdown heading of a notebook (its title), without the leading ``#``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for cell in data.get("cells", []):
        if cell.get("cell_type") == "markdown":
            src = "".join(cell.get("source", []))
            hit = re.search(r"^#\s+(.+)$", src, flags=re.M)
            if hit:
                return hit.group(1).strip()
    return path.stem


def exercise_index(folder: str | Path | None = None) -> pd.DataFrame:
    """The trainee exercises of a folder (default: the repository's ``exercises/``) by module.

    Parameters
    ----------
    folder : str or Path, optional
        Where the ``NNx-name.ipynb`` exercise notebooks are.

    Returns
    -------
    DataFrame
        ``module, id, title, file`` — module 0 for the warm-up (``00-*``), sorted by id; empty when the folder does
        not exist.
    """
    folder = Path(folder) if folder is not None else Path(__file__).resolve().parent.parent / "exercises"
    rows = []
    if folder.is_dir():
        for p in sorted(folder.glob("[0-9][0-9]*.ipynb")):
            rows.append((int(p.name[:2]), p.stem, _title(p), p.name))
    return pd.DataFrame(rows, columns=["module", "id", "title", "file"])


def course_map_markdown(folder: str | Path | None = None, *, link: str = "../exercises/") -> str:
    """The course map as a Markdown table: module, notebook, exercises (linked) and the seed topics it teaches.

    Parameters
    ----------
    folder : str or Path, optional
        The exercises folder (:func:`exercise_index`).
    link : str
        The prefix of the exercise links (relative to the notebook that shows the table).

    Returns
    -------
    str
        One row per module of :data:`MODULES`.
    """
    ex = exercise_index(folder)
    lines = [_MSG.text("map_header"), "|---|---|---|---|"]
    for m in MODULES:
        mine = ex[ex["module"] == m.number]
        exercises = "<br>".join(f"[{t}]({link}{f})" for t, f in zip(mine["title"], mine["file"])) or "—"
        topics = _MSG.text("topic_separator").join(f"{i} {t}" for i, t in m.topics)
        lines.append(f"| **{m.label}** | [{m.notebook}]({m.notebook}.ipynb) | {exercises} | {topics} |")
    return "\n".join(lines)
