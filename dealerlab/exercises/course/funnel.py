"""Exercises of course module 3 — the sales funnel (trainer notebooks ``03a``, ``03b``, ``03c``).

* :data:`showroom_log` — a small showroom log of one month: the trainee counts FV, FC, W, C, N, CV, L, R, RnoTD, TD,
  S_room and computes the capture, test-drive, revisit and close rates; every box is checked on its own and a wrong
  one says what to count (the expected numbers come from :func:`dealerlab.funnel.funnel_counts` on the same log).
* :data:`whatif_slider` — how many more sales if the test-drive rate reaches 55 %? A slider shows the path model
  live (:func:`dealerlab.funnel.what_if`, docs/DOMAIN.md §10: extra test drives × the difference of the two paths' close
  shares); the typed answers are checked, and the withdrawn multiplicative answer gets its own message.
* :data:`diagnosis_case` — a store's five stage rates against their benchmarks: choose the bottleneck (by extra
  gross at the reachable target on the path model, not by the largest gap in points nor by the multiplicative
  ratio), compute its extra sales and pick the first action from the step's action table.

Nothing happens at import time except building these plain-data definitions.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from dealerlab.data.dataset import Dataset
from dealerlab.exercises import (
    ChoiceField,
    Exercise,
    Feedback,
    NumberField,
    SliderField,
    TextField,
    find_keywords,
    is_close,
)
from dealerlab.exercises.course._content import Content
from dealerlab.exercises.course._sorting import answer_key, case_field, case_lines, case_numbers, wrong_cases
from dealerlab.funnel import funnel_counts, funnel_rates, lead_sources, traffic_mix
from dealerlab.funnel.benchmarks import load_benchmarks
from dealerlab.funnel.diagnosis import STEP_OF
from dealerlab.funnel.paths import STAGES, TARGET_SOURCES, reachable_target, stage_extra_sales, target_source, what_if

__all__ = [
    "showroom_log",
    "whatif_slider",
    "diagnosis_case",
    "check_showroom_log",
    "check_whatif",
    "check_diagnosis",
    "log_answers",
    "CASE",
    "EXERCISES",
    "sources_roles",
    "process_people",
    "MIX_CASE",
    "ONLINE_CASE",
    "ROLE_VIEWS",
    "FORM_TABLES",
    "MOT_CASES",
    "SKILL_CASES",
    "mix_case_numbers",
]

_TEXT = Content.load(__name__)

# ----------------------------------------------------------------------------------------------------------------
# 03a showroom log (October 2026, one store)

_MONTH = "2026-10"
_LEADS = [  # lead_id, consultant, created, first contact, status, closed
    ("K01", "王", "2026-10-02", "到店", "跟进中", None),
    ("K02", "王", "2026-10-04", "到店", "成交", "2026-10-18"),
    ("K03", "李", "2026-10-05", "来电", "跟进中", None),
    ("K04", "李", "2026-09-26", "来电", "跟进中", None),
    ("K05", "王", "2026-08-20", "到店", "成交", "2026-10-01"),
    ("K06", "李", "2026-09-10", "到店", "战败", "2026-09-28"),
    ("K07", "李", "2026-10-12", "网络", "跟进中", None),
    ("K08", "王", "2026-09-03", "到店", "跟进中", None),
    ("K09", "李", "2026-10-20", "到店", "跟进中", None),
]
_VISITS = [  # date, type, lead
    ("2026-10-02", "首次", "K01"),
    ("2026-10-04", "首次", "K02"),
    ("2026-10-06", "首次", None),
    ("2026-10-07", "首次", "K04"),
    ("2026-10-09", "首次", "K03"),
    ("2026-10-11", "首次", None),
    ("2026-10-15", "再次", "K08"),
    ("2026-10-16", "再次", "K01"),
    ("2026-10-18", "再次", "K02"),
    ("2026-10-20", "首次", "K09"),
    ("2026-10-25", "再次", "K01"),
    ("2026-09-29", "首次", None),
]
_CALLS = [  # date, type, lead
    ("2026-10-03", "首次", None),
    ("2026-10-05", "首次", "K03"),
    ("2026-10-08", "再次", "K03"),
    ("2026-10-19", "首次", None),
    ("2026-09-26", "首次", "K04"),
]
_DRIVES = [  # lead, date, invited
    ("K08", "2026-09-20", False),
    ("K01", "2026-10-16", True),
    ("K02", "2026-10-04", False),
    ("K04", "2026-10-07", True),
]
_SALES = [  # lead, date, channel
    ("K02", "2026-10-18", "展厅"),
    ("K05", "2026-10-01", "展厅"),
    (None, "2026-10-22", "大客户"),
]

#: the boxes of 03a: id → (zh label, en label, percent?, what to count when it is wrong)
_LOG_FIELDS = _TEXT.table("log.boxes")


def _log_dataset():
    T = pd.Timestamp
    leads = pd.DataFrame(
        [(lid, "D1", staff, T(c), fc, st, T(cl) if cl else None) for lid, staff, c, fc, st, cl in _LEADS],
        columns=["lead_id", "store_id", "staff_id", "created_date", "first_contact", "status", "closed_date"],
    )
    visits = pd.DataFrame([(f"V{i}", "D1", T(d), t, lead) for i, (d, t, lead) in enumerate(_VISITS)],
                          columns=["visit_id", "store_id", "visit_date", "visit_type", "lead_id"])
    calls = pd.DataFrame([(f"C{i}", "D1", T(d), t, lead) for i, (d, t, lead) in enumerate(_CALLS)],
                         columns=["call_id", "store_id", "call_date", "call_type", "lead_id"])
    drives = pd.DataFrame([(f"T{i}", "D1", lead, T(d), inv) for i, (lead, d, inv) in enumerate(_DRIVES)],
                          columns=["test_drive_id", "store_id", "lead_id", "drive_date", "invited"])
    sales = pd.DataFrame([(f"S{i}", "D1", lead, "王", T(d), ch, "X", 100000.0) for i, (lead, d, ch) in enumerate(_SALES)],
                         columns=["sale_id", "store_id", "lead_id", "staff_id", "invoice_date", "channel", "model", "price"])
    return Dataset.from_frames({"leads": leads, "visits": visits, "calls": calls, "test_drives": drives, "sales": sales})


@lru_cache(maxsize=1)
def log_answers() -> dict[str, float]:
    """The expected values of :data:`showroom_log`, computed by :mod:`dealerlab.funnel` on the same log."""
    ds = _log_dataset()
    c = funnel_counts(ds, periods=[_MONTH]).iloc[0]
    r = funnel_rates(ds, periods=[_MONTH]).iloc[0]
    return {k: float(c[k]) if k in c.index else float(r[k]) for k in _LOG_FIELDS}


def _md_table(header: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _log_tables() -> dict[str, str]:
    """The log's five tables as the instructions show them."""
    cols = _TEXT.table("log.columns")
    invited = _TEXT.table("log.invited")
    drives = [(a, b, invited["yes" if c else "no"]) for a, b, c in _DRIVES]
    return {"leads": _md_table(cols["leads"], _LEADS), "visits": _md_table(cols["visits"], _VISITS),
            "calls": _md_table(cols["calls"], _CALLS), "drives": _md_table(cols["drives"], drives),
            "sales": _md_table(cols["sales"], _SALES)}


