"""Chinese fonts and the house style for matplotlib/seaborn charts.

Nothing happens at import. Call :func:`set_style` once (the first cell of every notebook does), or
:func:`use_chinese_font` alone to keep your own theme. Both survive ``sns.set_theme`` only if called after it:
``set_style`` calls ``sns.set_theme`` itself and then applies the font.

Font lookup order: the OFL Noto Sans SC shipped inside dealerlab (``dealerlab/plots/fonts``), then any installed
font that covers Chinese (Noto Sans CJK, WenQuanYi, Source Han, SimHei, Microsoft YaHei, PingFang).
"""

from __future__ import annotations

import warnings
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from dealerlab.i18n import Catalogue

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["use_chinese_font", "set_style", "find_cjk_font", "get_axes", "PALETTE", "STATUS_COLORS"]

_MSG = Catalogue.load("plots/style")

#: house palette (colour-blind safe, from seaborn "colorblind")
PALETTE = ["#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc", "#ca9161", "#fbafe4", "#949494", "#ece133", "#56b4e9"]
#: traffic-light colours used by boards and cadence tables
STATUS_COLORS = {"good": "#029e73", "watch": "#e6a817", "bad": "#c0392b", "na": "#949494"}

_SYSTEM_CJK = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
)


_BUNDLED = ("NotoSansSC-Regular.ttf", "NotoSansSC-Bold-GB2312.ttf")  # the bold face is a GB2312 subset (2.5 MB)


def _bundled_font(name: str = _BUNDLED[0]) -> Path | None:
    try:
        path = resources.files("dealerlab.plots") / "fonts" / name
        with resources.as_file(path) as p:
            return Path(p) if Path(p).is_file() else None
    except (FileNotFoundError, ModuleNotFoundError):
        return None


def find_cjk_font() -> str | None:
    """Register and return the family name of a font with Chinese glyphs, or ``None`` when there is none."""
    from matplotlib import font_manager

    bundled = _bundled_font()
    if bundled is not None:
        for name in _BUNDLED:
            face = _bundled_font(name)
            if face is not None:
                font_manager.fontManager.addfont(str(face))
        return font_manager.FontProperties(fname=str(bundled)).get_name()
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in _SYSTEM_CJK:
        if family in names:
            return family
    return None


def use_chinese_font() -> str | None:
    """Make matplotlib draw Chinese text: DejaVu Sans for Latin, a CJK font as per-glyph fallback.

    Returns the CJK family used. When none is found, warns with the fix and returns ``None``.
    """
    import matplotlib as mpl

    family = find_cjk_font()
    if family is None:
        warnings.warn(
            _MSG.text("no_cjk_font"),
            stacklevel=2,
        )
        return None
    mpl.rcParams["font.family"] = ["DejaVu Sans", family]
    mpl.rcParams["axes.unicode_minus"] = False
    mpl.rcParams["text.parse_math"] = False  # client names with "$" are text, not math
    return family


def set_style(*, context: str = "notebook", font_scale: float = 1.0) -> str | None:
    """Apply the house style (seaborn whitegrid, house palette, Chinese font). Returns the CJK family used."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(context=context, style="whitegrid", palette=PALETTE, font_scale=font_scale)
    mpl.rcParams["figure.dpi"] = 100
    mpl.rcParams["savefig.dpi"] = 150
    mpl.rcParams["savefig.bbox"] = "tight"
    # titles in the regular face: it covers every CJK character (the bold face covers GB2312 only)
    mpl.rcParams["axes.titleweight"] = "normal"
    mpl.rcParams["axes.titlesize"] = "large"
    return use_chinese_font()


def get_axes(ax: Axes | None = None, size: tuple[float, float] | None = None, **subplot_kw) -> Axes:
    """The Axes a chart draws on: ``ax`` itself, or the Axes of a new figure ``size`` inches wide and high
    (matplotlib's default size when ``None``); ``subplot_kw`` go to the new Axes (e.g. ``projection="polar"``).

    Parameters
    ----------
    ax : matplotlib Axes, optional
        The caller's Axes.
    size : (float, float), optional
        Figure size of a new figure, in inches.
    **subplot_kw
        Passed to the new Axes.

    Returns
    -------
    matplotlib Axes
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size, subplot_kw=subplot_kw or None)
    return ax
