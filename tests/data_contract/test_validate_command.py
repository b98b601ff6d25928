"""`dealerlab validate` on good and bad inputs: exit code, the place named, no traceback."""

from __future__ import annotations

import pytest

from dealerlab.cli import main
from tests.data_contract.test_load import BASE, tables, write_csvs, write_xlsx


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_validate_valid_workbook(tmp_path, capsys):
    code, text = run(capsys, "validate", str(write_xlsx(tmp_path / "ok.xlsx", tables())))
    assert code == 0
    assert "数据有效" in text and "Traceback" not in text


def test_validate_valid_english(tmp_path, capsys):
    code, text = run(capsys, "validate", str(write_xlsx(tmp_path / "ok.xlsx", tables())), "--lang", "en")
    assert code == 0 and "valid" in text


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "missing.xlsx", ["missing.xlsx", "找不到文件"]),
        (lambda d: (d / "e.xlsx").write_bytes(b"") and d / "e.xlsx" or d / "e.xlsx", ["e.xlsx", "空"]),
        (lambda d: (d / "z.xlsx").write_bytes(b"PK\x03\x04broken") and d / "z.xlsx", ["z.xlsx", "不是有效的 Excel"]),
        (lambda d: write_xlsx(d / "s.xlsx", {"Sheet1": BASE["门店"]}), ["没有找到任何可识别的表", "s.xlsx:Sheet1"]),
    ],
)
def test_validate_file_level_problems(tmp_path, capsys, make, expected):
    code, text = run(capsys, "validate", str(make(tmp_path)))
    assert code == 1
    for e in expected:
        assert e in text
    assert "Traceback" not in text


def test_validate_names_sheet_row_column(tmp_path, capsys):
    sheets = tables()
    sheets["满意度调查"][2][5] = "11"
    sheets["潜客"][1][6] = ""
    code, text = run(capsys, "validate", str(write_xlsx(tmp_path / "c.xlsx", sheets)))
    assert code == 1
    lines = text.splitlines()
    survey = next(line for line in lines if "c.xlsx:满意度调查" in line)
    assert " 3 " in survey and "表现得分" in survey and "11" in survey
    lead = next(line for line in lines if "c.xlsx:潜客" in line)
    assert " 2 " in lead and "结案日期" in lead
    assert "共 2 个错误" in text and "Traceback" not in text


def test_validate_english_csv(tmp_path, capsys):
    sheets = tables()
    sheets["潜客"][2][4] = "微信"
    folder = write_csvs(tmp_path / "f", sheets)
    code, text = run(capsys, "validate", str(folder), "--lang", "en")
    assert code == 1
    line = next(line for line in text.splitlines() if "潜客.csv" in line)
    assert " 3 " in line and "首次接触方式" in line and "not an allowed value" in line


def test_validate_progress_goes_to_stderr(tmp_path, capsys):
    folder = write_csvs(tmp_path / "f", tables())
    assert main(["validate", str(folder), "--progress"]) == 0
    out = capsys.readouterr()
    assert "rows read" in out.err and "rows read" not in out.out


def test_bundled_demo_workbook_is_valid(repo_root, capsys):
    path = repo_root / "datasets" / "demo-client.xlsx"
    if not path.exists():
        pytest.skip("demo workbook not generated yet")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "数据有效" in out and "共 0 个错误" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["report", "demo", "-o", "out"], "缺少必填的选项或参数：--period"),
        (["validate"], "缺少必填的选项或参数：path"),
        (["report", "demo", "-o", "out", "--period", "2026-10", "--lang", "fr"], "选项 --lang 的取值「fr」无效"),
        (["report", "demo", "-o", "out", "--period"], "选项 --period 后面需要跟一个值"),
        (["datasets", "generate", "--stores", "三家", "-o", "x"], "选项 --stores 的取值「三家」格式不对"),
        (["validate", "x.xlsx", "--bogus"], "无法识别的选项或参数：--bogus"),
        (["report", "demo", "--period", "2026-10", "--lang", "en"], "missing required option(s): -o/--output"),
    ],
)
def test_a_mistyped_command_line_is_explained_in_the_users_language_with_exit_1(capsys, argv, expected):
    """argparse's English usage errors become one line in the user's language and a pointer to --help; exit 1
    (a problem of the options, like a DealerlabError), never 2 (which main reserves for internal errors)."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 1
    assert expected in err and "--help" in err
    if "--lang" not in argv or "en" not in argv:
        assert "error:" not in err and "required" not in err
