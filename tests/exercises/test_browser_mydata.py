"""Browser test of 「用我的门店数据」 in the classroom (issue 24): a trainee uploads a flawed workbook, sees the problems
in Chinese with row and column, uploads the fixed one, does the funnel exercise on his own numbers (feedback equals the
registry's values for his store), downloads his report; a second trainee in another browser context sees none of it;
the trainer's dashboard shows a flag, not the data. Screenshots of every step go to artifacts/screenshots/."""

from __future__ import annotations

import re
import time

import openpyxl
import pytest

from tests.browser_utils import chromium, require_browser, screenshots_dir
from tests.exercises.test_browser_classroom import TRAINER_CODE, WAIT, classroom, join

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MINE = ".dl-ex-03a-showroom-log-mine"
#: what a sales manager must never see on these pages
_ENGLISH_OR_CODE = re.compile(r"Traceback|Error|None|nan|\.mydata|/tmp/|dealerlab|Upload|\bstore_id\b")


def _workbooks(tmp_path):
    from dealerlab.data.write import write_dataset
    from dealerlab.datasets.generate import generate

    good = tmp_path / "我的门店.xlsx"
    write_dataset(generate(stores=1, months=3, scale=0.2, seed=11), good, format="xlsx", headers="zh", manifest=False)
    wb = openpyxl.load_workbook(good)
    ws = wb["潜客"]
    header = [c.value for c in ws[1]]
    ws.cell(row=5, column=header.index("建档日期") + 1).value = "2026-13-45"
    ws.cell(row=7, column=header.index("首次接触方式") + 1).value = "微信"
    bad = tmp_path / "我的门店-有错.xlsx"
    wb.save(bad)
    return good, bad


def _visible_text(page) -> str:
    return page.locator("body").inner_text()


def _upload(page, path):
    with page.expect_file_chooser(timeout=WAIT) as chooser:  # the widget's file input is not in the page
        page.locator(".dl-upload").first.click()
    chooser.value.set_files(str(path))


