"""Security of the consultant report on hostile client data (issue 12): HTML injection, spreadsheet formula
injection, personal data, store ids used as paths or code.

One small generated group (3 stores × 2 months) is made hostile and written as a client CSV export *without*
neutralising it (a real DMS export holds ``=S01`` as typed). Two reports run on it once per module:
``--all-stores`` (masked, the default) and ``--store =S01 --show-pii``. Slow: kernels start.
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dealerlab.cli import main
from dealerlab.data.dataset import Dataset
from dealerlab.data.schema import TABLES

pytestmark = pytest.mark.slow

SEED = 20261123  # named fixed seed of the generated group
PERIOD = "2026-10"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

# client strings that are markup; each person or store gets its own, so a masked output can be searched for them
STORE_SCRIPT = "<script>alert(1)</script>"
STORE_IMG = "<img src=x onerror=alert(2)>"
CONSULTANT_SCRIPT = "<script>alert(3)</script>"
CONSULTANT_IMG = "<img src=x onerror=alert(4)>"
ACCOUNT_SCRIPT = "<script>alert(5)</script>"
ACCOUNT_IMG = "<img src=x onerror=alert(6)>"
CUSTOMER_SCRIPT = "<script>alert(7)</script>"
MARKUP = [STORE_SCRIPT, STORE_IMG, CONSULTANT_SCRIPT, CONSULTANT_IMG, ACCOUNT_SCRIPT, ACCOUNT_IMG, CUSTOMER_SCRIPT]
PERSONS = [CONSULTANT_SCRIPT, CONSULTANT_IMG, ACCOUNT_SCRIPT, ACCOUNT_IMG, CUSTOMER_SCRIPT]
FORMULA_CONSULTANT = "+cmd|' /C calc'!A0"  # the classic DDE payload, as a consultant's name
FORMULA_STAFF_ID = "@E001"  # a consultant id an export would open as a formula
MATH_CONSULTANT = "张$\\frac$"  # matplotlib would parse "$…$" in a chart label as mathtext (and fail)
MATH_STORE = "@SUM(1) $x^{2$"


def _rename(tables: dict[str, pd.DataFrame], target: str, mapping: dict[str, str]) -> None:
    """Rename ids of ``target`` ("stores.store_id" / "staff.staff_id") in that column and every column referring to it."""
    table, column = target.split(".")
    for name, df in tables.items():
        for col in TABLES[name].columns:
            if (name == table and col.name == column) or col.references == target:
                if col.name in df.columns:
                    df[col.name] = df[col.name].replace(mapping)


def hostile_group(marker: Path) -> tuple[Dataset, dict]:
    """The generated group with markup, formula and code payloads in its client strings.

    ``marker`` is the file a store id tries to create through the report's parameters (it must never exist).
    Returns the Dataset and the ids used: ``{"S01": "=S01", ...}`` plus the renamed consultant.
    """
    from dealerlab.datasets import generate

    tables = {k: v.copy() for k, v in generate(seed=SEED, stores=3, months=2, scale=0.3).tables.items()}
    staff = tables["staff"]
    cons = staff[(staff["store_id"] == "S01") & (staff["role"] == "销售顾问")].index
    staff.loc[cons[0], "name"] = CONSULTANT_SCRIPT
    staff.loc[cons[1], "name"] = CONSULTANT_IMG
    staff.loc[cons[2], "name"] = FORMULA_CONSULTANT
    staff.loc[cons[4], "name"] = MATH_CONSULTANT
    _rename(tables, "staff.staff_id", {staff.loc[cons[3], "staff_id"]: FORMULA_STAFF_ID})
    accounts = tables["accounts"]
    acc = accounts[accounts["store_id"] == "S01"].index
    accounts.loc[acc[0], "account_name"] = ACCOUNT_SCRIPT
    accounts.loc[acc[1], "account_name"] = ACCOUNT_IMG
    leads = tables["leads"]
    leads.loc[leads[leads["store_id"] == "S01"].index[0], "name"] = CUSTOMER_SCRIPT
    tables["stores"]["store_name"] = tables["stores"]["store_id"].map(
        {"S01": STORE_SCRIPT, "S02": STORE_IMG, "S03": MATH_STORE})
    ids = {
        "S01": "=S01",  # a formula in every spreadsheet cell holding the id
        "S02": "../../escaped",  # a path out of the report folder (--all-stores makes a folder per store)
        "S03": f"x\"+__import__('pathlib').Path({str(marker)!r}).touch()+\"",  # code, if parameters were pasted
    }
    _rename(tables, "stores.store_id", ids)
    return Dataset.from_frames(tables), ids


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from dealerlab.data.write import write_dataset

    root = tmp_path_factory.mktemp("hostile")
    ds, ids = hostile_group(root / "PWNED")
    write_dataset(ds, root / "client", format="csv", headers="zh", neutralise=False)
    assert "=S01" in (root / "client" / "门店.csv").read_text(encoding="utf-8-sig")  # the raw payload reached the file
    return {"root": root, "data": root / "client", "ds": ds, "ids": ids}


@pytest.fixture(scope="module")
def masked(hostile):
    """``--all-stores`` with the default masking: the group report plus one folder per store."""
    out = hostile["root"] / "runs" / "all"
    assert main(["report", str(hostile["data"]), "--period", PERIOD, "--all-stores", "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def shown(hostile):
    out = hostile["root"] / "runs" / "pii"
    assert main(["report", str(hostile["data"]), "--period", PERIOD, "--store", "=S01", "--show-pii", "-o", str(out)]) == 0
    return out


def _outputs(folder: Path, name: str) -> list[Path]:
    found = sorted(folder.rglob(name))
    assert found, f"no {name} under {folder}"
    return found


def _xlsx_cells(path: Path) -> list[openpyxl.cell.Cell]:
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]


def _xlsx_text(path: Path) -> str:
    return "\n".join(str(c.value) for c in _xlsx_cells(path))


def _assert_no_markup(text: str, where: str) -> None:
    for payload in MARKUP:
        assert payload not in text, f"raw {payload} in {where}"
    assert not re.search(r"<script\b[^>]*>[^<]*alert\(", text), where
    assert not re.search(r"<[a-z][^>]*\sonerror\s*=", text, flags=re.I), where


# ---------------------------------------------------------------------------------------------- HTML and notebook


def test_store_names_show_as_text_in_every_report(masked, hostile):
    group = (masked / "报告.html").read_text(encoding="utf-8")
    _assert_no_markup(group, "group index.html")
    for name in (STORE_SCRIPT, STORE_IMG):  # the league table names every store
        assert html.escape(name, quote=False) in group
    reports = _outputs(masked / "stores", "报告.html")
    assert len(reports) == 3
    shown_names = 0
    for path in reports:
        text = path.read_text(encoding="utf-8")
        _assert_no_markup(text, str(path))
        shown_names += sum(html.escape(n, quote=False) in text for n in (STORE_SCRIPT, STORE_IMG))
    assert shown_names == 2  # S01's and S02's cover each show their own name, escaped


def test_person_names_show_as_text_with_show_pii(shown):
    text = (shown / "报告.html").read_text(encoding="utf-8")
    _assert_no_markup(text, "index.html --show-pii")
    # consultants are named in the coaching table (escaped, so shown as written)
    for name in (CONSULTANT_SCRIPT, CONSULTANT_IMG):
        assert html.escape(name, quote=False) in text, name
    # the account tables list only some accounts (e.g. churn warnings): at least one hostile name is among them
    assert [n for n in (ACCOUNT_SCRIPT, ACCOUNT_IMG) if html.escape(n, quote=False) in text]


def test_dollar_signs_in_names_are_drawn_as_typed(masked, shown):
    """Names with "$…$" are chart labels (consultant chart, league chart): the report ran and shows them as typed."""
    assert html.escape(MATH_CONSULTANT, quote=False) in (shown / "报告.html").read_text(encoding="utf-8")
    assert html.escape(MATH_STORE, quote=False) in (masked / "报告.html").read_text(encoding="utf-8")


def test_executed_notebooks_carry_no_raw_markup(masked, shown):
    import nbformat

    for path in _outputs(masked, "report.ipynb") + _outputs(shown, "report.ipynb"):
        raw = path.read_text(encoding="utf-8")
        _assert_no_markup(raw, str(path))
        nb = nbformat.read(path, as_version=4)
        htmls = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                 if "text/html" in o.get("data", {})]
        assert htmls, path  # the report really is HTML outputs; they were searched above


def test_store_ids_are_neither_paths_nor_code(masked, hostile):
    from dealerlab.report.commands import store_folder

    root = hostile["root"]
    assert not (root / "PWNED").exists()  # the S03 id was never run as code
    assert sorted(p.name for p in root.iterdir()) == ["client", "runs"]  # nothing escaped the report folder
    assert {p.name for p in (root / "runs").iterdir()} <= {"all", "pii"}  # ../../escaped would land here
    folders = sorted(p.name for p in (masked / "stores").iterdir())
    assert folders == sorted(store_folder(s) for s in hostile["ids"].values())
    assert "=S01" in folders and not [f for f in folders if "/" in f or f.startswith(".")]
    for sid in hostile["ids"].values():  # each store's report is about that store
        assert f"（{html.escape(sid, quote=False)}）" in (masked / "stores" / store_folder(sid) / "报告.html").read_text(
            encoding="utf-8")


# ---------------------------------------------------------------------------------------------- spreadsheets


def test_appendix_workbooks_are_formula_safe(masked, shown):
    books = _outputs(masked, "附录.xlsx") + _outputs(shown, "附录.xlsx")
    assert len(books) == 5  # group + 3 stores + the --show-pii store report
    seen = set()
    for book in books:
        for cell in _xlsx_cells(book):
            assert cell.data_type != "f", (book, cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(DANGEROUS), (book, cell.coordinate, cell.value)
                seen.add(cell.value)
    assert {"'=S01", "'" + FORMULA_STAFF_ID} <= seen  # the ids are there, neutralised


def test_metrics_csv_is_formula_safe(masked, shown):
    seen = set()
    for path in _outputs(masked, "指标.csv") + _outputs(shown, "指标.csv"):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        for row in rows[1:]:
            for field in row:
                try:
                    float(field)  # numbers (negative gross profit) are numbers, not formulas
                    continue
                except ValueError:
                    pass
                assert not field.startswith(DANGEROUS), (path, field)
                seen.add(field)
    assert {"'=S01", "'" + FORMULA_STAFF_ID} <= seen


def test_write_metrics_neutralises_tab_and_cr_too(tmp_path):
    from dealerlab.report.metrics_file import write_metrics

    long = pd.DataFrame({
        "store_id": ["=S1", "+S1", "-S1", "@S1"], "period": PERIOD, "metric": "volume", "value": [1.0, -2.0, 3.0, 4.0],
        "reason": ["", "", "", ""], "staff_id": ["\tE1", "\rE2", "=1+1", "E4"],
    }).astype({"store_id": "string", "staff_id": "string", "reason": "string"})
    write_metrics(long, tmp_path / "m.xlsx")
    write_metrics(long, tmp_path / "m.csv")
    cells = [c for c in _xlsx_cells(tmp_path / "m.xlsx") if isinstance(c.value, str)]
    assert not [c.value for c in cells if c.value.startswith(DANGEROUS)]
    values = {c.value.replace("\r\n", "\r").replace("\n", "\r") for c in cells}  # XML reads a lone CR back as LF
    assert {"'=S1", "'+S1", "'-S1", "'@S1", "'\tE1", "'\rE2", "'=1+1"} <= values
    back = pd.read_csv(tmp_path / "m.csv", dtype=str, keep_default_na=False)
    assert back["store_id"].tolist() == ["'=S1", "'+S1", "'-S1", "'@S1"]
    assert back["staff_id"].tolist() == ["'\tE1", "'\rE2", "'=1+1", "E4"]
    assert back["value"].tolist() == ["1.0", "-2.0", "3.0", "4.0"]  # numbers untouched


# ---------------------------------------------------------------------------------------------- personal data


def _personal_data(ds: Dataset) -> dict[str, list[str]]:
    """The raw personal data of the input: every consultant/staff name, customer name and phone, VIN, account."""
    def values(table, column, min_len=2):
        return sorted({v for v in ds[table][column].dropna() if len(str(v)) >= min_len})

    return {
        "staff": values("staff", "name"),
        "customers": values("leads", "name"),
        "phones": values("leads", "phone", 7),
        "vins": values("service_orders", "vin", 8),
        "accounts": values("accounts", "account_name"),
    }


def _all_text(folder: Path) -> dict[Path, str]:
    texts = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix in {".html", ".csv", ".ipynb"}:
            texts[path] = path.read_text(encoding="utf-8-sig")
        elif path.suffix == ".xlsx":
            texts[path] = _xlsx_text(path)
    return texts


def test_personal_data_is_masked_in_every_output_by_default(masked, hostile):
    pii = _personal_data(hostile["ds"])
    assert all(len(v) >= 2 for v in pii.values()), {k: len(v) for k, v in pii.items()}
    texts = _all_text(masked)
    assert len(texts) == 20  # (报告.html, audit/report.ipynb, 指标.csv, 发现清单.csv, 附录.xlsx) × (group + 3 stores)
    for path, text in texts.items():
        for kind, raw in pii.items():
            leaked = [v for v in raw if v in text or html.escape(v, quote=False) in text]
            assert not leaked, (path.relative_to(masked), kind, leaked[:5])
    # masked forms are what the report shows instead (surname + *)
    store_report = texts[masked / "stores" / "=S01" / "报告.html"]
    assert html.escape(CONSULTANT_SCRIPT[0], quote=False) + "*" * (len(CONSULTANT_SCRIPT) - 1) in store_report


def test_show_pii_shows_the_names(shown, hostile):
    ds = hostile["ds"]
    text = (shown / "报告.html").read_text(encoding="utf-8")
    staff = ds.staff[(ds.staff["store_id"] == "=S01") & (ds.staff["role"] == "销售顾问")]
    names = [n for n in staff["name"] if html.escape(n, quote=False) in text]
    assert len(names) >= 3, names
    accounts = ds.accounts[ds.accounts["store_id"] == "=S01"]["account_name"]
    assert [a for a in accounts if html.escape(a, quote=False) in text]
