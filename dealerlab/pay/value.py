"""Course module 7 (value part) — EVA and its value tree, what-ifs on each driver; STEP (PEST) and SWOT worksheets
(docs/DOMAIN.md §9, seed 003).

EVA = NOPAT − invested_capital × capital_cost_rate, NOPAT = (revenue − operating_cost) × (1 − tax_rate).
capital_cost_rate is annual: a monthly EVA (``monthly=True``, and every row of :func:`eva_table`, whose input is
``monthly_finance``) charges invested_capital × rate / 12. Results carry a ``basis`` label: 月 (month) or 年化 (year).

Value-driver sensitivity (:func:`eva_what_if`, docs/DOMAIN.md §9): each lever moved by the same 1 %, the others held —
revenue +1 % *at the current cost ratio* (costs are variable: ΔNOPAT = 1 % × (revenue − operating_cost) × (1 − tax)),
operating cost −1 % (ΔNOPAT = 1 % × operating_cost × (1 − tax)), invested capital −1 % (Δcharge = 1 % × capital ×
rate). Revenue is never moved with cost held fixed: on a store whose costs are 98.6 % of revenue that would make
revenue look 70× more powerful than it is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dealerlab._io import atomic_file
from dealerlab._options import check_lang, check_option
from dealerlab.data.write import safe_frame
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue, pick

__all__ = ["eva", "eva_table", "value_tree", "eva_what_if", "LEVERS", "Worksheet", "step_worksheet", "swot_worksheet", "DRIVERS",
           "TREE_INPUTS", "driver_tree", "driver_what_if"]

_MSG = Catalogue.load("pay/value")

#: the value tree's drivers (monthly_finance columns): key → (zh, en) names, from messages/pay/value.toml
DRIVERS = _MSG.pairs("driver", ("revenue", "operating_cost", "tax_rate", "invested_capital", "capital_cost_rate"))


def eva(revenue: float, operating_cost: float, tax_rate: float, invested_capital: float, capital_cost_rate: float,
        *, monthly: bool = False) -> float:
    """EVA of one period: a year, or a month with ``monthly=True`` (capital charge = capital × annual rate / 12).

    Parameters
    ----------
    revenue, operating_cost : float
        Of the period.
    tax_rate : float
        Fraction, e.g. 0.25.
    invested_capital : float
        Capital employed.
    capital_cost_rate : float
        Annual rate, e.g. 0.08.
    monthly : bool
        The revenue and cost are a month's: charge a twelfth of the annual rate.

    Returns
    -------
    float

    Examples
    --------
    >>> round(eva(100e6, 95e6, 0.25, 30e6, 0.08))
    1350000
    >>> round(eva(10e6, 9.5e6, 0.25, 30e6, 0.08, monthly=True))
    175000
    """
    if not 0 <= tax_rate <= 1 or not 0 <= capital_cost_rate <= 1:
        raise ParameterError(*_MSG.both("bad_rates"))
    nopat = (revenue - operating_cost) * (1 - tax_rate)
    return nopat - invested_capital * capital_cost_rate / (12 if monthly else 1)


def eva_table(finance: pd.DataFrame) -> pd.DataFrame:
    """Monthly EVA per store and period from the ``monthly_finance`` table (capital charge = capital × annual rate / 12).

    Parameters
    ----------
    finance : DataFrame
        ``monthly_finance`` (revenue and cost of the month; capital_cost_rate annual).

    Returns
    -------
    DataFrame
        the input columns + ``operating_profit, nopat, capital_charge, eva, basis`` (basis 月; NaN where an input is
        missing).
    """
    f = finance.copy()
    f["operating_profit"] = f["revenue"] - f["operating_cost"]
    f["nopat"] = f["operating_profit"] * (1 - f["tax_rate"])
    f["capital_charge"] = f["invested_capital"] * f["capital_cost_rate"] / 12
    f["eva"] = f["nopat"] - f["capital_charge"]
    f["basis"] = _MSG.text("basis_month")
    return f


def value_tree(revenue: float, operating_cost: float, tax_rate: float, invested_capital: float, capital_cost_rate: float,
               *, monthly: bool = False, lang: str = "zh") -> pd.DataFrame:
    """The EVA value tree as a tidy table of nodes: ``node, parent, label, value, op`` (op says how children combine).

    Parameters
    ----------
    revenue, operating_cost : float
        Of the period.
    tax_rate : float
        Fraction.
    invested_capital : float
        Capital employed.
    capital_cost_rate : float
        Annual rate.
    monthly : bool
        The revenue and cost are a month's: the capital charge is a twelfth of the annual one (label 月).
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
    """
    check_lang(lang)
    op = revenue - operating_cost
    nopat = op * (1 - tax_rate)
    charge = invested_capital * capital_cost_rate / (12 if monthly else 1)
    rows = [
        ("eva", None, _MSG.get("eva_month" if monthly else "eva_year", lang), nopat - charge, "−"),
        ("nopat", "eva", _MSG.get("nopat", lang), nopat, "×"),
        ("capital_charge", "eva", _MSG.get("capital_charge", lang), charge, "×"),
        ("operating_profit", "nopat", _MSG.get("operating_profit", lang), op, "−"),
        ("after_tax", "nopat", _MSG.get("after_tax", lang), 1 - tax_rate, ""),
        ("revenue", "operating_profit", _MSG.get("driver.revenue", lang), revenue, ""),
        ("operating_cost", "operating_profit", _MSG.get("driver.operating_cost", lang), operating_cost, ""),
        ("invested_capital", "capital_charge", _MSG.get("driver.invested_capital", lang), invested_capital, ""),
        ("capital_cost_rate", "capital_charge", _MSG.get("capital_cost_rate_annual", lang), capital_cost_rate, ""),
    ]
    return pd.DataFrame(rows, columns=["node", "parent", "label", "value", "op"])


#: the levers of the sensitivity and the direction that improves EVA
LEVERS = {"revenue": 1, "operating_cost": -1, "invested_capital": -1}


def eva_what_if(base: Mapping[str, float], *, changes: Mapping[str, float] | None = None, step: float = 0.01,
                monthly: bool = False, lang: str = "zh") -> pd.DataFrame:
    """Value-driver sensitivity (docs/DOMAIN.md §9): EVA before and after moving each lever by ``step``, the others held.

    Revenue moves *at the current cost ratio* (operating cost moves with it: costs are variable); operating cost and
    invested capital move down by ``step``. With ``changes`` ({lever: relative change}) one row for the combined
    change, revenue again carrying its costs.

    Parameters
    ----------
    base : mapping
        revenue, operating_cost, tax_rate, invested_capital, capital_cost_rate (annual rate).
    changes : mapping, optional
        {lever: relative change}, levers of :data:`LEVERS`.
    step : float
        The move of each lever (default 1 %).
    monthly : bool
        revenue and cost are a month's (capital charge uses rate / 12); labelled in ``basis``.
    lang : {"zh", "en"}
        Language of ``basis``.

    Returns
    -------
    DataFrame
        ``driver, change, eva_before, eva_after, delta, basis``.

    Examples
    --------
    >>> base = dict(revenue=100e6, operating_cost=95e6, tax_rate=0.25, invested_capital=30e6, capital_cost_rate=0.08)
    >>> eva_what_if(base).set_index("driver")["delta"].round().to_dict()
    {'revenue': 37500.0, 'operating_cost': 712500.0, 'invested_capital': 24000.0}
    """
    check_lang(lang)
    for k in base:
        check_option("driver", k, DRIVERS)
    basis = _MSG.get("basis_month" if monthly else "basis_year", lang)

    def _eva(d):
        return eva(**{k: float(d[k]) for k in DRIVERS}, monthly=monthly)

    def _move(d, k, c):
        d = dict(d)
        d[k] = d[k] * (1 + c)
        if k == "revenue":  # costs are variable: they keep their ratio to revenue
            d["operating_cost"] = d["operating_cost"] * (1 + c)
        return d

    before = _eva(base)
    rows = []
    if changes:
        new = dict(base)
        for k, c in changes.items():
            check_option("driver", k, LEVERS)
            new = _move(new, k, c)
        after = _eva(new)
        rows.append({"driver": "+".join(changes), "change": ", ".join(f"{k} {c:+.1%}" for k, c in changes.items()),
                     "eva_before": before, "eva_after": after, "delta": after - before, "basis": basis})
    else:
        for k, sign in LEVERS.items():
            after = _eva(_move(base, k, sign * step))
            rows.append({"driver": k, "change": f"{sign * step:+.1%}", "eva_before": before, "eva_after": after,
                         "delta": after - before, "basis": basis})
    return pd.DataFrame(rows)


@dataclass
class Worksheet:
    """A structured analysis worksheet (STEP/PEST or SWOT): named boxes, each a list of short entries.

    ``boxes`` maps a box id to ``(zh title, en title, prompt)``; ``entries`` maps a box id to its entries.
    """

    kind: str
    title: str
    boxes: dict[str, tuple[str, str, str]]
    entries: dict[str, list[str]] = field(default_factory=dict)

    def add(self, box: str, text: str) -> None:
        check_option("box", box, self.boxes)
        text = str(text).strip()
        if not text:
            raise ParameterError(*_MSG.both("empty_entry"))
        self.entries.setdefault(box, []).append(text)

    def missing(self) -> list[str]:
        """Boxes still empty (a complete worksheet has something in every box)."""
        return [b for b in self.boxes if not self.entries.get(b)]

    def to_frame(self, *, lang: str = "zh") -> pd.DataFrame:
        check_lang(lang)
        rows = []
        for b, (zh, en, _) in self.boxes.items():
            for i, e in enumerate(self.entries.get(b, []), 1):
                rows.append({"box": b, _MSG.get("box_column", lang): pick(lang, zh, en), "no": i, "entry": e})
        return pd.DataFrame(rows)

    def to_markdown(self, *, lang: str = "zh") -> str:
        check_lang(lang)
        lines = [f"# {self.title}", ""]
        for b, (zh, en, prompt) in self.boxes.items():
            lines.append(f"## {zh if lang == 'zh' else en}")
            items = self.entries.get(b, [])
            lines += [f"- {e}" for e in items] or [_MSG.get("to_fill", lang, prompt=prompt)]
            lines.append("")
        return "\n".join(lines)

    def to_excel(self, path: str | Path, *, lang: str = "zh") -> Path:
        """One sheet, one column per box; formula-like entries neutralised; written atomically."""
        cols = {}
        for b, (zh, en, _) in self.boxes.items():
            cols[pick(lang, zh, en)] = pd.Series(self.entries.get(b, []), dtype="object")
        frame = safe_frame(pd.DataFrame(cols))
        with atomic_file(path) as tmp:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                frame.to_excel(xw, sheet_name=self.kind, index=False)
        return Path(path)


_STEP_BOXES = ("social", "technological", "economic", "political")
_SWOT_BOXES = ("strengths", "weaknesses", "opportunities", "threats")


def _boxes(keys: tuple[str, ...]) -> dict[str, tuple[str, str, str]]:
    """Box id → (zh title, en title, prompt), from messages/pay/value.toml."""
    return {k: (_MSG.text(f"box.{k}", "zh"), _MSG.text(f"box.{k}", "en"), _MSG.text(f"prompt.{k}")) for k in keys}


def step_worksheet(title: str | None = None) -> Worksheet:
    """A STEP (PEST) worksheet: social, technological, economic, political boxes with prompts from seed 003.

    ``title`` defaults to 商用车市场 STEP 分析.
    """
    return Worksheet("STEP", _MSG.text("step_title") if title is None else title, _boxes(_STEP_BOXES))


def swot_worksheet(title: str | None = None) -> Worksheet:
    """A SWOT worksheet: strengths, weaknesses, opportunities, threats.

    ``title`` defaults to 门店 SWOT 分析.
    """
    return Worksheet("SWOT", _MSG.text("swot_title") if title is None else title, _boxes(_SWOT_BOXES))


# ------------------------------------------------------------------------------------------------------------------
# the deeper value-driver tree of seed 003「价值驱动因素」: revenue = price × units; cost = cost of sales (per unit) +
# selling/admin expenses; invested capital = inventory + receivables + fixed capital

#: inputs of :func:`driver_tree`: key → (zh, en) labels, from messages/pay/value.toml
TREE_INPUTS = _MSG.pairs("tree_input", ("price", "units", "unit_cost", "expenses", "tax_rate", "inventory",
                                        "receivables", "fixed_capital", "capital_cost_rate"))


def driver_tree(*, price: float, units: float, unit_cost: float, expenses: float, tax_rate: float, inventory: float,
                receivables: float, fixed_capital: float, capital_cost_rate: float) -> pd.DataFrame:
    """The value-driver tree down to price × units, inventory and receivables (a year's figures).

    EVA = NOPAT − capital charge; NOPAT = (revenue − cost of sales − expenses) × (1 − tax); revenue = price × units;
    cost of sales = unit cost × units; capital charge = (inventory + receivables + fixed capital) × rate.

    Parameters
    ----------
    price, units, unit_cost : float
        Average selling price, units sold, average cost of a unit sold.
    expenses : float
        Selling, general and admin expenses (not moving with units).
    tax_rate : float
        Fraction.
    inventory, receivables, fixed_capital : float
        The capital employed: stock, money customers and the maker owe, buildings and equipment.
    capital_cost_rate : float
        Annual rate.

    Returns
    -------
    DataFrame
        ``node, parent, label, value`` — eva, nopat, capital_charge, operating_profit, revenue, price, units,
        cost_of_sales, unit_cost, expenses, invested_capital, inventory, receivables, fixed_capital.
    """
    vals = dict(price=price, units=units, unit_cost=unit_cost, expenses=expenses, tax_rate=tax_rate, inventory=inventory,
                receivables=receivables, fixed_capital=fixed_capital, capital_cost_rate=capital_cost_rate)
    for k, v in vals.items():
        if v is None or v < 0:
            raise ParameterError(*_MSG.both("negative_input", label=TREE_INPUTS.label(k), k=k))
    revenue = price * units
    cos = unit_cost * units
    op = revenue - cos - expenses
    nopat = op * (1 - tax_rate)
    capital = inventory + receivables + fixed_capital
    charge = capital * capital_cost_rate
    nodes = [  # node, parent, value; the label is the catalogue's tree.<node>
        ("eva", None, nopat - charge),
        ("nopat", "eva", nopat),
        ("capital_charge", "eva", charge),
        ("operating_profit", "nopat", op),
        ("revenue", "operating_profit", revenue),
        ("price", "revenue", price),
        ("units", "revenue", units),
        ("cost_of_sales", "operating_profit", cos),
        ("unit_cost", "cost_of_sales", unit_cost),
        ("expenses", "operating_profit", expenses),
        ("invested_capital", "capital_charge", capital),
        ("inventory", "invested_capital", inventory),
        ("receivables", "invested_capital", receivables),
        ("fixed_capital", "invested_capital", fixed_capital),
    ]
    rows = [(node, parent, _MSG.text(f"tree.{node}"), value) for node, parent, value in nodes]
    return pd.DataFrame(rows, columns=["node", "parent", "label", "value"])


def driver_what_if(base: Mapping[str, float], changes: Mapping[str, float]) -> pd.DataFrame:
    """EVA before and after moving tree inputs by relative changes, one row per change and one for all together.

    Price moves alone (a higher price costs nothing more); units carry their cost of sales (unit cost × units) but not
    the expenses; inventory and receivables move the capital charge.

    Parameters
    ----------
    base : mapping
        The keyword arguments of :func:`driver_tree`.
    changes : mapping of str to float
        Input → relative change, e.g. ``{"price": 0.01, "inventory": -0.2}``.

    Returns
    -------
    DataFrame
        ``driver, label, change, eva_before, eva_after, delta`` (the last row, driver ``all``, applies every change).
    """
    for k in changes:
        if k not in TREE_INPUTS or k in ("tax_rate", "capital_cost_rate"):
            raise ParameterError(*_MSG.both("not_a_lever", k=k))

    def _eva(d):
        t = driver_tree(**d)
        return float(t.loc[t["node"] == "eva", "value"].iloc[0])

    before = _eva(base)
    rows = []
    for k, c in changes.items():
        d = dict(base)
        d[k] = d[k] * (1 + c)
        after = _eva(d)
        rows.append({"driver": k, "label": TREE_INPUTS.label(k), "change": c, "eva_before": before, "eva_after": after,
                     "delta": after - before})
    d = dict(base)
    for k, c in changes.items():
        d[k] = d[k] * (1 + c)
    after = _eva(d)
    rows.append({"driver": "all", "label": _MSG.text("total"), "change": math.nan, "eva_before": before, "eva_after": after,
                 "delta": after - before})
    return pd.DataFrame(rows)
