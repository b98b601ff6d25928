"""CLI entry points of the exercise platform (dispatched from :mod:`dealerlab.cli`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from dealerlab._options import check_lang
from dealerlab.errors import ExerciseError
from dealerlab.exercises.build import build_trainee_copies, find_project_root
from dealerlab.exercises.collect import collect_into, new_class
from dealerlab.exercises.gradebook import write_class_report
from dealerlab.exercises.store import ENV_DIR, answers_dir
from dealerlab.exercises.store import answers_dir as resolve
from dealerlab.i18n import Catalogue

__all__ = ["build_command", "handouts_command", "class_collect_command", "class_new_command", "class_report_command", "workshop_command",
           "workshop_argv"]

_TXT = Catalogue.load("exercises/commands")


def build_command(*, check: bool = False, lang: str = "zh") -> int:
    """``dealerlab exercises build [--check]``: trainee copies from ``trainer/exercises`` into ``exercises``."""
    check_lang(lang)
    root = find_project_root()
    result = build_trainee_copies(root / "trainer" / "exercises", root / "exercises", check=check)
    for p in result.written:
        rel = p.relative_to(root)
        if check:
            print(_TXT.get("out_date", lang, rel=rel))
        else:
            print(_TXT.get("written", lang, rel=rel))
    for p in result.removed:
        rel = p.relative_to(root)
        if check:
            print(_TXT.get("no_trainer_source", lang, rel=rel))
        else:
            print(_TXT.get("removed_no_trainer_source", lang, rel=rel))
    if check and result.stale:
        print(_TXT.get("trainee_exercises_are_out", lang), file=sys.stderr)
        return 1
    n = len(result.unchanged) + len(result.written)
    print(_TXT.get("trainee_exercise_notebooks_up", lang, n=n))
    return 0


def class_report_command(answers_dir: str | os.PathLike, output: str | os.PathLike, *, lang: str = "zh") -> int:
    """``dealerlab class report ANSWERS_DIR -o 班级报告.html|.xlsx``."""
    skipped: list = []
    path = write_class_report(answers_dir, output, lang=lang, skipped=skipped)
    for file, reason in skipped:  # named, so the trainer can look at them; they never stop the report
        print(_TXT.get("warning_skipped", lang, file=file, reason=reason), file=sys.stderr)
    print(_TXT.get("class_report_written", lang, path=path))
    return 0


def class_collect_command(sources, *, into=None, lang: str = "zh") -> int:
    """``dealerlab class collect ZIP|FOLDER... [--into DIR]``: merge trainees' answers into the class folder."""
    check_lang(lang)
    target = answers_dir(into)
    result = collect_into(sources, target)
    for file, reason in result.skipped:
        print(_TXT.get("warning_skipped", lang, file=file, reason=reason), file=sys.stderr)
    print(_TXT.get("merged", lang, files=result.files, trainees=len(result.trainees), attempts=result.new_attempts,
                   target=target))
    return 0


def class_new_command(*, answers_dir=None, lang: str = "zh") -> int:
    """``dealerlab class new``: archive the finished class (renamed; trainees' uploaded store data deleted), start anew."""
    check_lang(lang)
    root = resolve(answers_dir)
    uploads = len(list(root.glob("*/.mydata/.dealerlab-mydata"))) if root.is_dir() else 0
    archive = new_class(root)
    print(_TXT.get("archived", lang, archive=archive, root=root)
          + (_TXT.get("uploads_deleted", lang, n=uploads) if uploads else "")
          + _TXT.get("restart_server", lang))
    return 0


def handouts_command(output, *, solutions: bool = True, pdf: bool = True, only=None, lang: str = "zh") -> int:
    """``dealerlab handouts -o DIR``: every exercise and course notebook as an A4 handout (PDF through Chromium)."""
    from dealerlab.exercises.handouts import write_handouts

    check_lang(lang)
    out = Path(output)
    if out.exists() and not out.is_dir():
        raise ExerciseError(*_TXT.both("handouts_out_is_file", out=out))
    files = write_handouts(out, root=find_project_root(), solutions=solutions, pdf=pdf, only=only)
    print(_TXT.get("handouts_written", lang, files=len(files), out=out))
    return 0


def _exercises_folder() -> Path:
    try:
        root = find_project_root()
    except ExerciseError:
        root = None
    if root is not None and (root / "exercises").is_dir():
        return root / "exercises"
    if Path("exercises").is_dir():
        return Path("exercises").resolve()
    raise ExerciseError(*_TXT.both("no_exercises_folder"))


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise ExerciseError(*_TXT.both("program_missing", name=name, package="voila" if name == "voila" else "jupyterlab"))
    return found


#: server extensions switched off in the app mode (trainees see only the exercise list and Voilà pages)
_NOT_IN_APP_MODE = ("jupyterlab", "notebook", "notebook_shim", "nbclassic", "jupyter_lsp", "jupyter_server_terminals")


def workshop_argv(
    *, voila: bool = False, answers_dir: str | os.PathLike | None = None, port: int | None = None,
    open_browser: bool = True,
) -> tuple[list[str], dict[str, str], Path]:
    """The command, environment and answers folder ``dealerlab workshop`` runs (tests use it without launching)."""
    folder = resolve(answers_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    exdir = _exercises_folder()
    env = dict(os.environ)
    env[ENV_DIR] = str(folder)
    if voila:
        env["DEALERLAB_EXERCISE_LIST"] = "1"  # each exercise links back to the list
        # Voilà as a Jupyter Server extension with dealerlab's exercise list (Chinese titles) as the landing page,
        # instead of Voilà's own English file tree; no JupyterLab in the app mode
        argv = [_tool("jupyter"), "server", f"--ServerApp.root_dir={exdir}", "--ServerApp.default_url=/dealerlab/",
                "--ServerApp.ip=127.0.0.1", "--ServerApp.terminals_enabled=False",
                "--ServerApp.jpserver_extensions=voila.server_extension=True",
                "--ServerApp.jpserver_extensions=dealerlab.exercises.classroom_server=True",
                *(f"--ServerApp.jpserver_extensions={name}=False" for name in _NOT_IN_APP_MODE),
                "--VoilaConfiguration.show_tracebacks=False",
                # 「用我的门店数据」 sends the uploaded workbook over the page's websocket (tornado's default is 10 MB)
                '--ServerApp.tornado_settings={"websocket_max_message_size": 33554432}']
        if port:
            argv.append(f"--ServerApp.port={int(port)}")
        if not open_browser:
            argv.append("--no-browser")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            argv.append("--allow-root")
    else:
        argv = [_tool("jupyter"), "lab", f"--ServerApp.root_dir={exdir}"]
        if port:
            argv.append(f"--ServerApp.port={int(port)}")
        if not open_browser:
            argv.append("--no-browser")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            argv.append("--allow-root")
    return argv, env, folder


def workshop_command(
    *, voila: bool = False, answers_dir: str | os.PathLike | None = None, port: int | None = None, lang: str = "zh"
) -> int:
    """``dealerlab workshop [--voila]``: JupyterLab (or the Voilà app mode) on ``exercises/`` with the answers folder set."""
    check_lang(lang)
    argv, env, folder = workshop_argv(voila=voila, answers_dir=answers_dir, port=port)
    mode = _TXT.get("mode_voila" if voila else "mode_lab", lang)
    print(_TXT.get("workshop_start", lang, mode=mode, folder=folder))
    try:
        return subprocess.call(argv, env=env)
    except KeyboardInterrupt:
        return 0
