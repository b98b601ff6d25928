"""The one registry of metric ids (docs/DOMAIN.md §1, §2, §5, §11, §12): id → names, unit, direction, family. Nothing else.

The numbers are computed by :func:`dealerlab.figures.compute` (used by ``dealerlab metrics``, by KPI formulas of
course module 2 and by the reports, so that a number shown anywhere comes from the same function the tests check).
Each family takes its ids from here (:func:`ids`) and returns the long format ``store_id, period, metric, value,
reason`` (plus ``staff_id`` when ``by_staff``): one row for every metric id of the family × store × period asked
for; a figure not available has NaN ``value`` and a ``reason``.
"""

from __future__ import annotations

from dataclasses import dataclass

from dealerlab._long import LONG_COLUMNS
from dealerlab._options import check_lang, check_option

__all__ = ["MetricInfo", "METRICS", "FAMILIES", "ids", "variants", "info", "label", "LONG_COLUMNS"]


@dataclass(frozen=True)
class MetricInfo:
    id: str
    zh: str
    en: str
    family: str  # a key of dealerlab.figures.FAMILIES: funnel | aftersales | csi | retention | policy
    unit: str  # rate | count | money | index | days | units (vehicles, may be fractional: a standard stock)
    higher_is_better: bool = True
    per_staff: bool = False  # also computed per sales consultant

    def name(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


_M = MetricInfo

_DEFS = [
    # §1 funnel — counts
    _M("traffic", "客流量", "Showroom traffic", "funnel", "count", per_staff=False),
    _M("FV", "首次到店批次", "First visits", "funnel", "count"),
    _M("FC", "首次来电数", "First calls", "funnel", "count"),
    _M("W", "到店新增潜客", "New walk-in prospects", "funnel", "count", per_staff=True),
    _M("C", "来电新增潜客", "New call prospects", "funnel", "count", per_staff=True),
    _M("N", "当月新增潜客", "New prospects", "funnel", "count", per_staff=True),
    _M("CV", "来电潜客首次到店", "Call prospects' first visits", "funnel", "count", per_staff=True),
    _M("L", "上月末留存潜客", "Open prospects at month start", "funnel", "count", per_staff=True),
    _M("R", "再回展厅客户", "Returning prospects", "funnel", "count", per_staff=True),
    _M("RnoTD", "再回展厅未试驾客户", "Returning prospects without a test drive", "funnel", "count", per_staff=True),
    _M("TD", "试乘试驾客户", "Test-drive prospects", "funnel", "count", per_staff=True),
    _M("TDi", "邀约试乘试驾客户", "Invited test-drive prospects", "funnel", "count", per_staff=True),
    _M("S_room", "展厅零售销量", "Showroom retail sales", "funnel", "count", per_staff=True),
    # §1 funnel — rates and figures
    _M("capture_rate", "信息留存率", "Capture rate", "funnel", "rate"),
    _M("call_visit_rate", "来电潜客到店率", "Call-to-visit rate", "funnel", "rate", per_staff=True),
    _M("revisit_rate", "再回展厅率", "Revisit rate", "funnel", "rate", per_staff=True),
    _M("test_drive_rate", "试乘试驾率", "Test-drive rate", "funnel", "rate", per_staff=True),
    _M("test_drive_invite_share", "试乘试驾邀约率", "Invited share of test drives", "funnel", "rate", per_staff=True),
    _M("test_drive_satisfaction", "试乘试驾满意率", "Test-drive satisfaction", "funnel", "rate"),
    _M("test_drive_satisfaction.reached", "试乘试驾满意率（接通）", "Test-drive satisfaction (reached)", "funnel", "rate"),
    _M("close_rate", "成交率", "Close rate", "funnel", "rate", per_staff=True),
    _M("followup_timeliness", "跟踪及时率", "Follow-up timeliness", "funnel", "rate"),
    _M("aftersale_followup_timeliness", "售后跟踪及时率", "After-sale follow-up timeliness", "funnel", "rate"),
    _M("volume", "销量", "Sales volume", "funnel", "count", per_staff=True),
    _M("volume.展厅", "销量（展厅）", "Volume (showroom)", "funnel", "count", per_staff=True),
    _M("volume.二级网络", "销量（二级网络）", "Volume (sub-dealers)", "funnel", "count", per_staff=True),
    _M("volume.大客户", "销量（大客户）", "Volume (fleet)", "funnel", "count", per_staff=True),
    _M("vp_achievement", "VP达成率", "VP achievement", "funnel", "rate"),
    _M("market_share", "市场占有率", "Market share", "funnel", "rate"),
    _M("addon_penetration", "衍生产品渗透率", "Add-on penetration", "funnel", "rate", per_staff=True),
    *[
        _M(f"addon_penetration.{p}", f"衍生产品渗透率（{p}）", f"Add-on penetration ({en})", "funnel", "rate")
        for p, en in [
            ("保险", "insurance"),
            ("金融贷款", "finance"),
            ("精品", "accessories"),
            ("延保", "extended warranty"),
            ("上牌服务", "registration"),
            ("二手车置换", "trade-in"),
            ("其他", "other"),
        ]
    ],
    _M("addon_gross_per_unit", "单车衍生毛利", "Add-on gross per unit", "funnel", "money", per_staff=True),
    _M("gross_per_unit", "单车毛利", "Gross profit per unit", "funnel", "money", per_staff=True),
    # §2 after-sales
    _M("intake", "入库台数", "Customer-pay intake", "aftersales", "count"),
    _M("service_revenue", "售后产值", "Service revenue", "aftersales", "money"),
    _M("comeback_rate", "返修率", "Comeback rate", "aftersales", "rate", higher_is_better=False),
    _M("first_time_fix", "一次修复率", "First-time fix rate", "aftersales", "rate"),
    _M("parts_fill_rate", "零件即时供应率", "Parts fill rate", "aftersales", "rate"),
    _M("on_time_delivery", "准时交车率", "On-time delivery", "aftersales", "rate"),
    _M("booth_utilisation", "烤房利用率", "Paint booth utilisation", "aftersales", "rate"),
    _M("turnover", "离职率", "Staff turnover", "aftersales", "rate", higher_is_better=False),
    # §5 satisfaction
    _M("csi_index", "CSI指数", "CSI index", "csi", "index"),
    _M("ssi_index", "SSI指数", "SSI index", "csi", "index"),
    # §11 after-sales retention (course module 9)
    _M("base_vehicles", "基盘客户（台）", "Service base (vehicles)", "retention", "count"),
    _M("retention_rate", "回厂率", "Return rate", "retention", "rate"),
    _M("lapsed_vehicles", "流失保客（台）", "Lapsed vehicles", "retention", "count", higher_is_better=False),
    _M("first_service_rate", "首保回厂率", "First-service return rate", "retention", "rate"),
    # §12 business policy, rebates and stock
    _M("stock_units", "在库台数", "Units in stock", "policy", "count"),
    _M("stock_age_0_30", "库龄0–30天台数", "Units aged 0–30 days", "policy", "count"),
    _M("stock_age_31_60", "库龄31–60天台数", "Units aged 31–60 days", "policy", "count", higher_is_better=False),
    _M("stock_age_61_90", "库龄61–90天台数", "Units aged 61–90 days", "policy", "count", higher_is_better=False),
    _M("stock_age_over_90", "长库龄(>90天)台数", "Units aged over 90 days", "policy", "count", higher_is_better=False),
    _M("stock_days", "库存深度（天）", "Stock days", "policy", "days", higher_is_better=False),
    _M("standard_stock", "标准库存（台）", "Standard stock (units)", "policy", "units"),
    _M("stock_over_standard", "超标准库存（台）", "Stock over standard (units)", "policy", "units",
       higher_is_better=False),
    _M("stock_capital", "库存资金占用", "Capital tied up in stock", "policy", "money", higher_is_better=False),
    _M("stock_capital_cost_month", "库存月资金成本", "Monthly cost of stock capital", "policy", "money", higher_is_better=False),
    _M("call_off_accuracy", "CALL车准确率", "Call-off accuracy", "policy", "rate"),
    _M("sell_through_30d", "30天售出率", "30-day sell-through", "policy", "rate"),
    _M("marketing_cost_per_unit", "单车营销费用", "Marketing cost per unit", "policy", "money", higher_is_better=False),
    *[
        _M(f"rebate.{item}", f"返利（{item}）", f"Rebate ({en})", "policy", "money")
        for item, en in [("VP达成奖", "volume plan"), ("SSI奖", "SSI"), ("CSI奖", "CSI"), ("暗访奖", "mystery shopping"),
                         ("明访奖", "announced audit"), ("管理奖", "management"), ("其他", "other")]
    ],
    _M("rebate_total", "返利合计", "Total rebates", "policy", "money"),
    _M("gross_per_unit_incl_rebates", "综合单车毛利（含返利）", "Gross per unit incl. rebates", "policy", "money"),
    _M("vp_next_tier_units", "VP下一档还差台数", "Units to the next VP tier", "policy", "count", higher_is_better=False),
    _M("vp_next_tier_gain", "VP下一档返利增量", "Rebate gain at the next VP tier", "policy", "money"),
    _M("vp_breakeven_discount", "冲量保本让价（元/台）", "Break-even discount per extra unit", "policy", "money"),
]

METRICS: dict[str, MetricInfo] = {m.id: m for m in _DEFS}

#: the metric families, in registry order; each is computed by one function listed in :mod:`dealerlab.figures`
FAMILIES: list[str] = list(dict.fromkeys(m.family for m in _DEFS))


def ids(family: str, *, per_staff: bool = False) -> list[str]:
    """The metric ids of ``family`` in registry order (only those computed per consultant when ``per_staff``)."""
    return [m.id for m in _DEFS if m.family == family and (m.per_staff or not per_staff)]


def variants(base: str) -> tuple[str, ...]:
    """The values ``v`` of the ids ``<base>.<v>``, in registry order.

    ``volume`` → the sales channels, ``addon_penetration`` → the add-on products, ``rebate`` → the policy items: each
    is an enumeration of the data contract (``dealerlab/data/enums.toml``) whose every value has its metric id here,
    with its display names; the families count by these lists, which exist without reading any file.
    """
    head = f"{base}."
    return tuple(m.id[len(head):] for m in _DEFS if m.id.startswith(head))


def info(metric_id: str) -> MetricInfo:
    """The registry entry of ``metric_id`` (ParameterError naming the id when unknown)."""
    check_option("metric", metric_id, METRICS)
    return METRICS[metric_id]


def label(metric_id: str, lang: str = "zh") -> str:
    """Display name of a metric id in ``lang``."""
    check_lang(lang)
    return METRICS[metric_id].name(lang) if metric_id in METRICS else metric_id
