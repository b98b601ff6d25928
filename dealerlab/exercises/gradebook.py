"""The class gradebook: every trainee's answer files → scores, attempts, common wrong answers, difficulty.

Input: a folder of answer files (``<trainee>/<exercise_id>.json`` at any depth, as written by
:class:`~dealerlab.exercises.store.AnswerStore`; one sub-folder per collected laptop is fine). The same trainee and
exercise found twice (two laptops) is merged: attempts are the union.
"""

from __future__ import annotations

import html
import importlib
import io
import math
import os
import pkgutil
import stat
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from dealerlab._options import check_lang
from dealerlab._output import XLSX_MARK
from dealerlab.errors import ExerciseError, ParameterError
from dealerlab.exercises import course
from dealerlab.exercises.exercise import Exercise
from dealerlab.exercises.fields import ClassifyField, TableField
from dealerlab.exercises.store import AnswerFileError, atomic_write_bytes, merge_attempts, read_json_limited
from dealerlab.i18n import Catalogue

__all__ = ["collect_answers", "gradebook", "known_exercises", "write_class_report"]

_T = Catalogue.load("exercises/gradebook")
#: the columns of the ``scores`` table
_SCORE_COLUMNS = ["trainee", "exercise_id", "title", "attempts", "best_score", "first_score", "last_status",
                  "correct_first_try"]


def _col(column: str, lang: str) -> str:
    """The header of ``column`` (the column id itself when it has none)."""
    return _T.get(f"col.{column}", lang) if f"col.{column}" in _T else column


def _answer_files(root: Path, skipped: list[tuple[Path, str]]) -> list[tuple[Path, Path]]:
    """``(shown path, path to read)`` of every ``*.json`` below ``root``; special files and links that leave the
    folder go to ``skipped`` with the reason (a FIFO would block the report, a link to /dev/zero would never end)."""
    real_root = root.resolve()
    out = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for d in list(dirs):  # a linked folder is not walked; say so when it leads outside
            p = Path(folder) / d
            if p.is_symlink():
                dirs.remove(d)
                skipped.append((p, _T.get("skip_folder_link", "zh")))
        for name in sorted(files):
            if not name.endswith(".json") or name == "profile.json" or name.startswith("."):
                continue
            path = Path(folder) / name
            try:
                st = path.lstat()
                if stat.S_ISLNK(st.st_mode):
                    target = path.resolve(strict=True)
                    if real_root not in target.parents:
                        skipped.append((path, _T.get("skip_outside_link", "zh")))
                        continue
                    st = target.stat()
                else:
                    target = path
                if not stat.S_ISREG(st.st_mode):
                    skipped.append((path, _T.get("skip_not_regular", "zh")))
                    continue
            except (OSError, RuntimeError) as err:
                skipped.append((path, _T.get("skip_unreadable", "zh", why=getattr(err, "strerror", None) or err)))
                continue
            out.append((path, target))
    return out