def check_showroom_log(answer: dict) -> Feedback:
    """Check of :data:`showroom_log`: one detail per box, with what to count when it is wrong."""
    expected = log_answers()
    advice = _TEXT.table("log.advice")
    details = []
    for key, (zh, _en, is_rate, why) in _LOG_FIELDS.items():
        got = answer.get(key)
        ok = is_close(got, expected[key], tolerance=0.005 if is_rate else 0.0)
        msg = "" if ok else advice["blank" if got is None else "wrong"].format(label=zh, why=why)
        details.append((key, ok, msg))
    return Feedback.grade(details, **_TEXT.feedback("log"))


def _log_model_answer(answer=None) -> str:
    e = log_answers()
    lines = _TEXT.table("log.model_answer")
    parts = [lines["rate" if is_rate else "count"].format(label=zh, value=e[key])
             for key, (zh, _en, is_rate, _why) in _LOG_FIELDS.items()]
    return lines["head"] + "\n".join(parts)


showroom_log = Exercise(
    id="03a-showroom-log",
    **_TEXT.exercise("log", **_log_tables()),
    fields={
        key: NumberField(zh, en, unit="" if is_rate else "个", percent=is_rate)
        for key, (zh, en, is_rate, _why) in _LOG_FIELDS.items()
    },
    check=check_showroom_log,
    model_answer=_log_model_answer,
)

