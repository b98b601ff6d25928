"""The KPI library: ready cards for departments and key roles (docs/DOMAIN.md §4, seeds 000, 001).

The cards live as data in ``dealerlab/kpi/library.csv`` (read on demand, never at import). Each row belongs to a *set*:
a department scorecard (销售部, 市场部, 售后部, 财务部, 客服(CRM)) or a role scorecard (总经理, 销售经理, 展厅经理,
销售顾问, 服务经理, 客服经理). The weights of every set sum to 100%, and every formula uses metric ids of
:data:`dealerlab.metrics.METRICS` (or the store-level extras of :data:`dealerlab.kpi.card.EXTRA_METRICS`), by id or
Chinese name. Targets are sensible defaults for one store and month; set your own with ``targets=`` or edit the cards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from importlib import resources

import pandas as pd

from dealerlab._options import check_option
from dealerlab.calendar import check_period, month_bounds
from dealerlab.kpi.card import KpiCard

__all__ = ["library", "library_sets", "library_cards", "DEPARTMENT_SETS", "ROLE_SETS"]

#: department scorecards of the library
DEPARTMENT_SETS = ("销售部", "市场部", "售后部", "财务部", "客服(CRM)")
#: role scorecards of the library
ROLE_SETS = ("总经理", "销售经理", "展厅经理", "销售顾问", "服务经理", "客服经理")

_DTYPES = {
    "set": "string",
    "kind": "string",
    "department": "string",
    "role": "string",
    "card_id": "string",
    "name": "string",
    "definition": "string",
    "formula": "string",
    "unit": "string",
    "direction": "string",
    "perspective": "string",
    "weight": "float64",
    "target": "float64",
    "stretch": "float64",
    "data_source": "string",
    "standard": "string",
}


def library(*, set: str | None = None) -> pd.DataFrame:  # noqa: A002 - "set" is the library's own word
    """The library as a table (read from the package data each call).

    Parameters
    ----------
    set : str, optional
        One scorecard (a department of :data:`DEPARTMENT_SETS` or a role of :data:`ROLE_SETS`); default all.

    Returns
    -------
    DataFrame
        One row per card: ``set, kind (部门/岗位), department, role, card_id, name, definition, formula, unit,
        direction, perspective, weight, target, stretch, data_source, standard``.
    """
    with resources.files("dealerlab.kpi").joinpath("library.csv").open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(
            fh, dtype=_DTYPES, keep_default_na=False, na_values={"weight": [""], "target": [""], "stretch": [""]}
        )
    if set is not None:
        check_option("set", set, DEPARTMENT_SETS + ROLE_SETS)
        frame = frame[frame["set"] == set].reset_index(drop=True)
    return frame


def library_sets() -> pd.DataFrame:
    """Summary of the scorecards: ``set, kind, n_cards, weight`` (weight = Σ of the set's weights, 1.0)."""
    lib = library()
    out = (
        lib.groupby(["set", "kind"], sort=False)
        .agg(n_cards=("card_id", "size"), weight=("weight", "sum"))
        .reset_index()
    )
    return out


def library_cards(
    set: str,  # noqa: A002
    *,
    period: str,
    owner: str | None = None,
    set_date: dt.date | None = None,
    targets: Mapping[str, tuple[float, float]] | None = None,
) -> list[KpiCard]:
    """The cards of one scorecard, ready to validate, score or edit.

    Parameters
    ----------
    set : str
        A department of :data:`DEPARTMENT_SETS` or a role of :data:`ROLE_SETS`.
    period : str
        Month ``YYYY-MM`` the cards are for: 完成日期 = its last day.
    owner : str, optional
        责任人 (default the set's name, e.g. "销售顾问"). Card ids become ``<id>-<owner>`` when an owner is given,
        so the cards of several people can live in one workbook.
    set_date : date, optional
        设定日期 (default the first day of ``period``).
    targets : mapping, optional
        Library card id or name → ``(target, stretch)`` replacing the library's defaults.

    Returns
    -------
    list of KpiCard
        Status 预先沟通, empty history.
    """
    check_option("set", set, DEPARTMENT_SETS + ROLE_SETS)
    check_period(period)
    start, end = month_bounds(period)
    set_date = set_date or start.date()
    targets = dict(targets or {})
    cards = []
    for rec in library(set=set).to_dict("records"):
        card = KpiCard(
            card_id=rec["card_id"] if owner is None else f"{rec['card_id']}-{owner}",
            name=rec["name"],
            definition=rec["definition"],
            formula=rec["formula"],
            owner=owner or set,
            weight=float(rec["weight"]),
            due_date=end.date(),
            target=float(rec["target"]),
            stretch=float(rec["stretch"]),
            data_source=rec["data_source"],
            standard=rec["standard"],
            direction=rec["direction"],
            perspective=rec["perspective"],
            unit=rec["unit"],
            department=rec["department"],
            role=rec["role"],
            set_date=set_date,
        )
        key = rec["card_id"] if rec["card_id"] in targets else rec["name"]
        if key in targets:
            target, stretch = targets[key]
            card = replace(card, target=float(target), stretch=float(stretch))
        cards.append(card)
    return cards