def collect_answers(answers_dir: str | os.PathLike) -> tuple[list[dict], list[tuple[Path, str]]]:
    """Read every answer file below ``answers_dir``.

    Each file is size- and depth-limited (:func:`~dealerlab.exercises.store.read_json_limited`); special files
    (FIFOs, devices) and symbolic links leading out of the folder are skipped; one bad file never stops the report.

    Returns ``(records, skipped)``: records merged per (trainee, exercise_id); skipped files with the reason.
    """
    root = Path(answers_dir)
    if not root.is_dir():
        raise ExerciseError(*_T.both("answers_missing", root=root))
    merged: dict[tuple[str, str], dict] = {}
    skipped: list[tuple[Path, str]] = []
    for path, target in _answer_files(root, skipped):
        try:
            data = read_json_limited(target)
        except AnswerFileError as err:
            skipped.append((path, err.zh))
            continue
        except Exception as err:  # never let one trainee's file stop the class report
            skipped.append((path, _T.get("skip_unreadable", "zh", why=type(err).__name__)))
            continue
        if not (isinstance(data, dict) and isinstance(data.get("exercise_id"), str) and data.get("exercise_id")
                and isinstance(data.get("trainee"), str) and data.get("trainee")
                and isinstance(data.get("attempts", []), list)):
            skipped.append((path, _T.get("skip_not_answers", "zh")))
            continue
        key = (data["trainee"].strip()[:60], data["exercise_id"].strip()[:80])
        attempts = [a for a in data.get("attempts", []) if isinstance(a, dict) and isinstance(a.get("time"), str)]
        title = data.get("title") if isinstance(data.get("title"), str) else ""
        if key in merged:
            merged[key]["attempts"] = merge_attempts(merged[key]["attempts"], attempts)
            merged[key]["title"] = merged[key]["title"] or title
        else:
            merged[key] = {
                "trainee": key[0], "exercise_id": key[1], "title": title, "attempts": merge_attempts(attempts),
            }
    return list(merged.values()), skipped


def _score(a: dict) -> float:
    try:
        v = float(a.get("score", 0.0))
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(v) else min(max(v, 0.0), 1.0)


def _show_value(value: Any) -> str:
    """A compact, stable text for a wrong answer."""
    if value is None:
        return _T.get("value_empty", "zh")
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return _T.get("value_sep", "zh").join(_show_value(v) for v in value) if value else _T.get("value_none_chosen", "zh")
    if isinstance(value, dict):
        return _T.get("part_sep", "zh").join(f"{k}: {_show_value(v)}" for k, v in value.items())
    text = str(value).strip().replace("\n", " ")
    return text[:80] + ("…" if len(text) > 80 else "") if text else _T.get("value_empty", "zh")


def known_exercises() -> dict[str, Any]:
    """Every :class:`~dealerlab.exercises.Exercise` defined at module level in ``dealerlab.exercises.course``
    (by id). A course module that fails to import is skipped (the gradebook then shows raw values)."""
    found: dict[str, Any] = {}
    for info in pkgutil.iter_modules(course.__path__):
        try:
            module = importlib.import_module(f"{course.__name__}.{info.name}")
        except Exception:  # another helper's module broken: degrade, never fail the report
            continue
        for value in vars(module).values():
            if isinstance(value, Exercise):
                found.setdefault(value.id, value)
    return found


def _describe(exercises: dict, ex_id: str, field: str, value: Any, lang: str = "zh") -> tuple[str, str]:
    """(field label, value text) using the exercise definition when known."""
    ex = exercises.get(ex_id)
    f = ex.fields.get(field) if ex is not None and field else None
    blank = value is None or value == [] or value == {} or (isinstance(value, str) and not value.strip())
    if f is None:
        return field, _show_value(value)
    if blank:  # said in words: a lone "—" among wrong answers reads like a value
        return f.label_for(lang), _T.get("blank", lang)
    try:
        text = f.describe(value, lang)
    except Exception:
        return field, _show_value(value)
    if isinstance(f, (TableField, ClassifyField)):  # one line per row / item, not one long string
        text = text.replace(_T.get("part_sep", "zh"), "\n")
    return f.label_for(lang), text


