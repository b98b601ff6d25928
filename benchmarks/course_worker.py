"""R4's run: execute every course notebook (``notebooks/*.ipynb``) top to bottom with papermill, in one process.

    .venv/bin/python benchmarks/course_worker.py OUTDIR

Each notebook runs in a fresh kernel (as a trainee's Run All does), in the notebooks folder, with answers kept in a
temporary folder. Prints one JSON line: seconds per notebook. Executed copies go to OUTDIR (never into the repo).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    import papermill

    os.environ.setdefault("DEALERLAB_ANSWERS_DIR", tempfile.mkdtemp(prefix="dealerlab-bench-answers-"))
    os.environ.setdefault("DEALERLAB_TRAINEE", "bench")
    times = {}
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        t0 = time.perf_counter()
        papermill.execute_notebook(
            str(nb), str(out / nb.name), kernel_name="python3", progress_bar=False, cwd=str(nb.parent)
        )
        times[nb.name] = time.perf_counter() - t0
    print(json.dumps(times))
    return 0


if __name__ == "__main__":
    sys.exit(main())
