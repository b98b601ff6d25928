"""The shipped JupyterHub set-up (issue 19): the hub starts on localhost with the Python configurable-http-proxy, two
trainees log in (first-use passwords) in two Chromium contexts, each gets a single-user server with the Chinese
exercise list, opens the warm-up in Voilà and checks an answer, which lands in that trainee's own home."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_utils import chromium, free_port, require_browser, server_env

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


def test_two_trainees_on_jupyterhub(repo_root, tmp_path):
    require_browser()
    _need_hub()
    from dealerlab.hub import CONFIG

    port = free_port()
    homes = tmp_path / "homes"
    env = server_env(PYTHONPATH=str(repo_root), DEALERLAB_HUB_SPAWNER="simple", DEALERLAB_HUB_IP="127.0.0.1",
                     DEALERLAB_HUB_PORT=str(port), DEALERLAB_HUB_HOMES=str(homes),
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
        finally:
            hub.terminate()
            try:
                hub.wait(30)
            except subprocess.TimeoutExpired:
                hub.kill()
                hub.wait(5)
