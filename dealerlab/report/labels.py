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
from importlib import resources

from dealerlab import metrics as registry
from dealerlab._options import check_lang
from dealerlab.accounts import TIERS_EN
from dealerlab.data import schema
from dealerlab.i18n import Catalogue, pick
from dealerlab.pay import STATUS_ELIMINATED, STATUS_KEPT, STATUS_SUSPENDED

__all__ = ["COLUMNS", "col", "columns", "value_label", "table_label", "is_raw_label", "RAW_LABEL", "TERMS_EN", "term"]

COLUMNS = Catalogue.load("report/labels")

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

#: the English names of the other Chinese values the report's tables hold (action frequencies, the accounts' tier
#: 一般, the league table's benchmark rows), keyed by the value
_OTHER_VALUES_EN = {"每日": "daily", "每周": "weekly", "即时": "immediately", "每月": "monthly",
                    "一般": "general account", "集团中位数": "Group median", "标杆": "Benchmark"}


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

    if key in registry.METRICS:
        return registry.label(key, lang)
    return key


def columns(frame, lang: str = "zh"):
    """``frame`` with every known column id replaced by its label."""
    return frame.rename(columns={c: col(c, lang) for c in frame.columns if isinstance(c, str)})


def table_label(name: str, lang: str = "zh") -> str:
    """A data table's label: the contract's Chinese name (``leads`` → 线索), or a readable English one."""
    check_lang(lang)

    t = schema.TABLES.get(name)
    if t is None:
        return name
    return pick(lang, t.zh, name.replace("_", " ").capitalize())


@functools.lru_cache(maxsize=1)
def _values_en() -> dict[str, str]:
    """Chinese category value → English name, gathered from the modules that define the categories."""
    out: dict[str, str] = {}

    for t in schema.TABLES.values():
        for c in t.columns:
            for zh, en in (c.enum or {}).items():
                if isinstance(zh, str) and isinstance(en, str) and en:
                    out.setdefault(zh, en)

    out.update({zh: f"{en} account" for zh, en in TIERS_EN.items()})

    out.update({STATUS_ELIMINATED: "eliminated", STATUS_SUSPENDED: "suspended", STATUS_KEPT: "kept"})
    try:
        from dealerlab.funnel.diagnosis import STEPS, step_label

        out.update({s: step_label(s, "en") for s in STEPS})
    except Exception:  # noqa: BLE001 - the step table is package data; without it the steps stay Chinese
        pass

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
    out.update(_OTHER_VALUES_EN)
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
