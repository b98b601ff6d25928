"""``datasets/README.md``: the data dictionary (from the schema) and the planted teaching cases (from the data).

The README is rendered from the generated demo, so it states where each case sits; a test checks it is current.
"""

from __future__ import annotations

import pandas as pd

from dealerlab import policy
from dealerlab._long import month
from dealerlab.data.dataset import Dataset
from dealerlab.data.schema import TABLES
from dealerlab.datasets.generate import DEFAULT_SEED
from dealerlab.retention import retention_figures

__all__ = ["render_readme", "planted_facts"]

_KIND_ZH = {"id": "编号", "text": "文本", "enum": "枚举", "date": "日期", "bool": "是/否", "int": "整数", "number": "数值", "period": "月份"}




def planted_facts(ds: Dataset) -> dict:
    """Measured facts about the planted teaching cases of a generated group (used by the README and the tests)."""
    facts: dict = {}
    planted = getattr(ds, "planted", {}) or {}
    b = ds.booth_usage
    util = b.groupby(["store_id", month(b["date"])])[["minutes_used", "minutes_available"]].sum()
    util = (util["minutes_used"] / util["minutes_available"]).unstack(0)
    facts["booth_util"] = util
    so = ds.service_orders
    facts["comeback"] = so.groupby(["store_id", month(so["open_date"])])["is_comeback"].mean().unstack(0)
    s = ds.sales
    units = s.groupby(["store_id", "staff_id", month(s["invoice_date"])]).size().rename("units").reset_index()
    facts["units"] = units
    facts["comeback_action"] = planted.get("comeback_action", {})
    facts["team"] = planted.get("team", {})
    return facts


def _policy_case(ds: Dataset) -> list[str]:
    """Case 9: the OEM policy, the VP cliff, old stock and CALL车 accuracy, measured on the data."""
    planted = getattr(ds, "planted", {}) or {}
    need = ("vp_cliff", "old_stock", "call_off")
    if not all(k in planted for k in need) or not ds.has("inventory"):
        return []

    vp = planted["vp_cliff"]
    lad = policy.cliff(ds, store=vp["store_id"], period=vp["period"])
    nxt = lad[lad["is_next"]].iloc[0]
    old = planted["old_stock"]
    t = policy.stock_by_model(ds["inventory"], ds["sales"], period=vp["period"], stores=[old["store_id"]])
    row = t[t["model"] == old["model"]].iloc[0]
    co = planted["call_off"]
    orders = ds["oem_orders"]
    acc = orders.assign(late=orders["period"].isin(co["periods"])).groupby(["store_id", "late"])[["called_off", "ordered"]].sum()
    acc = acc["called_off"] / acc["ordered"]
    others = acc.drop(index=co["store_id"], level=0)
    return [
        f"9. **商务政策、返利与库存** — oem_policy 为每家门店所属品牌的返利阶梯（VP达成奖、SSI奖、暗访奖、管理奖；"
        "每月相同，store_id 填写、period 留空）；oem_scores 为每月暗访、管理得分；inventory 每台到店车辆一行"
        "（售出车辆的 sale_id 与 sales.vin 对应，采购成本 = 成交价 − 单车毛利），到店月份的台数即 oem_orders 的 CALL OFF；"
        "monthly_finance.marketing_cost 为当月市场费用。"
        f"**{vp['store_id']} {vp['period']} 冲量**：销量 {int(nxt['sold'])} 台，VP {int(nxt['volume_plan'])} 台"
        f"（达成 {nxt['sold'] / nxt['volume_plan']:.1%}），差 {int(nxt['units_needed'])} 台到 {nxt['threshold']:.0%} 档，"
        f"返利多拿 {nxt['gain']:,.0f} 元，保本让价每台 {nxt['breakeven_discount']:,.0f} 元。"
        f"**{old['store_id']} 老库存**：{old['model']} 有 {int(row['stock_age_over_90'])} 台库龄超过 90 天（最长 "
        f"{int(row['oldest_days'])} 天），该车型在库 {int(row['stock_units'])} 台、占用资金 {row['stock_capital']:,.0f} 元。"
        f"**{co['store_id']} CALL车准确率**：{co['periods'][0]}..{co['periods'][-1]} 为 "
        f"{acc.loc[(co['store_id'], True)]:.0%}（此前 {acc.loc[(co['store_id'], False)]:.0%}），其他门店 "
        f"{others.min():.0%}–{others.max():.0%}。"
    ]


