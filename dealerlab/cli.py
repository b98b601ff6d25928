"""The ``dealerlab`` command: parse, call one library function, print a DealerlabError nicely, set the exit code.

No logic lives here: every command calls a function that notebooks and tests call too. A ``DealerlabError`` is printed
as its message (Chinese by default, ``--lang en`` for English) with exit code 1 — never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from dealerlab._interrupt import Interrupted, exit_code, handle_signals, message
from dealerlab._output import environment_error
from dealerlab._terminal import clean, clean_streams
from dealerlab.errors import DealerlabError
from dealerlab.i18n import Catalogue

__all__ = ["main", "build_parser"]

_MSG = Catalogue.load("cli")


_ARG_ERRORS = Catalogue.load("cli.arg_errors")

#: the --help texts of the commands and options (one text each, whatever --lang: the parser is built before it is read)
_HELP = Catalogue.load("cli.help")


def _h(key: str) -> str:
    """The help text ``key`` of :data:`_HELP`."""
    return _HELP.text(key)


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors in the user's language (Chinese by default) and exit code 1 — a mistyped
    option is a problem of the options, like any other (``main``'s exit codes); ``--help`` stays argparse's."""

    lang = "zh"

    def error(self, message: str) -> NoReturn:
        rules = [
            (r"the following arguments are required: (?P<what>.+)", "required"),
            (r"unrecognized arguments: (?P<what>.+)", "unrecognized"),
            (r"argument (?P<arg>\S+): invalid choice: '?(?P<value>[^']*)'? \(choose from (?P<choices>.+)\)", "choice"),
            (r"argument (?P<arg>\S+): expected one argument", "one_value"),
            (r"argument (?P<arg>\S+): invalid \S+ value: '?(?P<value>[^']*)'?", "bad_value"),
        ]
        key, fields = "other", {"what": message}
        for pattern, rule in rules:
            if m := re.fullmatch(pattern, message):
                key, fields = rule, m.groupdict()
                break
        self.print_usage(sys.stderr)
        text = f"{self.prog}: {_ARG_ERRORS.get(key, self.lang, **fields)}\n{_ARG_ERRORS.get('hint', self.lang, prog=self.prog)}"
        self.exit(1, clean(text) + "\n")


def _add_lang(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help=_h("lang"))


