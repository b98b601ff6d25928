"""Nothing lost (issue 16 A): every command that writes refuses to delete or overwrite what dealerlab did not write;
the user's machine saying no (read-only, disk full) is a clear message, not an internal error; a ``--benchmarks``
file is checked before anything runs; store folders are never device names; client text never drives the terminal.

Fast: every refusal happens before a kernel starts (``run_jobs`` is replaced by a tripwire where it matters).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dealerlab._io import atomic_dir
from dealerlab._output import MANIFESTS, check_output_dir, foreign_entries, is_dealerlab_file
from dealerlab.cli import main
from dealerlab.errors import OutputError
from tests._paths import REPO

PERIOD = "2026-10"
SEED = 20261123


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A small generated group (2 stores × 2 months) as a CSV folder, in a folder of its own."""
    from dealerlab.data.write import write_dataset
    from dealerlab.datasets import generate

    folder = tmp_path_factory.mktemp("client") / "data"
    write_dataset(generate(seed=SEED, stores=2, months=2, scale=0.3), folder, format="csv")
    return folder


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, data):
    from dealerlab.data import load
    from dealerlab.data.write import write_dataset

    path = tmp_path_factory.mktemp("wb") / "客户数据.xlsx"
    write_dataset(load(data), path, format="xlsx", headers="zh")
    return path


