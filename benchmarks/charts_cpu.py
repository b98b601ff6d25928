"""CPU seconds of drawing a store report's charts (issue 23, R3): capture, then replay.

``capture DATA OUT.pkl S01 S02 ...``: render every section of each store's report (``ReportContext``) and record the
arguments of every call of a :mod:`dealerlab.plots` function the sections make (pickled at the call).

``replay OUT.pkl [--rounds N] [--profile FILE] [--png DIR]``: in a fresh process with the house style (as a report
kernel), call the recorded plot functions again and turn every figure into the report's PNG (``report.html.figure``),
printing the CPU seconds (``time.process_time``) of the plot calls and of the PNGs, per store. ``--png`` writes the
PNGs (to look at them), ``--profile`` a cProfile of the last round.

Run from a worktree with ``PYTHONPATH`` set to it; replaying the same capture under two checkouts compares them.
"""

from __future__ import annotations

import argparse
import base64
import functools
import importlib
import inspect
import pickle
import re
import sys
import time
from pathlib import Path

PLOT_MODULES = ("accounts", "csi", "funnel", "group", "kpi", "pay", "pdca", "policy", "retention", "targets")


def _wrap_plots(calls: list, store: list) -> None:
    depth = [0]
    report_modules = [m for n, m in sys.modules.items() if n.startswith("dealerlab.report")]
    for short in PLOT_MODULES:
        mod = importlib.import_module(f"dealerlab.plots.{short}")
        for name, fn in list(vars(mod).items()):
            if not (inspect.isfunction(fn) and fn.__module__ == mod.__name__ and not name.startswith("_")):
                continue

            def wrapper(*args, __fn=fn, __name=name, __mod=short, **kwargs):
                if depth[0] == 0:
                    calls.append((store[0], __mod, __name, pickle.dumps((args, kwargs))))
                depth[0] += 1
                try:
                    return __fn(*args, **kwargs)
                finally:
                    depth[0] -= 1

            functools.update_wrapper(wrapper, fn)
            setattr(mod, name, wrapper)
            for rm in report_modules:
                if getattr(rm, name, None) is fn:
                    setattr(rm, name, wrapper)


def capture(data: str, out: str, stores: list[str], period: str) -> None:
    from dealerlab.report import context, sections

    context.preload()
    calls: list = []
    store = [""]
    _wrap_plots(calls, store)
    keys = [s.key for s in sections.for_scope("store")]
    for sid in stores:
        store[0] = sid
        ctx = context.ReportContext.open(data, period, sid)
        for key in keys:
            ctx.section(key)
    Path(out).write_bytes(pickle.dumps(calls))
    print(f"{len(calls)} plot calls for {len(stores)} stores")


def replay(path: str, rounds: int, profile: str | None, png: str | None, setup: str = "") -> None:
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    from dealerlab.report import context
    from dealerlab.report import html as H

    context.preload()
    if setup:
        exec(setup, {})
    calls = pickle.loads(Path(path).read_bytes())
    prof = None
    for r in range(rounds):
        if profile and r == rounds - 1:
            import cProfile

            prof = cProfile.Profile(time.process_time)
            prof.enable()
        per_store: dict = {}
        size = 0
        for store, mod, name, blob in calls:
            args, kwargs = pickle.loads(blob)
            fn = getattr(importlib.import_module(f"dealerlab.plots.{mod}"), name)
            t0 = time.process_time()
            fn(*args, **kwargs)
            t1 = time.process_time()
            for i, num in enumerate(plt.get_fignums()):
                html = H.figure(plt.figure(num))
                size += len(html)
                if png and r == 0:
                    data = re.search(r'base64,([^"]+)"', html).group(1)
                    Path(png).mkdir(parents=True, exist_ok=True)
                    Path(png, f"{store}_{mod}_{name}_{i}.png").write_bytes(base64.b64decode(data))
            t2 = time.process_time()
            s = per_store.setdefault(store, [0.0, 0.0, 0])
            s[0] += t1 - t0
            s[1] += t2 - t1
            s[2] += 1
        if prof is not None:
            prof.disable()
            prof.dump_stats(profile)
        plot = sum(v[0] for v in per_store.values())
        draw = sum(v[1] for v in per_store.values())
        detail = " ".join(f"{k}:{v[0] + v[1]:.2f}" for k, v in per_store.items())
        print(f"round {r}: plot calls {plot:.2f} s + PNGs {draw:.2f} s = {plot + draw:.2f} CPU s "
              f"({len(per_store)} stores; {detail}; {size / 1e6:.2f} MB of <img>)", flush=True)


def paired(path: str, rounds: int, variants_file: str) -> None:
    """Each recorded plot call drawn under every variant in turn (the order rotating), so a busy machine weighs on
    all of them alike: ``variants_file`` defines ``VARIANTS``, a dict of name -> context manager factory."""
    import contextlib

    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    from dealerlab.report import context
    from dealerlab.report import html as H

    context.preload()
    scope: dict = {}
    exec(Path(variants_file).read_text(), scope)
    variants = scope["VARIANTS"]
    names = list(variants)
    calls = pickle.loads(Path(path).read_bytes())
    total = {n: [0.0, 0.0] for n in names}
    size = {n: 0 for n in names}
    for r in range(rounds):
        for i, (_store, mod, name, blob) in enumerate(calls):
            fn = getattr(importlib.import_module(f"dealerlab.plots.{mod}"), name)
            k = (i + r) % len(names)
            for n in names[k:] + names[:k]:
                args, kwargs = pickle.loads(blob)
                with contextlib.ExitStack() as stack:
                    stack.enter_context(matplotlib.rc_context())
                    stack.enter_context(variants[n]())
                    t0 = time.process_time()
                    fn(*args, **kwargs)
                    t1 = time.process_time()
                    for num in plt.get_fignums():
                        size[n] += len(H.figure(plt.figure(num)))
                    t2 = time.process_time()
                total[n][0] += t1 - t0
                total[n][1] += t2 - t1
    stores = len({c[0] for c in calls})
    for n in names:
        plot, draw = (v / rounds / stores for v in total[n])
        print(f"{n}: CPU s a store: plot calls {plot:.3f} + PNGs {draw:.3f} = {plot + draw:.3f} "
              f"({rounds} rounds, {stores} stores; {size[n] / rounds / stores / 1e3:.0f} kB of <img> a store)", flush=True)


def main() -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("data")
    c.add_argument("out")
    c.add_argument("stores", nargs="+")
    c.add_argument("--period", default="2026-10")
    r = sub.add_parser("replay")
    r.add_argument("calls")
    r.add_argument("--rounds", type=int, default=3)
    r.add_argument("--profile")
    r.add_argument("--png")
    r.add_argument("--setup", default="", help="Python run after the house style is applied (an experiment)")
    v = sub.add_parser("paired")
    v.add_argument("calls")
    v.add_argument("variants")
    v.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    if a.cmd == "capture":
        capture(a.data, a.out, a.stores, a.period)
    elif a.cmd == "paired":
        paired(a.calls, a.rounds, a.variants)
    else:
        replay(a.calls, a.rounds, a.profile, a.png, a.setup)


if __name__ == "__main__":
    main()
