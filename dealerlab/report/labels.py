"""The one label catalogue of the deliverable: every column label and data category a reader of the report, the
appendix workbook or the deck sees, in Chinese and English.

* :data:`COLUMNS` — column ids (``store_id``, ``median_days_to_resolve`` …) → label. Metric ids are labelled by the
  metric registry and the data tables by the data contract (:mod:`dealerlab.data.schema`).
* :func:`value_label` — a data category (tier 价值型, process step 试乘试驾, department 销售部, 停岗/淘汰, frequency
  每日 …) in the report language: the Chinese value itself, or its English name from the module that defines it.
* :func:`columns` renames a frame's columns; :func:`is_raw_label` is what the tests use to find an identifier that
  slipped through (``store_id``, ``count``).
"""

from __future__ import annotations

import functools
import re

from dealerlab._options import check_lang
from dealerlab.i18n import Catalogue

__all__ = ["COLUMNS", "col", "columns", "value_label", "table_label", "is_raw_label", "RAW_LABEL", "TERMS_EN", "term"]

COLUMNS = Catalogue(
    {
        # identifiers and keys
        "store_id": {"zh": "门店", "en": "Store"},
        "store": {"zh": "门店", "en": "Store"},
        "store_name": {"zh": "门店名称", "en": "Store name"},
        "period": {"zh": "月份", "en": "Month"},
        "staff_id": {"zh": "销售顾问", "en": "Consultant"},
        "name": {"zh": "名称", "en": "Name"},
        "level": {"zh": "层级", "en": "Level"},
        "metric": {"zh": "指标", "en": "Metric"},
        "metric_id": {"zh": "指标编号", "en": "Metric id"},
        "unit": {"zh": "单位", "en": "Unit"},
        "value": {"zh": "数值", "en": "Value"},
        "reason": {"zh": "原因", "en": "Reason"},
        "category": {"zh": "类别", "en": "Category"},
        # complaints (dealerlab.csi.complaint_figures)
        "count": {"zh": "投诉数", "en": "Complaints"},
        "closed": {"zh": "已结案", "en": "Closed"},
        "median_days_to_resolve": {"zh": "结案天数中位数", "en": "Median days to resolve"},
        "escalated": {"zh": "升级投诉", "en": "Escalated"},
        "escalated_share": {"zh": "升级占比", "en": "Escalated share"},
        "open_over_7d": {"zh": "超7天未结", "en": "Open over 7 days"},
        # data quality appendix
        "table": {"zh": "数据表", "en": "Table"},
        "source": {"zh": "来源", "en": "Source"},
        "row": {"zh": "行", "en": "Row"},
        "column": {"zh": "字段", "en": "Column"},
        "message": {"zh": "说明", "en": "Message"},
        "severity": {"zh": "级别", "en": "Severity"},
        "rule": {"zh": "规则", "en": "Rule"},
        "hint": {"zh": "处理建议", "en": "What to do"},
        "rows": {"zh": "行数", "en": "Rows"},
        # accounts
        "tier": {"zh": "分级", "en": "Tier"},
        "accounts": {"zh": "客户数", "en": "Accounts"},
        "monetary": {"zh": "近24月金额", "en": "24-month money"},
        "account_id": {"zh": "编号", "en": "ID"},
        "account_name": {"zh": "客户", "en": "Account"},
        "industry": {"zh": "行业", "en": "Industry"},
        "recency_days": {"zh": "未往来天数", "en": "Days silent"},
        # people and pay
        "department": {"zh": "部门", "en": "Department"},
        "leavers": {"zh": "离职人数", "en": "Leavers"},
        "turnover": {"zh": "离职率", "en": "Turnover"},
        "headcount": {"zh": "平均人数", "en": "Headcount"},
        "units_per_head": {"zh": "人均台数", "en": "Units per head"},
        "revenue_per_head": {"zh": "人均产值", "en": "Revenue per head"},
        "quarter": {"zh": "季度", "en": "Quarter"},
        "months": {"zh": "月数", "en": "Months"},
        "mean_units": {"zh": "月均销量", "en": "Units a month"},
        "status": {"zh": "状态", "en": "Status"},
        "consultant": {"zh": "顾问", "en": "Consultant"},
        # cadence board, targets
        "item": {"zh": "检查项", "en": "Item"},
        "frequency": {"zh": "频率", "en": "Frequency"},
        "target": {"zh": "目标", "en": "Target"},
        "actual": {"zh": "实际", "en": "Actual"},
        "achievement": {"zh": "达成率", "en": "Achievement"},
        "time_progress": {"zh": "时间进度（卖车日）", "en": "Time progress (selling days)"},
        "stretch_achievement": {"zh": "突破目标达成", "en": "Stretch achievement"},
        "quadrant_name": {"zh": "象限", "en": "Quadrant"},
        "advice": {"zh": "辅导建议", "en": "Coaching"},
        # funnel diagnosis and action plans
        "step": {"zh": "流程环节", "en": "Process step"},
        "this_month": {"zh": "本月", "en": "This month"},
        "benchmark": {"zh": "标杆", "en": "Benchmark"},
        "last3": {"zh": "前3个月", "en": "Last 3 months"},
        "sales_at_stake": {"zh": "达标可多销(台)", "en": "Extra sales at benchmark"},
        "gross_at_stake": {"zh": "对应毛利", "en": "Gross at stake"},
        "revenue_at_stake": {"zh": "每月影响收入", "en": "Revenue at stake a month"},
        "extra_gross": {"zh": "每月可多得毛利", "en": "Extra gross a month"},
        "extra_sales": {"zh": "每月可多销(台)", "en": "Extra sales a month"},
        "root_cause": {"zh": "根因", "en": "Root cause"},
        "improvement": {"zh": "改善措施", "en": "Improvement"},
        "owner": {"zh": "责任人", "en": "Owner"},
        "tool": {"zh": "工具", "en": "Tool"},
        "group_median": {"zh": "集团中位数", "en": "Group median"},
        "group_total": {"zh": "集团合计", "en": "Group total"},
        "mom": {"zh": "环比", "en": "vs last month"},
        "yoy": {"zh": "同比", "en": "vs last year"},
        "trend6": {"zh": "近6月", "en": "6 months"},
        "finding_id": {"zh": "发现编号", "en": "Finding id"},
        # findings.csv (dealerlab.report.findings.findings_frame)
        "rank": {"zh": "排名", "en": "Rank"},
        "area": {"zh": "领域", "en": "Area"},
        "area_id": {"zh": "领域编号", "en": "Area id"},
        "title": {"zh": "发现", "en": "Finding"},
        "current": {"zh": "本月数值", "en": "This month"},
        "target_source": {"zh": "目标来源", "en": "Target source"},
        "baseline": {"zh": "基线月份", "en": "Baseline months"},
        "share_of_gross": {"zh": "占本月毛利", "en": "Share of the month's gross"},
        "benchmark_source": {"zh": "标杆来源", "en": "Benchmark source"},
        "benchmark_extra_sales": {"zh": "达标杆可多销(台)", "en": "Extra sales at benchmark"},
        "benchmark_extra_gross": {"zh": "达标杆可多得毛利", "en": "Extra gross at benchmark"},
        "evidence": {"zh": "依据", "en": "Evidence"},
        "action": {"zh": "行动", "en": "Action"},
        "start": {"zh": "开始日", "en": "Start"},
        "check_date": {"zh": "检查日", "en": "Check date"},
        # the findings' own check figures (not registry metrics)
        "bottom_out": {"zh": "末位淘汰（顾问季度月均销量）", "en": "Bottom-out (consultants' quarterly mean units)"},
        "churn": {"zh": "流失预警客户数", "en": "Accounts at risk"},
        "csi_items": {"zh": "CSI 重点改进项", "en": "CSI items to fix first"},
    }
)