# ----------------------------------------------------------------------------------------------------------------
# 03b what-if slider (path model, docs/DOMAIN.md §10)

#: the case of 03b: this month's test-drive rate and its base, the cohort's path shares, gross per unit
WHATIF = {"test_drive_rate": 0.44, "target": 0.55, "base": 90, "p_td": 0.49, "p_notd": 0.13, "sales": 40,
          "gross_per_unit": 2500.0, "addon_gross_per_unit": 2000.0}


def _whatif_row(target: float) -> dict:
    r = what_if(rates={"test_drive_rate": WHATIF["test_drive_rate"]}, counts={"W": WHATIF["base"], "CV": 0, "RnoTD": 0},
                shares={"p_td": WHATIF["p_td"], "p_notd": WHATIF["p_notd"]}, changes={"test_drive_rate": target},
                gross_per_unit=WHATIF["gross_per_unit"], addon_gross_per_unit=WHATIF["addon_gross_per_unit"])
    return r.iloc[0].to_dict()


def _whatif_expected() -> dict:
    return _whatif_row(WHATIF["target"])


def _naive_extra() -> float:
    """What the withdrawn multiplicative model would say (shown once, as the mistake to avoid)."""
    return WHATIF["sales"] * (WHATIF["target"] / WHATIF["test_drive_rate"] - 1)


def check_whatif(answer: dict) -> Feedback:
    """Check of :data:`whatif_slider`: extra sales and total gross at 55 % on the path model (the slider is free)."""
    e = _whatif_expected()
    ok_sales = is_close(answer.get("extra_sales"), e["extra_sales"], tolerance=0.1)
    ok_gross = is_close(answer.get("extra_gross"), e["extra_gross"], rel_tolerance=0.01)
    naive = is_close(answer.get("extra_sales"), _naive_extra(), tolerance=0.2)
    advice = _TEXT.table("whatif.advice")
    details = [
        ("extra_sales", ok_sales, "" if ok_sales else advice["naive" if naive else "sales"]),
        ("extra_gross", ok_gross, "" if ok_gross else advice["gross"]),
    ]
    return Feedback.grade(details, **_TEXT.feedback("whatif", naive=_naive_extra(), times=_naive_extra() / e["extra_sales"],
                                                    extra_sales=e["extra_sales"], extra_gross=e["extra_gross"]))


def _whatif_live(answer: dict):
    target = answer.get("target")
    if target is None:
        return ""
    col = _TEXT.table("whatif.columns")
    rows = []
    for t in sorted({WHATIF["test_drive_rate"], float(target), 0.50, WHATIF["target"]}):
        r = _whatif_row(t)
        rows.append({col["rate"]: f"{t:.0%}", col["leads"]: round((t - WHATIF["test_drive_rate"]) * WHATIF["base"], 1),
                     col["sales"]: round(r["extra_sales"], 1), col["gross"]: round(r["extra_gross"])})
    return pd.DataFrame(rows)


whatif_slider = Exercise(
    id="03b-whatif-slider",
    **_TEXT.exercise("whatif"),
    fields={
        "target": SliderField("试乘试驾率目标", "Test-drive rate target", min=0.30, max=0.70, step=0.01, value=0.44, percent=True),
        "extra_sales": NumberField("达到 55% 时多销台数", "Extra sales at 55 %", unit="台"),
        "extra_gross": NumberField("多得毛利（含衍生毛利）", "Extra gross profit (incl. add-ons)", unit="元"),
    },
    check=check_whatif,
    model_answer=lambda answer=None: _TEXT.text("whatif.model_answer", naive=_naive_extra(), **_whatif_expected()),
    live=_whatif_live,
)

