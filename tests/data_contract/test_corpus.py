"""The bad-input corpus (tests/data/bad) and accepted variants (tests/data/good), through `dealerlab validate`.

Regenerate with ``.venv/bin/python tests/data/make_fixtures.py``. Each bad case must exit 1, name its place
(source, Excel row, column) in the output, carry the expected rule, and never show a traceback; each good case
must exit 0 (with the expected warning, if any).
"""

from __future__ import annotations

import csv

import pytest

from dealerlab.cli import main
from dealerlab.data.load import collect
from tests._paths import CORPUS

DATA = CORPUS


def _cases(kind: str) -> list[dict]:
    with open(DATA / kind / "cases.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


BAD = _cases("bad")
GOOD = _cases("good")


def test_corpus_is_big_enough():
    assert len(BAD) >= 40
    assert all((DATA / "bad" / c["path"]).exists() for c in BAD if c["rule"] != "file_missing")


def _lang(case) -> str:
    """Every third case runs in English (all of them in Chinese would only repeat the same checks)."""
    return "en" if BAD.index(case) % 3 == 2 else "zh"


@pytest.mark.parametrize("case", BAD, ids=[c["case"] for c in BAD])
def test_bad_case(case, capsys, monkeypatch):
    import importlib

    load_module = importlib.import_module("dealerlab.data.load")  # the module (dealerlab.data.load is also the function)

    seen = {}
    real = load_module.collect

    def spy(*args, **kwargs):
        seen["result"] = real(*args, **kwargs)
        return seen["result"]

    monkeypatch.setattr(load_module, "collect", spy)  # validate_command's own result, no second run
    path = DATA / "bad" / case["path"]
    lang = _lang(case)
    code = main(["validate", str(path), "--lang", lang])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 1
    assert "Traceback" not in text and "内部错误" not in text and "Internal error" not in text
    _, log = seen["result"]
    hits = [p for p in log.errors if p.rule == case["rule"]]
    assert hits, f"expected {case['rule']}, got {[(p.rule, p.source, p.row) for p in log.errors]}"
    wanted = (case["table"], case["source"], int(case["row"]) if case["row"] else None, case["column"] or None)
    assert wanted in [(p.table, p.source, p.row, p.column) for p in hits]
    # the place is named in what the user sees
    line = next(line for line in text.splitlines() if line.startswith(case["source"]))
    if case["row"]:
        assert f" {case['row']} " in line
    if case["column"]:
        assert case["column"] in text


@pytest.mark.parametrize("case", GOOD, ids=[c["case"] for c in GOOD])
def test_good_case(case, capsys):
    path = DATA / "good" / case["path"]
    code = main(["validate", str(path)])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "数据有效" in text
    if case["warning"]:
        _, log = collect(path)
        assert case["warning"] in {w.rule for w in log.warnings}


def test_good_values_are_read_right():
    from dealerlab.data import load

    ds = load(DATA / "good" / "full-width-digits.xlsx")
    assert ds.sales["price"].tolist() == [120000.0, 350000.0]  # "１２０，０００"
    assert ds.leads["created_date"].iloc[0].isoformat()[:10] == "2026-10-01"
    ds = load(DATA / "good" / "excel-serial-dates.xlsx")
    assert [d.strftime("%Y-%m-%d") for d in ds.leads["created_date"].iloc[:2]] == ["2026-10-01", "2026-10-02"]
    assert ds.sales["invoice_date"].iloc[0].strftime("%Y-%m-%d") == "2026-10-10"
    ds = load(DATA / "good" / "money-spellings.xlsx")
    assert ds.sales["price"].tolist() == [12345.0, 350000.0] and ds.addons["revenue"].iloc[0] == 3000.0
    ds = load(DATA / "good" / "single-store-no-store-id.xlsx")
    assert ds.sales["store_id"].tolist() == ["S01"]
    ds = load(DATA / "good" / "booleans.xlsx")
    assert ds.test_drives["invited"].tolist()[0] is True or bool(ds.test_drives["invited"].iloc[0])
    assert ds.test_drives["invited"].isna().tolist() == [False, True]
    ds = load(DATA / "good" / "leading-zero-ids.xlsx")
    assert "003" in ds.staff["staff_id"].tolist()


@pytest.mark.parametrize("command", ["metrics", "report"])
@pytest.mark.parametrize("case", BAD, ids=[c["case"] for c in BAD])
def test_bad_case_stops_metrics_and_report(case, command, tmp_path, capsys):
    """The same inputs through `dealerlab metrics` / `dealerlab report`: exit 1, place named, no output written."""
    path = DATA / "bad" / case["path"]
    out = tmp_path / ("m.csv" if command == "metrics" else "report")
    code = main([command, str(path), "--period", "2026-10", "-o", str(out)])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code == 1, text
    assert "Traceback" not in text and "内部错误" not in text
    assert case["source"] in text or case["path"] in text
    if case["row"] and case["rule"] != "file_missing":
        assert f"第{case['row']}行" in text
    assert not out.exists()