def gradebook(records: list[dict], *, top: int = 3, exercises: dict | None = None) -> dict[str, pd.DataFrame]:
    """Tables of the gradebook.

    Returns
    -------
    dict of DataFrame
        ``scores``: one row per trainee × exercise — trainee, exercise_id, title, attempts, best_score,
        first_score, last_status, correct_first_try (NaN scores when saved but never checked).
        ``difficulty``: one row per exercise — exercise_id, title, trainees, mean_best_score,
        share_correct_first_try, share_correct, mean_attempts (over trainees with at least one attempt).
        ``wrong_answers``: exercise_id, title, field, answer, count (attempts), n_trainees — the ``top`` most
        common wrong values per exercise × field (a field counts as wrong when its detail is not ok; an attempt
        without field details counts its whole answer under field ""). Field labels and values are described
        with the exercise definitions (``exercises``, default :func:`known_exercises`) when known.
    """
    if exercises is None:
        exercises = known_exercises()
    rows = []
    wrong: Counter = Counter()
    wrong_people: dict = {}
    titles: dict[str, str] = {}
    for rec in records:
        attempts = rec["attempts"]
        known = exercises.get(rec["exercise_id"])
        # the title the trainee saw on the exercise (the saved one, or the id, only for an exercise no longer known)
        titles[rec["exercise_id"]] = (known.title if known is not None else "") or titles.get(rec["exercise_id"]) or \
            rec.get("title", "") or rec["exercise_id"]
        scores = [_score(a) for a in attempts]
        rows.append({
            "trainee": rec["trainee"],
            "exercise_id": rec["exercise_id"],
            "title": titles[rec["exercise_id"]],
            "attempts": len(attempts),
            "best_score": max(scores) if scores else math.nan,
            "first_score": scores[0] if scores else math.nan,
            "last_status": attempts[-1].get("status", "") if attempts else "",
            "correct_first_try": (attempts[0].get("status") == "correct") if attempts else pd.NA,
        })
        for a in attempts:
            answer = a.get("answer") if isinstance(a.get("answer"), dict) else {}
            status, details = a.get("status"), a.get("details", [])
            if known is not None and answer:
                # graded again by today's check: an answer a later fix accepts (「2026年11月15日」 as a date) is no
                # longer a common wrong answer; the scores stay what the trainee saw
                try:
                    fb = known.check(answer)
                    status, details = fb.status, [list(d) for d in fb.details]
                except Exception:
                    pass
            if status == "correct" or str(rec["exercise_id"]).endswith("-mine"):
                continue  # 「我的数据」 answers are a trainee's own store numbers: never listed for the class
            bad = [d for d in details if isinstance(d, (list, tuple)) and len(d) >= 2 and not d[1]]
            named = [d[0] for d in bad if d[0] and d[0] in answer]
            items = [_describe(exercises, rec["exercise_id"], f, answer[f]) for f in named] if named else [
                ("", _show_value(answer))]
            for f, shown in items:
                key = (rec["exercise_id"], f, shown)
                wrong[key] += 1
                wrong_people.setdefault(key, set()).add(rec["trainee"])
    scores = pd.DataFrame(rows, columns=_SCORE_COLUMNS)
    if not scores.empty:
        scores = scores.sort_values(["exercise_id", "trainee"], kind="stable").reset_index(drop=True)
        scores["correct_first_try"] = scores["correct_first_try"].astype("boolean")
    diff_rows = []
    for ex_id, g in scores.groupby("exercise_id", sort=True):
        done = g[g["attempts"] > 0]
        diff_rows.append({
            "exercise_id": ex_id,
            "title": titles.get(ex_id, ""),
            "trainees": int(len(done)),
            "mean_best_score": float(done["best_score"].mean()) if len(done) else math.nan,
            "share_correct_first_try": float(done["correct_first_try"].astype(float).mean()) if len(done) else math.nan,
            "share_correct": float(g.loc[g["attempts"] > 0, "best_score"].eq(1.0).mean()) if len(done) else math.nan,
            "mean_attempts": float(done["attempts"].mean()) if len(done) else math.nan,
        })
    difficulty = pd.DataFrame(diff_rows, columns=["exercise_id", "title", "trainees", "mean_best_score",
                                                  "share_correct_first_try", "share_correct", "mean_attempts"])
    wrong_rows = []
    for (ex_id, f, shown), n in wrong.items():
        wrong_rows.append({"exercise_id": ex_id, "title": titles.get(ex_id, ""), "field": f, "answer": shown,
                           "count": n, "n_trainees": len(wrong_people[(ex_id, f, shown)])})
    wrong_df = pd.DataFrame(wrong_rows, columns=["exercise_id", "title", "field", "answer", "count", "n_trainees"])
    if not wrong_df.empty:
        wrong_df = (
            wrong_df.sort_values(["exercise_id", "field", "count", "answer"], ascending=[True, True, False, True],
                                 kind="stable")
            .groupby(["exercise_id", "field"], sort=False).head(top).reset_index(drop=True)
        )
    return {"scores": scores, "difficulty": difficulty, "wrong_answers": wrong_df}