def _digest(path: Path) -> dict[str, str]:
    """Every file under ``path`` (or ``path`` itself) with the hash of its bytes."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p.relative_to(path.parent)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture
def no_run(monkeypatch):
    """Fail the test if a report would start executing notebooks."""
    from dealerlab.report import commands

    def tripwire(*a, **k):
        raise AssertionError("the report started although it should have been refused")

    monkeypatch.setattr(commands, "run_jobs", tripwire)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text and "内部错误" not in text, text
    return code, text


# ---- report -o -------------------------------------------------------------------------------------------------
def test_report_refuses_the_input_folder_and_keeps_every_client_file(data, capsys, no_run):
    before = _digest(data)
    code, text = run(capsys, "report", data, "--period", PERIOD, "-o", data)
    assert code == 1 and "就是输入" in text and str(data) in text
    assert _digest(data) == before


def test_report_refuses_a_folder_containing_the_input(data, capsys, no_run, monkeypatch):
    before = _digest(data)
    code, text = run(capsys, "report", data, "--period", PERIOD, "-o", data.parent)
    assert code == 1 and "包含输入" in text
    monkeypatch.chdir(data.parent)  # "-o ." from the folder holding the data
    code, text = run(capsys, "report", "data", "--period", PERIOD, "-o", ".")
    assert code == 1 and "包含输入" in text
    assert _digest(data) == before
    assert sorted(p.name for p in data.parent.iterdir()) == ["data"]  # no ..old-*/..tmp-* left


def test_report_refuses_a_folder_inside_the_input_folder(data, capsys, no_run):
    code, text = run(capsys, "report", data, "--period", PERIOD, "-o", data / "报告")
    assert code == 1 and "输入文件夹" in text
    assert not (data / "报告").exists()


def test_report_refuses_the_input_workbook(workbook, capsys, no_run):
    before = _digest(workbook)
    code, text = run(capsys, "report", workbook, "--period", PERIOD, "-o", workbook)
    assert code == 1 and "不是文件夹" in text
    assert _digest(workbook) == before


def test_report_refuses_the_benchmarks_file_and_its_folder(data, tmp_path, capsys, no_run):
    bench = tmp_path / "标杆" / "b.json"
    bench.parent.mkdir()
    bench.write_text('{"close_rate": 0.2}', encoding="utf-8")
    code, text = run(capsys, "report", data, "--period", PERIOD, "--benchmarks", bench, "-o", bench.parent)
    assert code == 1 and "包含输入" in text and bench.read_text(encoding="utf-8") == '{"close_rate": 0.2}'


def test_report_refuses_a_folder_with_other_files(data, tmp_path, capsys, no_run, monkeypatch):
    mine = tmp_path / "我的文件夹"
    (mine / "sub").mkdir(parents=True)
    (mine / "合同.docx").write_bytes(b"precious")
    (mine / "sub" / "a.txt").write_text("keep", encoding="utf-8")
    before = _digest(mine)
    code, text = run(capsys, "report", data, "--period", PERIOD, "-o", mine)
    assert code == 1 and "合同.docx" in text and "不是 dealerlab 写的" in text
    monkeypatch.chdir(mine)
    code, text = run(capsys, "report", data, "--period", PERIOD, "-o", ".")
    assert code == 1 and "不是 dealerlab 写的" in text
    assert _digest(mine) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["我的文件夹"]


def _previous_report(folder: Path) -> None:
    """A report folder as a finished run leaves it (manifest included)."""
    with atomic_dir(folder, kind="report", inputs=["x"]) as tmp:
        (tmp / "stores" / "S01").mkdir(parents=True)
        for f in ("index.html", "metrics.csv", "report.ipynb", "stores/S01/index.html"):
            (tmp / f).write_text("old", encoding="utf-8")


def test_a_previous_report_is_recognised_by_its_manifest(tmp_path):
    out = tmp_path / "报告"
    _previous_report(out)
    manifest = json.loads((out / MANIFESTS["report"]).read_text(encoding="utf-8"))
    assert manifest["tool"] == "dealerlab" and manifest["kind"] == "report" and manifest["version"]
    assert manifest["created"] and manifest["inputs"] == [str(Path("x").resolve())]
    assert manifest["files"] == ["index.html", "metrics.csv", "report.ipynb", "stores/S01/index.html"]
    assert foreign_entries(out) == []
    assert check_output_dir(out) == out.resolve()
    # a file the user added to the report folder is not ours: the folder is no longer replaced
    (out / "stores" / "批注.txt").write_text("mine", encoding="utf-8")
    assert foreign_entries(out) == ["stores/批注.txt"]
    with pytest.raises(OutputError, match="批注.txt"):
        check_output_dir(out)
    (out / "stores" / "批注.txt").unlink()
    assert foreign_entries(out) == []
    # a file of the report the consultant edited afterwards (the narrative template, say) is theirs now
    before = (out / "metrics.csv").read_bytes()
    (out / "metrics.csv").write_bytes(before + b"edited by hand\n")
    assert foreign_entries(out) == ["metrics.csv"]
    with pytest.raises(OutputError, match="metrics.csv"):
        check_output_dir(out)
    (out / "metrics.csv").write_bytes(before)
    assert foreign_entries(out) == []
    # a manifest of another kind, or a forged one without a file list, does not make a folder ours
    assert foreign_entries(out, "dataset")
    (out / MANIFESTS["report"]).write_text('{"tool": "dealerlab", "kind": "report"}', encoding="utf-8")
    assert foreign_entries(out)


def test_a_report_of_an_older_version_is_recognised_by_its_layout(tmp_path):
    out = tmp_path / "out"
    (out / "stores" / "S01").mkdir(parents=True)
    for f in ("index.html", "metrics.csv", "附录.xlsx", "report.ipynb", "stores/S01/index.html", "stores/S01/report.pdf"):
        (out / f).write_text("old", encoding="utf-8")
    assert foreign_entries(out) == []
    (out / "notes.md").write_text("mine", encoding="utf-8")
    assert foreign_entries(out) == sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def test_a_previous_report_is_replaced_atomically_even_from_inside_it(tmp_path, monkeypatch):
    out = tmp_path / "报告"
    _previous_report(out)
    monkeypatch.chdir(out)  # "-o ." inside the previous report
    with atomic_dir(".", kind="report") as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".报告.tmp-")
        (tmp / "index.html").write_text("new", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告"]  # no ..old-*, no .报告.old-*
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    assert not (out / "stores").exists()
    assert json.loads((out / MANIFESTS["report"]).read_text(encoding="utf-8"))["files"] == ["index.html"]


def test_a_file_added_during_the_run_stops_the_swap(tmp_path):
    out = tmp_path / "报告"
    _previous_report(out)
    with pytest.raises(OutputError, match="late.txt"):
        with atomic_dir(out, kind="report") as tmp:
            (tmp / "index.html").write_text("new", encoding="utf-8")
            (out / "late.txt").write_text("mine", encoding="utf-8")
    assert (out / "late.txt").exists() and (out / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告"]


# ---- metrics -o and the other file outputs -----------------------------------------------------------------------
def test_metrics_refuses_the_input_workbook(workbook, capsys):
    before = _digest(workbook)
    code, text = run(capsys, "metrics", workbook, "--period", PERIOD, "-o", workbook)
    assert code == 1 and "就是输入" in text
    code, text = run(capsys, "metrics", workbook, "--period", PERIOD, "-o", workbook, "--force")
    assert code == 1 and "就是输入" in text  # --force never makes the input an output
    assert _digest(workbook) == before


def test_metrics_refuses_a_file_inside_the_input_folder(data, capsys):
    before = _digest(data)
    code, text = run(capsys, "metrics", data, "--period", PERIOD, "-o", data / "指标.csv")
    assert code == 1 and "输入文件夹" in text
    assert _digest(data) == before


def test_metrics_refuses_a_folder_with_a_clear_message(data, tmp_path, capsys):
    code, text = run(capsys, "metrics", data, "--period", PERIOD, "-o", tmp_path)
    assert code == 1 and "是一个文件夹" in text and "指标.xlsx" in text


@pytest.mark.parametrize("name", ["指标.xlsx", "m.csv", "m.json"])
def test_metrics_overwrites_only_its_own_files_unless_forced(data, tmp_path, capsys, name):
    target = tmp_path / name
    target.write_bytes(b"the consultant's own file")
    code, text = run(capsys, "metrics", data, "--period", PERIOD, "-o", target)
    assert code == 1 and "--force" in text and target.read_bytes() == b"the consultant's own file"
    assert run(capsys, "metrics", data, "--period", PERIOD, "-o", target, "--force")[0] == 0
    assert is_dealerlab_file(target)
    assert run(capsys, "metrics", data, "--period", PERIOD, "-o", target)[0] == 0  # ours now: replaced freely
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_dealerlab_files_are_recognised_by_content(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.save(tmp_path / "client.xlsx")  # openpyxl's default creator, not ours
    (tmp_path / "other.csv").write_text("store_id,name\nS01,x\n", encoding="utf-8")
    (tmp_path / "metrics.csv").write_text("\ufeffstore_id,period,metric,value,reason,staff_id\r\n", encoding="utf-8")
    (tmp_path / "other.json").write_text('{"store_id": 1}', encoding="utf-8")
    (tmp_path / "empty.json").write_text("[]", encoding="utf-8")
    (tmp_path / "page.html").write_text("<html><head><meta name='generator' content='dealerlab'>", encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(tmp_path / "metrics.csv")
    got = {p.name: is_dealerlab_file(p) for p in tmp_path.iterdir()}
    assert got == {"client.xlsx": False, "other.csv": False, "metrics.csv": True, "other.json": False,
                   "empty.json": True, "page.html": True, "link.csv": False}


def test_template_output_rules(tmp_path, capsys):
    mine = tmp_path / "客户数据.xlsx"
    mine.write_bytes(b"PK not ours")
    code, text = run(capsys, "template", "-o", mine)
    assert code == 1 and "--force" in text and mine.read_bytes() == b"PK not ours"
    code, text = run(capsys, "template", "-o", tmp_path)
    assert code == 1 and "是一个文件夹" in text
    assert run(capsys, "template", "-o", mine, "--force")[0] == 0
    # a template is a data workbook the client fills in: never "ours", so writing over it again needs --force
    # (a reviewer's filled-in workbook, started from `dealerlab template`, was replaced by an empty template)
    assert not is_dealerlab_file(mine)
    code, text = run(capsys, "template", "-o", mine)
    assert code == 1 and "--force" in text


def test_metrics_never_overwrites_a_client_workbook_started_from_the_template(data, tmp_path, capsys):
    client = tmp_path / "client-b.xlsx"
    assert run(capsys, "template", "-o", client)[0] == 0
    before = client.read_bytes()
    code, text = run(capsys, "metrics", data, "--period", PERIOD, "-o", client)
    assert code == 1 and "--force" in text and client.read_bytes() == before
    out = tmp_path / "m.xlsx"
    assert run(capsys, "metrics", data, "--period", PERIOD, "-o", out)[0] == 0 and is_dealerlab_file(out)
    assert run(capsys, "metrics", data, "--period", PERIOD, "-o", out)[0] == 0  # its own result: replaced


def test_class_report_output_rules(tmp_path, capsys):
    answers = tmp_path / "answers"
    (answers / "张三").mkdir(parents=True)
    mine = tmp_path / "班级.html"
    mine.write_text("<html>mine</html>", encoding="utf-8")
    code, text = run(capsys, "class", "report", answers, "-o", mine)
    assert code == 1 and "--force" in text and mine.read_text(encoding="utf-8") == "<html>mine</html>"
    code, text = run(capsys, "class", "report", answers, "-o", answers / "张三" / "r.html")
    assert code == 1 and "输入文件夹" in text


def test_datasets_generate_replaces_only_its_own_folder(tmp_path, capsys):
    mine = tmp_path / "客户"
    mine.mkdir()
    (mine / "leads.csv").write_text("the client's real data", encoding="utf-8")
    code, text = run(capsys, "datasets", "generate", "-o", mine, "--stores", "1", "--months", "1", "--scale", "0.1")
    assert code == 1 and "leads.csv" in text
    assert [p.name for p in mine.iterdir()] == ["leads.csv"]
    out = tmp_path / "gen"
    for _ in range(2):  # the second run replaces the first (its manifest says it is ours)
        assert run(capsys, "datasets", "generate", "-o", out, "--stores", "1", "--months", "1", "--scale", "0.1")[0] == 0
    assert (out / MANIFESTS["dataset"]).is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["gen", "客户"]
    xlsx = tmp_path / "x.xlsx"
    xlsx.write_bytes(b"mine")
    code, text = run(capsys, "datasets", "generate", "-o", xlsx, "--stores", "1", "--months", "1", "--scale", "0.1")
    assert code == 1 and xlsx.read_bytes() == b"mine"


# ---- the user's machine says no ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("err", "words"),
    [(errno.ENOSPC, "磁盘空间已满"), (errno.EROFS, "只读"), (errno.EACCES, "没有写入权限"), (errno.EISDIR, "文件夹")],
)
def test_metrics_environment_errors_are_not_internal_errors(data, tmp_path, capsys, monkeypatch, err, words):
    from dealerlab.report import commands

    target = tmp_path / "out" / "m.csv"

    def failing(long, path, **kw):
        raise OSError(err, os.strerror(err), str(path))

    monkeypatch.setattr(commands, "write_metrics", failing)
    code, text = run(capsys, "metrics", data, "--period", PERIOD, "-o", target)
    assert code == 1 and words in text and str(target) in text and "不是 dealerlab 的错误" in text


def test_report_disk_full_names_the_output(data, tmp_path, capsys, monkeypatch):
    from dealerlab.report import commands

    def failing(jobs, **kw):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(Path(jobs[0].output)))  # a hidden temp path

    monkeypatch.setattr(commands, "run_jobs", failing)
    out = tmp_path / "报告"
    code, text = run(capsys, "report", data, "--period", PERIOD, "--store", "S01", "-o", out)
    assert code == 1 and "磁盘空间已满" in text and str(out) in text and ".tmp-" not in text
    assert list(tmp_path.iterdir()) == []


def test_report_full_tmpdir_names_tmpdir_and_leaves_nothing(data, tmp_path, capsys, monkeypatch, no_run):
    import pickle
    import tempfile

    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pickle, "dump", full)
    out = tmp_path / "报告"
    code, text = run(capsys, "report", data, "--period", PERIOD, "--store", "S01", "-o", out)
    assert code == 1 and "磁盘空间已满" in text and str(tmpdir) in text
    assert list(tmpdir.iterdir()) == [] and not out.exists()


def test_real_read_only_and_full_file_systems(data, tmp_path, capsys):
    """With a tiny tmpfs (needs root and mount permission; skipped otherwise): a full disk and a read-only folder."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    full, ro = tmp_path / "full", tmp_path / "ro"
    full.mkdir(), ro.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(full)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", str(ro)], capture_output=True).returncode:
            pytest.skip("cannot mount a read-only tmpfs here")
        try:
            code, text = run(capsys, "metrics", data, "--period", PERIOD, "--months", "2", "-o", full / "m.json")
            assert code == 1 and "磁盘空间已满" in text and "m.json" in text
            assert os.listdir(full) == []  # the half-written temporary file is gone
            code, text = run(capsys, "metrics", data, "--period", PERIOD, "-o", ro / "m.csv")
            assert code == 1 and "只读" in text and str(ro) in text
        finally:
            subprocess.run(["umount", str(ro)], check=False)
    finally:
        subprocess.run(["umount", str(full)], check=False)