# ----------------------------------------------------------------------------------------------------------------
# 03c diagnosis case (path model, reachable targets, docs/DOMAIN.md §10)

#: the case of 03c: per stage the rate, the best month of the last 6, the count base and the path shares
CASE = {
    "rates": {"capture_rate": 0.56, "call_visit_rate": 0.30, "revisit_rate": 0.22, "test_drive_rate": 0.38,
              "close_rate": 0.17},
    "own_best": {"capture_rate": 0.62, "call_visit_rate": 0.33, "revisit_rate": 0.24, "test_drive_rate": 0.47,
                 "close_rate": 0.18},
    "counts": {"FV": 200, "FC": 100, "C": 60, "W": 120, "CV": 18, "L": 35, "RnoTD": 12, "N": 200},
    "shares": {"p_lead": 0.12, "p_call_visited": 0.30, "p_call_unvisited": 0.02, "p_revisit": 0.34,
               "p_norevisit": 0.31, "p_td": 0.50, "p_notd": 0.15},
    "sales": 40,
    "gross_per_unit": 2500.0,
    "addon_gross_per_unit": 2000.0,
}
_STAGE_NAMES = _TEXT.table("diagnosis.stages")
#: the action table: action → (what, the step of the sales process it belongs to)
_ACTIONS = _TEXT.table("cases.actions")


def _case_table() -> pd.DataFrame:
    bench = load_benchmarks(business="乘用车")
    gpu = CASE["gross_per_unit"] + CASE["addon_gross_per_unit"]
    rows = []
    for m in STAGES:
        v, b, best = CASE["rates"][m], bench[m], CASE["own_best"][m]
        t = reachable_target(v, b, best)
        d = max(0.0, stage_extra_sales(m, current=v, new=t, counts=CASE["counts"], shares=CASE["shares"]))
        rows.append({"metric": m, "name": _STAGE_NAMES[m], "value": v, "benchmark": b, "own_best": best, "target": t,
                     "target_basis": TARGET_SOURCES[target_source(v, b, best)][0], "gap_pts": (v - b) * 100,
                     "extra_sales": d, "extra_gross": d * gpu,
                     "naive": CASE["sales"] * (b / v - 1)})
    return pd.DataFrame(rows)


def _case_answer() -> dict:
    t = _case_table()
    top = t.sort_values("extra_gross", ascending=False, kind="stable").iloc[0]
    return {"bottleneck": top["metric"], "stake": float(top["extra_sales"]), "gross": float(top["extra_gross"]),
            "target": float(top["target"]), "basis": str(top["target_basis"])}


#: a reason for the store manager must rest on the numbers of the case: the sales or gross at stake, the target
#: (a figure, or the words of the comparison); 「提高销量」 alone is a wish, not a reason
_WHY_WORDS = _TEXT.table("diagnosis.why")


