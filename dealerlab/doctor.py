"""``dealerlab doctor``: is this machine ready for the course? One line per piece: OK, or what to do.

Essential (exit code 1 when one fails): Python ≥ 3.10, the core packages, the Jupyter kernel ``python3``, the
ipywidgets JupyterLab extension, a Chinese font for charts. Useful but optional (a warning and the fix): Voilà (app
mode of the exercises), a system CJK font (Chinese in the browser and in PDF reports), Chromium (PDF export and
browser tests), the test tools.

Checks run in-process (no ``jupyter`` sub-commands), so the command takes about a second.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path

from dealerlab._options import check_lang
from dealerlab.i18n import Catalogue
from dealerlab.plots.style import find_cjk_font

__all__ = ["Check", "run_checks", "doctor_command", "CORE_PACKAGES", "OPTIONAL_PACKAGES"]

#: import name → distribution name, essential
CORE_PACKAGES = {
    "pandas": "pandas",
    "numpy": "numpy",
    "matplotlib": "matplotlib",
    "seaborn": "seaborn",
    "openpyxl": "openpyxl",
    "pyarrow": "pyarrow",
    "jupyterlab": "jupyterlab",
    "ipykernel": "ipykernel",
    "ipywidgets": "ipywidgets",
    "papermill": "papermill",
    "nbconvert": "nbconvert",
    "nbformat": "nbformat",
    "jinja2": "Jinja2",
}
#: import name → distribution name, optional (tests, app mode)
OPTIONAL_PACKAGES = {"voila": "voila", "pytest": "pytest", "nbval": "nbval", "hypothesis": "hypothesis", "playwright": "playwright"}

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

_MSG = Catalogue.load("doctor")


@dataclass(frozen=True)
class Check:
    """One line of the doctor: what was checked, whether it is OK, how to fix it, and whether it is essential."""

    key: str
    ok: bool
    text_zh: str
    text_en: str
    fix: str = ""
    essential: bool = True

    def text(self, lang: str = "zh") -> str:
        return self.text_en if lang == "en" else self.text_zh


def _check(key: str, ok: bool, msg: str, fix: str = "", essential: bool = True, **values) -> Check:
    zh, en = _MSG.both(msg, **values)
    return Check(key, ok, zh, en, "" if ok else fix, essential)


def _pip() -> str:
    return f"{Path(sys.executable)} -m pip install"


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _kernel_dir() -> str | None:
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        specs = KernelSpecManager().find_kernel_specs()
    except Exception:  # jupyter_client missing or broken
        return None
    return specs.get("python3")


def _widgets_extension() -> str | None:
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return None
    for base in jupyter_path("labextensions"):
        p = Path(base) / "@jupyter-widgets" / "jupyterlab-manager"
        if (p / "package.json").is_file():
            return str(p)
    return None


def _fc_list() -> str:
    """Families of installed system fonts covering Chinese (``fc-list :lang=zh family``), or ""."""
    exe = shutil.which("fc-list")
    if not exe:
        return ""
    try:
        out = subprocess.run([exe, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        hit = shutil.which(name)
        if hit:
            return hit
    for p in CHROMIUM_PATHS:
        if Path(p).is_file():
            return p
    return None


def _cjk_font() -> str | None:
    return find_cjk_font()


def run_checks() -> list[Check]:
    """Every check, in the order printed."""
    checks = []
    v = sys.version_info
    version = f"{v.major}.{v.minor}.{v.micro}"
    checks.append(_check("python", v >= (3, 10), "python" if v >= (3, 10) else "python_old",
                         _MSG.text("fix_python"), version=version))
    for module, dist in CORE_PACKAGES.items():
        ver = _version(dist)
        ok = ver is not None and util.find_spec(module) is not None
        checks.append(_check(f"package:{dist}", ok, "package" if ok else "package_missing", f"{_pip()} {dist}",
                             name=dist, version=ver or ""))
    where = _kernel_dir()
    checks.append(_check("kernel", where is not None, "kernel" if where else "kernel_missing",
                         f"{Path(sys.executable)} -m ipykernel install --sys-prefix --name python3", where=where or ""))
    ext = _widgets_extension()
    checks.append(_check("widgets", ext is not None, "widgets" if ext else "widgets_missing",
                         f"{_pip()} 'ipywidgets>=8.1' jupyterlab_widgets", where=ext or ""))
    family = _cjk_font()
    checks.append(_check("font", family is not None, "font" if family else "font_missing",
                         _MSG.get("fix_font", "zh", pip=_pip()), family=family or ""))
    ver = _version("voila")
    checks.append(_check("voila", ver is not None, "voila" if ver else "voila_missing", f"{_pip()} voila", essential=False, version=ver or ""))
    for module, dist in OPTIONAL_PACKAGES.items():
        if module == "voila":
            continue
        ver = _version(dist)
        checks.append(_check(f"package:{dist}", ver is not None, "package" if ver else "package_missing",
                             f"{_pip()} -e '.[test]'", essential=False, name=dist, version=ver or ""))
    sysfont = _fc_list()
    first = sysfont.splitlines()[0].split(",")[0] if sysfont else ""
    checks.append(_check("sysfont", bool(sysfont), "sysfont" if sysfont else "sysfont_missing",
                         "sudo apt-get install -y fonts-wqy-microhei", essential=False, family=first))
    chrome = _chromium()
    checks.append(_check("chromium", chrome is not None, "chromium" if chrome else "chromium_missing",
                         "sudo apt-get install -y --no-install-recommends chromium", essential=False, path=chrome or ""))
    return checks


def doctor_command(*, lang: str = "zh") -> int:
    """Print every check (OK, or the fix command); exit code 0 when everything essential is OK, else 1."""
    check_lang(lang)
    checks = run_checks()
    print(_MSG.get("title", lang))
    for c in checks:
        status = _MSG.get("ok" if c.ok else ("missing" if c.essential else "warn"), lang)
        print(f"[{status}] {c.text(lang)}")
        if not c.ok:
            print(f"      {_MSG.get('fix', lang)}: {c.fix}")
    bad = [c for c in checks if not c.ok and c.essential]
    optional = [c for c in checks if not c.ok and not c.essential]
    print()
    print(_MSG.get("summary_bad", lang, n=len(bad)) if bad else _MSG.get("summary_ok", lang))
    if optional:
        print(_MSG.get("summary_warn", lang, n=len(optional)))
    return 1 if bad else 0
