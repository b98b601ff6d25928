"""``dealerlab datasets generate``: the CLI only parses; this writes a generated group atomically."""

from __future__ import annotations

from pathlib import Path

from dealerlab._output import check_output_dir, check_output_file, environment_error
from dealerlab.data.write import write_dataset
from dealerlab.datasets.generate import GroupConfig, generate
from dealerlab.errors import DealerlabError
from dealerlab.i18n import Catalogue

__all__ = ["generate_command"]

_MSG = Catalogue.load("datasets/commands")


def generate_command(args) -> int:
    """Generate a synthetic group from parsed CLI ``args`` and write it to ``args.output``; return the exit code.

    ``args`` has output, stores, months, end, seed, commercial_share, scale, format and lang (see ``dealerlab.cli``).
    An ``.xlsx`` output (or ``--format xlsx``) is one workbook with Chinese sheet names and headers; csv/parquet
    write a folder of ``<table>.<ext>`` with English headers.
    """
    lang = getattr(args, "lang", "zh")
    fmt = args.format
    out = Path(args.output)
    if out.suffix.lower() == ".xlsx":
        fmt = "xlsx"
    try:
        cfg = GroupConfig(
            seed=args.seed, stores=args.stores, months=args.months, end=args.end,
            commercial_share=args.commercial_share, scale=args.scale,
        )
    except ValueError as exc:
        print(_MSG.get("bad_parameters", lang, error=exc))
        return 1
    except DealerlabError as exc:
        print(exc.message(lang) if hasattr(exc, "message") else str(exc))
        return 1

    if fmt == "xlsx":
        check_output_file(out, force=getattr(args, "force", False), example=_MSG.text("example_file"))
    else:
        check_output_dir(out, kind="dataset")  # never replaces a folder dealerlab did not write
    ds = generate(cfg)
    try:
        path = write_dataset(ds, out, format=fmt, headers="zh" if fmt == "xlsx" else "en", manifest=fmt != "xlsx")
    except OSError as err:
        env = environment_error(err, where=out)
        if env is None:
            raise
        raise env from None
    rows = sum(len(t) for t in ds.tables.values())
    print(_MSG.get("generated", lang, stores=cfg.stores, months=cfg.months, seed=cfg.seed, rows=rows, path=path))
    return 0
