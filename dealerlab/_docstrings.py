"""Parameter and return texts shared by many docstrings, written once (as seaborn's ``_docstrings.py``).

A docstring names a snippet with a ``%(name)s`` placeholder on a line of its own, at the indentation of the section's
entries; :func:`share_docs` fills it in when the function is defined (plain string work, no other effect).
"""

from __future__ import annotations

import textwrap

__all__ = ["share_docs", "SNIPPETS"]

SNIPPETS = {
    "periods": "periods : iterable of str\n    Months ``YYYY-MM``.",
    "stores_orders": "stores : iterable of str, optional\n    Store ids; default every store found in ``orders``.",
    "stores_usage": "stores : iterable of str, optional\n    Store ids; default every store found in ``usage``.",
    "stores_staff": "stores : iterable of str, optional\n    Store ids; default every store found in ``staff``.",
    "figure_returns": "DataFrame\n    ``store_id, period, numerator, denominator, value, reason``.",
    # an after-sales figure's table, months and stores (dealerlab.pdca.aftersales)
    "orders_periods_stores": (
        "orders : DataFrame\n    ``service_orders``.\nperiods : iterable of str\n    Months ``YYYY-MM``.\n"
        "stores : iterable of str, optional\n    Store ids; default every store found in ``orders``."
    ),
    # the option every figure function has for a table whose columns are named otherwise (dealerlab._long.renamed)
    "columns": (
        "columns : mapping, optional\n    Contract column name → the name used in the table, for the names that differ "
        "(e.g.\n    ``{\"store_id\": \"门店\"}``)."
    ),
    # the grouping and filters of a survey summary (dealerlab.csi)
    "survey_groups": (
        "surveys : DataFrame\n    Long survey table.\nby : list of str, optional\n"
        "    Grouping columns among ``store_id, period``.\nitems, periods, stores, survey, columns : optional\n"
        "    As in :func:`scores`."
    ),
    # the common parameters and the return of the funnel family's long_metrics (dealerlab.funnel, both engines)
    "funnel_long": (
        "periods : iterable of str\n    Months ``YYYY-MM``.\nstores : iterable of str, optional\n"
        "    Store ids (default: every store).\nby_staff : bool\n"
        "    One block per consultant too (``staff_id`` first); only metrics marked ``per_staff``.\n"
        'lang : {"zh", "en"}\n    Language of the reasons.\n\nReturns\n-------\nDataFrame\n'
        "    ``store_id, period, metric, value, reason`` (+ ``staff_id`` first when ``by_staff``): for each store\n"
        "    (in the order given) × period (in the order given) every funnel metric id in registry order; ``value``\n"
        '    is float (NaN when not available) and ``reason`` says why ("" when available): "分母为 0：…",\n'
        '    "缺少数据表 …", "市场表（market）中没有该门店该月份的行", ...'
    ),
    # the return of the SQL engines' component counts and the head of what they raise (dealerlab.funnel.engine_duckdb);
    # the line saying when follows the placeholder
    "components_raises": (
        "Returns\n-------\ndealerlab.funnel.counts.Components\n    The same structure as the pandas engine's (store level)."
        "\n\nRaises\n------\nEngineUnavailable"
    ),
    # a chart's last parameters and its return (dealerlab.plots)
    "ax_lang": (
        "ax : matplotlib Axes, optional\n    Draw here; a new figure otherwise.\n"
        'lang : {"zh", "en"}\n    Language of the labels.\n\nReturns\n-------\nmatplotlib Axes'
    ),
}


# a survey summary's parameters and the head of its return (its columns follow, indented, in the docstring)
SNIPPETS["survey_summary"] = "Parameters\n----------\n" + SNIPPETS["survey_groups"] + "\n\nReturns\n-------\nDataFrame"
# an after-sales figure on service_orders, whole: its parameters and its return
SNIPPETS["orders_figure"] = (
    "Parameters\n----------\n" + SNIPPETS["orders_periods_stores"] + "\n" + SNIPPETS["columns"] + "\n\nReturns\n-------\n"
    + SNIPPETS["figure_returns"]
)


def share_docs(func):
    """Replace each ``%(name)s`` line of ``func.__doc__`` by the snippet, indented like the placeholder."""
    doc = func.__doc__ or ""
    lines = []
    for line in doc.split("\n"):
        stripped = line.strip()
        if stripped.startswith("%(") and stripped.endswith(")s") and stripped[2:-2] in SNIPPETS:
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(textwrap.indent(SNIPPETS[stripped[2:-2]], indent))
        else:
            lines.append(line)
    func.__doc__ = "\n".join(lines)
    return func
