"""The floor of anything notebook-shaped (R1, R4): papermill executes a one-cell notebook, nbconvert writes HTML.

    .venv/bin/python benchmarks/floor.py OUTDIR

One process, like ``dealerlab report``: a kernel start, one trivial cell, an HTML export. run.py times the whole
process (interpreter start and imports included, as for the report), so a ratio to it says how much a report or a
course notebook costs beyond what Jupyter itself costs.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("1 + 1"))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src = out / "floor.ipynb"
    nbformat.write(nb, src)
    papermill.execute_notebook(str(src), str(out / "floor-run.ipynb"), kernel_name="python3", progress_bar=False)
    html, _ = HTMLExporter(exclude_input=True).from_filename(str(out / "floor-run.ipynb"))
    (out / "floor.html").write_text(html, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
