"""Browser test of the exercise platform: the warm-up in Voilà, driven by Debian Chromium through Playwright.

Asks the name once, fills the widgets, clicks 检查答案, reads the Chinese feedback, reloads the page and finds the
answers restored, opens a second tab on the same answer file. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest

from tests.browser_utils import chromium, require_browser, screenshots_dir, server_env, voila_server, wait_for_json

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CAPTURE = ".dl-ex-00a-capture-rate"
SPLIT = ".dl-ex-00b-kpi-split"
ACTION = ".dl-ex-00c-action-plan"
WAIT = 90_000  # ms: an upper bound for a loaded 2-core CI machine, not a timing assertion


def test_warmup_in_voila(repo_root, tmp_path):
    require_browser()
    answers = tmp_path / "answers"
    shots = screenshots_dir(repo_root)
    env = server_env(DEALERLAB_ANSWERS_DIR=str(answers))
    env.pop("DEALERLAB_TRAINEE", None)  # the name must be asked in the page
    notebook = repo_root / "exercises" / "00-warmup.ipynb"

    with voila_server(notebook, env=env, log=tmp_path / "voila.log") as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 1000}, locale="zh-CN")
        external = []  # offline classroom: every request off this machine is refused

        def offline(route):
            if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
                route.continue_()
            else:
                external.append(route.request.url)
                route.abort()

        page.route("**/*", offline)
        page.goto(url, timeout=WAIT)

        # 1. the name is asked once for the folder
        prompt = page.locator(f"{CAPTURE} .dl-trainee")
        prompt.wait_for(timeout=WAIT)
        prompt.locator(".dl-trainee-name input").fill("浏览器学员")
        prompt.locator("button.dl-trainee-ok").click()
        page.locator(f"{CAPTURE} button.dl-check").wait_for(timeout=WAIT)
        page.locator(f"{ACTION} button.dl-check").wait_for(timeout=WAIT)  # the other exercises opened too
        assert json.loads((answers / "profile.json").read_text(encoding="utf-8"))["trainee"] == "浏览器学员"

        # only Voilà's Font Awesome stylesheet is fetched from a CDN (icons; our buttons carry text): no script
        assert not [u for u in external if urlparse(u).path.endswith((".js", ".mjs"))], external

        # 2. a bad number gets a Chinese hint
        rate = page.locator(f"{CAPTURE} .dl-field-rate input")
        rate.fill("六成")
        page.locator(f"{CAPTURE} button.dl-check").click()
        page.locator(f"{CAPTURE} .dl-feedback .dl-invalid").wait_for(timeout=WAIT)
        assert "不是数字" in page.locator(f"{CAPTURE} .dl-field-rate .dl-hint").inner_text()

        # 3. fill every kind of widget
        rate.fill("60%")
        page.locator(f"{CAPTURE} .dl-field-formula label", has_text="(W + C) ÷ (FV + FC)").first.click()
        page.locator(f"{CAPTURE} .dl-option-card input").check()
        page.locator(f"{CAPTURE} .dl-option-testdrive input").check()
        page.locator(f"{SPLIT} .dl-item-sales select").select_option(label="结果指标")
        page.locator(f"{SPLIT} .dl-cell-S01-m1 input").fill("40")
        page.locator(f"{SPLIT} .dl-cell-S01-m2 input").fill("25")
        page.locator(f"{SPLIT} .dl-total-m1", has_text="40").wait_for(timeout=WAIT)  # live column total
        handle = page.locator(f"{ACTION} .dl-field-target_rate .noUi-handle")
        handle.focus()
        for _ in range(10):  # 60 % → 70 % in steps of 1 point
            handle.press("ArrowRight")
        page.locator(f"{ACTION} .dl-live", has_text="70%").wait_for(timeout=WAIT)
        page.locator(f"{ACTION} .dl-field-plan textarea").fill("由展厅经理负责，每天在展厅检查登记表")
        page.screenshot(path=str(shots / "warmup-1-filled.png"), full_page=True)

        # 4. check: Chinese feedback explaining the logic
        page.locator(f"{CAPTURE} button.dl-check").click()
        feedback = page.locator(f"{CAPTURE} .dl-feedback .dl-correct")
        feedback.wait_for(timeout=WAIT)
        text = feedback.inner_text()
        assert "正确" in text and "信息留存率" in text and "39" in text
        page.locator(f"{CAPTURE} button.dl-reveal").click()
        page.locator(f"{CAPTURE} .dl-model", has_text="参考答案").wait_for(timeout=WAIT)
        page.locator(f"{CAPTURE} .dl-feedback").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "warmup-2-feedback.png"), full_page=False)

        # the debounced autosave reaches the disk
        split_file = answers / "浏览器学员" / "00b-kpi-split.json"
        action_file = answers / "浏览器学员" / "00c-action-plan.json"
        wait_for_json(split_file, lambda d: d["values"]["split"]["S01"]["m2"] == "25")
        wait_for_json(action_file, lambda d: "展厅经理" in d["values"]["plan"] and d["values"]["target_rate"] >= 0.695)

        # 5. reload: a new kernel restores everything, no name prompt
        page.reload(timeout=WAIT)
        page.locator(f"{CAPTURE} button.dl-check").wait_for(timeout=WAIT)
        assert page.locator(f"{CAPTURE} .dl-trainee").count() == 0
        assert page.locator(f"{CAPTURE} .dl-field-rate input").input_value() == "60%"
        assert page.locator(f"{CAPTURE} .dl-option-card input").is_checked()
        assert page.locator(f"{SPLIT} .dl-cell-S01-m1 input").input_value() == "40"
        assert page.locator(f"{SPLIT} .dl-item-sales select").evaluate("s => s.options[s.selectedIndex].text") == "结果指标"
        assert "70%" in page.locator(f"{ACTION} .dl-field-target_rate .dl-readout").inner_text()
        assert "展厅经理" in page.locator(f"{ACTION} .dl-field-plan textarea").input_value()
        assert "正确" in page.locator(f"{CAPTURE} .dl-feedback .dl-correct").inner_text()
        assert "参考答案" in page.locator(f"{CAPTURE} .dl-model").inner_text()
        page.locator(f"{CAPTURE} .dl-history summary").click()
        history = page.locator(f"{CAPTURE} .dl-history").inner_text()
        assert "第 1 次" in history and "第 2 次" not in history  # unreadable input was not an attempt
        page.screenshot(path=str(shots / "warmup-3-restored.png"), full_page=False)

        # 6. a second tab (another kernel) on the same answer file: both attempts kept, file intact
        other = browser.new_page(viewport={"width": 1100, "height": 1000})
        other.route("**/*", offline)
        other.goto(url, timeout=WAIT)
        other.locator(f"{CAPTURE} button.dl-check").wait_for(timeout=WAIT)
        other.locator(f"{CAPTURE} button.dl-check").click()
        page.locator(f"{CAPTURE} button.dl-check").click()
        other.locator(f"{CAPTURE} .dl-feedback .dl-correct").wait_for(timeout=WAIT)
        capture_file = answers / "浏览器学员" / "00a-capture-rate.json"
        data = wait_for_json(capture_file, lambda d: len({a["session"] for a in d["attempts"]}) == 3)
        assert len(data["attempts"]) == 3  # first kernel, reloaded tab, second tab
        assert all(a["status"] == "correct" for a in data["attempts"][1:])
        assert not list(capture_file.parent.glob("*.corrupt-*"))