def check_diagnosis(answer: dict) -> Feedback:
    """Check of :data:`diagnosis_case`: the bottleneck by extra gross at the reachable target (path model), its extra
    sales, an action of the bottleneck's step, and a reason for the store manager that rests on the case's numbers.
    An empty reason, or one with no number behind it ("很重要"), is not accepted: the exercise asks for it."""
    e = _case_answer()
    t = _case_table().set_index("metric")
    widest = t["gap_pts"].idxmin()
    naive = t["naive"].idxmax()
    advice = _TEXT.table("diagnosis.advice")
    ok_b = answer.get("bottleneck") == e["bottleneck"]
    b_msg = ""
    if not ok_b:
        chosen = answer.get("bottleneck")
        b_msg = advice["widest" if chosen == widest else "naive" if chosen == naive else "bottleneck"]
    ok_s = is_close(answer.get("stake"), e["stake"], tolerance=0.15)
    action = answer.get("action")
    ok_a = action in _ACTIONS and _ACTIONS[action][1] == STEP_OF[e["bottleneck"]]
    a_msg = "" if ok_a else advice["action"].format(step=STEP_OF[e["bottleneck"]])
    why = str(answer.get("why") or "").strip()
    ok_w = bool(why) and (any(ch.isdigit() for ch in why) or any(find_keywords(why, _WHY_WORDS).values()))
    w_msg = "" if ok_w else advice["why_evidence" if why else "why"]
    details = [("bottleneck", ok_b, b_msg),
               ("stake", ok_s, "" if ok_s else advice["stake"]),
               ("action", ok_a, a_msg),
               ("why", ok_w, w_msg)]
    row = _TEXT.text("diagnosis.row.explanation")
    lines = "\n".join(row.format(**r._asdict()) for r in t.itertuples())
    return Feedback.grade(details, **_TEXT.feedback(
        "diagnosis", lines=lines, widest_gap=t.loc[widest, "gap_pts"], naive=_STAGE_NAMES[naive],
        bottleneck=_STAGE_NAMES[e["bottleneck"]], basis=e["basis"], target=e["target"], stake=e["stake"], gross=e["gross"]))


#: the benchmarks (乘用车) as the case's table shows them
_CASE_BENCHMARKS = {"capture_rate": 0.70, "call_visit_rate": 0.40, "revisit_rate": 0.25, "test_drive_rate": 0.50,
                    "close_rate": 0.20}


def _diagnosis_table() -> str:
    """The case's stage rates as the instructions show them."""
    bases, paths = _TEXT.table("diagnosis.bases"), _TEXT.table("diagnosis.paths")
    return _md_table(_TEXT.table("diagnosis.columns")["case"],
                     [(_STAGE_NAMES[m], f"{CASE['rates'][m]:.0%}", f"{b:.0%}", f"{CASE['own_best'][m]:.0%}", bases[m],
                       paths[m]) for m, b in _CASE_BENCHMARKS.items()])


def _diagnosis_model() -> str:
    e = _case_answer()
    return _TEXT.text("diagnosis.model_answer", bottleneck=_STAGE_NAMES[e["bottleneck"]], basis=e["basis"],
                      target=e["target"], stake=e["stake"], gross=e["gross"], gross_wan=e["gross"] / 1e4)


diagnosis_case = Exercise(
    id="03c-diagnosis-case",
    **_TEXT.exercise("diagnosis", table=_diagnosis_table()),
    fields={
        "bottleneck": ChoiceField("瓶颈环节", "Bottleneck", options=_STAGE_NAMES),
        "stake": NumberField("瓶颈环节提到可达目标可多销", "Extra sales of the bottleneck at its reachable target", unit="台"),
        "action": ChoiceField("第一项行动", "First action", options={k: v[0] for k, v in _ACTIONS.items()}),
        "why": TextField("理由（给店总的一两句话）", "Why (one or two sentences)", rows=3),
    },
    check=check_diagnosis,
    model_answer=lambda answer=None: _diagnosis_model(),
)


# ----------------------------------------------------------------------------------------------------------------
# 03d 客流从哪里来、谁看流程、登记到哪张表

#: first showroom visits of the 03d case by source (one store, one month)
MIX_CASE = {"自然到店": 165, "来电邀约": 45, "网络邀约": 39, "活动": 16}
#: leads of the 03d case closed over six months, by source: (closed, sold)
ONLINE_CASE = {"自然到店": (745, 243), "来电": (534, 70), "网络平台": (451, 70)}

_ROLES, _ROLES_EN = _TEXT.options("sources.roles")
#: what is watched → the role whose purpose it is
ROLE_VIEWS = _TEXT.table("cases.roles")

_TABLES, _TABLES_EN = _TEXT.options("sources.tables")
#: a form of the showroom or a DMS report → the table of the product that holds it
FORM_TABLES = _TEXT.table("cases.forms")