def _first_service_case(ds: Dataset) -> list[str]:
    """Case 10: the first services of sold cars linked to sales.vin (course module 9), measured at the last month."""
    if not (ds.has("sales") and ds.has("service_orders")):
        return []
    m = ds.periods()[-1]
    f = retention_figures(ds, periods=[m])
    f = f[(f["metric"] == "first_service_rate") & f["value"].notna()]
    if f.empty:
        return []
    shown = "，".join(f"{r.store_id} {r.numerator:.0f}/{r.denominator:.0f} = {_fmt_pct(r.value)}" for r in f.itertuples())
    return [f"10. **首保回厂率（S01 高、S03 低）** — 售出车辆的首次保养工单带该车的 vin（sales.vin = service_orders.vin，"
            f"开票后 4–8 个月、在本店；S01 约 84%、S02 约 71%、S03 约 52% 的车回来）。{m} 的首保回厂率（M−12 至 M−6 开票、"
            f"9 个月内回店首保）：{shown}。回厂率需要 24 个月的工单，演示数据只有 12 个月，给出原因而不硬算。"]


def _fmt_pct(x: float) -> str:
    return f"{x:.1%}"


def render_readme(ds: Dataset) -> str:
    """The Markdown text of ``datasets/README.md`` for the demo ``ds`` (from ``generate()`` with the default seed)."""
    f = planted_facts(ds)
    periods = sorted(ds.targets["period"].unique())
    lines = _readme_header(periods) + _readme_stores_and_rows(ds)
    lines += ["", "## 教学案例 / Planted teaching cases", ""]
    lines += _booth_case(ds, f) + _bottom_out_case(ds, f, periods) + _team_case(f) + _comeback_case(f)
    lines += _funnel_case() + _accounts_case(ds) + _csi_and_complaint_cases()
    lines += _policy_case(ds)
    lines += _first_service_case(ds)
    lines += _readme_other_notes() + _data_dictionary()
    return "\n".join(lines).rstrip() + "\n"


def _readme_header(periods: list[str]) -> list[str]:
    """Title, provenance, files, how to load and regenerate."""
    lines = [
        "# 演示数据 / Demo dealer group",
        "",
        "合成数据（全部虚构：人名、电话、车架号、客户名称均为随机生成）。由 `dealerlab.datasets.generate()` 以默认种子 "
        f"{DEFAULT_SEED} 生成，**请勿手工修改**：测试会重新生成并比对哈希。",
        "Synthetic data (all names, phones, VINs and company names are invented), generated by "
        f"`dealerlab.datasets.generate()` with the default seed {DEFAULT_SEED}. Do not edit by hand: a test regenerates "
        "and compares hashes.",
        "",
        "- `demo/<table>.csv` — UTF-8, English headers, dates `YYYY-MM-DD`, booleans TRUE/FALSE; read by `load_demo()`.",
        "- `demo-client.xlsx` — the same data as a client would send it (docs/DATA.md): Chinese sheet names and headers, 是/否.",
        f"- Months: {periods[0]} .. {periods[-1]} ({len(periods)} months). Leads still open on the first day were created "
        "up to two months earlier (simulation warm-up), so `leads.created_date` starts before the first month.",
        "",
        "```python",
        "from dealerlab.datasets import load_demo",
        "ds = load_demo()            # Dataset: ds.leads, ds['sales'], ...",
        "from dealerlab.data.load import load",
        'ds = load("datasets/demo-client.xlsx")   # the same data through the client-file loader',
        "```",
        "",
        "## 重新生成 / Regenerate",
        "",
        "```bash",
        "dealerlab datasets generate -o mygroup --stores 3 --months 12 --seed 20261023          # CSV folder",
        "dealerlab datasets generate -o mygroup.xlsx --stores 10 --months 24 --seed 7 --scale 0.5  # client workbook",
        'python -c "from dealerlab.datasets.demo_io import build_demo; build_demo(\'datasets\')"   # this folder',
        "```",
        "",
        "## 门店 / Stores",
        "",
        "| store_id | 门店名称 | 品牌 | 城市 | 业务类型 |",
        "|---|---|---|---|---|",
    ]
    return lines


def _readme_stores_and_rows(ds: Dataset) -> list[str]:
    """The stores and the row count of every table."""
    lines: list[str] = []
    for r in ds.stores.itertuples():
        lines.append(f"| {r.store_id} | {r.store_name} | {r.brand} | {r.city} | {r.business} |")
    lines += ["", "## 行数 / Rows", "", "| table | 表 | rows |", "|---|---|---|"]
    for name, t in ds.tables.items():
        lines.append(f"| {name} | {TABLES[name].zh} | {len(t)} |")

    return lines