def _add_force(p: argparse.ArgumentParser, *, folder: bool = False) -> None:
    extra = _h("force_folder") if folder else ""
    p.add_argument("--force", action="store_true", help=_HELP.get("force", "zh", extra=extra))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dealerlab", description=_h("description"))
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help=_h("validate.help"))
    p.add_argument("path", help=_h("validate.path"))
    p.add_argument("--progress", action="store_true", help=_h("validate.progress"))
    _add_lang(p)

    p = sub.add_parser("template", help=_h("template.help"))
    p.add_argument("-o", "--output", required=True)
    _add_force(p)
    _add_lang(p)

    p = sub.add_parser("doctor", help=_h("doctor.help"))
    _add_lang(p)

    p = sub.add_parser("datasets", help=_h("datasets.help"))
    dsub = p.add_subparsers(dest="datasets_command", required=True)
    g = dsub.add_parser("generate", help=_h("datasets.generate.help"))
    g.add_argument("-o", "--output", required=True, help=_h("datasets.generate.output"))
    g.add_argument("--stores", type=int, default=3)
    g.add_argument("--months", type=int, default=12)
    g.add_argument("--end", default="2026-10", help=_h("datasets.generate.end"))
    g.add_argument("--seed", type=int, default=20261023)
    g.add_argument("--commercial-share", type=float, default=1 / 3, help=_h("datasets.generate.commercial_share"))
    g.add_argument("--scale", type=float, default=1.0, help=_h("datasets.generate.scale"))
    g.add_argument("--format", choices=["csv", "parquet", "xlsx"], default="csv")
    _add_force(g, folder=True)
    _add_lang(g)

    p = sub.add_parser("metrics", help=_h("metrics.help"))
    p.add_argument("data")
    p.add_argument("--period", required=True, help="YYYY-MM")
    p.add_argument("--months", type=int, default=1, help=_h("metrics.months"))
    p.add_argument("--store", default=None)
    p.add_argument("-o", "--output", required=True, help=".csv / .json / .xlsx")
    _add_force(p)
    _add_lang(p)

    p = sub.add_parser("findings", help=_h("findings.help"))
    p.add_argument("data")
    p.add_argument("--period", required=True, help="YYYY-MM")
    p.add_argument("--store", default=None)
    p.add_argument("--benchmarks", default=None, help=_h("findings.benchmarks"))
    p.add_argument("--show-pii", action="store_true", help=_h("findings.show_pii"))
    p.add_argument("--force", action="store_true", help=_h("findings.force"))
    p.add_argument("-o", "--output", required=True, help="findings.csv / findings.xlsx")
    _add_lang(p)

    p = sub.add_parser("report", help=_h("report.help"))
    p.add_argument("data")
    p.add_argument("--period", required=True, help="YYYY-MM")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--store", default=None)
    scope.add_argument("--all-stores", action="store_true")
    p.add_argument("--benchmarks", default=None, help=_h("report.benchmarks"))
    p.add_argument("--pdf", action="store_true", help=_h("report.pdf"))
    p.add_argument("--pptx", action="store_true", help=_h("report.pptx"))
    p.add_argument("--notes", default=None, help=_h("report.notes"))
    p.add_argument("--brand", default=None, help=_h("report.brand"))
    p.add_argument("--show-pii", action="store_true", help=_h("report.show_pii"))
    p.add_argument("-o", "--output", required=True, help=_h("report.output"))
    _add_lang(p)

    p = sub.add_parser("exercises", help=_h("exercises.help"))
    esub = p.add_subparsers(dest="exercises_command", required=True)
    b = esub.add_parser("build", help=_h("exercises.build.help"))
    b.add_argument("--check", action="store_true", help=_h("exercises.build.check"))
    _add_lang(b)

    p = sub.add_parser("class", help=_h("class.help"))
    csub = p.add_subparsers(dest="class_command", required=True)
    for name in ("report", "export"):
        r = csub.add_parser(name, help=_h(f"class.{name}.help"))
        r.add_argument("answers_dir")
        r.add_argument("-o", "--output", required=True, help=_h("class.gradebook.output"))
        _add_force(r)
        _add_lang(r)
    r = csub.add_parser("collect", help=_h("class.collect.help"))
    r.add_argument("sources", nargs="+", help=_h("class.collect.sources"))
    r.add_argument("--into", default=None, help=_h("class.collect.into"))
    _add_lang(r)
    r = csub.add_parser("new", help=_h("class.new.help"))
    r.add_argument("--answers-dir", default=None, help=_h("class.new.answers_dir"))
    _add_lang(r)

    p = sub.add_parser("classroom", help=_h("classroom.help"))
    p.add_argument("--ip", default="0.0.0.0", help=_h("classroom.ip"))
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--answers-dir", default=None, help=_h("classroom.answers_dir"))
    p.add_argument("--code", default=None, help=_h("classroom.code"))
    p.add_argument("--trainer-code", default=None, help=_h("classroom.trainer_code"))
    p.add_argument("--cull-after", type=int, default=180, help=_h("classroom.cull_after"))
    p.add_argument("--cull-interval", type=int, default=30, help=_h("classroom.cull_interval"))
    p.add_argument("--max-kernels", type=int, default=4, help=_h("classroom.max_kernels"))
    p.add_argument("--qr", default=None, help=_h("classroom.qr"))
    _add_lang(p)

    p = sub.add_parser("handouts", help=_h("handouts.help"))
    p.add_argument("-o", "--output", required=True, help=_h("handouts.output"))
    p.add_argument("--no-solutions", action="store_true", help=_h("handouts.no_solutions"))
    p.add_argument("--html", action="store_true", help=_h("handouts.html"))
    p.add_argument("--only", nargs="*", default=None, help=_h("handouts.only"))
    _add_lang(p)

    p = sub.add_parser("workshop", help=_h("workshop.help"))
    p.add_argument("--voila", action="store_true", help=_h("workshop.voila"))
    p.add_argument("--class", dest="classroom", action="store_true",
                   help=_h("workshop.class"))
    p.add_argument("--ip", default="0.0.0.0", help=_h("workshop.ip"))
    p.add_argument("--answers-dir", default=None)
    p.add_argument("--port", type=int, default=None)
    _add_lang(p)
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    cmd = args.command
    if cmd == "validate":
        from dealerlab.data.commands import validate_command

        return validate_command(args.path, lang=args.lang, progress=args.progress)
    if cmd == "template":
        from dealerlab._output import check_output_file
        from dealerlab.data.template import write_template

        target = Path(args.output)
        if target.is_dir() or target.name in ("", ".", ".."):
            check_output_file(target, example=_MSG.text("template_example_file"))  # a folder: refused, asking for a file name
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")  # as write_template does
        check_output_file(target, force=args.force)
        path = write_template(target, lang=args.lang)
        print(_MSG.get("template_written", args.lang, path=path))
        return 0
    if cmd == "doctor":
        from dealerlab.doctor import doctor_command

        return doctor_command(lang=args.lang)
    if cmd == "datasets":
        from dealerlab.datasets.commands import generate_command

        return generate_command(args)
    if cmd == "metrics":
        from dealerlab.report.commands import metrics_command

        return metrics_command(args)
    if cmd == "findings":
        from dealerlab.report.commands import findings_command

        return findings_command(args)
    if cmd == "report":
        from dealerlab.report.commands import report_command

        return report_command(args)
    if cmd == "exercises":
        from dealerlab.exercises.commands import build_command

        return build_command(check=args.check, lang=args.lang)
    if cmd == "class":
        from dealerlab._output import check_output_file
        from dealerlab.exercises.commands import class_collect_command, class_new_command, class_report_command

        if args.class_command == "collect":
            return class_collect_command(args.sources, into=args.into, lang=args.lang)
        if args.class_command == "new":
            return class_new_command(answers_dir=args.answers_dir, lang=args.lang)
        check_output_file(args.output, inputs=[args.answers_dir], force=args.force, example=_MSG.text("class_report_example_file"))
        return class_report_command(args.answers_dir, args.output, lang=args.lang)
    if cmd == "handouts":
        from dealerlab.exercises.commands import handouts_command

        return handouts_command(args.output, solutions=not args.no_solutions, pdf=not args.html, only=args.only,
                                lang=args.lang)
    if cmd == "classroom":
        from dealerlab.exercises.classroom import classroom_command

        return classroom_command(ip=args.ip, port=args.port, answers_dir=args.answers_dir, join_code=args.code,
                                 trainer_code=args.trainer_code, cull_after=args.cull_after,
                                 cull_interval=args.cull_interval, max_kernels=args.max_kernels, qr_png=args.qr, lang=args.lang)
    if cmd == "workshop" and args.classroom:
        from dealerlab.exercises.classroom import classroom_command

        return classroom_command(ip=args.ip, port=args.port or 8866, answers_dir=args.answers_dir, lang=args.lang)
    if cmd == "workshop":
        from dealerlab.exercises.commands import workshop_command

        return workshop_command(voila=args.voila, answers_dir=args.answers_dir, port=args.port, lang=args.lang)
    raise AssertionError(cmd)