def test_trainee_uses_own_store_data_end_to_end(repo_root, tmp_path):
    require_browser()
    from dealerlab.data.load import load
    from dealerlab.figures import compute

    good, bad = _workbooks(tmp_path)
    answers = tmp_path / "answers"
    shots = screenshots_dir(repo_root)
    with classroom(repo_root, answers, tmp_path / "server.log") as url, chromium() as browser:
        started = time.monotonic()
        a_ctx, a = join(browser, url, "张三")
        a.goto(url + "voila/render/00b-my-store.ipynb", timeout=WAIT)
        a.locator(".dl-mydata .dl-upload").first.wait_for(timeout=WAIT)
        a.screenshot(path=str(shots / "mydata-1-start.png"), full_page=True)

        # a flawed workbook: the problems as a table, in Chinese, with sheet, row and column
        _upload(a, bad)
        table = a.locator(".dl-problem-table")
        table.wait_for(timeout=WAIT)
        text = table.inner_text()
        assert "文件" in text and "工作表" in text and "怎么改" in text
        rows = [r.inner_text() for r in table.locator("tbody tr").all()]
        assert any("潜客" in r and "\t5\t" in r and "建档日期" in r and "2026-13-45" in r for r in rows), rows
        assert any("潜客" in r and "\t7\t" in r and "首次接触方式" in r and "到店、来电、网络" in r for r in rows), rows
        assert "处需要改" in a.locator(".dl-upload-status").inner_text()
        a.screenshot(path=str(shots / "mydata-2-problems.png"), full_page=True)
        assert not (answers / "张三" / ".mydata" / "data").exists()

        # the fixed one: accepted, store and latest month picked
        _upload(a, good)
        a.locator(".dl-upload-status .dl-ok").wait_for(timeout=WAIT)
        assert a.locator(".dl-problem-table").count() == 0
        a.locator(".dl-using b").wait_for(timeout=WAIT)
        using = a.locator(".dl-using").inner_text()
        assert "2026-10" in using and "杭州" in using
        a.screenshot(path=str(shots / "mydata-3-accepted.png"), full_page=True)
        assert (answers / "张三" / ".mydata" / "data" / good.name).is_file()

        # the funnel exercise on his own numbers: feedback equals the registry's values for his store
        ds = load(good)
        long = compute(ds, periods=["2026-10"], stores=["S01"], metrics=[
            "FV", "FC", "W", "C", "N", "CV", "L", "R", "RnoTD", "TD", "S_room",
            "capture_rate", "test_drive_rate", "revisit_rate", "close_rate"])
        registry = dict(zip(long["metric"], long["value"]))
        a.goto(url + "voila/render/03a-showroom-log.ipynb", timeout=WAIT)
        a.locator(f"{MINE} button.dl-check").wait_for(timeout=WAIT)
        assert "杭州" in a.locator(MINE).inner_text() and "2026-10" in a.locator(MINE).inner_text()
        for key, value in registry.items():
            text_value = f"{value:.2%}" if key.endswith("rate") else str(int(value))
            if key == "FV":
                text_value = str(int(value) + 1)  # one wrong box first
            a.locator(f"{MINE} .dl-field-{key} input").fill(text_value)
        a.locator(f"{MINE} button.dl-check").click()
        a.locator(f"{MINE} .dl-feedback .dl-partly").wait_for(timeout=WAIT)
        assert "首次" in a.locator(f"{MINE} .dl-field-FV").inner_text()
        a.locator(f"{MINE} .dl-field-FV input").fill(str(int(registry["FV"])))
        a.locator(f"{MINE} button.dl-check").click()
        a.locator(f"{MINE} .dl-feedback .dl-correct").wait_for(timeout=WAIT)
        a.locator(f"{MINE} button.dl-reveal").click()
        a.locator(f"{MINE} .dl-model").get_by_text("由你上传的数据算出").wait_for(timeout=WAIT)
        model = a.locator(f"{MINE} .dl-model").inner_text()
        assert f"{registry['close_rate']:.1%}" in model and f"{int(registry['FV'])}" in model
        a.locator(MINE).screenshot(path=str(shots / "mydata-4-funnel-mine.png"))

        # 我的诊断: the report, downloaded (personal data masked)
        a.goto(url + "voila/render/00b-my-store.ipynb", timeout=WAIT)
        a.locator(".dl-diagnose").wait_for(timeout=WAIT)
        a.locator(".dl-diagnose").click()
        link = a.locator("a.dl-download-report")
        link.wait_for(timeout=600_000)
        with a.expect_download(timeout=WAIT) as info:
            link.click()
        download = info.value
        assert download.suggested_filename == "我的诊断-2026-10.html"
        report = tmp_path / "report.html"
        download.save_as(str(report))
        html = report.read_text(encoding="utf-8")
        assert "杭州" in html
        phones = ds["leads"]["phone"].dropna().astype(str).head(50)
        names = ds["leads"]["name"].dropna().astype(str).head(50)
        assert not any(p in html for p in phones) and not any(n in html for n in names if len(n) >= 3)
        pdf = a.locator("a.dl-download-pdf")
        assert pdf.count() == 1  # Chromium printed it
        with a.expect_download(timeout=WAIT) as info:
            pdf.click()
        assert info.value.suggested_filename == "我的诊断-2026-10.pdf"
        info.value.save_as(str(tmp_path / "report.pdf"))
        assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
        a.locator(".dl-plan").click()
        a.locator("a.dl-download-plan").wait_for(timeout=WAIT)
        with a.expect_download(timeout=WAIT) as info:
            a.locator("a.dl-download-plan").click()
        assert info.value.suggested_filename == "行动计划-2026-10.html"
        a.screenshot(path=str(shots / "mydata-5-diagnosis.png"), full_page=True)
        elapsed = time.monotonic() - started
        for shot_page in (a,):
            assert not _ENGLISH_OR_CODE.search(_visible_text(shot_page)), _ENGLISH_OR_CODE.search(_visible_text(shot_page))

        # another trainee, another browser context: none of it
        b_ctx, b = join(browser, url, "李四")
        b.goto(url + "voila/render/00b-my-store.ipynb", timeout=WAIT)
        b.locator(".dl-mydata .dl-upload").first.wait_for(timeout=WAIT)
        b.locator(".dl-using").get_by_text("还没有上传数据").wait_for(timeout=WAIT)
        text = _visible_text(b)
        assert "杭州" not in text and "2026-10" not in text and "处需要改" not in text
        assert b.locator("a.dl-download-report").count() == 0
        b.goto(url + "voila/render/03a-showroom-log.ipynb", timeout=WAIT)
        b.locator(".dl-mine .dl-upload").wait_for(timeout=WAIT)
        assert b.locator(MINE).count() == 0 and "杭州" not in _visible_text(b)
        b.screenshot(path=str(shots / "mydata-6-other-trainee.png"), full_page=True)
        assert not (answers / "李四" / ".mydata").exists()

        # the trainer sees a flag, not the data
        t_ctx, t = join(browser, url, "讲师", code=TRAINER_CODE)
        t.goto(url + "dealerlab/dashboard", timeout=WAIT)
        rows = {r.locator("td").first.inner_text(): r for r in t.locator("#dl-dash-trainees tr.dl-trainee-row").all()}
        assert rows["张三"].locator(".dl-own-data").count() == 1
        assert rows["李四"].locator(".dl-own-data").count() == 0
        assert "杭州" not in _visible_text(t) and "dl-comparison-wait" in t.content()
        t.screenshot(path=str(shots / "mydata-7-dashboard.png"), full_page=True)
    assert elapsed < 600  # from joining to the report: under 10 minutes even on a loaded laptop
