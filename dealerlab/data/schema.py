"""The client data contract of docs/DATA.md §3, declared once.

Every table and column is declared here with its English canonical name, its Chinese name, its kind, whether it is
required, its enumeration (Chinese canonical values, English equivalents accepted) and whether it holds personal data.
The loader, the validator, the generator, the data dictionary and the template workbook all read these declarations.
The enumerations themselves are data: ``dealerlab/data/enums.toml``, one table each, read on first use
(:class:`Enumeration`), so importing the schema reads no file.

Column kinds
------------
``id``      text identifier, kept as text (leading zeros kept)
``text``    free text
``enum``    one of ``Column.enum`` (stored as the Chinese canonical value)
``date``    a calendar date (stored as ``datetime64[ns]`` at midnight)
``bool``    是/否 (stored as pandas ``boolean``)
``int``     whole number (stored as ``Int64``)
``number``  a number (stored as ``float64``); money included
``period``  a month ``YYYY-MM`` (stored as text)
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files

import tomllib

from dealerlab._options import check_option

__all__ = ["Column", "Table", "TABLES", "KINDS", "Enumeration", "table", "enum_values"]

KINDS = ("id", "text", "enum", "date", "bool", "int", "number", "period")


@dataclass(frozen=True)
class Column:
    """One column of the contract.

    ``enum`` maps each canonical (Chinese) value to its accepted English equivalent.
    ``min``/``max`` bound numeric values (inclusive). ``note`` is the Chinese explanation shown in the
    template workbook's notes row and the data dictionary.
    """

    name: str
    zh: str
    kind: str = "text"
    required: bool = False
    enum: Mapping[str, str] | None = None
    pii: bool = False
    min: float | None = None
    max: float | None = None
    references: str | None = None  # "table.column" this column points at
    note: str = ""
    open_enum: bool = False  # enumeration lists examples; other values are accepted with a warning

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r} for column {self.name}")
        if self.kind == "enum" and self.enum is None:
            raise ValueError(f"enum column {self.name} has no values")


@dataclass(frozen=True)
class Table:
    """One table of the contract: its names, its columns and its primary key (if any)."""

    name: str
    zh: str
    columns: tuple[Column, ...]
    key: str | None = None
    optional: bool = False  # the whole table is optional (docs/DATA.md marks it so)
    note: str = ""
    _by_name: dict[str, Column] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self._by_name[name]

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def pii(self) -> list[str]:
        return [c.name for c in self.columns if c.pii]


@functools.cache
def _enumerations() -> dict[str, dict[str, str]]:
    """Every enumeration of ``enums.toml`` (read once, on first use), in the file's order."""
    text = files("dealerlab.data").joinpath("enums.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


class Enumeration(Mapping):
    """One enumeration of the contract, ``canonical value → accepted equivalent`` in the order of
    ``dealerlab/data/enums.toml``, read from that file on first use (nothing is read when the schema is imported).

    Parameters
    ----------
    name : str
        The enumeration's table in ``enums.toml`` (``"lead_status"``).
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def _values(self) -> dict[str, str]:
        return _enumerations()[self.name]

    def __getitem__(self, value: str) -> str:
        return self._values[value]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Enumeration({self.name!r})"

    def __reduce__(self):
        return (Enumeration, (self.name,))


#: roles counted as front-line (一线) when ``staff.frontline`` is blank
FRONTLINE_ROLES = frozenset(
    {"销售顾问", "展厅经理", "试乘试驾专员", "服务顾问", "技师", "钣喷技师", "前台接待", "PDI专员", "客服专员"}
)

C = Column
E = Enumeration

STORE_ID = dict(name="store_id", zh="门店编码", kind="id", required=True, references="stores.store_id")

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "stores",
            "门店",
            (
                C("store_id", "门店编码", "id", True),
                C("store_name", "门店名称", "text", True),
                C("brand", "品牌"),
                C("city", "城市"),
                C("region", "区域"),
                C("business", "业务类型", "enum", enum=E("business")),
                C("open_date", "开业日期", "date"),
            ),
            key="store_id",
        ),
        Table(
            "staff",
            "员工",
            (
                C("staff_id", "员工编号", "id", True),
                C(**STORE_ID),
                C("name", "姓名", "text", True, pii=True),
                C("department", "部门", "enum", True, enum=E("department")),
                C("role", "岗位", "enum", True, enum=E("role"), open_enum=True),
                C("frontline", "是否一线", "bool", note="留空时按岗位推断"),
                C("dept_class", "部门类别", "enum", enum=E("dept_class")),
                C("hire_date", "入职日期", "date", True),
                C("leave_date", "离职日期", "date", note="留空表示在职"),
            ),
            key="staff_id",
        ),
        Table(
            "leads",
            "潜客",
            (
                C("lead_id", "客户编号", "id", True),
                C(**STORE_ID),
                C("staff_id", "销售顾问编号", "id", references="staff.staff_id"),
                C("created_date", "建档日期", "date", True),
                C("first_contact", "首次接触方式", "enum", True, enum=E("first_contact")),
                C("channel", "来源渠道", "enum", enum=E("lead_channel")),
                C("intent_level", "意向级别", "enum", enum=E("intent_level")),
                C("model", "意向车型"),
                C("status", "状态", "enum", True, enum=E("lead_status")),
                C("closed_date", "结案日期", "date", note="状态为成交或战败时必填"),
                C("lost_reason", "战败原因"),
                C("name", "客户姓名", pii=True),
                C("phone", "联系电话", pii=True),
                C("account_id", "大客户编号", "id", references="accounts.account_id"),
            ),
            key="lead_id",
        ),
        Table(
            "visits",
            "展厅客流",
            (
                C("visit_id", "到店编号", "id", True),
                C(**STORE_ID),
                C("visit_date", "到店日期", "date", True),
                C("visit_type", "到店类型", "enum", True, enum=E("visit_type")),
                C("lead_id", "客户编号", "id", references="leads.lead_id", note="留空表示未留资料"),
                C("staff_id", "接待顾问编号", "id", references="staff.staff_id"),
                C("source", "到店来源", "enum", enum=E("visit_source")),
            ),
            key="visit_id",
        ),
        Table(
            "calls",
            "来电",
            (
                C("call_id", "来电编号", "id", True),
                C(**STORE_ID),
                C("call_date", "来电日期", "date", True),
                C("call_type", "来电类型", "enum", True, enum=E("visit_type")),
                C("lead_id", "客户编号", "id", references="leads.lead_id", note="留空表示未留资料"),
            ),
            key="call_id",
        ),
        Table(
            "test_drives",
            "试乘试驾",
            (
                C("test_drive_id", "试驾编号", "id", True),
                C(**STORE_ID),
                C("lead_id", "客户编号", "id", True, references="leads.lead_id"),
                C("drive_date", "试驾日期", "date", True),
                C("invited", "是否邀约", "bool", note="留空视为否"),
                C("model", "试驾车型"),
                C("callback_reached", "回访接通", "bool"),
                C("satisfied", "回访满意", "bool"),
            ),
            key="test_drive_id",
        ),
        Table(
            "followups",
            "跟踪回访",
            (
                C("followup_id", "回访编号", "id", True),
                C(**STORE_ID),
                C("kind", "回访类型", "enum", True, enum=E("followup_kind")),
                C("lead_id", "客户编号", "id", references="leads.lead_id"),
                C("sale_id", "销售编号", "id", references="sales.sale_id"),
                C("due_date", "计划回访日期", "date", True),
                C("done_date", "实际回访日期", "date", note="留空表示未完成"),
            ),
            key="followup_id",
        ),
        Table(
            "sales",
            "销售",
            (
                C("sale_id", "销售编号", "id", True),
                C(**STORE_ID),
                C("lead_id", "客户编号", "id", references="leads.lead_id"),
                C("staff_id", "销售顾问编号", "id", True, references="staff.staff_id"),
                C("order_date", "订单日期", "date"),
                C("invoice_date", "开票日期", "date", True, note="销量按开票日期计入月份"),
                C("delivery_date", "交车日期", "date"),
                C("channel", "销售渠道", "enum", True, enum=E("sale_channel")),
                C("model", "车型", "text", True),
                C("price", "成交价", "number", True, min=0),
                C("gross_profit", "单车毛利", "number"),
                C("account_id", "大客户编号", "id", references="accounts.account_id"),
                C("vin", "车架号", pii=True, note="可选；与库存车辆、维修工单的车架号对应"),
            ),
            key="sale_id",
        ),
        Table(
            "addons",
            "衍生产品",
            (
                C("addon_id", "衍生编号", "id", True),
                C(**STORE_ID),
                C("sale_id", "销售编号", "id", True, references="sales.sale_id"),
                C("product", "产品", "enum", True, enum=E("addon_product")),
                C("revenue", "收入", "number", True, min=0),
                C("gross_profit", "毛利", "number"),
            ),
            key="addon_id",
        ),
        Table(
            "service_orders",
            "维修工单",
            (
                C("ro_id", "工单号", "id", True),
                C(**STORE_ID),
                C("open_date", "进厂日期", "date", True),
                C("close_date", "出厂日期", "date"),
                C("promised_date", "承诺交车日期", "date"),
                C("ro_type", "工单类型", "enum", True, enum=E("ro_type")),
                C("pay_type", "付费类型", "enum", enum=E("pay_type")),
                C("revenue", "产值", "number", True, min=0),
                C("labor_hours", "工时", "number", min=0),
                C("is_comeback", "是否返修", "bool"),
                C("damage_class", "损伤程度", "enum", enum=E("damage"), note="钣喷工单填写"),
                C("advisor_id", "服务顾问编号", "id", references="staff.staff_id"),
                C("vin", "车架号", pii=True),
                C("account_id", "大客户编号", "id", references="accounts.account_id"),
                C("parts_lines_requested", "需求配件行数", "int", min=0),
                C("parts_lines_filled", "即时满足行数", "int", min=0),
                C("crew_id", "班组编号", "id"),
                C("crew_size", "班组人数", "int", min=1),
            ),
            key="ro_id",
        ),
        Table(
            "surveys",
            "满意度调查",
            (
                C("response_id", "问卷编号", "id", True),
                C(**STORE_ID),
                C("survey", "调查类型", "enum", True, enum=E("survey")),
                C("survey_date", "调查日期", "date", True),
                C("item", "题项", "text", True),
                C("performance", "表现得分", "number", True, min=1, max=10),
                C("expectation", "期望得分", "number", min=1, max=10),
                C("ref_id", "关联单号", "id"),
            ),
            note="长表：每行一个题项的回答；每份问卷另有一行题项为「总体满意度」",
        ),
        Table(
            "survey_items",
            "调查题项",
            (
                C("item", "题项", "text", True),
                C("survey", "调查类型", "enum", True, enum=E("survey")),
                C("factor", "因子", "text", True),
                C("rater", "服务质量维度", "enum", enum=E("rater")),
                C("kano_class", "卡诺类别", "enum", enum=E("kano")),
            ),
            optional=True,
            note="缺省时使用 dealerlab 自带的标准 SSI/CSI 题项",
        ),
        Table(
            "complaints",
            "客户投诉",
            (
                C("complaint_id", "投诉编号", "id", True),
                C(**STORE_ID),
                C("received_date", "受理日期", "date", True),
                C("category", "类别", "text", True),
                C("severity", "严重程度", "enum", enum=E("severity")),
                C("resolved_date", "结案日期", "date"),
                C("escalated", "是否上报", "bool"),
            ),
            key="complaint_id",
        ),
        Table(
            "accounts",
            "大客户",
            (
                C("account_id", "大客户编号", "id", True),
                C(**STORE_ID),
                C("account_name", "客户名称", "text", True, pii=True),
                C("industry", "行业", "enum", True, enum=E("industry")),
                C("fleet_size", "车队规模", "int", min=0),
                C("contact_level", "对接层级", "enum", enum=E("contact_level")),
                C("planned_purchases", "未来12个月计划采购台数", "int", min=0),
                C("since_date", "建立关系日期", "date"),
            ),
            key="account_id",
        ),
        Table(
            "targets",
            "目标",
            (
                C(**STORE_ID),
                C("period", "月份", "period", True),
                C("metric", "指标", "enum", True, enum=E("target_metric"), open_enum=True),
                C("staff_id", "员工编号", "id", references="staff.staff_id", note="留空表示门店级目标"),
                C("target", "目标值", "number", True),
                C("stretch", "突破目标值", "number"),
            ),
        ),
        Table(
            "booth_usage",
            "烤房使用",
            (
                C(**STORE_ID),
                C("date", "日期", "date", True),
                C("booth_id", "烤房编号", "id", True),
                C("minutes_available", "可用分钟", "number", True, min=0),
                C("minutes_used", "使用分钟", "number", True, min=0),
            ),
        ),
        Table(
            "points",
            "积分",
            (
                C(**STORE_ID),
                C("staff_id", "员工编号", "id", True, references="staff.staff_id"),
                C("date", "日期", "date", True),
                C("reason", "事由", "text", True),
                C("points", "分值", "number", True),
            ),
            optional=True,
        ),
        Table(
            "market",
            "市场",
            (
                C(**STORE_ID),
                C("period", "月份", "period", True),
                C("region_volume", "区域总销量", "number", min=0),
                C("volume_plan", "厂家下达销量目标(VP)", "number", min=0),
            ),
            optional=True,
        ),
        Table(
            "monthly_finance",
            "月度财务",
            (
                C(**STORE_ID),
                C("period", "月份", "period", True),
                C("revenue", "营业收入", "number"),
                C("operating_cost", "营业成本费用", "number"),
                C("tax_rate", "所得税率", "number", min=0, max=1),
                C("invested_capital", "投入资本", "number", min=0),
                C("capital_cost_rate", "资本成本率", "number", min=0, max=1),
                C("marketing_cost", "市场费用", "number", min=0, note="当月销售市场推广费用（元），用于单车营销费用"),
            ),
            optional=True,
        ),
        Table(
            "inventory",
            "库存车辆",
            (
                C("vin", "车架号", "id", True, pii=True),
                C(**STORE_ID),
                C("model", "车型", "text", True),
                C("arrival_date", "入库日期", "date", True, note="到店验收入库的日期（库龄从这天算起，当天为第 0 天）"),
                C("sold_date", "出库日期", "date", note="留空表示仍在库"),
                C("purchase_cost", "采购成本", "number", True, min=0, note="向厂家的进车价（元），用于资金占用"),
                C("sale_id", "销售编号", "id", references="sales.sale_id", note="已售出时填写对应的销售编号"),
            ),
            key="vin",
            optional=True,
            note="每台到店车辆一行（含已售出的），用于在库台数、库龄、库存深度和资金占用",
        ),
        Table(
            "oem_orders",
            "厂家订车",
            (
                C(**STORE_ID),
                C("period", "月份", "period", True),
                C("model", "车型", "text", True),
                C("ordered", "订车台数", "int", True, min=0, note="当月向厂家提报的订车台数"),
                C("called_off", "CALL OFF台数", "int", True, min=0, note="当月实际从厂家提走（CALL OFF）的台数"),
                C("note", "备注", note="CALL OFF 多于订车（如提走上月订单）时写明原因，就不再提示"),
            ),
            optional=True,
            note="每店每月每车型一行：订车与 CALL OFF，用于 CALL车准确率",
        ),
        Table(
            "oem_policy",
            "商务政策",
            (
                C("store_id", "门店编码", "id", references="stores.store_id", note="留空表示适用于所有门店"),
                C("period", "月份", "period", note="留空表示每个月都适用"),
                C("item", "项目", "enum", True, enum=E("policy_item")),
                C("basis", "依据指标", "enum", True, enum=E("policy_basis"), open_enum=True,
                  note="score 表示按「厂家评分」表中同名项目（去掉「奖」字）的得分"),
                C("threshold", "门槛", "number", True, min=0, note="达到（≥）此值即进入该档；VP达成率写 0.95 或 95%"),
                C("amount_per_unit", "每台返利", "number", min=0, note="元/台，乘以当月销量"),
                C("lump_sum", "一次性奖励", "number", min=0, note="元，达到该档一次性发放"),
            ),
            optional=True,
            note="返利阶梯：每个项目每一档一行；达到的最高一档按「每台返利 × 销量 + 一次性奖励」计算，低于最低档没有返利",
        ),
        Table(
            "oem_scores",
            "厂家评分",
            (
                C(**STORE_ID),
                C("period", "月份", "period", True),
                C("item", "项目", "enum", True, enum=E("score_item")),
                C("score", "得分", "number", True, min=0),
            ),
            optional=True,
            note="厂家每月给出的暗访、明访、管理等得分",
        ),
    ]
}

#: the order tables are loaded, validated and written in (referenced tables first)
TABLE_ORDER = tuple(TABLES)


def table(name: str) -> Table:
    """The declaration of table ``name`` (English name or Chinese name)."""
    if name in TABLES:
        return TABLES[name]
    for t in TABLES.values():
        if t.zh == name:
            return t
    check_option("table", name, TABLES)
    raise AssertionError  # unreachable


def enum_values(table_name: str, column: str) -> list[str]:
    """The canonical (Chinese) values of an enumerated column."""
    col = TABLES[table_name].column(column)
    return list(col.enum or {})