def _print_error(text: str) -> None:
    print(clean(text), file=sys.stderr)  # client values inside a message never drive the terminal


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dealerlab`` command line; return the exit code.

    0 success; 1 a problem of the input, the options or the user's machine (one clear message, no traceback);
    2 an internal error (the traceback goes to a log file); 130/143 stopped by Ctrl-C/SIGTERM (every child process
    ends, temporary files are removed).
    """
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    _Parser.lang = "en" if any(w in ("--lang=en",) or (w == "--lang" and words[i + 1: i + 2] == ["en"])
                               for i, w in enumerate(words)) else "zh"
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", "zh")
    try:
        # a report runs kernels and worker processes: a signal stops them all at once (hard stop)
        # servers (classroom, workshop) print their own output; every other command's output passes the cleaner
        streams = clean_streams() if args.command not in ("classroom", "workshop") else contextlib.nullcontext()
        with handle_signals(lang=lang, hard=args.command == "report"), streams:
            return _dispatch(args)
    except DealerlabError as err:
        _print_error(err.message(lang))
        return err.exit_code
    except KeyboardInterrupt as err:  # Ctrl-C (SIGINT) or SIGTERM: the finally blocks have removed partial files
        import signal

        signum = err.signum if isinstance(err, Interrupted) else signal.SIGINT
        _print_error(message(signum, lang))
        return exit_code(signum)
    except BrokenPipeError:  # `dealerlab validate … | head`: the reader has gone; nothing is wrong, nothing to say
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit must not fail again
        except (OSError, ValueError, AttributeError):
            pass
        return 141  # 128 + SIGPIPE, what a shell tool exits with here
    except OSError as err:  # read-only folder, disk full, a folder where a file is needed: the user's machine
        env = environment_error(err, where=getattr(args, "output", None))
        if env is None:
            return _internal_error(err, lang)
        _print_error(env.message(lang))
        return env.exit_code
    except Exception as err:  # an unexpected bug: a short message, the traceback goes to a log file
        return _internal_error(err, lang)


def _internal_error(err: Exception, lang: str) -> int:
    with tempfile.NamedTemporaryFile("w", prefix="dealerlab-error-", suffix=".log", delete=False) as log:
        traceback.print_exception(err, file=log)
    _print_error(_MSG.get("internal_error", lang, kind=type(err).__name__, err=err, log=log.name))
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
