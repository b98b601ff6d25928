"""The bundled demo group: ``load_demo()`` reads ``datasets/demo/*.csv`` (shipped in the package as ``demo/``).

The CSVs are produced by :func:`build_demo` from ``generate()`` with the default seed; a test regenerates them and
compares hashes, so they are never edited by hand.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pandas as pd

from dealerlab._io import atomic_file
from dealerlab.data.dataset import Dataset
from dealerlab.data.schema import TABLES
from dealerlab.data.write import write_dataset
from dealerlab.datasets.docs import render_readme
from dealerlab.datasets.generate import generate

__all__ = ["load_demo", "build_demo", "demo_path"]

_READ_DTYPES = {"id": "string", "text": "string", "enum": "string", "period": "string", "int": "Int64", "number": "float64", "bool": "string", "date": "string"}
_TRUE = {"TRUE", "True", "true", "是", "1", "Y"}


def demo_path():
    """The folder holding the demo CSVs (an importlib.resources Traversable; a real folder for an installed package)."""
    return resources.files("dealerlab.datasets").joinpath("demo")


def _read_table(name: str, fh) -> pd.DataFrame:
    spec = TABLES[name]
    df = pd.read_csv(fh, dtype={c.name: _READ_DTYPES[c.kind] for c in spec.columns}, keep_default_na=False, na_values=[""])
    for c in spec.columns:
        if c.name not in df.columns:
            continue
        if c.kind == "date":
            df[c.name] = pd.to_datetime(df[c.name], format="%Y-%m-%d")
        elif c.kind == "bool":
            s = df[c.name]
            df[c.name] = pd.array([None if pd.isna(v) else v in _TRUE for v in s.tolist()], dtype="boolean")
    return df


def load_demo() -> Dataset:
    """The bundled demo dealer group: 3 stores (S01, S02 乘用车; S03 商用车) × 12 months, 2025-11..2026-10.

    Every table of docs/DATA.md, with the teaching cases described in ``datasets/README.md``. Reads the shipped CSVs
    (well under 2 s); identical to ``generate()`` with the default seed.

    Returns
    -------
    Dataset
        Source ``"demo"``.
    """
    folder = demo_path()
    frames = {}
    for name in TABLES:
        entry = folder.joinpath(f"{name}.csv")
        if not entry.is_file():
            continue
        with entry.open("r", encoding="utf-8") as fh:
            frames[name] = _read_table(name, fh)
    if not frames:
        raise FileNotFoundError(f"demo data not found in {folder}")
    return Dataset.from_frames(frames, source="demo")


def build_demo(root: str | Path, *, xlsx: bool = True) -> Dataset:
    """Regenerate the bundled demo under ``root`` (the repository's ``datasets/``).

    Writes ``demo/`` (CSVs), ``demo-client.xlsx`` (unless ``xlsx=False``) and ``README.md`` (data dictionary and
    planted cases), each atomically.
    """
    root = Path(root)
    ds = generate()
    write_dataset(ds, root / "demo", format="csv", headers="en")
    if xlsx:
        write_dataset(ds, root / "demo-client.xlsx", format="xlsx", headers="zh")
    with atomic_file(root / "README.md") as tmp:
        tmp.write_text(render_readme(ds), encoding="utf-8")
    os.chmod(root / "README.md", 0o644)
    return ds
