"""The synthetic dealer group: determinism, the bundled demo, consistency, realism ranges and planted cases.

Rates are recomputed here with plain pandas from the definitions of docs/DOMAIN.md §1, independently of dealerlab's own
funnel module.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.data.defaults import OVERALL_ITEM, default_survey_items
from dealerlab.data.schema import TABLES
from dealerlab.data.write import write_dataset
from dealerlab.datasets import DEFAULT_SEED, GroupConfig, generate, load_demo

SMALL_SEED = 11  # a small group for determinism tests
OTHER_SEED = 12


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return load_demo()


@pytest.fixture(scope="module")
def gen() -> Dataset:
    return generate()


def table_hashes(ds: Dataset) -> dict[str, str]:
    out = {}
    for name, df in ds.tables.items():
        h = hashlib.sha256("|".join(df.columns).encode())
        h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
        out[name] = h.hexdigest()
    return out


def month(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%Y-%m")


# ------------------------------------------------------------------------------------------------------- determinism
def test_same_seed_gives_identical_tables():
    a = generate(seed=SMALL_SEED, stores=2, months=3)
    b = generate(GroupConfig(seed=SMALL_SEED, stores=2, months=3))
    assert set(a.tables) == set(TABLES)
    assert table_hashes(a) == table_hashes(b)


def test_other_seed_gives_other_tables():
    a = table_hashes(generate(seed=SMALL_SEED, stores=2, months=3))
    b = table_hashes(generate(seed=OTHER_SEED, stores=2, months=3))
    assert a["leads"] != b["leads"] and a["sales"] != b["sales"]
    assert a["survey_items"] == b["survey_items"]  # the dictionary does not depend on the seed


def test_bad_config_is_refused():
    from dealerlab.errors import ParameterError

    with pytest.raises(ParameterError, match="门店数"):
        GroupConfig(stores=0)
    with pytest.raises(ParameterError, match="scale"):
        GroupConfig(scale=0)
    with pytest.raises(ParameterError, match="commercial_share"):
        GroupConfig(commercial_share=1.5)


# ---------------------------------------------------------------------------------------------------- bundled demo
def test_bundled_csvs_are_the_default_seed_output(gen, repo_root, tmp_path):
    write_dataset(gen, tmp_path / "demo", format="csv", headers="en")
    bundled = repo_root / "datasets" / "demo"
    names = sorted(p.name for p in (tmp_path / "demo").iterdir())
    assert names == sorted(p.name for p in bundled.iterdir())
    for name in names:
        new = hashlib.sha256((tmp_path / "demo" / name).read_bytes()).hexdigest()
        old = hashlib.sha256((bundled / name).read_bytes()).hexdigest()
        assert new == old, f"datasets/demo/{name} differs from generate(seed={DEFAULT_SEED}); rebuild with build_demo"


def test_bundled_readme_is_current(gen, repo_root):
    from dealerlab.datasets.docs import render_readme

    assert (repo_root / "datasets" / "README.md").read_text(encoding="utf-8") == render_readme(gen), (
        "datasets/README.md (the demo's data dictionary, built from the schema and dealerlab/data/enums.toml) is stale: "
        "regenerate it with `PYTHONPATH=. python -c \"from dealerlab.datasets.demo_io import build_demo; "
        "build_demo('datasets')\"` and check that the diff is only your change"
    )


def test_load_demo_from_another_cwd_equals_generate(gen, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ds = load_demo()
    assert ds.source == "demo"
    assert set(ds.tables) == set(gen.tables)
    for name in gen.tables:
        pd.testing.assert_frame_equal(ds[name], gen[name], check_dtype=True, obj=name)


def test_package_link_points_at_the_bundled_folder(repo_root):
    link = repo_root / "dealerlab" / "datasets" / "demo"
    assert link.is_symlink() and os.readlink(link) == "../../datasets/demo"


def test_client_workbook_has_every_table_in_chinese(demo, repo_root):
    from openpyxl import load_workbook

    wb = load_workbook(repo_root / "datasets" / "demo-client.xlsx", read_only=True)
    try:
        assert wb.sheetnames == [TABLES[n].zh for n in TABLES]
        for name in ("stores", "sales", "targets"):
            ws = wb[TABLES[name].zh]
            rows = list(ws.iter_rows(values_only=True))
            assert list(rows[0]) == [c.zh for c in TABLES[name].columns]
            assert len(rows) - 1 == len(demo[name])
    finally:
        wb.close()
    assert (repo_root / "datasets" / "demo-client.xlsx").stat().st_size < 15_000_000


# ---------------------------------------------------------------------------------------------------- consistency
def test_every_table_and_column_is_there(demo):
    for name, spec in TABLES.items():
        df = demo[name]
        assert list(df.columns[: len(spec.columns)]) == spec.names
        assert len(df) > 0, name
        for col in spec.required:
            assert df[col].notna().all(), f"{name}.{col} has blanks"
        if spec.key:
            assert df[spec.key].is_unique, name
        for col in spec.columns:
            if col.enum and not col.open_enum:
                bad = set(df[col.name].dropna()) - set(col.enum)
                assert not bad, f"{name}.{col.name}: {bad}"


def test_references_point_at_real_rows(demo):
    leads = set(demo.leads["lead_id"])
    for name in ("visits", "calls", "test_drives", "followups", "sales"):
        ids = demo[name]["lead_id"].dropna()
        assert ids.isin(leads).all(), name
    sales = set(demo.sales["sale_id"])
    assert demo.addons["sale_id"].isin(sales).all()
    assert demo.followups["sale_id"].dropna().isin(sales).all()
    staff = set(demo.staff["staff_id"])
    for name, col in (("leads", "staff_id"), ("visits", "staff_id"), ("sales", "staff_id"), ("service_orders", "advisor_id"),
                      ("targets", "staff_id"), ("points", "staff_id")):
        assert demo[name][col].dropna().isin(staff).all(), name
    accounts = set(demo.accounts["account_id"])
    for name in ("sales", "service_orders"):
        assert demo[name]["account_id"].dropna().isin(accounts).all(), name
    stores = set(demo.stores["store_id"])
    for name, df in demo.tables.items():
        if "store_id" in df.columns:
            assert df["store_id"].isin(stores).all(), name
    f = demo.followups
    assert (f.loc[f["kind"] == "潜客跟踪", "lead_id"].notna()).all()
    assert (f.loc[f["kind"] == "售后跟踪", "sale_id"].notna()).all()


def test_leads_and_sales_agree(demo):
    L = demo.leads.set_index("lead_id")
    assert L.loc[L["status"] != "跟进中", "closed_date"].notna().all()
    assert L.loc[L["status"] == "跟进中", "closed_date"].isna().all()
    s = demo.sales.dropna(subset=["lead_id"])
    lead = L.loc[s["lead_id"]]
    assert (lead["status"].to_numpy() == "成交").all()
    lag = (s["invoice_date"].to_numpy() - lead["closed_date"].to_numpy()) / np.timedelta64(1, "D")
    assert (lag >= 0).all() and (lag <= 30).all()  # invoiced on or after the order (= closed_date)
    assert s["lead_id"].is_unique
    # every showroom sale has a lead, every won lead invoiced in the data has its sale
    assert demo.sales.loc[demo.sales["channel"] == "展厅", "lead_id"].notna().all()
    v = demo.visits.dropna(subset=["lead_id"]).merge(demo.leads[["lead_id", "created_date"]], on="lead_id")
    assert (v["visit_date"] >= v["created_date"]).all()


def test_sales_staff_are_consultants_employed_that_day(demo):
    st = demo.staff.set_index("staff_id")
    s = demo.sales
    who = st.loc[s["staff_id"]]
    assert (who["role"].to_numpy() == "销售顾问").all()
    assert (who["hire_date"].to_numpy() <= s["invoice_date"].to_numpy()).all()
    leave = who["leave_date"].to_numpy()
    assert (np.isnat(leave) | (leave > s["invoice_date"].to_numpy())).all()


def test_surveys_have_one_overall_row_per_response(demo):
    sv = demo.surveys
    overall = sv[sv["item"] == OVERALL_ITEM].groupby("response_id").size()
    assert overall.eq(1).all() and len(overall) == sv["response_id"].nunique()
    items = default_survey_items()
    known = set(zip(items["survey"], items["item"]))
    rest = sv[sv["item"] != OVERALL_ITEM]
    assert set(zip(rest["survey"], rest["item"])) <= known
    refs = set(demo.sales["sale_id"]) | set(demo.service_orders["ro_id"])
    assert sv["ref_id"].isin(refs).all()
    assert sv["performance"].between(1, 10).all()
    share_exp = rest["expectation"].notna().mean()
    assert 0.8 <= share_exp <= 0.9


def test_booth_usage_rows_are_per_booth_per_working_day(demo):
    b = demo.booth_usage
    assert not b.duplicated(["store_id", "date", "booth_id"]).any()
    assert (b["date"].dt.day_of_week < 6).all()  # Monday..Saturday
    assert (b["minutes_used"] <= b["minutes_available"]).all()


def test_consultant_targets_sum_to_the_store_target(demo):
    t = demo.targets[demo.targets["metric"] == "销量"]
    store = t[t["staff_id"].isna()].set_index(["store_id", "period"])["target"]
    cons = t[t["staff_id"].notna()].groupby(["store_id", "period"])["target"].sum()
    pd.testing.assert_series_equal(cons.sort_index(), store.sort_index(), check_names=False)
    metrics = set(demo.targets["metric"])
    assert {"销量", "展厅销量", "毛利", "售后产值", "衍生收入", "CSI", "SSI"} <= metrics
    assert (demo.targets["stretch"] >= demo.targets["target"]).all()


# ------------------------------------------------------------------------------------------------ funnel (DOMAIN §1)
def funnel_rates(ds: Dataset) -> pd.DataFrame:
    """capture, call→visit, revisit, test-drive and close rate per store × month, straight from the definitions."""
    L, V, C, T, S = ds.leads, ds.visits, ds.calls, ds.test_drives, ds.sales
    rows = []
    for sid in ds.store_ids:
        ld, v, c, t, s = (x[x["store_id"] == sid] for x in (L, V, C, T, S))
        calllead = set(ld.loc[ld["first_contact"] == "来电", "lead_id"])
        for per in sorted(ds.targets["period"].unique()):
            a = pd.Timestamp(per + "-01")
            b = a + pd.offsets.MonthEnd(0)

            def inm(x, a=a, b=b):
                return (x >= a) & (x <= b)

            FV = ((v["visit_type"] == "首次") & inm(v["visit_date"])).sum()
            FC = ((c["call_type"] == "首次") & inm(c["call_date"])).sum()
            W = ((ld["first_contact"] == "到店") & inm(ld["created_date"])).sum()
            Cn = ((ld["first_contact"] == "来电") & inm(ld["created_date"])).sum()
            N = inm(ld["created_date"]).sum()
            first = v[(v["visit_type"] == "首次") & inm(v["visit_date"])]
            CV = first.loc[first["lead_id"].isin(calllead), "lead_id"].nunique()
            Lc = ((ld["created_date"] < a) & ((ld["status"] == "跟进中") | (ld["closed_date"] >= a))).sum()
            rv = set(v.loc[(v["visit_type"] == "再次") & inm(v["visit_date"]), "lead_id"].dropna())
            prior = set(t.loc[t["drive_date"] < a, "lead_id"])
            TD = t.loc[inm(t["drive_date"]), "lead_id"].nunique()
            S_room = ((s["channel"] == "展厅") & inm(s["invoice_date"])).sum()
            rows.append(
                dict(store_id=sid, period=per, capture=(W + Cn) / (FV + FC), call_visit=CV / Cn, revisit=len(rv) / (W + CV + Lc),
                     test_drive=TD / (W + CV + len(rv - prior)), close=S_room / (Lc + N))
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def rates(demo) -> pd.DataFrame:
    return funnel_rates(demo)


def test_funnel_rates_in_realistic_ranges(rates):
    mean = rates.groupby("store_id")[["capture", "call_visit", "revisit", "test_drive", "close"]].mean()
    assert mean["capture"].between(0.65, 0.80).all()
    assert mean["call_visit"].between(0.30, 0.50).all()
    assert mean["revisit"].between(0.15, 0.40).all()
    near = mean.drop(index="S01")
    assert near["test_drive"].between(0.40, 0.60).all()
    assert near["close"].between(0.15, 0.25).all()
    # month by month the rates stay plausible (a little wider than the benchmarks)
    assert rates["capture"].between(0.6, 0.85).all()
    assert rates["call_visit"].between(0.2, 0.65).all()


def test_s01_test_drive_is_the_bottleneck(rates):
    td = rates.groupby("store_id")["test_drive"].mean()
    assert 0.25 <= td["S01"] <= 0.40
    assert (td.drop(index="S01") - td["S01"] > 0.08).all()


# ----------------------------------------------------------------------------------------------- other realism
def test_units_per_consultant_about_ten(demo):
    s = demo.sales
    units = s.groupby(["store_id", "staff_id", month(s["invoice_date"])]).size()
    assert 8 <= units.mean() <= 14
    assert (units < 10).any() and (units >= 12).any()


def test_consultant_turnover_five_to_seven_percent(demo):
    c = demo.staff[demo.staff["role"] == "销售顾问"]
    left, heads = 0, 0.0
    for per in sorted(demo.targets["period"].unique()):
        a = pd.Timestamp(per + "-01")
        b = a + pd.offsets.MonthEnd(0)
        left += int(c["leave_date"].between(a, b).sum())

        def hc(d):
            return int(((c["hire_date"] <= d) & (c["leave_date"].isna() | (c["leave_date"] > d))).sum())

        heads += (hc(a) + hc(b)) / 2
        assert hc(a) == hc(b) or abs(hc(a) - hc(b)) <= 1  # replacements keep headcount stable
    assert 0.03 <= left / heads <= 0.09


def test_satisfaction_index_in_range(demo):
    sv = demo.surveys[demo.surveys["item"] != OVERALL_ITEM]
    idx = sv.groupby(["store_id", "survey"])["performance"].mean() * 100
    assert idx.between(740, 800).all()


def test_followups_mostly_on_time(demo):
    f = demo.followups
    for kind in ("潜客跟踪", "售后跟踪"):
        x = f[f["kind"] == kind]
        on_time = (x["done_date"].notna() & (x["done_date"] <= x["due_date"])).mean()
        assert 0.82 <= on_time <= 0.96, kind


# ----------------------------------------------------------------------------------------------- planted cases
def test_s02_booths_below_sixty_percent(demo):
    b = demo.booth_usage
    g = b.groupby(["store_id", month(b["date"])])[["minutes_used", "minutes_available"]].sum()
    util = (g["minutes_used"] / g["minutes_available"]).unstack(0)
    assert (util["S02"] < 0.60).all()
    assert (util.drop(columns="S02") > 0.65).all().all()
    bp = demo.service_orders[(demo.service_orders["store_id"] == "S02") & (demo.service_orders["ro_type"] == "钣喷")]
    assert bp["crew_id"].notna().all() and (bp["crew_size"] >= 5).all()
    mix = bp.groupby("crew_id")["damage_class"].nunique()
    assert (mix == 3).all()  # large crews mix heavy and light jobs


def test_consultant_eliminated_two_quarters_running(demo):
    s = demo.sales
    c = demo.staff[(demo.staff["role"] == "销售顾问") & demo.staff["leave_date"].isna()]
    units = s[s["staff_id"].isin(c["staff_id"])].groupby(["staff_id", month(s["invoice_date"])]).size().unstack(fill_value=0)
    q = units.T
    q.index = pd.PeriodIndex(q.index, freq="M").asfreq("Q")
    qavg = q.groupby(level=0).mean().T
    full_quarters = qavg[[pd.Period("2026Q1"), pd.Period("2026Q2"), pd.Period("2026Q3")]]
    twice = ((full_quarters < 12) & (full_quarters.shift(-1, axis=1) < 12)).any(axis=1)
    assert twice.any()
    assert (qavg >= 12).any().any()  # and some consultants clear the line


def test_team_misses_then_makes_up(demo):
    t = demo.targets
    tgt = t[(t["metric"] == "销量") & t["staff_id"].isna() & (t["store_id"] == "S02")].set_index("period")["target"]
    s = demo.sales[demo.sales["store_id"] == "S02"]
    act = month(s["invoice_date"]).value_counts().reindex(tgt.index, fill_value=0)
    diff = act - tgt
    year = [p for p in tgt.index if p.startswith("2026")]
    misses = [p for p in year if diff[p] < 0]
    assert len(misses) == 1
    miss = misses[0]
    later = [p for p in year if p > miss]
    covering = [p for p in later if diff[p] >= -diff[miss]]
    assert covering and any(0 <= diff[p] < -diff[miss] for p in later if p < covering[0])


def test_comeback_rises_then_falls_after_action(demo):
    so = demo.service_orders
    rate = so[so["store_id"] == "S01"].groupby(month(so["open_date"]))["is_comeback"].mean()
    action = "2026-06"  # noted in datasets/README.md
    rise = rate.loc["2026-01":"2026-05"].to_numpy()
    assert (np.diff(rise) > 0).all()
    assert rate.loc["2026-05"] > 0.06 and rate.loc["2025-11"] < 0.04
    assert rate.loc["2026-07":].max() < rate.loc[action] and rate.loc["2026-08":].mean() < 0.035
    others = so[so["store_id"] != "S01"]
    assert others["is_comeback"].mean() == pytest.approx(0.03, abs=0.01)


def account_tiers(ds: Dataset) -> pd.DataFrame:
    """DOMAIN §6 tiers with plain pandas (reference date = last date in the data)."""
    D = ds.last_date()
    acc = ds.accounts.set_index("account_id")
    s = ds.sales.dropna(subset=["account_id"])
    r = ds.service_orders.dropna(subset=["account_id"])
    s24 = s[s["invoice_date"] > D - pd.DateOffset(months=24)]
    r24 = r[r["open_date"] > D - pd.DateOffset(months=24)]
    money = s24.groupby("account_id")["price"].sum().add(r24.groupby("account_id")["revenue"].sum(), fill_value=0)
    money = money.reindex(acc.index, fill_value=0)
    n_top = int(np.ceil(0.2 * len(acc)))
    value = set(money.sort_values(ascending=False, kind="stable").index[:n_top])
    important = set(acc.index[acc["industry"].isin(["党政军", "国有企业"]) | (acc["fleet_size"] >= 10) | (acc["contact_level"] == "高层")])
    bought12 = s[s["invoice_date"] > D - pd.DateOffset(months=12)].groupby("account_id").size().reindex(acc.index, fill_value=0)
    potential = (acc["planned_purchases"].astype(float) + 0.2 * acc["fleet_size"].astype(float) - bought12).clip(lower=0)
    pot = set(potential.sort_values(ascending=False, kind="stable").index[:n_top])
    tier = pd.Series("一般", index=acc.index)
    tier[tier.index.isin(pot)] = "潜力型"
    tier[tier.index.isin(important)] = "重要型"
    tier[tier.index.isin(value)] = "价值型"
    last = pd.concat([s.groupby("account_id")["invoice_date"].max(), r.groupby("account_id")["open_date"].max()]).groupby(level=0).max()
    silent = (D - last.reindex(acc.index)).dt.days.fillna(10**6) >= 180
    return pd.DataFrame({"store_id": acc["store_id"], "tier": tier, "churn": silent & tier.isin(["价值型", "重要型"])})


def test_accounts_of_every_tier_and_churn(demo):
    tiers = account_tiers(demo)
    assert set(tiers["tier"]) == {"价值型", "重要型", "潜力型", "一般"}
    s03 = tiers[tiers["store_id"] == "S03"]
    assert set(s03["tier"]) == {"价值型", "重要型", "潜力型", "一般"}
    assert 2 <= tiers["churn"].sum() <= 6
    fleet = demo.sales[demo.sales["channel"] == "大客户"]
    assert fleet["account_id"].notna().all() and (fleet["store_id"] == "S03").mean() > 0.7


def test_complaints_have_escalations_and_old_open_ones(demo):
    c = demo.complaints
    assert set(c["severity"]) == {"一般", "重要", "重大"}
    assert 0.08 <= c["escalated"].mean() <= 0.25
    end = demo.last_date()
    open_old = c["resolved_date"].isna() & ((end - c["received_date"]).dt.days > 7)
    assert open_old.sum() >= 2
    top = c["category"].value_counts(normalize=True)
    assert top.iloc[0] > 0.2  # Pareto-skewed


def test_ipa_has_every_quadrant(demo):
    sv = demo.surveys
    for survey in ("SSI", "CSI"):
        x = sv[sv["survey"] == survey]
        wide = x.pivot_table(index="response_id", columns="item", values="performance")
        overall = wide.pop(OVERALL_ITEM)
        imp = wide.corrwith(overall)
        perf = wide.mean()
        hi_i, hi_p = imp > imp.mean(), perf > perf.mean()
        quadrants = {(a, b) for a, b in zip(hi_i, hi_p)}
        assert quadrants == {(True, True), (True, False), (False, False), (False, True)}, survey
        if survey == "CSI":
            assert hi_i["一次修好"] and not hi_p["一次修好"]  # 重点改进
            assert not hi_i["休息区舒适"] and hi_p["休息区舒适"]  # 过度投入


# ----------------------------------------------------------------------------------------------- scaling
def test_ten_stores_three_months_smoke():
    ds = generate(seed=SMALL_SEED, stores=10, months=3, end="2026-03", scale=0.5)
    assert ds.store_ids == [f"S{i:02d}" for i in range(1, 11)]
    assert set(ds.stores["business"]) == {"乘用车", "商用车"}
    assert ds.periods()[-1] == "2026-03"
    assert ds.sales["lead_id"].dropna().isin(set(ds.leads["lead_id"])).all()
    assert ds.sales.groupby("store_id").size().min() > 20


def test_scale_multiplies_volumes():
    small = generate(seed=SMALL_SEED, stores=1, months=2, scale=0.5)
    big = generate(seed=SMALL_SEED, stores=1, months=2, scale=2.0)
    assert 2.5 < len(big.visits) / len(small.visits) < 6
    assert 2.5 < len(big.service_orders) / len(small.service_orders) < 6


def test_cli_generates_a_folder(tmp_path):
    from dealerlab.cli import main

    out = tmp_path / "grp"
    code = main(["datasets", "generate", "-o", str(out), "--stores", "2", "--months", "2", "--seed", "5", "--scale", "0.3"])
    assert code == 0
    assert sorted(p.stem for p in out.glob("*.csv")) == sorted(TABLES)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # nothing half-written left behind


def test_cli_bad_month_is_a_clear_error(tmp_path, capsys):
    from dealerlab.cli import main

    code = main(["datasets", "generate", "-o", str(tmp_path / "g"), "--end", "2026-13"])
    assert code == 1
    assert "YYYY-MM" in capsys.readouterr().out
    assert not (tmp_path / "g").exists()