def _booth_case(ds: Dataset, f: dict) -> list[str]:
    """Case 1: paint booths under 60 % at S02 and its crews."""
    lines: list[str] = []
    util = f["booth_util"]
    if "S02" in util:
        lo, hi = util["S02"].min(), util["S02"].max()
        others = util.drop(columns="S02").stack()
        so = ds.service_orders
        bp = so[(so["store_id"] == "S02") & (so["ro_type"] == "钣喷")]
        crews = ", ".join(f"{c}（{int(n)}人）" for c, n in bp.groupby("crew_id")["crew_size"].first().items())
        lines.append(
            f"1. **烤房利用率 < 60%（S02）** — booth_usage: S02 每月 {_fmt_pct(lo)}–{_fmt_pct(hi)}，其他门店 "
            f"{_fmt_pct(others.min())}–{_fmt_pct(others.max())}。S02 的钣喷工单由两个大班组 {crews} 混做大/中/小损伤"
            "（service_orders.crew_id / crew_size / damage_class），小损伤工单工时偏长、出厂晚于承诺；其他门店是 2–3 人的专业班组"
            "（基本按损伤程度分工）。按 班组人数 × 损伤程度 看工时与准时交车即可讲清原因。"
        )
    return lines


def _bottom_out_case(ds: Dataset, f: dict, periods: list[str]) -> list[str]:
    """Case 2: consultants around the 10/12-unit lines."""
    lines: list[str] = []
    units = f["units"]
    cons = ds.staff[ds.staff["role"] == "销售顾问"]
    u = units[units["staff_id"].isin(cons["staff_id"])]
    below10 = int((u["units"] < 10).sum())
    wide = u.pivot_table(index=["store_id", "staff_id"], columns="invoice_date", values="units", fill_value=0)
    full = cons[cons["leave_date"].isna() & (cons["hire_date"] < pd.Timestamp(periods[0] + "-01"))]["staff_id"]
    q = wide.T
    q.index = pd.PeriodIndex(q.index, freq="M").asfreq("Q")
    qavg = q.groupby(level=0).mean().T
    qavg = qavg[qavg.index.get_level_values(1).isin(full)]
    twice = []
    for (store, staff), row in qavg.iterrows():
        vals = row.to_numpy()
        if any(vals[i] < 12 and vals[i + 1] < 12 for i in range(len(vals) - 1)):
            twice.append(f"{staff}（{store}）")
    weak = ""
    if "S02" in f["booth_util"]:
        s02 = u[u["staff_id"].isin(full) & (u["store_id"] == "S02")].groupby("staff_id")["units"].sum() / len(periods)
        if len(s02):
            weak = f"S02 的 {s02.idxmin()} 能力偏弱、全年在岗，月均 {s02.min():.1f} 台，每个季度都低于 12 台。"
    lines.append(
        f"2. **末位淘汰 10/12 台线** — 销售顾问月销量（所有渠道、按开票日期）在 10 与 12 台附近波动；共有 {below10} 个"
        f"「顾问×月」低于 10 台（当月积分作废）。全年在岗且连续两个季度季均 < 12 台（淘汰→停岗）的顾问："
        f"{'、'.join(twice[:8])}{' 等' if len(twice) > 8 else ''}。"
        + weak
    )
    return lines


def _team_case(f: dict) -> list[str]:
    """Case 3: the team reward pool's miss and make-up."""
    lines: list[str] = []
    team = f["team"]
    for store, t in team.items():
        lines.append(
            f"3. **团队奖池（{store}）** — 门店级 销量 目标（targets.staff_id 为空）：{t['team_miss']} 未达成（差 "
            f"{t['team_shortfall']} 台，5 000 元入池）；之后几个月达成但超额不足以弥补；{t['team_make_up']} 超额覆盖缺口，"
            "奖池连同当月奖金一起发放。同年其他月份均达成。"
        )
    return lines


def _comeback_case(f: dict) -> list[str]:
    """Case 4: the comeback rate rising, the PDCA action month, the fall."""
    lines: list[str] = []
    cb = f["comeback"]
    for store, action in f["comeback_action"].items():
        ser = cb[store]
        pre = ser[ser.index < action]
        peak_month = pre.idxmax()
        lines.append(
            f"4. **返修率先升后降（{store}）** — service_orders.is_comeback：从约 {_fmt_pct(ser.iloc[:3].mean())} 逐月上升到 "
            f"{peak_month} 的 {_fmt_pct(pre.max())}；**{action} 为整改（PDCA 行动）月**，之后回落到 "
            f"{_fmt_pct(ser[ser.index > action].mean())} 左右。CSI 题项「一次修好」同期下降。"
        )
    return lines