def mix_case_numbers() -> dict:
    """The 03d numbers computed by :func:`dealerlab.funnel.traffic_mix` and :func:`dealerlab.funnel.lead_sources`."""
    rows = [(s, i) for s, n in MIX_CASE.items() for i in range(n)]
    visits = pd.DataFrame({"visit_id": [f"V{i}" for i in range(len(rows))], "store_id": "S",
                           "visit_date": pd.Timestamp("2026-10-10"), "visit_type": "首次", "lead_id": None,
                           "staff_id": "E", "source": [s for s, _i in rows]})
    lrows = [(s, "成交" if i < sold else "战败") for s, (closed, sold) in ONLINE_CASE.items() for i in range(closed)]
    leads = pd.DataFrame({"lead_id": [f"L{i}" for i in range(len(lrows))], "store_id": "S", "staff_id": "E",
                          "created_date": pd.Timestamp("2026-06-01"), "first_contact": "到店",
                          "channel": [s for s, _t in lrows], "intent_level": "H", "model": "X",
                          "status": [t for _s, t in lrows], "closed_date": pd.Timestamp("2026-07-01"),
                          "lost_reason": None, "name": "甲", "phone": "1", "account_id": None})
    ds = Dataset.from_frames({"visits": visits, "leads": leads})
    mix = traffic_mix(ds, periods=["2026-10"]).set_index("source")["share"]
    src = lead_sources(ds, periods=["2026-07"]).set_index("source")["sold_share"]
    return {"online_share": float(mix["网络邀约"]), "online_sold": float(src["网络平台"]),
            "walkin_sold": float(src["自然到店"])}


def _check_sources_roles(answer: dict) -> Feedback:
    n = mix_case_numbers()
    ok_share = is_close(answer.get("online_share"), n["online_share"], tolerance=0.006)
    ok_sold = is_close(answer.get("online_sold"), n["online_sold"], tolerance=0.006)
    roles = answer.get("roles") or {}
    r_wrong = wrong_cases(roles, ROLE_VIEWS)
    forms = answer.get("forms") or {}
    f_wrong = wrong_cases(forms, FORM_TABLES)
    advice = _TEXT.table("sources.advice")
    share_msg = advice["online_share"]
    if is_close(answer.get("online_share"), 39 / 249, tolerance=0.006):
        share_msg = advice["denominator"]
    details = [
        ("online_share", ok_share, share_msg),
        ("online_sold", ok_sold, advice["online_sold"]),
        ("online_action", answer.get("online_action") == "b", advice["online_action"]),
        ("roles", not r_wrong, advice["roles"].format(numbers=case_numbers(r_wrong, ROLE_VIEWS)) if r_wrong else ""),
        ("forms", not f_wrong, advice["forms"].format(numbers=case_numbers(f_wrong, FORM_TABLES)) if f_wrong else ""),
    ]
    return Feedback.grade(
        details,
        weights={"online_share": 1, "online_sold": 1, "online_action": 1, "roles": 2, "forms": 2},
        **_TEXT.feedback("sources", **n),
    )


def _sources_roles_model(answer=None) -> str:
    n = mix_case_numbers()
    roles = answer_key(ROLE_VIEWS, _ROLES.get)
    forms = answer_key(FORM_TABLES, _TABLES.get)
    return _TEXT.text("sources.model_answer", roles=roles, forms=forms, **n)


_ONLINE_ACTION, _ONLINE_ACTION_EN = _TEXT.options("sources.options.online_action")


sources_roles = Exercise(
    id="03d-sources-roles",
    **_TEXT.exercise("sources", mix="、".join(f"{k} {v}" for k, v in MIX_CASE.items()), total=sum(MIX_CASE.values()),
                     closed="；".join(_TEXT.text("sources.case.closed", source=k, closed=c, sold=s)
                                     for k, (c, s) in ONLINE_CASE.items()),
                     roles=case_lines(ROLE_VIEWS, indent="   "), forms=case_lines(FORM_TABLES, indent="   ")),
    fields={
        "online_share": NumberField("网络邀约占比", "Online share of traffic", percent=True),
        "online_sold": NumberField("网络线索成交占比", "Sold share of online leads", percent=True),
        "online_action": ChoiceField("加大线上营销的第一步", "First step for more online marketing",
                                     options=_ONLINE_ACTION, options_en=_ONLINE_ACTION_EN),
        "roles": case_field("谁关注这件事", "Whose purpose", ROLE_VIEWS, _ROLES, _ROLES_EN, item="第 {n} 条"),
        "forms": case_field("登记到哪张表", "Which table", FORM_TABLES, _TABLES, _TABLES_EN, item="第 {n} 项"),
    },
    check=_check_sources_roles,
    model_answer=_sources_roles_model,
)