#: the action plan's words (places and tools of dealerlab/data/area_actions.csv, the policy findings' own) in English;
#: the owner roles come from the action tables' owner/owner_en columns
TERMS_EN = {
    "晨会": "morning meeting", "钣喷车间": "body & paint shop", "车间": "workshop", "配件库": "parts store",
    "售后前台": "service reception", "交车区": "delivery area", "客户现场": "at the account's site", "展厅": "showroom",
    "销售例会": "sales meeting", "展厅与库存管理": "showroom and stock management",
    "周目标看板 + 落后顾问一对一辅导": "weekly target board + one-to-one coaching of those behind",
    "每日进度看板": "daily progress board", "烤房排程表 + 每日利用率看板": "booth schedule + daily utilisation board",
    "返修分析表 + p 控制图": "comeback analysis sheet + p control chart", "安全库存表 + 缺件日报": "safety stock table + daily shortage report",
    "回访追因表 + 服务流程检查表": "call-back cause sheet + service process checklist",
    "回访追因表 + 交车检查表": "call-back cause sheet + delivery checklist",
    "大客户拜访计划 + 置换/保养方案": "account visit plan + trade-in / maintenance offer",
    "潜客复盘表 + 陪同接待记录": "prospect review sheet + accompanied-reception log", "潜客跟踪计划表": "prospect follow-up plan",
    "滞销车型周会 + 库龄日报": "weekly slow-mover meeting + daily stock-age report",
    "交车区 + 客服中心": "delivery area + customer-service centre", "客服中心": "customer-service centre",
    "首保到期名单（按开票月）+ 每周首保回厂率看板": "first-service due list (by invoice month) + weekly first-service rate board",
    "流失保客名单 + 每月回厂率看板": "list of lapsed service customers + monthly return-rate board",
    "返利阶梯测算表 + 意向客户清单": "rebate ladder sheet + list of likely buyers",
    "服务经理": "Service manager", "配件经理": "Parts manager", "客服经理": "Customer-service manager",
    "销售经理": "Sales manager", "展厅经理": "Showroom manager", "内训师": "In-house trainer", "市场经理": "Marketing manager",
    "销售顾问": "Sales consultant", "总经理": "General manager", "财务经理": "Finance manager",
}


