"""Drawing only: every function takes tidy tables from the compute modules and an optional ``ax``, and returns the Axes.

Call :func:`dealerlab.plots.style.set_style` first so Chinese labels render.
"""

from dealerlab.plots.style import set_style, use_chinese_font

__all__ = ["set_style", "use_chinese_font"]