# ----------------------------------------------------------------------------------------------------------------
# 03e 流程里的人：关键时刻、六项能力、短信、基盘开发、连带销售

_MOT, _MOT_EN = _TEXT.options("people.moments")
#: a scene → a positive or a negative moment of truth
MOT_CASES = _TEXT.table("cases.moments")
_SKILLS, _SKILLS_EN = _TEXT.options("people.skills")
#: a consultant's behaviour → the selling skill it shows
SKILL_CASES = _TEXT.table("cases.skills")

_SMS_RULES = _TEXT.table("people.sms.rules")
_SMS_MSG = _TEXT.table("people.sms.missing")


def _check_people(answer: dict) -> Feedback:
    mot = answer.get("mot") or {}
    m_wrong = wrong_cases(mot, MOT_CASES)
    skills = answer.get("skills") or {}
    s_wrong = wrong_cases(skills, SKILL_CASES)
    sms = str(answer.get("sms") or "")
    found = find_keywords(sms, _SMS_RULES)
    missing = [k for k, ok in found.items() if not ok]
    ok_sms = 15 <= len(sms) <= 140 and not missing
    advice = _TEXT.table("people.advice")
    sms_msg = "；".join(_SMS_MSG[k] for k in missing) if missing else advice["sms_long" if len(sms) > 140 else "sms_short"]
    details = [
        ("mot", not m_wrong, advice["mot"].format(numbers=case_numbers(m_wrong, MOT_CASES)) if m_wrong else ""),
        ("skills", not s_wrong, advice["skills"].format(numbers=case_numbers(s_wrong, SKILL_CASES)) if s_wrong else ""),
        ("sms", ok_sms, sms_msg),
        ("base", answer.get("base") == "b", advice["base"]),
        ("addon", answer.get("addon") == "c", advice["addon"]),
    ]
    return Feedback.grade(details, weights={"mot": 2, "skills": 2, "sms": 2, "base": 1, "addon": 1},
                          **_TEXT.feedback("people"))


def _people_model(answer=None) -> str:
    mot = answer_key(MOT_CASES, lambda w: _MOT[w][:2])
    skills = answer_key(SKILL_CASES, _SKILLS.get)
    return _TEXT.text("people.model_answer", mot=mot, skills=skills)


def _people_choice(key: str, label: str, label_en: str) -> ChoiceField:
    options, options_en = _TEXT.options(f"people.options.{key}")
    return ChoiceField(label, label_en, options=options, options_en=options_en)


process_people = Exercise(
    id="03e-process-people",
    **_TEXT.exercise("people", mot=case_lines(MOT_CASES, indent="   "), skills=case_lines(SKILL_CASES, indent="   ")),
    fields={
        "mot": case_field("正面还是负面", "Positive or negative", MOT_CASES, _MOT, _MOT_EN, item="场景 {n}"),
        "skills": case_field("哪一项能力", "Which skill", SKILL_CASES, _SKILLS, _SKILLS_EN, item="行为 {n}"),
        "sms": TextField("当晚的短信", "The evening SMS", rows=3,
                         placeholder="称呼 + 感谢 + 下一步邀约 + 你的身份和电话"),
        "base": _people_choice("base", "基盘客户开发的第一步", "First step to prospect the base"),
        "addon": _people_choice("addon", "连带销售的时机", "When to cross-sell"),
    },
    check=_check_people,
    model_answer=_people_model,
)

EXERCISES = [showroom_log, whatif_slider, diagnosis_case, sources_roles, process_people]
