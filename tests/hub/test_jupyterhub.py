"""The shipped JupyterHub set-up (issue 19): the hub starts on localhost with the Python configurable-http-proxy, two
trainees log in (first-use passwords) in two Chromium contexts, each gets a single-user server with the Chinese
exercise list, opens the warm-up in Voilà and checks an answer, which lands in that trainee's own home; a trainer
opens the class dashboard (a hub service behind the hub's OAuth) and sees both, a trainee is refused."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.browser_utils import chromium, free_port, require_browser, screenshots_dir, server_env

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WAIT = 180_000
CAPTURE = ".dl-ex-00a-capture-rate"


def _need_hub():
    for tool in ("jupyterhub", "configurable-http-proxy", "jupyterhub-singleuser"):
        if not (Path(sys.executable).parent / tool).exists() and not shutil.which(tool):
            pytest.skip(f"{tool} 未安装：pip install -e '.[hub]'")
    pytest.importorskip("firstuseauthenticator")


def test_config_module_is_importable_and_complete():
    from dealerlab.hub import CONFIG
    from dealerlab.hub import jupyterhub_config as cfg

    assert CONFIG.exists()
    assert cfg.c.Spawner.default_url == "/dealerlab/"
    assert cfg.c.JupyterHub.authenticator_class.endswith("FirstUseAuthenticator")
    assert any("classroom_server" in a for a in cfg.c.Spawner.args)


def test_dashboard_is_a_hub_service_for_trainers_only(monkeypatch):
    import importlib

    monkeypatch.setenv("DEALERLAB_HUB_TRAINERS", "jiangshi")
    monkeypatch.setenv("DEALERLAB_HUB_ADMINS", "admin1")
    monkeypatch.setenv("DEALERLAB_HUB_USERS", "zhangsan,lisi")
    monkeypatch.setenv("DEALERLAB_HUB_SPAWNER", "simple")
    monkeypatch.setenv("DEALERLAB_HUB_HOMES", "/srv/homes")
    from dealerlab.hub import jupyterhub_config as cfg

    cfg = importlib.reload(cfg)
    (svc,) = cfg.c.JupyterHub.services
    assert svc["name"] == "dealerlab-dashboard" and svc["command"][-2:] == ["-m", "dealerlab.hub.dashboard"]
    assert svc["url"].startswith("http://127.0.0.1:") and svc["oauth_no_confirm"]
    assert svc["environment"]["DEALERLAB_HUB_ANSWERS"] == "/srv/homes/*/dealerlab-answers"
    roles = {r["name"]: r for r in cfg.c.JupyterHub.load_roles}
    trainer = roles["dealerlab-trainer"]
    assert trainer["scopes"] == ["access:services!service=dealerlab-dashboard"]  # nothing else: no admin rights
    assert trainer["groups"] == ["trainers"] and trainer["users"] == ["admin1"]
    assert cfg.c.JupyterHub.load_groups == {"trainers": {"users": ["jiangshi"]}}
    assert "dealerlab-dashboard" in roles["dealerlab-dashboard"]["services"]
    assert cfg.c.Authenticator.allowed_users == {"zhangsan", "lisi", "jiangshi"}  # the trainer may sign in


def test_dashboard_service_reads_every_home_and_the_hub(tmp_path):
    """The service's own logic without a hub: every trainee's answers folder, who is online, trainers left out."""
    from datetime import datetime, timedelta, timezone

    from dealerlab.exercises.dashboard import collect_many, dashboard_body, recent_work
    from dealerlab.exercises.store import AnswerStore
    from dealerlab.hub.dashboard import answer_roots, online_users

    now = datetime.now(timezone.utc)
    for name, rate, ok, minutes in (("zhangsan", 0.4, True, 3), ("lisi", 0.3, False, 50)):
        attempt = {"time": (now - timedelta(minutes=minutes)).isoformat(), "answer": {"rate": rate},
                   "status": "correct" if ok else "wrong", "score": 1.0 if ok else 0.0,
                   "details": [["rate", ok, "" if ok else "再算一遍"]]}
        AnswerStore(tmp_path / name / "dealerlab-answers", trainee=name).save(
            "00a-capture-rate", values={"rate": rate}, attempts=[attempt], title="热身：捕获率")
    roots = answer_roots(str(tmp_path / "*" / "dealerlab-answers"))
    assert [r.parent.name for r in roots] == ["lisi", "zhangsan"]
    iso = lambda minutes: (now - timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")  # noqa: E731
    users = [
        {"name": "zhangsan", "admin": False, "groups": [], "servers": {"": {"ready": True, "last_activity": iso(2)}}},
        {"name": "lisi", "admin": False, "groups": [], "servers": {"": {"ready": True, "last_activity": iso(40)}}},
        {"name": "jiangshi", "admin": False, "groups": ["trainers"], "servers": {}},
        {"name": "admin1", "admin": True, "groups": [], "servers": {"": {"ready": True, "last_activity": iso(1)}}},
    ]
    online, trainers = online_users(users, now=now.timestamp())
    assert online == {"zhangsan"} and trainers == {"jiangshi", "admin1"}
    records, skipped = collect_many(roots)
    assert not skipped and sorted(r["trainee"] for r in records) == ["lisi", "zhangsan"]
    on = recent_work(records, titles={"00a-capture-rate": "热身 A：捕获率"}, now=now.timestamp())
    assert on == {"zhangsan": ["热身 A：捕获率"]}  # lisi's check was 50 minutes ago
    body = dashboard_body(records, skipped, on=on, doing="最近 15 分钟在做")
    assert "zhangsan" in body and "lisi" in body and "最近 15 分钟在做" in body
    assert "100%" in body and "0%" in body  # first-try scores of each


def test_dashboard_says_blank_answers_in_words():
    """A field left empty is listed among the common wrong answers as 「（未填写）」, not as a lone dash."""
    from dealerlab.exercises.gradebook import gradebook

    attempt = {"time": "2026-12-02T10:00:00+08:00", "answer": {"rate": None}, "status": "wrong", "score": 0.0,
               "details": [["rate", False, "请填写"]]}
    records = [{"trainee": t, "exercise_id": "00a-capture-rate", "title": "", "attempts": [attempt]}
               for t in ("张三", "李四")]
    wrong = gradebook(records)["wrong_answers"]
    row = wrong[wrong["exercise_id"] == "00a-capture-rate"].iloc[0]
    assert row["answer"] == "（未填写）" and row["n_trainees"] == 2


def test_two_trainees_on_jupyterhub(repo_root, tmp_path):
    require_browser()
    _need_hub()
    from dealerlab.hub import CONFIG

    port = free_port()
    homes = tmp_path / "homes"
    env = server_env(PYTHONPATH=str(repo_root), DEALERLAB_HUB_SPAWNER="simple", DEALERLAB_HUB_IP="127.0.0.1",
                     DEALERLAB_HUB_PORT=str(port), DEALERLAB_HUB_HOMES=str(homes), DEALERLAB_HUB_TRAINERS="jiangshi",
                     DEALERLAB_HUB_DASHBOARD_PORT=str(free_port()),
                     DEALERLAB_HUB_EXERCISES=str(repo_root / "exercises"))
    env.pop("DEALERLAB_TRAINEE", None)
    env.pop("DEALERLAB_ANSWERS_DIR", None)
    log = tmp_path / "hub.log"
    url = f"http://127.0.0.1:{port}/"
    with open(log, "wb") as out:
        hub = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f", str(CONFIG)], cwd=tmp_path,
                               env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 180
            while True:
                assert hub.poll() is None, log.read_text(errors="replace")[-3000:]
                try:
                    urllib.request.urlopen(url + "hub/login", timeout=2).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
                    time.sleep(0.5)
            with chromium() as browser:
                pages = {}
                for name, rate in (("zhangsan", "40%"), ("lisi", "30%")):
                    ctx = browser.new_context(locale="zh-CN")
                    page = ctx.new_page()
                    page.goto(url + "hub/login", timeout=WAIT)
                    page.fill("input[name=username]", name)
                    page.fill("input[name=password]", "secret-" + name)
                    page.click("input[type=submit], button[type=submit]")
                    page.wait_for_url(f"**/user/{name}/dealerlab/**", timeout=WAIT)  # spawned, then the list
                    assert "课堂练习" in page.inner_text("main")
                    page.goto(url + f"user/{name}/voila/render/00-warmup.ipynb", timeout=WAIT)
                    page.locator(f"{CAPTURE} button.dl-check").wait_for(timeout=WAIT)
                    assert f"学员：{name}" in page.locator(f"{CAPTURE} .dl-status").inner_text()
                    page.locator(f"{CAPTURE} .dl-field-rate input").fill(rate)
                    page.locator(f"{CAPTURE} button.dl-check").click()
                    pages[name] = page
                for name, rate in (("zhangsan", 0.4), ("lisi", 0.3)):
                    path = homes / name / "dealerlab-answers" / name / "00a-capture-rate.json"
                    deadline = time.monotonic() + 60
                    while not path.exists():
                        assert time.monotonic() < deadline, f"no answer file for {name}"
                        time.sleep(0.5)
                    data = json.loads(path.read_text(encoding="utf-8"))
                    assert data["trainee"] == name and data["attempts"][-1]["answer"]["rate"] == pytest.approx(rate)

                # the class dashboard, a hub service: a trainee is refused ...
                dash = url + "services/dealerlab-dashboard/"
                refused = pages["zhangsan"]
                refused.goto(dash, timeout=WAIT)
                assert refused.locator("#dl-dash-trainees").count() == 0
                text = refused.inner_text("body")
                assert "lisi" not in text and "班级看板只对讲师开放" in text and "Forbidden" not in text
                refused.screenshot(path=str(screenshots_dir(repo_root) / "hub-dashboard-refused.png"))
                # ... a trainer (the trainers group, not an admin) signs in once and sees both trainees
                ctx = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 900})
                page = ctx.new_page()
                page.goto(url + "hub/login?next=" + urllib.parse.quote("/services/dealerlab-dashboard/"), timeout=WAIT)
                page.fill("input[name=username]", "jiangshi")
                page.fill("input[name=password]", "secret-jiangshi")
                page.click("input[type=submit], button[type=submit]")
                page.wait_for_url("**/services/dealerlab-dashboard/", timeout=WAIT)
                table = page.locator("#dl-dash-trainees").inner_text()
                assert "zhangsan" in table and "lisi" in table and "jiangshi" not in table
                assert "热身" in table  # what they are on: the title trainees see
                assert "讲师：jiangshi" in page.inner_text("body")
                page.screenshot(path=str(screenshots_dir(repo_root) / "hub-dashboard.png"), full_page=True)
        finally:
            hub.terminate()
            try:
                hub.wait(30)
            except subprocess.TimeoutExpired:
                hub.kill()
                hub.wait(5)
