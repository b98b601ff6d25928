"""Browser test of the consultant report on hostile client data: Debian Chromium (Playwright) opens index.html.

Store, consultant and account names are ``<script>alert(…)</script>`` and ``<img src=x onerror=alert(…)>``
(see tests/report/test_security.py). In the browser no dialog may open, no script element may come from the data and
no element may carry an ``onerror`` handler; the names must read as text. A control page holding the same payload
unescaped proves the harness would notice. Screenshot: artifacts/screenshots/report-hostile.png (gitignored).
"""

from __future__ import annotations

import pytest

from tests.browser_utils import chromium, require_browser, screenshots_dir
from tests.report.test_security import (
    ACCOUNT_IMG,
    ACCOUNT_SCRIPT,
    CONSULTANT_IMG,
    CONSULTANT_SCRIPT,
    PERIOD,
    STORE_SCRIPT,
    hostile_group,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT = 90_000  # ms: an upper bound for a loaded 2-core machine, not a timing assertion


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """``report --store =S01 --show-pii`` on the hostile group: every hostile name is shown (escaped)."""
    require_browser()
    from dealerlab.cli import main
    from dealerlab.data.write import write_dataset

    root = tmp_path_factory.mktemp("browser-report")
    ds, _ = hostile_group(root / "PWNED")
    write_dataset(ds, root / "client", format="csv", neutralise=False)
    out = root / "report"
    assert main(["report", str(root / "client"), "--period", PERIOD, "--store", "=S01", "--show-pii", "-o", str(out)]) == 0
    return out / "报告.html"


def _open(browser, path):
    """Open ``path`` offline; returns (page, dialogs seen, requests refused)."""
    page = browser.new_page(viewport={"width": 1200, "height": 1000}, locale="zh-CN")
    dialogs, external = [], []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    def offline(route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.on("dialog", on_dialog)
    page.route("**/*", offline)
    page.goto(path.resolve().as_uri(), wait_until="load", timeout=WAIT)
    page.wait_for_timeout(500)  # let any onerror handler of a broken image run (it would open a dialog)
    return page, dialogs, external


def test_control_page_with_raw_markup_opens_dialogs(tmp_path):
    """The harness sees an injection: the same payloads pasted unescaped fire alerts."""
    require_browser()
    control = tmp_path / "control.html"
    control.write_text(f"<!DOCTYPE html><html><body><p>{STORE_SCRIPT}</p><p>{CONSULTANT_IMG}</p></body></html>",
                       encoding="utf-8")
    with chromium() as browser:
        page, dialogs, _ = _open(browser, control)
        assert sorted(dialogs) == ["1", "4"]
        assert page.locator("[onerror]").count() == 1


def test_hostile_names_are_text_in_the_browser(hostile_report, repo_root):
    with chromium() as browser:
        page, dialogs, external = _open(browser, hostile_report)
        assert dialogs == []  # no alert() from the data
        assert external == []  # the report opens offline
        scripts = page.eval_on_selector_all("script", "els => els.map(e => (e.src || '') + (e.textContent || ''))")
        assert not [s for s in scripts if "alert(" in s]  # no script element from the data
        assert page.locator("[onerror]").count() == 0  # no element with a handler from the data
        assert page.locator("img[src='x']").count() == 0
        text = page.locator("body").inner_text()
        for name in (STORE_SCRIPT, CONSULTANT_SCRIPT, CONSULTANT_IMG):  # shown as written, as text
            assert name in text, name
        assert ACCOUNT_SCRIPT in text or ACCOUNT_IMG in text
        page.locator("text=" + CONSULTANT_SCRIPT).first.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots_dir(repo_root) / "report-hostile.png"), full_page=False)
        page.evaluate("alert('control')")  # the listener works on this page too
        assert dialogs == ["control"]
