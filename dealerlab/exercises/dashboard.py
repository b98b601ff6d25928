"""The class dashboard's pages, shared by ``dealerlab classroom`` and the JupyterHub service for trainers.

Pure functions of the answer files (and, in the classroom, of the live kernels): who is on which exercise, first-try
scores, the most common wrong answers — computed as ``dealerlab class report`` computes them
(:func:`~dealerlab.exercises.gradebook.gradebook`). No web server here: :mod:`dealerlab.exercises.classroom_server`
and :mod:`dealerlab.hub.dashboard` serve these pages.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from datetime import datetime
from pathlib import Path

from dealerlab.course import MODULES
from dealerlab.exercises.gradebook import collect_answers, gradebook
from dealerlab.exercises.store import merge_attempts, safe_name
from dealerlab.i18n import Catalogue

__all__ = ["collect_many", "dashboard_body", "exercise_groups", "exercise_list", "page", "recent_work"]

_MSG = Catalogue.load("exercises/dashboard")

PAGE_CSS = """
body{font-family:"Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#222;background:#f6f8fb}
main{max-width:960px;margin:32px auto;background:#fff;padding:24px 32px;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:24px;margin:0 0 12px}h2{font-size:18px;margin-top:24px;border-bottom:2px solid #1565c0;padding-bottom:4px}
label{display:block;margin:12px 0 4px;font-weight:bold}input{font-size:18px;padding:8px;width:260px;max-width:90%}
button{font-size:18px;padding:8px 24px;margin-top:16px;background:#1565c0;color:#fff;border:0;border-radius:4px}
.error{color:#c62828;font-weight:bold}.note{color:#666;font-size:14px}
.who{float:right;color:#555}.who a{margin-left:8px}
ul.ex li{margin:6px 0;font-size:17px}
table{border-collapse:collapse;margin:8px 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;
vertical-align:top}th{background:#e3f2fd}
@media (max-width:600px){main{margin:0;padding:16px;border-radius:0}.who{float:none;margin-bottom:8px}}
"""


def page(title: str, body: str, *, refresh: int | None = None) -> str:
    """A whole HTML page in the classroom's look.

    Parameters
    ----------
    title : str
        The browser tab's title (escaped).
    body : str
        HTML inside ``<main>`` (already escaped by the caller).
    refresh : int, optional
        Reload the page every ``refresh`` seconds.

    Returns
    -------
    str
        The page.
    """
    meta = f"<meta http-equiv='refresh' content='{int(refresh)}'>" if refresh else ""
    return (
        f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'>{meta}"
        f"<title>{html.escape(title)}</title><style>{PAGE_CSS}</style></head><body><main>{body}</main></body></html>"
    )


def exercise_list(root: str | os.PathLike) -> list[tuple[str, str]]:
    """``(file name, title)`` of the trainee notebooks of ``root``, the title being the notebook's first heading.

    Parameters
    ----------
    root : path
        Folder of trainee notebooks (``exercises/``).

    Returns
    -------
    list of (str, str)
        Sorted by file name.
    """
    out = []
    for p in sorted(Path(root).glob("*.ipynb")):
        title = p.stem
        try:
            nb = json.loads(p.read_text(encoding="utf-8"))
            for cell in nb.get("cells", []):
                if cell.get("cell_type") == "markdown":
                    src = "".join(cell.get("source", ""))
                    first = src.strip().splitlines()[0] if src.strip() else ""
                    title = first.lstrip("#").strip() or title
                    break
        except (OSError, ValueError):
            pass
        out.append((p.name, title))
    return out


def exercise_groups(root: str | os.PathLike) -> list[tuple[str, list[tuple[str, str]]]]:
    """The trainee notebooks of ``root`` grouped by course module, as the exercise list shows them.

    Parameters
    ----------
    root : path
        Folder of trainee notebooks (``exercises/``); a file's module is its two leading digits (``03a-…`` → 3).

    Returns
    -------
    list of (str, list of (str, str))
        ``(heading, [(file name, title), …])`` in course order: 「开始」 for ``00-…``, then 「模块 N 名称」
        (:data:`dealerlab.course.MODULES`), then 「其他练习」 for files without a module number.
    """
    names = {m.number: m.label for m in MODULES}
    groups: dict[int, list[tuple[str, str]]] = {}
    for name, title in exercise_list(root):
        m = re.match(r"(\d{2})", name)
        number = int(m.group(1)) if m and (int(m.group(1)) == 0 or int(m.group(1)) in names) else 99
        groups.setdefault(number, []).append((name, title))
    heading = {0: _MSG.text("group_start"), 99: _MSG.text("group_other"), **names}
    return [(heading[n], groups[n]) for n in sorted(groups)]


def collect_many(roots) -> tuple[list[dict], list[tuple[Path, str]]]:
    """The answer records of several answers folders (one per trainee's home on a hub), merged per trainee and exercise.

    Parameters
    ----------
    roots : iterable of path
        Answers folders (``<root>/<trainee>/<exercise>.json``); missing ones are left out.

    Returns
    -------
    (list of dict, list of (Path, str))
        Records as :func:`~dealerlab.exercises.gradebook.collect_answers` returns them, and the files not read with
        the reason.
    """
    merged: dict[tuple[str, str], dict] = {}
    skipped: list[tuple[Path, str]] = []
    for root in roots:
        if not Path(root).is_dir():
            continue
        records, bad = collect_answers(root)
        skipped += bad
        for r in records:
            key = (r["trainee"], r["exercise_id"])
            if key in merged:
                merged[key]["attempts"] = merge_attempts(merged[key]["attempts"], r["attempts"])
                merged[key]["title"] = merged[key]["title"] or r["title"]
            else:
                merged[key] = r
    return list(merged.values()), skipped


def recent_work(records: list[dict], *, titles: dict[str, str] | None = None, within: float = 900,
                now: float | None = None) -> dict[str, list[str]]:
    """Who checked which exercise in the last ``within`` seconds (latest first) — the hub's "正在做".

    Parameters
    ----------
    records : list of dict
        Answer records (:func:`collect_many`).
    titles : dict, optional
        Exercise id → title shown to trainees (default: the title saved in the answer file).
    within : float
        Seconds counted as "now".
    now : float, optional
        Epoch seconds of "now" (default: the clock).

    Returns
    -------
    dict
        Trainee → exercise titles.
    """
    now = time.time() if now is None else now
    latest: dict[str, list[tuple[float, str]]] = {}
    for r in records:
        stamps = []
        for a in r["attempts"]:
            try:
                stamps.append(datetime.fromisoformat(a["time"]).timestamp())
            except (KeyError, TypeError, ValueError):
                continue
        if stamps and now - max(stamps) <= within:
            title = (titles or {}).get(r["exercise_id"]) or r.get("title") or r["exercise_id"]
            latest.setdefault(r["trainee"], []).append((max(stamps), title))
    return {t: [title for _s, title in sorted(v, reverse=True)] for t, v in latest.items()}


def _folder_name(trainee: str) -> str:
    try:
        return safe_name(trainee)
    except Exception:
        return ""


def _pct(v) -> str:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "—"
    return "—" if v != v else f"{v:.0%}"


def dashboard_body(records: list[dict], skipped: list, *, on: dict[str, list[str]], refresh: int = 10,
                   doing: str | None = None, extra_trainees=(), own_data: set[str] | None = None,
                   after_trainees: str = "", now: float | None = None) -> str:
    """The dashboard's HTML body: trainees, exercises, the most common wrong answers.

    Parameters
    ----------
    records : list of dict
        Answer records (:func:`collect_many`).
    skipped : list of (Path, str)
        Files not read, with the reason (listed at the bottom).
    on : dict
        Trainee → what they are on now (exercise titles), for the second column.
    refresh : int
        Seconds between two automatic reloads (said on the page).
    doing : str
        Heading of the second column.
    extra_trainees : iterable of str
        Trainees listed even without answers (signed in, nothing checked yet).
    own_data : set of str, optional
        Answer-folder names of the trainees working on their own store's data (a ✓ column; none without it).
    after_trainees : str
        HTML placed after the trainee table (the classroom's anonymous comparison).
    now : float, optional
        Epoch seconds shown as the time of the page (default: the clock).

    Returns
    -------
    str
        HTML (every trainee-typed text escaped).
    """
    now = time.time() if now is None else now
    tables = gradebook(records) if records else None
    scores = tables["scores"] if tables is not None else None
    answered = {r["trainee"] for r in records}
    rows = []
    for t in sorted(set(on) | answered | set(extra_trainees)):
        mine = scores[scores["trainee"] == t] if scores is not None else None
        done = mine[mine["attempts"] > 0] if mine is not None else None
        n = 0 if done is None else len(done)
        first = "—" if not n else f"{done['first_score'].mean():.0%}"
        flag = ""
        if own_data is not None:
            flag = "<td>" + ("<span class='dl-own-data'>✓</span>" if _folder_name(t) in own_data else "") + "</td>"
        rows.append(f"<tr class='dl-trainee-row'><td>{html.escape(t)}</td>"
                    f"<td>{html.escape(_MSG.text('list_sep').join(on.get(t, [])) or '—')}</td><td>{n}</td><td>{first}</td>{flag}</tr>")
    own_head = f"<th>{_MSG.text('col.own_data')}</th>" if own_data is not None else ""
    cols = 5 if own_data is not None else 4
    doing = _MSG.text("col.doing") if doing is None else doing
    empty = f"<tr><td colspan={cols}>{_MSG.text('no_trainees')}</td></tr>"
    status = _MSG.get("status", "zh", refresh=int(refresh), online=len(on), answered=len(answered),
                      time=time.strftime('%H:%M:%S', time.localtime(now)))
    body = [f"<h1>{_MSG.text('title')}</h1><p class='note'>{status}</p>",
            f"<h2>{_MSG.text('trainees')}</h2><table id='dl-dash-trainees'><tr><th>{_MSG.text('col.trainee')}</th>"
            f"<th>{html.escape(doing)}</th><th>{_MSG.text('col.checked')}</th><th>{_MSG.text('col.first_score')}</th>"
            f"{own_head}</tr>"
            f"{''.join(rows) or empty}</table>",
            after_trainees]
    if tables is not None:
        d = tables["difficulty"]
        body.append(f"<h2>{_MSG.text('exercises')}</h2><table id='dl-dash-exercises'><tr><th>{_MSG.text('col.exercise')}</th>"
                    f"<th>{_MSG.text('col.answered')}</th><th>{_MSG.text('col.first_right')}</th>"
                    f"<th>{_MSG.text('col.best_score')}</th></tr>" + "".join(
                        f"<tr><td>{html.escape(r.title)}</td><td>{r.trainees}</td><td>{_pct(r.share_correct_first_try)}"
                        f"</td><td>{_pct(r.mean_best_score)}</td></tr>" for r in d.itertuples()) + "</table>")
        w = tables["wrong_answers"]
        if not w.empty:  # answers computed from a trainee's own store are his numbers, not common mistakes
            from dealerlab.exercises.mydata import MINE_SUFFIX

            w = w[~w["exercise_id"].astype(str).str.endswith(MINE_SUFFIX)]
        if not w.empty:
            body.append(f"<h2>{_MSG.text('wrong_answers')}</h2><table id='dl-dash-wrong'><tr><th>{_MSG.text('col.exercise')}</th>"
                        f"<th>{_MSG.text('col.field')}</th><th>{_MSG.text('col.answer')}</th>"
                        f"<th>{_MSG.text('col.trainees')}</th></tr>" + "".join(
                            f"<tr><td>{html.escape(r.title)}</td><td>{html.escape(str(r.field))}</td>"
                            f"<td>{html.escape(str(r.answer)).replace(chr(10), '<br>')}</td><td>{r.n_trainees}</td></tr>"
                            for r in w.itertuples()) + "</table>")
    if skipped:
        files = _MSG.text("skipped_sep").join(html.escape(_MSG.get("skipped_file", "zh", name=p.name, why=why))
                                              for p, why in skipped[:20])
        body.append(f"<p class='note'>{_MSG.get('skipped', 'zh', files=files)}</p>")
    return "".join(body)
