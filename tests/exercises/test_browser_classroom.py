"""Browser tests of ``dealerlab classroom`` (issue 19): trainees join with a name and the join code, each browser's
exercises are that trainee's (answers server-side, per trainee), a browser without the code is refused, the trainer's
dashboard shows the class, and closed pages give their kernels back (culling)."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import pytest

from tests.browser_utils import (
    chromium,
    free_port,
    require_browser,
    screenshots_dir,
    served,
    server_env,
    wait_for_json,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CAPTURE = ".dl-ex-00a-capture-rate"
WAIT = 120_000
CODE, TRAINER_CODE = "K7Q2MX", "TRAINERCODE9"


@contextlib.contextmanager
def classroom(repo_root: Path, answers: Path, log: Path, *extra: str):
    port = free_port()
    env = server_env(PYTHONPATH=str(repo_root))
    env.pop("DEALERLAB_TRAINEE", None)
    argv = [sys.executable, "-m", "dealerlab.cli", "classroom", "--ip", "127.0.0.1", "--port", str(port),
            "--code", CODE, "--trainer-code", TRAINER_CODE, "--answers-dir", str(answers), *extra]
    url = f"http://127.0.0.1:{port}/"
    with served(argv, env=env, log=log, cwd=repo_root, ready=url + "login", what="classroom"):
        yield url


def join(browser, url, name, code=CODE):
    ctx = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(url, timeout=WAIT)
    page.fill("#dl-name", name)
    page.fill("#dl-code", code)
    page.click("#dl-join")
    page.wait_for_load_state()
    return ctx, page


def open_warmup(page, url):
    page.goto(url + "voila/render/00-warmup.ipynb", timeout=WAIT)
    page.locator(f"{CAPTURE} button.dl-check").wait_for(timeout=WAIT)


def kernels(trainer_ctx, url) -> list:
    r = trainer_ctx.request.get(url + "api/kernels")
    assert r.ok, r.status
    return r.json()


def test_two_trainees_see_only_their_own_answers(repo_root, tmp_path):
    require_browser()
    answers = tmp_path / "answers"
    shots = screenshots_dir(repo_root)
    with classroom(repo_root, answers, tmp_path / "server.log") as url, chromium() as browser:
        a_ctx, a = join(browser, url, "张三")
        assert "/dealerlab/" in a.url and "张三" in a.locator("#dl-who").inner_text()
        assert "练习" in a.inner_text("main") and "Select items" not in a.content()
        a.screenshot(path=str(shots / "classroom-index.png"), full_page=True)
        b_ctx, b = join(browser, url, "李四")

        open_warmup(a, url)
        open_warmup(b, url)
        assert "学员：张三" in a.locator(f"{CAPTURE} .dl-status").inner_text()
        assert "学员：李四" in b.locator(f"{CAPTURE} .dl-status").inner_text()
        assert a.locator(f"{CAPTURE} a.dl-list-link").inner_text() == "全部练习"
        a.locator(f"{CAPTURE} .dl-field-rate input").fill("40%")
        a.locator(f"{CAPTURE} button.dl-check").click()
        b.locator(f"{CAPTURE} .dl-field-rate input").fill("30%")
        b.locator(f"{CAPTURE} button.dl-check").click()
        a.locator(f"{CAPTURE} .dl-feedback .dl-correct, {CAPTURE} .dl-feedback .dl-wrong, "
                  f"{CAPTURE} .dl-feedback .dl-partly").first.wait_for(timeout=WAIT)
        a.screenshot(path=str(shots / "classroom-exercise.png"), full_page=False)
        # answers saved server-side, one folder per trainee
        fa = wait_for_json(answers / "张三" / "00a-capture-rate.json", lambda d: d["attempts"])
        fb = wait_for_json(answers / "李四" / "00a-capture-rate.json", lambda d: d["attempts"])
        assert fa["trainee"] == "张三" and fa["attempts"][-1]["answer"]["rate"] == pytest.approx(0.4)
        assert fb["trainee"] == "李四" and fb["attempts"][-1]["answer"]["rate"] == pytest.approx(0.3)
        assert not (answers / "profile.json").exists()  # no shared name for the folder

        # each browser gets its own answers back after a reload
        open_warmup(a, url)
        open_warmup(b, url)
        assert a.locator(f"{CAPTURE} .dl-field-rate input").input_value() == "40%"
        assert b.locator(f"{CAPTURE} .dl-field-rate input").input_value() == "30%"

        # a trainee cannot reach another trainee's kernel, the kernel list or the files
        assert b_ctx.request.get(url + "api/kernels").status == 403
        assert b_ctx.request.get(url + "api/contents").status == 403
        assert b_ctx.request.get(url + "dealerlab/dashboard").status == 403
        assert b_ctx.request.get(url + "lab").status == 404

        # a third browser without the code is refused and cannot open an exercise
        c_ctx, c = join(browser, url, "王五", code="WRONG1")
        assert "/login" in c.url and "加入码不对" in c.locator("#dl-join-error").inner_text()
        c.goto(url + "voila/render/00-warmup.ipynb", timeout=WAIT)
        assert "/login" in c.url and c.locator(CAPTURE).count() == 0
        c.screenshot(path=str(shots / "classroom-refused.png"))

        # the trainer's dashboard shows both
        t_ctx, t = join(browser, url, "讲师", code=TRAINER_CODE)
        t.goto(url + "dealerlab/dashboard", timeout=WAIT)
        text = t.locator("#dl-dash-trainees").inner_text()
        assert "张三" in text and "李四" in text and "王五" not in text
        t.screenshot(path=str(shots / "classroom-dashboard.png"), full_page=True)

        # 「不是你？」 forgets the name in this browser
        a.locator(f"{CAPTURE} a.dl-not-me").click()
        a.wait_for_url("**/login**", timeout=WAIT)
        a.goto(url + "dealerlab/", timeout=WAIT)
        assert "/login" in a.url

    # the trainer's terminal shows the Chinese banner only; Jupyter Server's English log lines go to a file
    console = (tmp_path / "server.log").read_text(encoding="utf-8", errors="replace")
    assert "课堂已开始" in console and "加入码：K7Q2MX" in console
    for english in ("ServerApp]", "Kernel is running over TCP", "Traceback", "Shutdown this Jupyter server"):
        assert english not in console, english
    assert "ServerApp]" in (answers / ".classroom" / "server.log").read_text(encoding="utf-8", errors="replace")

    # the class export lists both trainees under their own names
    from dealerlab.exercises.gradebook import write_class_report

    html = write_class_report(answers, tmp_path / "班级报告.html").read_text(encoding="utf-8")
    assert "张三" in html and "李四" in html


def test_closed_pages_give_their_kernels_back(repo_root, tmp_path):
    require_browser()
    with classroom(repo_root, tmp_path / "answers", tmp_path / "server.log",
                   "--cull-after", "4", "--cull-interval", "2", "--max-kernels", "3") as url, chromium() as browser:
        t_ctx, _t = join(browser, url, "讲师", code=TRAINER_CODE)
        start = len(kernels(t_ctx, url))
        ctx, page = join(browser, url, "赵六")
        most = 0
        for _ in range(10):
            p = ctx.new_page()
            open_warmup(p, url)
            most = max(most, len(kernels(t_ctx, url)) - start)
            p.close()
        page.close()
        assert most <= 3  # the cap: never more than 3 kernels for one trainee
        deadline = time.monotonic() + 120
        while len(kernels(t_ctx, url)) > start:
            assert time.monotonic() < deadline, f"kernels not culled: {len(kernels(t_ctx, url))} > {start}"
            time.sleep(1)


def test_workshop_voila_lands_on_the_chinese_exercise_list(repo_root, tmp_path, monkeypatch):
    """``dealerlab workshop --voila``: the trainee's first page lists the exercises by their Chinese titles, not
    Voilà's English file tree ("Select items to open with Voilà.", file names)."""
    require_browser()
    from dealerlab.exercises.classroom_server import _exercise_list
    from dealerlab.exercises.commands import workshop_argv

    monkeypatch.chdir(repo_root)
    port = free_port()
    argv, env, _folder = workshop_argv(voila=True, answers_dir=tmp_path / "ws", port=port, open_browser=False)
    env = server_env(**{**{k: v for k, v in env.items() if k.startswith("DEALERLAB_")},
                        "PYTHONPATH": str(repo_root), "DEALERLAB_TRAINEE": "张三"})
    argv.append("--IdentityProvider.token=t0ken-h19")
    log = tmp_path / "workshop.log"
    url = f"http://127.0.0.1:{port}/"
    with served(argv, env=env, log=log, cwd=repo_root, ready=url + "api/status?token=t0ken-h19", what="workshop"):
        with chromium() as browser:
            page = browser.new_context(locale="zh-CN").new_page()
            page.goto(url + "?token=t0ken-h19", timeout=WAIT)  # what the opened browser gets
            assert "/dealerlab/" in page.url
            text = page.inner_text("body")
            titles = [t for _n, t in _exercise_list(repo_root / "exercises")]
            assert titles and all(t in text for t in titles)
            assert "热身练习" in text and "课堂练习" in text and "学员：张三" in text
            assert "模块 1 目标管理" in text and "模块 10" in text  # grouped by course module
            assert text.index("模块 1 目标管理") < text.index(titles[2]) < text.index("模块 2")
            for english in ("Select items", "Voilà", "Voila", ".ipynb", "Name", "Last Modified", "加入码"):
                assert english not in text, english
            page.screenshot(path=str(screenshots_dir(repo_root) / "workshop-voila-index.png"), full_page=True)
            page.get_by_text(titles[0], exact=True).click()
            page.locator(f"{CAPTURE} button.dl-check").wait_for(timeout=WAIT)
            assert "学员：张三" in page.locator(f"{CAPTURE} .dl-status").inner_text()
            page.locator(f"{CAPTURE} a.dl-list-link").click()  # 「全部练习」 leads back to the list
            page.wait_for_url("**/dealerlab/", timeout=WAIT)
            assert titles[1] in page.inner_text("body")
