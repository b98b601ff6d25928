"""Executed report notebook → HTML with no code (nbconvert, our template) → optional PDF (headless Chromium)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

from dealerlab._interrupt import temporary
from dealerlab.errors import ReportError
from dealerlab.i18n import Catalogue
from dealerlab.report._nb import import_nbformat

__all__ = ["to_html", "warm_up", "to_pdf", "find_chromium", "CHROMIUM_FLAGS", "CHROMIUM_PREFIX"]

_MSG = Catalogue.load("report/export")

#: how the group report notebook's title begins (its metadata "title", matched to pick the English title)
_GROUP_TITLE_START = "集团"

#: prefix of Chromium's throw-away profile folder in $TMPDIR
CHROMIUM_PREFIX = "dealerlab-chromium-"

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _template_dir() -> str:
    return str(Path(str(resources.files("dealerlab.report") / "templates")))


@functools.lru_cache(maxsize=2)
def _html_exporter(lang: str = "zh"):
    """The HTML exporter with our template for ``lang``, built once per process (its Jinja templates are compiled on
    first use and kept: a batch worker exports store after store with it). Its ``language_code`` is set here once:
    nbconvert's check of that trait looks at the value it replaces (in the constructor too), so setting ``zh-CN``
    over ``zh-CN`` gives ``en``."""
    import_nbformat()  # before nbconvert imports it
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="dealerlab_report",
        extra_template_basedirs=[_template_dir()],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.language_code = "zh-CN" if lang == "zh" else "en"  # once, from the valid default (see above)
    return exporter


def warm_up(lang: str = "zh") -> None:
    """Import nbconvert, build the exporter for ``lang`` and render an empty notebook with it (templates loaded and
    compiled), so that the first :func:`to_html` does not pay for that; run beside other work (while a notebook
    executes)."""
    nbformat = import_nbformat()
    nb = nbformat.v4.new_notebook()
    nb.metadata["title"] = "-"
    _html_exporter(lang).from_notebook_node(nb)


def to_html(notebook: str | Path, output: str | Path, *, lang: str = "zh") -> Path:
    """Export an executed notebook to a self-contained HTML file without input cells or prompts."""
    nbformat = import_nbformat()
    nb = nbformat.read(str(notebook), as_version=4)
    # drop the injected-parameters cell and any cell tagged remove (their outputs would show)
    nb.cells = [c for c in nb.cells if not {"remove", "injected-parameters"} & set(c.get("metadata", {}).get("tags", []))]
    exporter = _html_exporter(lang)
    group = nb.metadata.get("title", "").startswith(_GROUP_TITLE_START)
    if lang == "en":
        nb.metadata["title"] = _MSG.get("title_group" if group else "title_store", "en")
    else:
        nb.metadata["title"] = nb.metadata.get("title") or _MSG.get("title_store", "zh")
    body, _ = exporter.from_notebook_node(nb)
    output = Path(output)
    output.write_text(body, encoding="utf-8")
    return output


def find_chromium() -> str | None:
    """Path of a Chromium binary (Debian's /usr/bin/chromium first), or None."""
    for name in ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name) if not name.startswith("/") else (name if Path(name).exists() else None)
        if path:
            return path
    return None


def to_pdf(html: str | Path, output: str | Path, *, timeout: int = 120) -> Path:
    """Print ``html`` to PDF with headless Chromium (A4). Chinese glyphs need a system CJK font for Chromium
    (Debian ``fonts-wqy-microhei``; ``make test``/``.ci/system-deps.sh`` install it)."""
    chromium = find_chromium()
    if chromium is None:
        raise ReportError(*_MSG.both("no_chromium"))

    output = Path(output)
    # the profile folder carries the pid: a signal handler removes it (temporary), the next report sweeps a killed one
    with tempfile.TemporaryDirectory(prefix=f"{CHROMIUM_PREFIX}{os.getpid()}-") as profile, temporary(profile):
        cmd = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={output}",
            Path(html).resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not output.exists() or output.stat().st_size == 0:
        raise ReportError(*_MSG.both("pdf_failed", code=proc.returncode, stderr=proc.stderr.strip()[-300:]))
    return output