def term(text: str, lang: str = "zh") -> str:
    """An action-plan word (a role, a place, a tool) in ``lang`` (:data:`TERMS_EN`, then the action tables' roles)."""
    check_lang(lang)
    if lang == "zh" or not isinstance(text, str):
        return text
    return _values_en().get(text, text)


#: what a raw identifier looks like: snake_case, or one lower-case ASCII word that names a column or data table
RAW_LABEL = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def col(key: str, lang: str = "zh") -> str:
    """The label of column ``key`` (a metric id is labelled by the registry; an unknown key is returned as is)."""
    check_lang(lang)
    if key in COLUMNS:
        return COLUMNS.get(key, lang)
    from dealerlab import metrics as registry

    if key in registry.METRICS:
        return registry.label(key, lang)
    return key


def columns(frame, lang: str = "zh"):
    """``frame`` with every known column id replaced by its label."""
    return frame.rename(columns={c: col(c, lang) for c in frame.columns if isinstance(c, str)})


def table_label(name: str, lang: str = "zh") -> str:
    """A data table's label: the contract's Chinese name (``leads`` → 线索), or a readable English one."""
    check_lang(lang)
    from dealerlab.data import schema

    t = schema.TABLES.get(name)
    if t is None:
        return name
    return t.zh if lang == "zh" else name.replace("_", " ").capitalize()


@functools.lru_cache(maxsize=1)
def _values_en() -> dict[str, str]:
    """Chinese category value → English name, gathered from the modules that define the categories."""
    out: dict[str, str] = {}
    from dealerlab.data import schema

    for t in schema.TABLES.values():
        for c in t.columns:
            for zh, en in (c.enum or {}).items():
                if isinstance(zh, str) and isinstance(en, str) and en:
                    out.setdefault(zh, en)
    from dealerlab.accounts import TIERS_EN

    out.update({zh: f"{en} account" for zh, en in TIERS_EN.items()})
    from dealerlab.pay import STATUS_ELIMINATED, STATUS_KEPT, STATUS_SUSPENDED

    out.update({STATUS_ELIMINATED: "eliminated", STATUS_SUSPENDED: "suspended", STATUS_KEPT: "kept"})
    try:
        from dealerlab.funnel.diagnosis import STEPS, step_label

        out.update({s: step_label(s, "en") for s in STEPS})
    except Exception:  # noqa: BLE001 - the step table is package data; without it the steps stay Chinese
        pass
    from importlib import resources

    import pandas as pd

    for name in ("funnel_actions.csv", "area_actions.csv"):
        try:
            with resources.files("dealerlab.data").joinpath(name).open(encoding="utf-8") as fh:
                t = pd.read_csv(fh, dtype=str, keep_default_na=False)
            out.update({zh: en for zh, en in zip(t["owner"], t["owner_en"]) if zh and en})
            if "tool" in t.columns and "tool_en" in t.columns:
                out.update({zh: en for zh, en in zip(t["tool"], t["tool_en"]) if zh and en})
        except (OSError, KeyError):  # package data; without it the words stay Chinese
            pass
    out.update(TERMS_EN)
    out.update({"每日": "daily", "每周": "weekly", "即时": "immediately", "每月": "monthly",
                "一般": "general account", "集团中位数": "Group median", "标杆": "Benchmark"})
    return out


def value_label(value, lang: str = "zh"):
    """A data category in ``lang``: Chinese unchanged; English from the defining module (unknown values unchanged)."""
    check_lang(lang)
    if lang == "zh" or not isinstance(value, str):
        return value
    return _values_en().get(value, value)


def is_raw_label(text) -> bool:
    """True when ``text`` looks like an identifier, not a label a reader should see (``store_id``, ``service_orders``).

    >>> is_raw_label("store_id"), is_raw_label("门店"), is_raw_label("Store")
    (True, False, False)
    """
    return isinstance(text, str) and bool(RAW_LABEL.match(text.strip()))
