"""R6 — the classroom under load: N simulated trainees (Playwright contexts in Debian Chromium) join
``dealerlab classroom`` within a minute, each opens 3 exercises and checks an answer.

    .venv/bin/python benchmarks/r6_classroom.py [--trainees 30] [--json out.json]

Measures (ratios and bounds, never a timed test):
- page-ready p95 under load ÷ one trainee's page-ready time on the same server (goal ≤ 3);
- check-click-to-feedback p95 (goal ≤ 500 ms);
- server memory (server + kernels, RSS) after everyone left and culling ran ÷ before they came (goal ≤ 1.2);
- memory per active trainee = (peak − before) ÷ trainees.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = ["00-warmup.ipynb", "02c-consultant-month.ipynb", "07a-pay-rules.ipynb"]
CODE, TRAINER = "BENCH6", "BENCHTRAINER"
WAIT = 300_000
LOW_MEMORY = 3 * 2**30


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss(pid: int) -> int:
    try:
        p = psutil.Process(pid)
        return p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
    except psutil.Error:
        return 0


def _cpu(pid: int) -> float:
    """CPU seconds of the server, its live kernels and the kernels it has already reaped."""
    try:
        p = psutil.Process(pid)
        t = p.cpu_times()
        total = t.user + t.system + t.children_user + t.children_system
        for c in p.children(recursive=True):
            try:
                ct = c.cpu_times()
                total += ct.user + ct.system
            except psutil.Error:
                pass
        return total
    except psutil.Error:
        return 0.0


def _kernels(pid: int) -> int:
    try:
        return sum("ipykernel" in " ".join(c.cmdline()) for c in psutil.Process(pid).children(recursive=True))
    except psutil.Error:
        return 0


def _median(xs):
    return statistics.median(xs) if xs else float("nan")


def _p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))] if xs else float("nan")


async def _join(browser, url, name):
    ctx = await browser.new_context(locale="zh-CN")
    ctx.set_default_timeout(WAIT)  # a loaded 2-core machine: Playwright's 30 s default is not a measurement
    ctx.set_default_navigation_timeout(WAIT)
    page = await ctx.new_page()
    await page.goto(url, timeout=WAIT)
    await page.fill("#dl-name", name)
    await page.fill("#dl-code", CODE)
    await page.click("#dl-join")
    await page.wait_for_load_state()
    return ctx


async def _page_ready(ctx, url, nb) -> tuple[float, object]:
    page = await ctx.new_page()
    t0 = time.perf_counter()
    await page.goto(url + "voila/render/" + nb, timeout=WAIT)
    await page.locator(".dl-exercise button.dl-check").first.wait_for(timeout=WAIT)
    return time.perf_counter() - t0, page


async def _trainee(browser, url, name, delay, ready, clicks, pages, failed):
    await asyncio.sleep(delay)
    ctx = await _join(browser, url, name)
    for nb in pages:
        page = None
        try:
            t, page = await _page_ready(ctx, url, nb)
            ready.append(t)
            btn = page.locator(".dl-exercise button.dl-check").first
            t0 = time.perf_counter()
            await btn.click()
            await page.locator(".dl-feedback .dl-wrong, .dl-feedback .dl-partly, .dl-feedback .dl-correct, "
                               ".dl-feedback .dl-invalid").first.wait_for(timeout=WAIT)
            clicks.append(time.perf_counter() - t0)
        except Exception as err:  # a page that never got ready is a result, not the end of the run
            failed.append({"trainee": name, "exercise": nb, "error": f"{type(err).__name__}: {str(err)[:200]}"})
        finally:
            if page is not None:
                await page.close()
    await ctx.close()


async def run(trainees: int, spread: float, pages: list[str] = PAGES) -> dict:
    from playwright.async_api import async_playwright

    port = _port()
    url = f"http://127.0.0.1:{port}/"
    tmp = Path(tempfile.mkdtemp(prefix="dealerlab-r6-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DEALERLAB_TRAINEE", None)
    log = open(tmp / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "dealerlab.cli", "classroom", "--ip", "127.0.0.1", "--port",
                             str(port), "--code", CODE, "--trainer-code", TRAINER, "--answers-dir", str(tmp / "a"),
                             "--cull-after", "30", "--cull-interval", "5", "--max-kernels", "3"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        while True:
            try:
                urllib.request.urlopen(url + "login", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            # warm-up and the one-trainee reference (same server, same pages)
            ctx = await _join(browser, url, "参照")
            single = []
            cpu0 = _cpu(proc.pid)
            for nb in pages * 2:
                t, page = await _page_ready(ctx, url, nb)
                single.append(t)
                await page.close()
            cpu_per_page = (_cpu(proc.pid) - cpu0) / len(single)
            await ctx.close()
            time.sleep(45)  # culled: the reference's kernels are gone
            before = _rss(proc.pid)
            load_before = os.getloadavg()
            ready, clicks, peak, kernels, loads, failed = [], [], [before], [0], [], []
            stop = False

            async def sample():
                while not stop:
                    if psutil.virtual_memory().available < LOW_MEMORY:  # a shared machine: never starve the others
                        raise SystemExit("R6 stopped: less than 3 GiB of memory left on this machine")
                    peak.append(_rss(proc.pid))
                    kernels.append(_kernels(proc.pid))
                    loads.append(os.getloadavg()[0])
                    await asyncio.sleep(1)

            sampler = asyncio.create_task(sample())
            t0 = time.perf_counter()
            work = asyncio.ensure_future(asyncio.gather(*[
                _trainee(browser, url, f"学员{i:02d}", spread * i / max(1, trainees), ready, clicks, pages, failed)
                for i in range(trainees)]))
            await asyncio.wait({work, sampler}, return_when=asyncio.FIRST_COMPLETED)
            if sampler.done():  # stopped for lack of memory
                work.cancel()
                await browser.close()
                sampler.result()
            await work
            wall = time.perf_counter() - t0
            stop = True
            await sampler
            await browser.close()
        deadline = time.monotonic() + 180
        after = _rss(proc.pid)
        while after > 1.2 * before and time.monotonic() < deadline:
            time.sleep(5)
            after = _rss(proc.pid)
        one = statistics.median(single)
        return {
            "trainees": trainees, "pages_per_trainee": len(pages), "exercises": pages,
            "pages_measured": len(ready), "checks_measured": len(clicks), "pages_failed": len(failed),
            "failures": failed[:10],
            "one_trainee_runs_s": [round(x, 2) for x in single], "cpu_seconds_per_page": round(cpu_per_page, 1), "page_ready_median_s": round(_median(ready), 2),
            "page_ready_max_s": round(max(ready, default=float("nan")), 2),
            "check_feedback_median_ms": round(1000 * _median(clicks)), "join_spread_s": spread, "wall_s": round(wall, 1),
            "one_trainee_page_ready_s": round(one, 2), "page_ready_p95_s": round(_p95(ready), 2),
            "page_ready_ratio": round(_p95(ready) / one, 2), "goal_page_ready_ratio": 3.0,
            "check_feedback_p95_ms": round(1000 * _p95(clicks)), "goal_check_feedback_ms": 500,
            "memory_before_mb": round(before / 2**20), "memory_peak_mb": round(max(peak) / 2**20),
            "memory_after_mb": round(after / 2**20), "memory_after_ratio": round(after / before, 2),
            "goal_memory_after_ratio": 1.2,
            "memory_per_active_trainee_mb": round((max(peak) - before) / 2**20 / trainees),
            "kernels_peak": max(kernels), "kernels_after": _kernels(proc.pid),
            "cpu_count": os.cpu_count(), "load_avg_before": [round(x, 2) for x in load_before],
            "load_avg_during": round(statistics.mean(loads), 2) if loads else float("nan"),
            "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        }
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trainees", type=int, default=30)
    ap.add_argument("--spread", type=float, default=60.0, help="seconds over which the trainees join")
    ap.add_argument("--pages", type=int, default=len(PAGES), help="exercises each trainee opens (1–3)")
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: still stop the server and the browser
    result = asyncio.run(run(args.trainees, args.spread, PAGES[:max(1, args.pages)]))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
