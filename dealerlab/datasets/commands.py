"""``dealerlab datasets generate``: the CLI only parses; this writes a generated group atomically."""

from __future__ import annotations

from dealerlab.datasets.generate import GroupConfig, generate

__all__ = ["generate_command"]


def generate_command(args) -> int:
    """Generate a synthetic group from parsed CLI ``args`` and write it to ``args.output``; return the exit code.

    ``args`` has output, stores, months, end, seed, commercial_share, scale, format and lang (see ``dealerlab.cli``).
    An ``.xlsx`` output (or ``--format xlsx``) is one workbook with Chinese sheet names and headers; csv/parquet
    write a folder of ``<table>.<ext>`` with English headers.
    """
    from pathlib import Path

    from dealerlab.data.write import write_dataset
    from dealerlab.errors import DealerlabError

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
        print(("参数无效：" if lang == "zh" else "invalid parameters: ") + str(exc))
        return 1
    except DealerlabError as exc:
        print(exc.message(lang) if hasattr(exc, "message") else str(exc))
        return 1
    from dealerlab._output import check_output_dir, check_output_file, environment_error

    if fmt == "xlsx":
        check_output_file(out, force=getattr(args, "force", False), example="合成数据.xlsx")
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
    if lang == "zh":
        print(f"已生成 {cfg.stores} 家门店 × {cfg.months} 个月（种子 {cfg.seed}），共 {rows} 行，写入 {path}")
    else:
        print(f"generated {cfg.stores} stores × {cfg.months} months (seed {cfg.seed}), {rows} rows, written to {path}")
    return 0