# ----------------------------------------------------------------------------------------------------------------
def _pct(v: Any) -> str:
    try:
        if v is None or v is pd.NA or math.isnan(float(v)):
            return "—"
    except (TypeError, ValueError):
        return "—"
    return f"{float(v):.0%}"


def _html_table(df: pd.DataFrame, lang: str, formats: dict) -> str:
    head = "".join(f"<th>{html.escape(_col(c, lang))}</th>" for c in df.columns)
    body = []
    for _, row in df.iterrows():
        cells = []
        for c in df.columns:
            fmt = formats.get(c)
            v = row[c]
            text = fmt(v) if fmt else ("—" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v))
            cells.append(f"<td>{html.escape(text).replace(chr(10), '<br>')}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_CSS = """
body{font-family:"Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:2px solid #1565c0;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#e3f2fd}td.s100{background:#e8f5e9}td.slow{background:#ffebee}.note{color:#666;font-size:13px}
"""


def _render_html(tables: dict[str, pd.DataFrame], *, source: str, skipped: list, lang: str) -> str:
    zh = lang == "zh"
    scores, difficulty, wrong = tables["scores"], tables["difficulty"], tables["wrong_answers"]
    trainees = sorted(scores["trainee"].unique()) if not scores.empty else []
    exercises = list(difficulty["exercise_id"])
    titles = dict(zip(difficulty["exercise_id"], difficulty["title"]))
    # matrix trainee × exercise: best score (attempts)
    lookup = {(r.trainee, r.exercise_id): r for r in scores.itertuples()}
    head = "".join(
        f"<th>{html.escape(titles.get(e) or e)}</th>" for e in exercises
    )
    body = []
    for t in trainees:
        cells = []
        for e in exercises:
            r = lookup.get((t, e))
            if r is None or r.attempts == 0:
                cells.append("<td>—</td>" if r is None else f"<td>{_T.get('not_checked', lang)}</td>")
                continue
            cls = "s100" if r.best_score >= 1.0 else ("slow" if r.best_score < 0.5 else "")
            times = _T.get("times", lang, n=r.attempts)
            cells.append(f"<td class='{cls}'>{_T.get('score_times', lang, score=_pct(r.best_score), times=times)}</td>")
        body.append(f"<tr><th>{html.escape(t)}</th>{''.join(cells)}</tr>")
    matrix = (
        f"<table><thead><tr><th>{_T.get('col.trainee', lang)}</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    diff_table = _html_table(
        difficulty.drop(columns=["exercise_id"]), lang,
        {"mean_best_score": _pct, "share_correct_first_try": _pct, "share_correct": _pct,
         "mean_attempts": lambda v: "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.1f}"},
    )
    wrong_table = _html_table(wrong.drop(columns=["exercise_id"]), lang, {}) if not wrong.empty else (
        f"<p>{_T.get('no_wrong_answers', lang)}</p>"
    )
    detail = scores.copy()
    detail["last_status"] = detail["last_status"].map(lambda s: _T.get(f"status.{s}", lang) if f"status.{s}" in _T else (s or "—"))
    detail["correct_first_try"] = detail["correct_first_try"].map(
        lambda v: "—" if v is pd.NA else _T.get("yes" if v else "no", lang)
    )
    detail_table = _html_table(detail.drop(columns=["exercise_id"]), lang, {"best_score": _pct, "first_score": _pct})
    skipped_html = ""
    if skipped:
        items = "".join(f"<li>{_T.get('file_reason', lang, file=html.escape(str(p)), reason=html.escape(reason))}</li>"
                        for p, reason in skipped)
        skipped_html = f"<h2>{_T.get('files_skipped', lang)}</h2><ul class='note'>{items}</ul>"
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    title = _T.get("title", lang)
    intro = "<p class='note'>" + _T.get("intro", lang, source=html.escape(source), trainees=len(trainees),
                                        exercises=len(exercises), stamp=stamp) + "</p>"
    h = tuple(_T.get(f"heading.{k}", lang) for k in ("scores", "difficulty", "wrong_answers", "details"))
    return (
        f"<!DOCTYPE html><html lang='{'zh-CN' if zh else 'en'}'><head><meta charset='utf-8'><meta name='generator' content='dealerlab'>"
        f"<title>{title}</title><style>{_CSS}</style></head><body><h1>{title}</h1>{intro}"
        f"<h2>{h[0]}</h2>{matrix}<h2>{h[1]}</h2>{diff_table}<h2>{h[2]}</h2>{wrong_table}"
        f"<h2>{h[3]}</h2>{detail_table}{skipped_html}</body></html>\n"
    )


def _safe_cell(value: Any) -> Any:
    try:
        from dealerlab.data.write import safe_cell
    except ImportError:
        safe_cell = None
    if safe_cell is not None:
        return safe_cell(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _write_xlsx(tables: dict[str, pd.DataFrame], path: Path, lang: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = "dealerlab"

    wb.properties.keywords = XLSX_MARK  # a result: how dealerlab recognises its own files (dealerlab._output)
    wb.remove(wb.active)
    from openpyxl.styles import Alignment

    for key, df in tables.items():
        if "exercise_id" in df.columns:  # the visible title first; the id last (it names the answer files)
            df = df[[c for c in df.columns if c != "exercise_id"] + ["exercise_id"]]
        ws = wb.create_sheet(_T.get(f"sheet.{key}", lang))
        ws.append([_col(c, lang) for c in df.columns])
        for row in df.itertuples(index=False):
            out = []
            for v in row:
                if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                    out.append(None)
                elif isinstance(v, (bool,)):
                    out.append(bool(v))
                else:
                    out.append(_safe_cell(v.item() if hasattr(v, "item") else v))
            ws.append(out)
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = 16
            for cell in col[1:]:
                if isinstance(cell.value, str) and "\n" in cell.value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    ws.column_dimensions[col[0].column_letter].width = 40
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(path, buf.getvalue(), mode=0o644)


def write_class_report(
    answers_dir: str | os.PathLike, output: str | os.PathLike, *, lang: str = "zh", skipped: list | None = None
) -> Path:
    """Build the gradebook of ``answers_dir`` into ``output`` (``.html`` or ``.xlsx``), atomically.

    Parameters
    ----------
    answers_dir : path
        Folder of answer files (any depth).
    output : path
        ``.html`` or ``.xlsx`` file to write.
    lang : {"zh", "en"}
        Language of the report.
    skipped : list, optional
        Receives ``(path, reason)`` of every file not read (too large, too deep, special file, link leaving the
        folder, not an answer file).

    Returns
    -------
    Path
        ``output``.
    """
    check_lang(lang)
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".xlsx"):
        raise ParameterError(*_T.both("output_suffix", name=output.name))
    records, not_read = collect_answers(answers_dir)
    if skipped is not None:
        skipped.extend(not_read)
    if not records:
        raise ExerciseError(*_T.both("no_answer_files", folder=answers_dir))
    tables = gradebook(records)
    if suffix == ".xlsx":
        _write_xlsx(tables, output, lang)
    else:
        from dealerlab.exercises.store import atomic_write_text

        atomic_write_text(output, _render_html(tables, source=str(answers_dir), skipped=not_read, lang=lang), mode=0o644)
    return output