def _funnel_case() -> list[str]:
    """Case 5: the funnel bottleneck at S01."""
    lines: list[str] = []
    lines.append(
        "5. **销售漏斗瓶颈（S01）** — S01 的试乘试驾率约 0.35（基准 0.50；首次到店试驾少），其他环节接近基准，"
        "成交率因此偏低（约 0.17）；S02、S03 各环节接近基准（全年平均：信息留存 0.70–0.74，来电到店 0.42–0.45，"
        "再回展厅 0.28，试驾 0.46–0.50，成交 0.19–0.21）。"
    )
    return lines


def _accounts_case(ds: Dataset) -> list[str]:
    """Case 6: big-account tiers and the churn warnings."""
    lines: list[str] = []
    acc = ds.accounts
    last = pd.concat(
        [ds.sales.groupby("account_id")["invoice_date"].max(), ds.service_orders.groupby("account_id")["open_date"].max()]
    ).groupby(level=0).max()
    a_ = acc.set_index("account_id")
    important = a_.index[a_["industry"].isin(["党政军", "国有企业"]) | (a_["fleet_size"] >= 10) | (a_["contact_level"] == "高层")]
    gone = [a for a in last[(ds.last_date() - last).dt.days >= 180].index if a in set(important)]
    silent = "、".join(f"{a}（{acc.set_index('account_id').loc[a, 'industry']}）" for a in sorted(gone))
    lines.append(
        f"6. **大客户分级与流失（主要在 S03）** — accounts 共 {len(acc)} 家（S03 {int((acc['store_id'] == 'S03').sum())} 家），"
        "覆盖 价值型（金额前 20%）、重要型（党政军/国有企业/车队 ≥ 10/高层对接）、潜力型（民营企业、车队 < 10、计划采购 20 台以上）与 一般；"
        "S03 的大客户渠道销售（sales.channel = 大客户，带 account_id）和约 30% 的维修工单带 account_id。"
        f"流失预警（重要型且最后 200 天以上没有购车和进厂）：{silent}。"
    )
    return lines


def _csi_and_complaint_cases() -> list[str]:
    """Cases 7 and 8: IPA quadrants and the complaints."""
    lines: list[str] = []
    lines.append(
        "7. **满意度 IPA** — 题项按设计落在四个象限（重要性 = 与「总体满意度」的相关）：SSI「试乘试驾安排」「需求了解充分」"
        "「报价透明」、CSI「一次修好」「按时交车」为 重点改进（S02 更明显）；CSI「休息区舒适」「车辆交还清洁」为 过度投入。"
        "CSI/SSI 指数约 750–790；期望得分约 85% 的题项行有填写。"
    )
    lines.append(
        "8. **投诉** — 类别呈帕累托分布（维修质量、等待时间、收费争议居前），约 15–20% 上报（重大投诉全部上报），"
        "少数超过 7 天未结案。"
    )
    return lines


def _readme_other_notes() -> list[str]:
    """Other facts of the demo (turnover, follow-ups, working days, monthly finance)."""
    lines = [
        "",
        "其他：销售顾问月离职率约 5–7%（离职当天补员，人数稳定）；潜客跟踪按时完成率约 0.86–0.93；"
        "工作日 周一至周六（展厅周末客流更多，售后周日不开单）。monthly_finance 为月度数据：capital_cost_rate 是**月**资本成本率"
        "（年 8% ÷ 12），EVA = NOPAT − 投入资本 × 资本成本率 即当月 EVA，各月有正有负。",
        "",
    ]
    return lines


def _data_dictionary() -> list[str]:
    """Every table of the schema with its columns."""
    lines = [
        "## 数据字典 / Data dictionary",
        "",
        "类型 kind：id 编号（文本）、text 文本、enum 枚举、date 日期、bool 是/否、int 整数、number 数值、period 月份 YYYY-MM。"
        "`*` 必填；PII = 个人信息（顾问报告默认隐藏）。",
        "",
    ]
    for t in TABLES.values():
        title = f"### {t.name} {t.zh}" + ("（可选）" if t.optional else "")
        lines += [title, ""]
        if t.note:
            lines += [t.note, ""]
        lines += ["| column | 列名 | kind | 必填 | 枚举 / 说明 | PII |", "|---|---|---|---|---|---|"]
        for c in t.columns:
            extra = "、".join(c.enum) if c.enum else ""
            if c.open_enum:
                extra += "（示例，可扩展）"
            if c.references:
                extra = (extra + "；" if extra else "") + f"→ {c.references}"
            if c.note:
                extra = (extra + "；" if extra else "") + c.note
            lines.append(
                f"| {c.name} | {c.zh} | {c.kind} {_KIND_ZH[c.kind]} | {'*' if c.required else ''} | {extra} | {'PII' if c.pii else ''} |"
            )
        lines.append("")
    return lines