# ---- --benchmarks checked first ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("b.json", b'{"close_rate": 0.2, "capture', ["b.json", "不是有效的 JSON", "第 1 行"]),
        ("b.csv", "metric,benchmark\nclose_rate,0.2\n# 成交率\n".encode("gbk"), ["b.csv", "不是 UTF-8", "第 3 行"]),
        ("b.csv", b"metric,benchmark\nclose_rate,0.2\nno_such_rate,0.5\n", ["b.csv", "第 3 行", "no_such_rate"]),
        ("b.json", b'{"close_rate": 0.2, "no_such_rate": 0.5}', ["b.json", "no_such_rate", "键"]),
        ("b.csv", b"metric,benchmark\nclose_rate,20\n", ["b.csv", "第 2 行", "'20'", "0 到 1"]),
        ("b.csv", b"metric,benchmark\nclose_rate,abc\n", ["b.csv", "第 2 行", "'abc'"]),
        ("b.json", b'{"close_rate": -0.1}', ["b.json", "close_rate", "-0.1"]),
        ("b.json", b"[0.2]", ["b.json", "JSON 对象"]),
        ("b.csv", b"rate,value\nclose_rate,0.2\n", ["b.csv", "表头", "metric"]),
    ],
)
def test_benchmarks_file_is_checked_before_anything_runs(data, tmp_path, capsys, no_run, name, content, words):
    bench = tmp_path / "bench" / name
    bench.parent.mkdir()
    bench.write_bytes(content)
    out = tmp_path / "报告"
    code, text = run(capsys, "report", data, "--period", PERIOD, "--benchmarks", bench, "-o", out)
    assert code == 1
    for w in words:
        assert w in text, (w, text)
    assert not out.exists()


def test_benchmark_percent_strings_are_rates(tmp_path):
    from dealerlab.funnel.diagnosis import load_benchmarks

    bench = tmp_path / "b.csv"
    bench.write_text("metric,benchmark\nclose_rate,25%\ncapture_rate,0.65\n", encoding="utf-8")
    got = load_benchmarks(bench)
    assert got["close_rate"] == 0.25 and got["capture_rate"] == 0.65


# ---- store folders ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sid", ["CON", "con", "NUL", "nul.txt", "COM1", "lpt9", "AUX ", "PRN.", "COM¹", "CONIN$"])
def test_store_folder_never_is_a_windows_device(sid):
    from dealerlab.report.commands import _RESERVED, store_folder

    name = store_folder(sid)
    assert name.startswith("_") and name.split(".")[0].split("-")[0].strip(" ").casefold() not in _RESERVED
    assert name != sid and name == store_folder(sid)


def test_store_folder_limits_bytes_and_separates_case_twins():
    from dealerlab.report.commands import store_folder, store_folders

    long = store_folder("门" * 200)
    assert len(long.encode("utf-8")) <= 200 and long != store_folder("门" * 199)
    names = store_folders(["S01", "s01", "S02", "Ｓ03"])
    assert names["S02"] == "S02" and names["Ｓ03"] == "Ｓ03"
    assert names["S01"].casefold() != names["s01"].casefold()
    assert store_folder("S0\u202e1") != "S0\u202e1" and "\u202e" not in store_folder("S0\u202e1")


# ---- the terminal ----------------------------------------------------------------------------------------------------
HOSTILE = "\x1b[2J\x1b]0;pwned\x07\x1b[32m数据有效\x1b[0m\rS0\x073\u202e\x9b1m"


def test_clean_strips_sequences_and_shows_controls():
    from dealerlab._terminal import clean, clean_line

    assert clean(HOSTILE) == "数据有效<U+000D>S0<U+0007>3<U+202E>"
    assert clean("第一行\n第二行") == "第一行\n第二行" and clean_line("a\nb") == "a<U+000A>b"
    assert clean("门店「东风」¥1,234 — ok") == "门店「东风」¥1,234 — ok"


def test_validate_listing_never_prints_escape_sequences(data, tmp_path, capsys):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(data, folder)
    leads = folder / "leads.csv"
    lines = leads.read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    row = lines[1].split(",")
    row[head.index("store_id")] = HOSTILE.replace("\r", "")
    lines[1] = ",".join(row)
    leads.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["validate", str(folder)])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 1 and "leads" in text
    assert not any(c in text for c in "\x1b\x07\x9b\r\u202e"), repr(text)
    assert "<U+0007>" in text or "<U+202E>" in text


def test_error_messages_are_cleaned(capsys, monkeypatch):
    from dealerlab import cli
    from dealerlab.errors import ParameterError

    def hostile(args):
        raise ParameterError(f"门店 {HOSTILE} 不在数据中。\n第二行")

    monkeypatch.setattr(cli, "_dispatch", hostile)
    assert main(["validate", "x"]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "门店 数据有效" in err and "\n第二行" in err


def test_progress_labels_are_cleaned(capsys):
    from dealerlab.report.execute import print_progress

    print_progress(1, 2, HOSTILE)
    assert "\x1b" not in capsys.readouterr().err


def test_cli_runs_as_a_process_without_traceback(data, tmp_path):
    """The same refusal through a real process (exit code 1, one message, nothing on stdout)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "dealerlab.cli", "report", str(data), "--period", PERIOD, "-o", str(data)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "就是输入" in proc.stderr


def test_findings_output_rules(data, tmp_path, capsys):
    before = _digest(data)
    code, text = run(capsys, "findings", data, "--period", PERIOD, "-o", data / "findings.csv")
    assert code == 1 and "输入文件夹" in text
    code, text = run(capsys, "findings", data, "--period", PERIOD, "-o", tmp_path)
    assert code == 1 and "是一个文件夹" in text
    bench = tmp_path / "b.json"
    bench.write_text('{"close_rate": 0.2', encoding="utf-8")
    code, text = run(capsys, "findings", data, "--period", PERIOD, "--benchmarks", bench, "-o", tmp_path / "f.csv")
    assert code == 1 and "b.json" in text and "JSON" in text
    assert _digest(data) == before and not (tmp_path / "f.csv").exists()


def test_every_print_of_a_command_is_cleaned(capsys, monkeypatch):
    """The last guard: whatever a command prints (a trainee's file name in a warning, a path) passes the cleaner;
    the progress bar's carriage return stays."""
    from dealerlab import cli

    def noisy(args):
        print(f"警告：已跳过 {HOSTILE}.json")
        sys.stderr.write("\r[##] 1/2 S01")
        return 0

    monkeypatch.setattr(cli, "_dispatch", noisy)
    assert main(["validate", "x"]) == 0
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err and "\x07" not in out.out and "警告：已跳过 数据有效" in out.out
    assert out.err == "\r[##] 1/2 S01"


def test_a_folder_named_demo_is_the_clients_data_not_the_bundled_demo(data, tmp_path, capsys, monkeypatch):
    """`findings demo` in a folder holding ./demo used the bundled demo (findings that are not the client's) and
    wrote into ./demo; the client's folder is the input, so it is read and never written into."""
    import shutil

    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(data, work / "demo")
    monkeypatch.chdir(work)
    before = sorted(p.name for p in (work / "demo").iterdir())
    code, text = run(capsys, "findings", "demo", "--period", PERIOD, "-o", "demo/findings.csv")
    assert code == 1 and sorted(p.name for p in (work / "demo").iterdir()) == before
    code, text = run(capsys, "findings", "demo", "--period", PERIOD, "-o", "f.csv")
    assert code == 0
    code, text = run(capsys, "findings", str(work / "demo"), "--period", PERIOD, "-o", "g.csv")
    assert code == 0
    assert (work / "f.csv").read_bytes() == (work / "g.csv").read_bytes()  # the folder's findings, not the demo's


def test_a_closed_pipe_is_not_an_internal_error(data, tmp_path):
    """`dealerlab validate … | head -1`: the reader leaves early; no 内部错误, no traceback log, exit 141 (SIGPIPE)."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "dealerlab.cli", "validate", str(data)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read().decode("utf-8", "replace")
    code = proc.wait(timeout=300)
    assert code in (0, 141) and "内部错误" not in err and "Traceback" not in err
    assert not list(tmp_path.glob("dealerlab-error-*.log"))
